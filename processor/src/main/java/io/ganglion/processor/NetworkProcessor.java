package io.ganglion.processor;

import com.google.auto.service.AutoService;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
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

  @Override
  public Set<String> getSupportedAnnotationTypes() {
    return Set.of(NetworkValidator.NETWORK, NetworkValidator.DENSE);
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  @Override
  public Set<String> getSupportedOptions() {
    return Set.of(SUMMARY_OPTION, VECTOR_OPTION);
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    NetworkValidator validator = new NetworkValidator(processingEnv.getMessager());
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
          processingEnv.getMessager().printMessage(
              Diagnostic.Kind.ERROR,
              Messages.notAClass(element.getSimpleName().toString(), "not a type"),
              element);
        }
      }
    }
    TypeElement denseAnnotation =
        processingEnv.getElementUtils().getTypeElement(NetworkValidator.DENSE);
    if (denseAnnotation != null) {
      for (Element element : round.getElementsAnnotatedWith(denseAnnotation)) {
        if (element.getKind() == ElementKind.FIELD) {
          validator.checkOrphanLayer((VariableElement) element);
        }
      }
    }
    deferred.clear();
    for (Map.Entry<String, TypeElement> entry : todo.entrySet()) {
      processOne(validator, entry.getValue());
    }
    if (round.processingOver()) {
      for (Map.Entry<String, String> entry : deferred.entrySet()) {
        TypeElement type = processingEnv.getElementUtils().getTypeElement(entry.getKey());
        processingEnv.getMessager().printMessage(
            Diagnostic.Kind.ERROR,
            Messages.unresolvedType(entry.getKey(), entry.getValue()),
            type);
      }
      deferred.clear();
    }
    return false;
  }

  /**
   * Vector API kernels are generated when the compilation can see {@code jdk.incubator.vector}
   * (javac run with {@code --add-modules jdk.incubator.vector}), unless {@code
   * -Aganglion.vector=false}.
   */
  private boolean vectorAvailable() {
    if ("false".equalsIgnoreCase(processingEnv.getOptions().get(VECTOR_OPTION))) {
      return false;
    }
    return processingEnv.getElementUtils().getTypeElement("jdk.incubator.vector.FloatVector")
        != null;
  }

  private void processOne(NetworkValidator validator, TypeElement type) {
    try {
      Optional<NetworkModel> model = validator.validate(type);
      if (validator.unresolvedType().isPresent()) {
        deferred.put(type.getQualifiedName().toString(), validator.unresolvedType().get());
        return;
      }
      if (model.isEmpty()) {
        return;
      }
      NetworkModel network = model.get().withVector(vectorAvailable());
      new NetworkWriter(network).write().writeTo(processingEnv.getFiler());
      if (network.vector()) {
        new VectorWriter(network).write().writeTo(processingEnv.getFiler());
      }
      if (Boolean.parseBoolean(processingEnv.getOptions().get(SUMMARY_OPTION))) {
        processingEnv.getMessager().printMessage(
            Diagnostic.Kind.NOTE,
            Messages.summaryNote(
                model.get().generatedClass().simpleName(), Summary.of(model.get())),
            type);
      }
    } catch (IOException | RuntimeException | Error e) {
      processingEnv.getMessager().printMessage(
          Diagnostic.Kind.ERROR, Messages.internalError(type.getQualifiedName().toString(), e),
          type);
    }
  }
}
