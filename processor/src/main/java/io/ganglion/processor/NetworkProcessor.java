package io.ganglion.processor;

import com.google.auto.service.AutoService;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.FilerException;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.tools.Diagnostic;

/**
 * Ganglion's annotation processor: finds {@code @Network} classes, checks them with {@link
 * NetworkValidator} and writes {@code Net_<Name>} with {@link NetworkWriter}. Nothing it throws
 * reaches javac: an unexpected failure becomes one error on the class, asking for a bug report.
 *
 * <p>Option {@code -Aganglion.summary=true} prints each network's summary as a note; {@code
 * -Aganglion.vector=false} turns off the Vector API kernels even where the module is visible.
 */
@AutoService(Processor.class)
public final class NetworkProcessor extends AbstractProcessor {
  static final String SUMMARY_OPTION = "ganglion.summary";
  static final String VECTOR_OPTION = "ganglion.vector";

  /** Classes waiting for a type another processor may generate, with that type's name. */
  private final Map<String, String> deferred = new LinkedHashMap<>();
  /** The classes this processor has written in this compilation, by qualified name. */
  private final Set<String> written = new HashSet<>();
  /** Networks of this round whose kernels' name another network's class has: no kernels. */
  private final Set<TypeElement> kernelsWithoutName = new HashSet<>();

  /** Writes the generated class; replaceable in tests to exercise the internal-error path. */
  private final Function<NetworkModel, JavaFile> writer;

  public NetworkProcessor() {
    this(model -> new NetworkWriter(model).write());
  }

  NetworkProcessor(Function<NetworkModel, JavaFile> writer) {
    this.writer = writer;
  }

  @Override
  public Set<String> getSupportedAnnotationTypes() {
    Set<String> types = new LinkedHashSet<>();
    types.add(NetworkValidator.NETWORK);
    types.addAll(NetworkValidator.LAYER_ANNOTATIONS);
    return types;
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  @Override
  public Set<String> getSupportedOptions() {
    return Set.of(SUMMARY_OPTION, VECTOR_OPTION);
  }

  private boolean summaryOption;
  private boolean vectorOption = true;
  private CountingMessager messager;

  @Override
  public synchronized void init(ProcessingEnvironment env) {
    super.init(env);
    messager = new CountingMessager(env.getMessager());
    summaryOption = booleanOption(SUMMARY_OPTION, false);
    vectorOption = booleanOption(VECTOR_OPTION, true);
  }

  /**
   * Option {@code key}: true or false (any case), true when given without a value ({@code
   * -Aganglion.summary}), {@code absent} when not given; any other value is warned about once and
   * leaves the default.
   */
  private boolean booleanOption(String key, boolean absent) {
    Map<String, String> options = processingEnv.getOptions();
    if (!options.containsKey(key)) {
      return absent;
    }
    String value = options.get(key);
    if (value == null || value.equalsIgnoreCase("true")) {
      return true;
    }
    if (value.equalsIgnoreCase("false")) {
      return false;
    }
    messager.printMessage(
        Diagnostic.Kind.WARNING, Messages.badOption(key, value, absent));
    return absent;
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    // Any error of this round (on an orphan layer too) ends the rounds: see below.
    int errorsBefore = messager.errors();
    NetworkValidator validator =
        new NetworkValidator(
            messager,
            processingEnv.getElementUtils(),
            processingEnv.getTypeUtils());
    Map<String, TypeElement> todo = new LinkedHashMap<>();
    for (String name : deferred.keySet()) {
      TypeElement type = processingEnv.getElementUtils().getTypeElement(name);
      if (type != null) {
        todo.put(name, type);
      }
    }
    TypeElement networkAnnotation =
        processingEnv.getElementUtils().getTypeElement(NetworkValidator.NETWORK);
    if (networkAnnotation != null) {
      for (Element element : round.getElementsAnnotatedWith(networkAnnotation)) {
        if (element instanceof TypeElement) {
          TypeElement type = (TypeElement) element;
          todo.put(type.getQualifiedName().toString(), type);
        } else {
          messager.printMessage(
              Diagnostic.Kind.ERROR,
              Messages.notAClass(element.getSimpleName().toString(), "not a type"),
              element);
        }
      }
    }
    Set<Element> layerFields = new LinkedHashSet<>();
    for (String layerAnnotation : NetworkValidator.LAYER_ANNOTATIONS) {
      TypeElement annotation = processingEnv.getElementUtils().getTypeElement(layerAnnotation);
      if (annotation != null) {
        layerFields.addAll(round.getElementsAnnotatedWith(annotation));
      }
    }
    for (Element element : layerFields) {
      if (element.getKind() == ElementKind.FIELD
          || element.getKind() == ElementKind.ENUM_CONSTANT) {
        validator.checkOrphanLayer((VariableElement) element, todo.values());
      }
    }
    deferred.clear();
    kernelsWithoutName.clear();
    Map<TypeElement, Boolean> kernelNamed = takeKernelNames(todo.values());
    for (Map.Entry<String, TypeElement> entry : todo.entrySet()) {
      Boolean standIn = kernelNamed.get(entry.getValue());
      if (standIn != null) {
        try {
          if (standIn) {
            writeStandIn(entry.getValue(), false);
          }
        } catch (IOException | RuntimeException | Error e) {
          messager.printMessage(Diagnostic.Kind.ERROR,
              Messages.internalError(entry.getKey(), e), entry.getValue());
        }
        continue;
      }
      processOne(validator, entry.getValue());
    }
    if (round.processingOver()) {
      // What is still unresolved now never appeared: javac reports it itself ("cannot find
      // symbol", on the very value or type), which is the one error such a class gets.
      deferred.clear();
    } else if (messager.errors() > errorsBefore) {
      // No round follows but the last, whose files javac does not compile: a class waiting
      // (say for Net_Encoder.OUTPUTS of a network with errors) gets its stand-in now, so that
      // uses of its Net_ class add no errors. Its own mistakes show once the others are fixed.
      NetworkValidator quiet = new NetworkValidator(CountingMessager.silent(),
          processingEnv.getElementUtils(), processingEnv.getTypeUtils());
      for (String name : deferred.keySet()) {
        TypeElement type = processingEnv.getElementUtils().getTypeElement(name);
        try {
          writeStandIn(type, quiet.checkExtendable(type));
        } catch (IOException | RuntimeException | Error e) {
          messager.printMessage(
              Diagnostic.Kind.ERROR, Messages.internalError(name, e), type);
        }
      }
      deferred.clear();
    }
    return false;
  }

  /**
   * Reports the networks of this round whose generated class has the name of another network's
   * Vector API kernels, {@code Net_X_Vector} (a class {@code Vector} nested in network {@code X},
   * or a network {@code X_Vector} beside {@code X}), and returns them, each mapped to whether it
   * writes the stand-in of that name (the first of those sharing it). The kernels exist only with
   * {@code --add-modules jdk.incubator.vector} and layers large enough; the clash is reported
   * always, and the owner is then written without kernels, so that a source compiles the same
   * with and without them. (Networks of other compilations are not seen.)
   */
  private Map<TypeElement, Boolean> takeKernelNames(Collection<TypeElement> networks) {
    Map<ClassName, List<TypeElement>> byGenerated = new HashMap<>();
    for (TypeElement type : networks) {
      byGenerated.computeIfAbsent(NetworkValidator.generatedName(ClassName.get(type)),
          k -> new ArrayList<>()).add(type);
    }
    Map<TypeElement, Boolean> taken = new LinkedHashMap<>();
    for (TypeElement type : networks) {
      ClassName kernels = VectorWriter.kernelsName(
          NetworkValidator.generatedName(ClassName.get(type)));
      List<TypeElement> holders = byGenerated.getOrDefault(kernels, List.of());
      for (int k = 0; k < holders.size(); k++) {
        TypeElement holder = holders.get(k);
        messager.printMessage(Diagnostic.Kind.ERROR,
            Messages.kernelNameTaken(holder.getSimpleName().toString(), kernels.simpleName(),
                type.getSimpleName().toString()),
            holder);
        taken.put(holder, k == 0);
      }
      if (!holders.isEmpty()) {
        kernelsWithoutName.add(type);
      }
    }
    return taken;
  }

  /**
   * Vector API kernels are generated when the compilation can see {@code jdk.incubator.vector}
   * (javac run with {@code --add-modules jdk.incubator.vector}) and, in a named module, that
   * module reads it ({@code requires static jdk.incubator.vector;}), unless {@code
   * -Aganglion.vector=false}.
   */
  private boolean vectorAvailable(TypeElement network) {
    if (!vectorOption) {
      return false;
    }
    return processingEnv.getElementUtils().getTypeElement("jdk.incubator.vector.FloatVector")
        != null && JavaFiles.reads(network, "jdk.incubator.vector");
  }

  private void processOne(NetworkValidator validator, TypeElement type) {
    try {
      Optional<NetworkModel> model = validator.validate(type);
      if (validator.unresolvedType().isPresent()) {
        deferred.put(type.getQualifiedName().toString(), validator.unresolvedType().get());
        return;
      }
      if (model.isEmpty()) {
        writeStandIn(type, validator.extendable());
        return;
      }
      NetworkModel network =
          model.get().withVector(!kernelsWithoutName.contains(type)
              && vectorAvailable(type) && VectorWriter.anyLayerUsesVectors(model.get()));
      JavaFile file = writer.apply(network);
      String generated = network.generatedClass().simpleName();
      JavaFile kernels = network.vector() ? new VectorWriter(network).write() : null;
      validator.checkHiddenFields(type, file, generated);
      if (!validator.checkGeneratedMethods(type, helperSignatures(file), generated)
          || !validator.checkHiddenPackages(type, file, true, generated)
          || kernels != null && !validator.checkHiddenPackages(type, kernels, false, generated)) {
        writeStandIn(type, false);
        return;
      }
      // The kernels first: the network's class refers to them, so it must not be written
      // when their name is taken, and a stand-in takes its place.
      if (kernels != null && !writeOrReportTaken(kernels, type)) {
        writeStandIn(type, false);
        return;
      }
      if (!writeOrReportTaken(file, type)) {
        return;
      }
      if (summaryOption) {
        messager.printMessage(
            Diagnostic.Kind.NOTE,
            Messages.summaryNote(generated, Summary.of(model.get())),
            type);
      }
    } catch (IOException | RuntimeException | Error e) {
      messager.printMessage(
          Diagnostic.Kind.ERROR, Messages.internalError(type.getQualifiedName().toString(), e),
          type);
      try {
        writeStandIn(type, false);
      } catch (IOException | RuntimeException | Error ignored) {
        // Already reported as an internal error; a missing stand-in only adds follow-up errors.
      }
    }
  }

  /**
   * Writes {@code file}; returns false after an error on {@code type} if its class was already
   * created in this compilation (two networks named so that their generated classes coincide, such
   * as {@code A.B} and {@code A_B}, or a class {@code Net_N} beside network {@code N}).
   */
  private boolean writeOrReportTaken(JavaFile file, TypeElement type) throws IOException {
    try {
      file.writeTo(processingEnv.getFiler());
      written.add(file.packageName().isEmpty() ? file.typeSpec().name()
          : file.packageName() + "." + file.typeSpec().name());
      return true;
    } catch (FilerException e) {
      String name = file.packageName().isEmpty() ? file.typeSpec().name()
          : file.packageName() + "." + file.typeSpec().name();
      messager.printMessage(Diagnostic.Kind.ERROR,
          Messages.generatedNameTaken(type.getSimpleName().toString(), name,
              generatedEarlier(name)),
          type);
      return false;
    }
  }

  /**
   * Whether the class {@code name} that holds the generated name is one Ganglion generated in an
   * earlier build (marked with its {@code @Generated}) and that came back as a source.
   */
  private boolean generatedEarlier(String name) {
    if (written.contains(name)) {
      return false; // this build made it, for another network
    }
    TypeElement existing = processingEnv.getElementUtils().getTypeElement(name);
    if (existing == null) {
      return false;
    }
    AnnotationMirror generated =
        NetworkValidator.mirror(existing, "javax.annotation.processing.Generated");
    AnnotationValue by =
        generated == null ? null : NetworkValidator.explicitValue(generated, "value");
    return by != null && String.valueOf(by.getValue()).contains(NetworkWriter.PROCESSOR);
  }

  /** Writes a stand-in Net_ class for a class with errors; see {@link StandInWriter}. */
  private void writeStandIn(TypeElement type, boolean extendable) throws IOException {
    TypeElement model = processingEnv.getElementUtils().getTypeElement(NetworkValidator.MODEL);
    // Another class already holding the name is reported as for a class without errors (it
    // was an InternalError).
    writeOrReportTaken(StandInWriter.write(type, model, extendable), type);
  }

  /**
   * The generated class's own private or static methods (not those implementing Model), by
   * signature: a user method with one of these signatures would make the generated class fail.
   */
  private static Map<String, String> helperSignatures(JavaFile file) {
    Map<String, String> signatures = new LinkedHashMap<>();
    for (MethodSpec method : file.typeSpec().methodSpecs()) {
      if (method.isConstructor()
          || !(method.modifiers().contains(Modifier.PRIVATE)
              || method.modifiers().contains(Modifier.STATIC))) {
        continue;
      }
      List<String> parameters = new ArrayList<>();
      for (ParameterSpec parameter : method.parameters()) {
        TypeName t = parameter.type();
        parameters.add(
            (t instanceof ParameterizedTypeName ? ((ParameterizedTypeName) t).rawType() : t)
                .toString());
      }
      signatures.put(method.name() + "(" + String.join(", ", parameters) + ")", method.name());
    }
    return signatures;
  }
}
