package io.ganglion.processor;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import io.ganglion.Activation;
import io.ganglion.Loss;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import javax.lang.model.element.Element;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.ElementFilter;

/**
 * Turns a {@link NetworkModel} into the source of {@code Net_<Name>}: sizes as constants,
 * parameters and work buffers as fields, one method per layer and direction (written by a {@link
 * LayerWriter} per layer kind), and the {@code Model} methods that tie them together.
 */
final class NetworkWriter {
  static final String PROCESSOR = "io.ganglion.processor.NetworkProcessor";
  private static final ClassName MODEL = ClassName.get("io.ganglion", "Model");
  private static final ClassName LAYER = ClassName.get("io.ganglion", "Layer");
  private static final ClassName PARAMETER = ClassName.get("io.ganglion", "Parameter");
  private static final ClassName LOSS = ClassName.get("io.ganglion", "Loss");
  private static final ClassName ACTIVATION = ClassName.get("io.ganglion", "Activation");
  private static final ClassName CHECKS = ClassName.get("io.ganglion.internal", "Checks");
  private static final ClassName LOSSES = ClassName.get("io.ganglion.internal", "Losses");
  private static final ClassName SPLIT_NETWORK =
      ClassName.get("io.ganglion.internal", "SplitNetwork");
  private static final ClassName LIST = ClassName.get("java.util", "List");
  private static final ClassName SPLITTABLE_RANDOM =
      ClassName.get("java.util", "SplittableRandom");

  /** Samples per chunk when inference or evaluation runs over more samples than the buffers hold. */
  private static final int EVAL_CHUNK = 128;

  private final NetworkModel network;
  private final List<LayerWriter> layers = new ArrayList<>();

  NetworkWriter(NetworkModel network) {
    this.network = network;
    LayerModel previous = null;
    ClassName vectorClass = network.vector() ? VectorWriter.vectorClass(network) : null;
    boolean learnsBefore = false;
    for (LayerModel layer : network.layers()) {
      layers.add(writerFor(layer, previous, learnsBefore, vectorClass));
      learnsBefore |= layer.learns();
      previous = layer;
    }
  }

  private static LayerWriter writerFor(LayerModel layer, LayerModel previous,
      boolean inputGradient, ClassName vectorClass) {
    switch (layer.kind()) {
      case DENSE:
        if (SmallDenseWriter.applies(layer)) {
          return new SmallDenseWriter(layer, previous, inputGradient);
        }
        return new DenseWriter(
            layer, previous, inputGradient,
            VectorWriter.usesVectors(layer) ? vectorClass : null,
            VectorWriter.usesVectorInputGradient(layer, inputGradient) ? vectorClass : null);
      case CONV2D:
        return new ConvWriter(layer, previous, inputGradient, vectorClass);
      case MAX_POOL2D:
      case AVG_POOL2D:
        return new PoolWriter(layer, previous, inputGradient,
            PoolVectorWriter.applies(layer) ? vectorClass : null);
      case FLATTEN:
        return new FlattenWriter(layer, previous, inputGradient);
      case DROPOUT:
        return new DropoutWriter(layer, previous, inputGradient);
      case BATCH_NORM:
        return new BatchNormWriter(layer, previous, inputGradient);
    }
    throw new AssertionError(layer.kind());
  }

  /** Whether the first layer reads the inputs from a buffer of rows rather than the flat array. */
  private boolean inputBuffered() {
    return network.layers().get(0).kind() != LayerModel.Kind.DENSE;
  }

  /** The {@code <LAYER>_UNITS} constant of a layer. */
  static String unitsConstant(LayerModel layer) {
    return upperSnake(layer.name()) + "_UNITS";
  }

  /** Every generated member whose name derives from a layer's name. */
  static List<String> membersOf(String layerName) {
    String cap = Character.toUpperCase(layerName.charAt(0)) + layerName.substring(1);
    return List.of(
        upperSnake(layerName) + "_UNITS",
        layerName + "Weight",
        layerName + "Bias",
        layerName + "WeightGrad",
        layerName + "BiasGrad",
        layerName + "Out",
        layerName + "Delta",
        layerName + "WeightByUnit",
        "forward" + cap,
        "backward" + cap,
        "inputGradient" + cap,
        layerName + "Partial",
        "splitForward" + cap,
        "splitActivate" + cap,
        "splitBackward" + cap,
        "splitInputGradient" + cap,
        upperSnake(layerName) + "_CHANNELS",
        upperSnake(layerName) + "_HEIGHT",
        upperSnake(layerName) + "_WIDTH",
        layerName + "WeightByFilter",
        layerName + "Argmax",
        layerName + "Mask",
        layerName + "Normalized",
        layerName + "Mean",
        layerName + "InverseStd",
        layerName + "RunningMean",
        layerName + "RunningVar",
        layerName + "Tracked",
        layerName + "Sum",
        layerName + "ProductSum");
  }

  static String upperSnake(String name) {
    StringBuilder b = new StringBuilder();
    for (int k = 0; k < name.length(); k++) {
      char c = name.charAt(k);
      if (Character.isUpperCase(c) && k > 0 && !Character.isUpperCase(name.charAt(k - 1))
          && name.charAt(k - 1) != '_') {
        b.append('_');
      }
      b.append(Character.toUpperCase(c));
    }
    return b.toString();
  }

  JavaFile write() {
    TypeSpec.Builder type =
        JavaFiles.markGenerated(TypeSpec.classBuilder(network.generatedClass()), network.element())
            .addOriginatingElement(network.element())
            .addJavadoc(
                "The network declared by {@link $T}, generated by Ganglion: $L.\n",
                network.networkClass(),
                Summary.spec(network).replace(";", "; "))
            .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
            .superclass(network.networkClass())
            .addSuperinterface(MODEL);
    addConstants(type);
    addFields(type);
    addConstructors(type);
    addDescriptionMethods(type);
    addInference(type);
    addTraining(type);
    addPlumbing(type);
    for (LayerWriter layer : layers) {
      type.addMethods(layer.forwardMethods());
    }
    for (int k = layers.size() - 1; k >= 0; k--) {
      LayerWriter layer = layers.get(k);
      if (layer.hasBackward()) {
        type.addMethods(layer.backwardMethods());
      }
    }
    if (splittable()) {
      addSplit(type);
    }
    suppressInherited(type, network.element());
    return JavaFiles.of(network.generatedClass().packageName(), type, network.element(), true);
  }

  /**
   * Suppresses what extending the user's class makes javac warn about, which is the user's to
   * decide: a deprecated network class or layer field, a serializable network without a
   * serialVersionUID. Only what applies: compilers such as ECJ warn about needless suppressions.
   */
  static void suppressInherited(TypeSpec.Builder type, TypeElement network) {
    Set<String> warnings = new TreeSet<>();
    List<Element> deprecatable = new ArrayList<>();
    for (Element field : ElementFilter.fieldsIn(network.getEnclosedElements())) {
      if (!NetworkValidator.layerAnnotations(field).isEmpty()) {
        deprecatable.add(field); // the layers, which the generated constructor assigns
      }
    }
    for (Element e = network; e instanceof TypeElement; e = e.getEnclosingElement()) {
      deprecatable.add(e);
    }
    deprecatable.addAll(ElementFilter.constructorsIn(network.getEnclosedElements()));
    for (Element e : deprecatable) {
      Deprecated deprecated = e.getAnnotation(Deprecated.class);
      if (deprecated != null) {
        warnings.add(deprecated.forRemoval() ? "removal" : "deprecation");
      }
    }
    if (JavaFiles.hierarchy(network).stream()
        .anyMatch(t -> t.getQualifiedName().contentEquals("java.io.Serializable"))) {
      warnings.add("serial");
    }
    if (warnings.isEmpty()) {
      return;
    }
    CodeBlock values = warnings.stream().map(w -> CodeBlock.of("$S", w))
        .collect(CodeBlock.joining(", ", warnings.size() > 1 ? "{" : "",
            warnings.size() > 1 ? "}" : ""));
    type.addAnnotation(
        AnnotationSpec.builder(SuppressWarnings.class).addMember("value", values).build());
  }

  private void addConstants(TypeSpec.Builder type) {
    type.addField(
        FieldSpec.builder(int.class, "INPUTS", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
            .addJavadoc("Input features per sample.\n")
            .initializer("$L", network.inputs())
            .build());
    if (network.input().image()) {
      type.addField(LayerWriter.constant(int.class, "INPUT_CHANNELS",
          network.input().channels()));
      type.addField(LayerWriter.constant(int.class, "INPUT_HEIGHT", network.input().height()));
      type.addField(LayerWriter.constant(int.class, "INPUT_WIDTH", network.input().width()));
    }
    for (LayerWriter writer : layers) {
      type.addField(
          FieldSpec.builder(int.class, writer.units(), Modifier.STATIC, Modifier.FINAL)
              .initializer("$L", writer.layer.units())
              .build());
      writer.addConstants(type);
    }
    type.addField(
        FieldSpec.builder(int.class, "OUTPUTS", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
            .addJavadoc("Outputs per sample.\n")
            .initializer("$L", unitsConstant(network.last()))
            .build());
    if (network.vector()) {
      type.addField(
          FieldSpec.builder(boolean.class, "VECTOR", Modifier.PRIVATE, Modifier.STATIC,
                  Modifier.FINAL)
              .addJavadoc(
                  "Whether the Vector API kernels run: only where the JVM has the module.\n")
              .initializer("$T.ENABLED", ClassName.get("io.ganglion.internal", "Vectors"))
              .build());
    }
    type.addField(
        FieldSpec.builder(int.class, "EVAL_CHUNK", Modifier.PRIVATE, Modifier.STATIC,
                Modifier.FINAL)
            .initializer("$L", EVAL_CHUNK)
            .build());
    type.addField(
        FieldSpec.builder(String.class, "SUMMARY", Modifier.PRIVATE, Modifier.STATIC,
                Modifier.FINAL)
            .initializer(stringConstant(Summary.of(network)))
            .build());
    type.addField(
        FieldSpec.builder(String.class, "SPEC", Modifier.PRIVATE, Modifier.STATIC,
                Modifier.FINAL)
            .initializer(stringConstant(Summary.spec(network)))
            .build());
  }

  /**
   * A string constant's initializer: its literal, or, from the 65,535 bytes at which javac
   * refuses a constant (long layer names in a network of many layers: the summary pads every line
   * to the longest name), {@code String.join} over literals of at most 16,384 characters each,
   * which javac does not fold into one constant.
   */
  static CodeBlock stringConstant(String value) {
    if (classFileLength(value) < 65_535) { // javac refuses a constant of 65,535 bytes too
      return CodeBlock.of("$S", value);
    }
    List<CodeBlock> parts = new ArrayList<>();
    for (int from = 0; from < value.length(); ) {
      int to = Math.min(value.length(), from + 16_384);
      if (to < value.length() && Character.isHighSurrogate(value.charAt(to - 1))) {
        to--; // a surrogate pair stays in one literal
      }
      parts.add(CodeBlock.of("$S", value.substring(from, to)));
      from = to;
    }
    return CodeBlock.of("$T.join($S, $L)", String.class, "", CodeBlock.join(parts, ", "));
  }

  /** The length of {@code value} in a class file's constant pool (modified UTF-8). */
  private static long classFileLength(String value) {
    long bytes = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      bytes += c >= 1 && c <= 0x7F ? 1 : c <= 0x7FF ? 2 : 3;
    }
    return bytes;
  }

  private void addFields(TypeSpec.Builder type) {
    type.addField(
        ParameterizedTypeName.get(LIST, PARAMETER), "parameters", Modifier.PRIVATE,
        Modifier.FINAL);
    type.addField(
        ParameterizedTypeName.get(LIST, LAYER), "layers", Modifier.PRIVATE, Modifier.FINAL);
    if (network.has(LayerModel.Kind.BATCH_NORM)) {
      type.addField(
          ParameterizedTypeName.get(LIST, PARAMETER), "buffers", Modifier.PRIVATE,
          Modifier.FINAL);
    }
    for (LayerWriter layer : layers) {
      if (!inParts()) {
        layer.addParameterFields(type);
      } else {
        // The parts' methods assign these fields, which only a constructor may do to a final one.
        TypeSpec.Builder scratch = TypeSpec.classBuilder("Scratch");
        layer.addParameterFields(scratch);
        for (FieldSpec field : scratch.build().fieldSpecs()) {
          type.addField(withoutFinal(field));
        }
      }
    }
    if (network.hasModes()) {
      type.addField(
          FieldSpec.builder(long.class, "noiseSeed", Modifier.PRIVATE)
              .addJavadoc("Seeds the dropout masks.\n")
              .build());
      if (network.has(LayerModel.Kind.BATCH_NORM)) {
        type.addField(
            FieldSpec.builder(boolean.class, "primary", Modifier.PRIVATE, Modifier.FINAL)
                .addJavadoc(
                    "False for a replica: replicas share the running statistics but never update"
                        + " them, so that data-parallel training stays deterministic.\n")
                .build());
      }
      type.addField(
          FieldSpec.builder(int.class, "replicas", Modifier.PRIVATE)
              .build());
      type.addField(
          FieldSpec.builder(long.class, "dropoutStep")
              .addJavadoc(
                  "Training steps so far; with the seed it picks the dropout masks (tests set it to"
                      + " repeat a mask).\n")
              .build());
    }
    type.addField(int.class, "capacity", Modifier.PRIVATE);
    type.addField(int.class, "trainingCapacity", Modifier.PRIVATE);
    if (splittable()) {
      type.addField(int.class, "splitCapacity", Modifier.PRIVATE);
    }
    type.addField(
        FieldSpec.builder(boolean.class, "trainingBound", Modifier.PRIVATE)
            .addJavadoc("Whether bindTraining has run.\n")
            .build());
    type.addField(
        FieldSpec.builder(boolean.class, "inUse", Modifier.PRIVATE, Modifier.VOLATILE)
            .addJavadoc("Set while a call uses the work arrays (see {@code Checks.inUse}).\n")
            .build());
    type.addField(
        FieldSpec.builder(int.class, "lastCount", Modifier.PRIVATE)
            .addJavadoc("The sample count of the last training pass, for lastBatchClasses.\n")
            .build());
    if (inputBuffered()) {
      type.addField(LayerWriter.bufferType(network.input()),
          LayerWriter.inputBuffer(network.input()), Modifier.PRIVATE);
    }
    for (LayerWriter layer : layers) {
      layer.addWorkFields(type);
      if (splittable()) {
        type.addField(float[][].class, ((DenseWriter) layer).partial(), Modifier.PRIVATE);
      }
    }
    if (splittable() && splitZeros() > 0) {
      type.addField(
          FieldSpec.builder(float[].class, "ZEROS", Modifier.PRIVATE, Modifier.STATIC,
                  Modifier.FINAL)
              .addJavadoc("The zero bias the vector kernels start partial sums from.\n")
              .initializer("new float[$L]", splitZeros())
              .build());
    }
  }

  /**
   * Whether workers can split the training step by weight rows ({@code SplitNetwork}): the
   * network has only dense layers, none small enough to be written unrolled (whose work is too
   * little to share), and each hidden activation works on each unit alone.
   */
  private boolean splittable() {
    List<LayerModel> all = network.layers();
    for (int k = 0; k < all.size(); k++) {
      LayerModel layer = all.get(k);
      if (layer.kind() != LayerModel.Kind.DENSE
          || SmallDenseWriter.applies(layer)
          || (k < all.size() - 1 && layer.activation() == Activation.SOFTMAX)) {
        return false;
      }
    }
    return true;
  }

  /** The length of ZEROS: the widest layer with a bias and vector kernels, or 0 for none. */
  private int splitZeros() {
    int widest = 0;
    if (network.vector()) {
      for (LayerModel layer : network.layers()) {
        if (layer.bias() && VectorWriter.usesVectors(layer)) {
          widest = Math.max(widest, layer.units());
        }
      }
    }
    return widest;
  }

  /** The {@code SplitNetwork} methods, which dispatch on the layer index to each layer's. */
  private void addSplit(TypeSpec.Builder type) {
    type.addSuperinterface(SPLIT_NETWORK);
    type.addMethod(override("splitWorker", SPLIT_NETWORK)
        .addStatement("return new $T(parameters.toArray(new $T[0]))",
            network.generatedClass(), PARAMETER)
        .build());
    type.addMethod(override("splitLayers", int.class)
        .addStatement("return $L", layers.size())
        .build());
    List<String> inputs = new ArrayList<>();
    List<String> units = new ArrayList<>();
    List<String> weightIndex = new ArrayList<>();
    List<String> hasBias = new ArrayList<>();
    List<String> partials = new ArrayList<>();
    List<String> deltas = new ArrayList<>();
    List<String> forwards = new ArrayList<>();
    List<String> activates = new ArrayList<>();
    List<String> backwards = new ArrayList<>();
    int k = 0;
    for (LayerWriter writer : layers) {
      DenseWriter dense = (DenseWriter) writer;
      inputs.add("return " + dense.layer.inputs());
      units.add("return " + writer.units());
      weightIndex.add("return " + k);
      hasBias.add("return " + dense.layer.bias());
      partials.add("return " + dense.partial());
      deltas.add("return " + writer.delta());
      forwards.add(
          dense.splitForwardName() + "(" + dense.splitInputArguments() + "count, from, to)");
      activates.add(dense.splitActivateName() + "(partials, count, from, to)");
      backwards.add(dense.splitBackwardName() + "(" + dense.splitInputArguments()
          + "count, from, to" + (dense.layer.bias() ? ", bias)" : ")"));
      k += writer.tensorCount();
    }
    addLayerSwitch(type, layerMethod("splitInputs", int.class), inputs);
    addLayerSwitch(type, layerMethod("splitUnits", int.class), units);
    addLayerSwitch(type, layerMethod("splitWeightIndex", int.class), weightIndex);
    addLayerSwitch(type, layerMethod("splitHasBias", boolean.class), hasBias);
    addLayerSwitch(type, layerMethod("splitPartial", float[][].class), partials);
    addLayerSwitch(type, layerMethod("splitDelta", float[][].class), deltas);
    type.addMethod(batchParameters(override("splitPrepare", void.class))
        .addStatement(
            "$T.batch(inputs, offset, count, INPUTS, labels, targets, OUTPUTS, 1)", CHECKS)
        .addCode(labelCheck())
        .beginControlFlow("if (!trainingBound)")
        .addStatement("bindTraining()")
        .endControlFlow()
        .addStatement("growSplit(count)")
        .addStatement("lastCount = -1")
        .build());
    type.addMethod(override("splitEnter", void.class)
        .addParameter(String.class, "method")
        .addCode(enter(CodeBlock.of("method")))
        .build());
    type.addMethod(override("splitExit", void.class).addStatement("inUse = false").build());
    addLayerSwitch(type, layerMethod("splitForward", void.class)
        .addParameter(float[].class, "inputs")
        .addParameter(int.class, "offset")
        .addParameter(int.class, "count")
        .addParameter(int.class, "from")
        .addParameter(int.class, "to"), forwards);
    addLayerSwitch(type, layerMethod("splitActivate", void.class)
        .addParameter(float[][][].class, "partials")
        .addParameter(int.class, "count")
        .addParameter(int.class, "from")
        .addParameter(int.class, "to"), activates);
    addLayerSwitch(type, layerMethod("splitBackward", void.class)
        .addParameter(float[].class, "inputs")
        .addParameter(int.class, "offset")
        .addParameter(int.class, "count")
        .addParameter(int.class, "from")
        .addParameter(int.class, "to")
        .addParameter(boolean.class, "bias"), backwards);
    LayerWriter last = layers.get(layers.size() - 1);
    MethodSpec.Builder loss = override("splitLoss", double.class)
        .addParameter(int[].class, "labels")
        .addParameter(float[].class, "targets")
        .addParameter(float[].class, "weights")
        .addParameter(int.class, "offset")
        .addParameter(int.class, "count")
        .addParameter(float.class, "gradScale")
        .addStatement(
            "double loss = lossGradient(labels, targets, weights, offset, count, gradScale)")
        .addStatement("lastCount = count");
    String derivative = DenseWriter.activationMethod(last.layer.activation());
    if (derivative != null) {
      loss.beginControlFlow("for (int n = 0; n < count; n++)")
          .addStatement("$T.$LBackward($L[n], $L[n], OUTPUTS)", DenseWriter.ACTIVATIONS,
              derivative, last.derivativeInput(), last.delta())
          .endControlFlow();
    }
    type.addMethod(loss.addStatement("return loss").build());
    for (LayerWriter writer : layers) {
      DenseWriter dense = (DenseWriter) writer;
      type.addMethods(dense.splitMethods());
      if (dense.needsInputGradient()) {
        type.addMethod(dense.splitInputGradient());
      }
    }
  }

  /**
   * The most cases a switch over the layer index holds. Each case is a call of about 15 bytes, so
   * 256 dense layers in one switch made 3,900-4,400 bytes; a network of more layers dispatches on
   * {@code layer / CASES_PER_SWITCH} to methods of this many cases each (about 500 bytes).
   */
  static final int CASES_PER_SWITCH = 32;

  /**
   * Adds {@code method} (whose first parameter is {@code int layer}) as a switch that runs {@code
   * cases.get(k)} for layer k: a {@code return} statement, or a call followed by a return. Over
   * {@link #CASES_PER_SWITCH} cases, it switches on the range of the layer to a method per range
   * ({@code splitForward0} for layers 0 to 31, ...), each a switch over its layers that takes the
   * layer and the parameters its cases read (the later ranges' layers do not read the inputs).
   */
  private static void addLayerSwitch(TypeSpec.Builder type, MethodSpec.Builder method,
      List<String> cases) {
    if (cases.size() <= CASES_PER_SWITCH) {
      type.addMethod(method.addCode(layerSwitch("layer", 0, cases)).build());
      return;
    }
    MethodSpec signature = method.build();
    List<String> ranges = new ArrayList<>();
    List<MethodSpec> rangeMethods = new ArrayList<>();
    for (int first = 0; first < cases.size(); first += CASES_PER_SWITCH) {
      int end = Math.min(cases.size(), first + CASES_PER_SWITCH);
      String name = signature.name() + ranges.size();
      CodeBlock code = layerSwitch("layer", first, cases.subList(first, end));
      MethodSpec.Builder range = MethodSpec.methodBuilder(name)
          .addModifiers(Modifier.PRIVATE)
          .addJavadoc("{@code $L} for layers $L to $L.\n", signature.name(), first, end - 1)
          .returns(signature.returnType());
      List<String> arguments = new ArrayList<>();
      for (ParameterSpec parameter : signature.parameters()) {
        if (reads(code, parameter.name())) {
          range.addParameter(parameter);
          arguments.add(parameter.name());
        }
      }
      rangeMethods.add(range.addCode(code).build());
      String call = name + "(" + String.join(", ", arguments) + ")";
      ranges.add(signature.returnType().equals(TypeName.VOID) ? call : "return " + call);
    }
    type.addMethod(method.addCode(layerSwitch("layer / " + CASES_PER_SWITCH, 0, ranges)).build());
    type.addMethods(rangeMethods);
  }

  /**
   * A switch on {@code selector} that runs {@code cases.get(k)} for the value {@code first + k},
   * and throws for a layer index without a case.
   */
  private static CodeBlock layerSwitch(String selector, int first, List<String> cases) {
    CodeBlock.Builder code = CodeBlock.builder().beginControlFlow("switch ($L)", selector);
    for (int k = 0; k < cases.size(); k++) {
      code.add("case $L:\n$>", first + k).addStatement(cases.get(k));
      if (!cases.get(k).startsWith("return ")) {
        code.addStatement("return");
      }
      code.add("$<");
    }
    code.add("default:\n$>")
        .addStatement("throw new $T($S + layer)", IllegalArgumentException.class,
            "no dense layer ")
        .add("$<")
        .endControlFlow();
    return code.build();
  }

  private static MethodSpec.Builder layerMethod(String name, Class<?> returns) {
    return override(name, returns).addParameter(int.class, "layer");
  }

  private void addConstructors(TypeSpec.Builder type) {
    String generated = network.generatedClass().simpleName();
    boolean modes = network.hasModes();
    boolean norms = network.has(LayerModel.Kind.BATCH_NORM);
    type.addMethod(
        MethodSpec.constructorBuilder()
            .addModifiers(Modifier.PUBLIC)
            .addJavadoc(
                "A network with weights drawn from a random seed; use {@link #$L(long)} to make"
                    + " runs repeatable.\n",
                generated)
            .addStatement("this(new $T().nextLong())", SPLITTABLE_RANDOM)
            .build());
    MethodSpec.Builder seeded =
        MethodSpec.constructorBuilder()
            .addModifiers(Modifier.PUBLIC)
            .addJavadoc(
                "A network whose weights are drawn from {@code seed}: the same seed gives the same"
                    + " weights on every machine.\n\n@param seed the seed of the initial weights\n")
            .addParameter(long.class, "seed");
    if (norms) {
      seeded.addStatement("this(initialParameters(seed), initialBuffers(), seed, true)");
    } else if (modes) {
      seeded.addStatement("this(initialParameters(seed), seed)");
    } else {
      seeded.addStatement("this(initialParameters(seed))");
    }
    type.addMethod(seeded.build());

    List<List<LayerWriter>> parts = parts();
    CodeBlock.Builder init = CodeBlock.builder();
    init.addStatement("$T[] p = new $T[$L]", PARAMETER, PARAMETER, parameterTotal());
    int k = 0;
    for (int part = 0; part < parts.size(); part++) {
      CodeBlock.Builder code = CodeBlock.builder();
      for (LayerWriter writer : parts.get(part)) {
        writer.initParameters(code, k);
        k += writer.tensorCount();
      }
      addPart(type, init, code.build(), partMethod("initialParameters", part, true),
          PARTS_P, ParameterSpec.builder(long.class, "seed").build());
    }
    init.addStatement("return p");
    type.addMethod(
        MethodSpec.methodBuilder("initialParameters")
            .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
            .returns(ArrayTypeName.of(PARAMETER))
            .addParameter(long.class, "seed")
            .addCode(init.build())
            .build());
    if (norms) {
      CodeBlock.Builder buffers = CodeBlock.builder();
      buffers.addStatement("$T[] b = new $T[$L]", PARAMETER, PARAMETER, bufferTotal());
      int b = 0;
      for (int part = 0; part < parts.size(); part++) {
        CodeBlock.Builder code = CodeBlock.builder();
        for (LayerWriter writer : parts.get(part)) {
          writer.initBuffers(code, b);
          b += writer.bufferCount();
        }
        addPart(type, buffers, code.build(), partMethod("initialBuffers", part, true), PARTS_B);
      }
      buffers.addStatement("return b");
      type.addMethod(
          MethodSpec.methodBuilder("initialBuffers")
              .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
              .returns(ArrayTypeName.of(PARAMETER))
              .addCode(buffers.build())
              .build());
    }

    CodeBlock.Builder body = CodeBlock.builder();
    body.addStatement("this.parameters = $T.of(p)", LIST);
    if (norms) {
      body.addStatement("this.buffers = $T.of(b)", LIST);
    }
    if (modes) {
      body.addStatement("this.noiseSeed = noiseSeed");
    }
    if (norms) {
      body.addStatement("this.primary = primary");
    }
    k = 0;
    int b = 0;
    List<String> views = new ArrayList<>();
    CodeBlock.Builder training = CodeBlock.builder();
    if (inParts()) {
      // Listed by the parts, since 256 layers named in one List.of are 2,300 bytes.
      body.addStatement("$T[] views = new $T[$L]", LayerWriter.LAYER, LayerWriter.LAYER,
          layers.size());
    }
    for (int part = 0; part < parts.size(); part++) {
      CodeBlock.Builder assigned = CodeBlock.builder();
      CodeBlock.Builder bound = CodeBlock.builder();
      for (LayerWriter writer : parts.get(part)) {
        writer.assign(assigned, bound, k, b);
        if (inParts()) {
          assigned.addStatement("views[$L] = super.$L", views.size(), writer.layer.name());
        }
        views.add("super." + writer.layer.name());
        k += writer.tensorCount();
        b += writer.bufferCount();
      }
      addPart(type, body, assigned.build(), partMethod("assignLayers", part, false), PARTS_P,
          PARTS_B, PARTS_VIEWS);
      addPart(type, training, bound.build(), partMethod("bindTraining", part, false), PARTS_P);
    }
    body.addStatement("this.layers = $T.of($L)", LIST,
        inParts() ? "views" : String.join(", ", views));
    body.addStatement("grow(1)");
    MethodSpec.Builder constructor =
        MethodSpec.constructorBuilder()
            .addModifiers(Modifier.PRIVATE)
            .addParameter(ArrayTypeName.of(PARAMETER), "p");
    // Only a network with batch norm has buffers (b), and whether it is the model or a replica
    // (primary) matters only to batch norm, whose running statistics replicas leave alone.
    if (norms) {
      constructor.addParameter(ArrayTypeName.of(PARAMETER), "b");
    }
    if (modes) {
      constructor.addParameter(long.class, "noiseSeed");
    }
    if (norms) {
      constructor.addParameter(boolean.class, "primary");
    }
    type.addMethod(constructor.addCode(body.build()).build());
    type.addMethod(
        MethodSpec.methodBuilder("bindTraining")
            .addModifiers(Modifier.PRIVATE)
            .addJavadoc("Binds the gradients and the arrays only training uses, on the first"
                + " training pass: a model that only predicts\n(a serving replica) never"
                + " allocates them.\n")
            .addStatement("$T[] p = parameters.toArray(new $T[0])", PARAMETER, PARAMETER)
            .addCode(training.build())
            .addStatement("trainingBound = true")
            .build());
  }

  private int parameterTotal() {
    int total = 0;
    for (LayerWriter writer : layers) {
      total += writer.tensorCount();
    }
    return total;
  }

  private int bufferTotal() {
    int total = 0;
    for (LayerWriter writer : layers) {
      total += writer.bufferCount();
    }
    return total;
  }

  /**
   * The layers in the order of the network, in parts of at most {@link #LAYERS_PER_PART}: one
   * part, all the layers, unless there are more. Each statement a layer adds to the methods that
   * run once per model or per larger batch (the constructor, the initial parameters, binding and
   * growing the buffers) makes them longer, so a deep network writes each part's statements in a
   * method of its own and calls them in order: every method stays far below the 8,000 bytes
   * HotSpot compiles (a 256-layer network's constructor was 20-25 KB in one method).
   */
  private List<List<LayerWriter>> parts() {
    List<List<LayerWriter>> parts = new ArrayList<>();
    for (int from = 0; from < layers.size(); from += LAYERS_PER_PART) {
      parts.add(layers.subList(from, Math.min(layers.size(), from + LAYERS_PER_PART)));
    }
    return parts;
  }

  /** Whether the network has more layers than one part holds (see {@link #parts()}). */
  private boolean inParts() {
    return layers.size() > LAYERS_PER_PART;
  }

  /**
   * See {@link #parts()}: 8 batch norm layers, whose statements are the longest, assign their
   * fields in about 1,300 bytes (16 took 2,595).
   */
  static final int LAYERS_PER_PART = 8;

  private static final ParameterSpec PARTS_P =
      ParameterSpec.builder(ArrayTypeName.of(PARAMETER), "p").build();
  private static final ParameterSpec PARTS_B =
      ParameterSpec.builder(ArrayTypeName.of(PARAMETER), "b").build();
  private static final ParameterSpec PARTS_COUNT =
      ParameterSpec.builder(int.class, "count").build();
  private static final ParameterSpec PARTS_VIEWS =
      ParameterSpec.builder(ArrayTypeName.of(LayerWriter.LAYER), "views").build();

  /**
   * A method for part {@code part} of {@code method}'s per-layer statements (see {@link
   * #parts}).
   */
  private MethodSpec.Builder partMethod(String method, int part, boolean isStatic) {
    String first = layers.get(part * LAYERS_PER_PART).layer.name();
    String last =
        layers.get(Math.min(layers.size(), (part + 1) * LAYERS_PER_PART) - 1).layer.name();
    MethodSpec.Builder builder = MethodSpec.methodBuilder(method + part)
        .addModifiers(Modifier.PRIVATE)
        .addJavadoc("Part $L of $L: $L.\n", part,
            method.equals("assignLayers") ? "the constructor" : "{@code " + method + "}",
            first.equals(last) ? "layer " + first : "layers " + first + " to " + last);
    if (isStatic) {
      builder.addModifiers(Modifier.STATIC);
    }
    return builder;
  }

  /**
   * Adds {@code code}, one part of a method's per-layer statements, to {@code whole}: as it is
   * when the network is one part, else as a call of {@code method} holding it (none if the part
   * has no statements), which takes those of {@code parameters} that the part reads.
   */
  private void addPart(TypeSpec.Builder type, CodeBlock.Builder whole, CodeBlock code,
      MethodSpec.Builder method, ParameterSpec... parameters) {
    if (!inParts()) {
      whole.add(code);
    } else if (!code.isEmpty()) {
      // Only the parameters the part reads: a part of layers without tensors (dropout, pooling)
      // reads no p, and an unread parameter is a warning under ECJ's -warn:+unused.
      List<String> arguments = new ArrayList<>();
      for (ParameterSpec parameter : parameters) {
        if (reads(code, parameter.name())) {
          method.addParameter(parameter);
          arguments.add(parameter.name());
        }
      }
      MethodSpec helper = method.addCode(code).build();
      type.addMethod(helper);
      whole.addStatement("$N($L)", helper, String.join(", ", arguments));
    }
  }

  /**
   * Whether {@code code} reads the variable {@code name}: the name as a word, not in a string or
   * a qualified name (a layer named {@code p} writes {@code "p"} and {@code "p.weight"}).
   */
  private static boolean reads(CodeBlock code, String name) {
    return Pattern.compile("(?<![\\w.\"])" + name + "(?![\\w.\"])")
        .matcher(code.toString()).find();
  }

  /** {@code field} as it is, but not final. */
  private static FieldSpec withoutFinal(FieldSpec field) {
    List<Modifier> modifiers = new ArrayList<>(field.modifiers());
    modifiers.remove(Modifier.FINAL);
    FieldSpec.Builder builder = FieldSpec.builder(field.type(), field.name(),
        modifiers.toArray(new Modifier[0]))
        .addJavadoc(field.javadoc())
        .addAnnotations(field.annotations());
    if (!field.initializer().isEmpty()) {
      builder.initializer(field.initializer());
    }
    return builder.build();
  }

  private void addDescriptionMethods(TypeSpec.Builder type) {
    type.addMethod(override("name", String.class).addStatement("return $S",
        network.networkClass().simpleName()).build());
    type.addMethod(override("inputSize", int.class).addStatement("return INPUTS").build());
    type.addMethod(override("outputSize", int.class).addStatement("return OUTPUTS").build());
    type.addMethod(
        override("loss", LOSS).addStatement("return $T.$L", LOSS, network.loss()).build());
    type.addMethod(
        override("layers", ParameterizedTypeName.get(LIST, LAYER))
            .addStatement("return layers")
            .build());
    type.addMethod(
        override("parameters", ParameterizedTypeName.get(LIST, PARAMETER))
            .addStatement("return parameters")
            .build());
    type.addMethod(override("summary", String.class).addStatement("return SUMMARY").build());
    // Even for dense layers, whose count is near the default (the parameter count, biases and
    // all): the figure must be the summary's.
    type.addMethod(override("multiplyAdds", long.class)
        .addStatement("return $LL", network.multiplyAdds())
        .build());
    type.addMethod(override("spec", String.class).addStatement("return SPEC").build());
    MethodSpec.Builder replica =
        override("replica", network.generatedClass())
            .addStatement("$T[] p = new $T[parameters.size()]", PARAMETER, PARAMETER)
            .beginControlFlow("for (int k = 0; k < p.length; k++)")
            .addStatement("p[k] = parameters.get(k).withOwnGradient()")
            .endControlFlow();
    ClassName splitMix = ClassName.get("io.ganglion.internal", "SplitMix");
    if (network.has(LayerModel.Kind.BATCH_NORM)) {
      // Replicas share the running statistics (read at inference) and draw their own masks.
      replica.addStatement(
          "return new $T(p, buffers.toArray(new $T[0]), $T.at(noiseSeed, ++replicas), false)",
          network.generatedClass(), PARAMETER, splitMix);
    } else if (network.hasModes()) {
      replica.addStatement("return new $T(p, $T.at(noiseSeed, ++replicas))",
          network.generatedClass(), splitMix);
    } else {
      replica.addStatement("return new $T(p)", network.generatedClass());
    }
    type.addMethod(replica.build());
    if (network.hasModes()) {
      type.addMethod(
          override("randomState", long[].class)
              .addStatement("return new long[] {noiseSeed, dropoutStep, replicas}")
              .build());
      type.addMethod(
          override("setRandomState", void.class)
              .addParameter(long[].class, "state")
              .addStatement("$T.randomState(state)", CHECKS)
              .addStatement("noiseSeed = state[0]")
              .addStatement("dropoutStep = state[1]")
              .addStatement("replicas = (int) state[2]")
              .build());
    }
    if (network.input().image()) {
      type.addMethod(
          override("inputShape", int[].class)
              .addStatement("return new int[] {INPUT_CHANNELS, INPUT_HEIGHT, INPUT_WIDTH}")
              .build());
    }
    if (network.has(LayerModel.Kind.BATCH_NORM)) {
      type.addMethod(
          override("buffers", ParameterizedTypeName.get(LIST, PARAMETER))
              .addStatement("return buffers")
              .build());
    }
  }

  /**
   * The start of a one-sample inference method: the input (and output) parameters and their
   * checks, and the forward pass in inference mode, which reuses the training buffers.
   */
  private MethodSpec.Builder oneSample(MethodSpec.Builder method, boolean output) {
    method.addParameter(float[].class, "input");
    if (output) {
      method.addParameter(float[].class, "output");
    }
    method.addStatement("$T.input(input, INPUTS)", CHECKS);
    if (output) {
      method.addStatement("$T.output(output, OUTPUTS)", CHECKS);
    }
    return method
        .addStatement("lastCount = -1")
        .addStatement("forward(input, 0, 1$L)", inference());
  }

  private void addInference(TypeSpec.Builder type) {
    String last = layers.get(layers.size() - 1).out();
    CodeBlock writeOne = CodeBlock.of("writeOutput($L[0], output, 0);\n", last);
    CodeBlock decide =
        CodeBlock.of("return $T.predictedClass($L[0], OUTPUTS, $L, -1);\n", CHECKS, last,
            threshold());
    type.addMethod(oneThread(oneSample(override("predict", void.class), true).addCode(writeOne)));
    type.addMethod(oneThread(oneSample(override("classify", int.class), false).addCode(decide)));
    // The probabilities written must be numbers too: softmax makes NaN of an infinite logit.
    type.addMethod(oneThread(
        oneSample(override("classify", int.class), true).addCode(writeOne)
            .addStatement("$T.outputNumbers(output, OUTPUTS, -1)", CHECKS)
            .addCode(decide)));
    type.addMethod(oneThread(
        override("predictBatch", void.class)
            .addParameter(float[].class, "inputs")
            .addParameter(int.class, "offset")
            .addParameter(int.class, "count")
            .addParameter(float[].class, "outputs")
            .addStatement(
                "$T.batchInputs(inputs, offset, count, INPUTS)", CHECKS)
            .addStatement("$T.batchOutputs(outputs, count, OUTPUTS)", CHECKS)
            .addStatement("lastCount = -1")
            .addCode(inChunks(CodeBlock.builder()
                .beginControlFlow("for (int s = 0; s < n; s++)")
                .addStatement("writeOutput($L[s], outputs, (done + s) * OUTPUTS)", last)
                .endControlFlow()
                .build()))));
    type.addMethod(oneThread(
        override("classifyBatch", void.class)
            .addParameter(float[].class, "inputs")
            .addParameter(int.class, "offset")
            .addParameter(int.class, "count")
            .addParameter(int[].class, "classes")
            .addStatement(
                "$T.batchInputs(inputs, offset, count, INPUTS)", CHECKS)
            .addStatement("$T.batchClasses(classes, count)", CHECKS)
            .addStatement("lastCount = -1")
            .addCode(inChunks(CodeBlock.builder()
                .beginControlFlow("for (int s = 0; s < n; s++)")
                .addStatement(
                    "classes[done + s] = $T.predictedClass($L[s], OUTPUTS, $L, offset + done + s)",
                    CHECKS, last, threshold())
                .endControlFlow()
                .build()))));

    MethodSpec.Builder write =
        MethodSpec.methodBuilder("writeOutput")
            .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
            .addJavadoc("The network's output for one sample: $L.\n", outputDescription())
            .addParameter(float[].class, "y")
            .addParameter(float[].class, "out")
            .addParameter(int.class, "at");
    switch (network.loss()) {
      case SOFTMAX_CROSS_ENTROPY:
        write.addStatement("$T.softmax(y, out, at, OUTPUTS)", DenseWriter.ACTIVATIONS);
        break;
      case BINARY_CROSS_ENTROPY:
        write.addStatement("$T.sigmoid(y, out, at, OUTPUTS)", DenseWriter.ACTIVATIONS);
        break;
      case MSE:
      case MAE:
      case HUBER:
        write.addStatement("$T.arraycopy(y, 0, out, at, OUTPUTS)", System.class);
        break;
    }
    type.addMethod(write.build());
  }

  /** The training argument of forward() for inference, if it takes one. */
  private String inference() {
    return network.hasModes() ? ", false" : "";
  }

  /**
   * The loop of inference and evaluation over {@code count} samples in chunks the work buffers
   * hold (growing them to at least {@code EVAL_CHUNK}), running the forward pass of each chunk and
   * then {@code body}, which sees {@code done} (samples before the chunk) and {@code n} (its size).
   */
  private CodeBlock inChunks(CodeBlock body) {
    return CodeBlock.builder()
        .addStatement("int step = $T.max(capacity, EVAL_CHUNK)", Math.class)
        .beginControlFlow("for (int done = 0; done < count; done += step)")
        .addStatement("int n = $T.min(step, count - done)", Math.class)
        .addStatement("grow(n)")
        .addStatement("forward(inputs, offset + done, n$L)", inference())
        .add(body)
        .endControlFlow()
        .build();
  }

  private String outputDescription() {
    switch (network.loss()) {
      case SOFTMAX_CROSS_ENTROPY:
        return "softmax probabilities of the logits";
      case BINARY_CROSS_ENTROPY:
        return "sigmoid probabilities of the logits";
      default:
        return "the last layer's output";
    }
  }

  /** Where a single output counts as class 1: logits at 0, values and probabilities at 0.5. */
  private String threshold() {
    return network.loss() == Loss.BINARY_CROSS_ENTROPY ? "0f" : "0.5f";
  }

  /**
   * Checks the batch's class labels before the forward pass of a network whose training mode
   * changes state (batch statistics; dropout's stream advances only after the loss): a rejected
   * call must change nothing. Other networks find a bad label in the loss, before any gradient or
   * weight changes, and keep their step as short as it was. With a value loss (MSE, MAE, Huber)
   * and one output a label is the target value, so there is nothing to check.
   */
  private CodeBlock labelCheck() {
    int outputs = network.outputs();
    if (!network.has(LayerModel.Kind.BATCH_NORM)) {
      return CodeBlock.of("");
    }
    // Batch norm's running statistics change in the forward pass: what the loss would refuse,
    // and inputs that would make them NaN, are refused before it.
    CodeBlock.Builder code = CodeBlock.builder()
        .addStatement("$T.finiteInputs(inputs, offset, count, INPUTS)", CHECKS);
    if (!(network.loss().comparesValues() && outputs == 1)) {
      code.addStatement("$T.labels(labels, offset, count, $L)", CHECKS,
          outputs == 1 ? "2" : "OUTPUTS");
    }
    return code.build();
  }

  private void addTraining(TypeSpec.Builder type) {
    type.addMethod(
        batchParameters(override("forwardBackward", double.class))
            .addParameter(float.class, "gradScale")
            .addStatement(
                "return forwardBackward(inputs, offset, labels, targets, null, count, gradScale)")
            .build());
    MethodSpec.Builder step =
        override("forwardBackward", double.class)
            .addParameter(float[].class, "inputs")
            .addParameter(int.class, "offset")
            .addParameter(int[].class, "labels")
            .addParameter(float[].class, "targets")
            .addParameter(float[].class, "weights")
            .addParameter(int.class, "count")
            .addParameter(float.class, "gradScale")
            .addStatement(
                "$T.batch(inputs, offset, count, INPUTS, labels, targets, OUTPUTS, 1)", CHECKS)
            .addStatement("$T.gradScale(gradScale)", CHECKS)
            // (Checked here only when given: a call saved on the unweighted path, which runs in
            // the interpreter for a short job's first steps.)
            .beginControlFlow("if (weights != null)")
            .addStatement("$T.weights(weights, offset, count)", CHECKS)
            .endControlFlow()
            .addCode(labelCheck())
            .beginControlFlow("if (!trainingBound)")
            .addStatement("bindTraining()")
            .endControlFlow()
            .addStatement("growTraining(count)")
            // The outputs are overwritten now; they are this batch's classes only once its loss
            // (which checks the labels) has passed.
            .addStatement("lastCount = -1")
            .addStatement("forward(inputs, offset, count$L)", network.hasModes() ? ", true" : "")
            .addStatement(
                "double loss = lossGradient(labels, targets, weights, offset, count, gradScale)")
            .addStatement("lastCount = count");
    for (int k = layers.size() - 1; k >= 0; k--) {
      LayerWriter layer = layers.get(k);
      if (layer.hasBackward()) {
        step.addStatement(layer.backwardCall());
      }
    }
    if (network.has(LayerModel.Kind.DROPOUT)) {
      step.addStatement("dropoutStep++");
    }
    type.addMethod(oneThread(step.addStatement("return loss")));
    type.addMethod(oneThread(
        override("lastBatchClasses", int.class)
            .addParameter(int[].class, "classes")
            .addParameter(int.class, "at")
            .beginControlFlow("if (lastCount < 0)")
            .addStatement("return -1")
            .endControlFlow()
            .addStatement("$T.classesAt(classes, at, lastCount)", CHECKS)
            .beginControlFlow("for (int s = 0; s < lastCount; s++)")
            .addStatement("classes[at + s] = $T.classOf($L[s], OUTPUTS, $L)", CHECKS,
                layers.get(layers.size() - 1).out(), threshold())
            .endControlFlow()
            .addStatement("return lastCount")));
    type.addMethod(oneThread(
        override("lastBatchOutputs", int.class)
            .addParameter(float[].class, "outputs")
            .addParameter(int.class, "at")
            .beginControlFlow("if (lastCount < 0)")
            .addStatement("return -1")
            .endControlFlow()
            .addStatement("$T.outputsAt(outputs, at, lastCount, OUTPUTS)", CHECKS)
            .beginControlFlow("for (int s = 0; s < lastCount; s++)")
            .addStatement("writeOutput($L[s], outputs, at + s * OUTPUTS)",
                layers.get(layers.size() - 1).out())
            .endControlFlow()
            .addStatement("return lastCount")));

    type.addMethod(
        batchParameters(override("lossSum", double.class))
            .addStatement("return evaluateBatch(inputs, offset, labels, targets, count, null, null)")
            .build());

    type.addMethod(oneThread(
        batchParameters(override("evaluateBatch", double.class))
            .addParameter(float[].class, "outputs")
            .addParameter(int[].class, "classes")
            .addStatement(
                "$T.batch(inputs, offset, count, INPUTS, labels, targets, OUTPUTS, 0)", CHECKS)
            .beginControlFlow("if (outputs != null)")
            .addStatement("$T.batchOutputs(outputs, count, OUTPUTS)", CHECKS)
            .endControlFlow()
            .beginControlFlow("if (classes != null)")
            .addStatement("$T.batchClasses(classes, count)", CHECKS)
            .endControlFlow()
            .addStatement("lastCount = -1")
            .addStatement("double sum = 0")
            .addCode(inChunks(CodeBlock.builder()
                .addStatement("sum += lossOnly(labels, targets, offset + done, n)")
                .beginControlFlow("for (int s = 0; s < n; s++)")
                .beginControlFlow("if (outputs != null)")
                .addStatement("writeOutput($L[s], outputs, (done + s) * OUTPUTS)",
                    layers.get(layers.size() - 1).out())
                .endControlFlow()
                .beginControlFlow("if (classes != null)")
                .addStatement("classes[done + s] = $T.classOf($L[s], OUTPUTS, $L)", CHECKS,
                    layers.get(layers.size() - 1).out(), threshold())
                .endControlFlow()
                .endControlFlow()
                .build()))
            .addStatement("return sum")));

    LayerWriter last = layers.get(layers.size() - 1);
    String lossMethod = lossMethod();
    type.addMethod(
        MethodSpec.methodBuilder("lossGradient")
            .addModifiers(Modifier.PRIVATE)
            .addJavadoc(
                "Sums the $L loss over the samples, each times its weight unless {@code weights}"
                    + " is null, and writes {@code scale} times its gradient into $L.\n",
                network.loss(), last.delta())
            .returns(double.class)
            .addParameter(int[].class, "labels")
            .addParameter(float[].class, "targets")
            .addParameter(float[].class, "weights")
            .addParameter(int.class, "offset")
            .addParameter(int.class, "count")
            .addParameter(float.class, "scale")
            .addStatement("double sum = 0")
            .beginControlFlow("for (int n = 0; n < count; n++)")
            .addStatement("float[] y = $L[n]", last.out())
            .addStatement("float[] d = $L[n]", last.delta())
            .addStatement("float w = weights != null ? weights[offset + n] : 1f")
            .addStatement(
                "float loss = labels != null"
                    + "\n? $T.$L(y, OUTPUTS, labels[offset + n], offset + n, d, scale * w)"
                    + "\n: $T.$L(y, OUTPUTS, targets, (offset + n) * OUTPUTS, d, scale * w)",
                LOSSES, lossMethod, LOSSES, lossMethod)
            // A weight of 0 leaves the sample out, even a sample whose loss is infinite.
            .addStatement("sum += w == 1f ? loss : w == 0f ? 0 : (double) w * loss")
            .endControlFlow()
            .addStatement("return sum")
            .build());
    type.addMethod(
        MethodSpec.methodBuilder("lossOnly")
            .addModifiers(Modifier.PRIVATE)
            .returns(double.class)
            .addParameter(int[].class, "labels")
            .addParameter(float[].class, "targets")
            .addParameter(int.class, "offset")
            .addParameter(int.class, "count")
            .addStatement("double sum = 0")
            .beginControlFlow("for (int n = 0; n < count; n++)")
            .addStatement("float[] y = $L[n]", last.out())
            .addStatement(
                "sum += labels != null"
                    + "\n? $T.$L(y, OUTPUTS, labels[offset + n], offset + n)"
                    + "\n: $T.$L(y, OUTPUTS, targets, (offset + n) * OUTPUTS)",
                LOSSES, lossMethod, LOSSES, lossMethod)
            .endControlFlow()
            .addStatement("return sum")
            .build());
  }

  private String lossMethod() {
    switch (network.loss()) {
      case SOFTMAX_CROSS_ENTROPY:
        return "softmaxCrossEntropy";
      case BINARY_CROSS_ENTROPY:
        return "binaryCrossEntropy";
      case MSE:
        return "meanSquaredError";
      case MAE:
        return "meanAbsoluteError";
      case HUBER:
        return "huber";
    }
    throw new AssertionError(network.loss());
  }

  private void addPlumbing(TypeSpec.Builder type) {
    MethodSpec.Builder forward =
        MethodSpec.methodBuilder("forward")
            .addModifiers(Modifier.PRIVATE)
            .addParameter(float[].class, "inputs")
            .addParameter(int.class, "offset")
            .addParameter(int.class, "count");
    if (network.hasModes()) {
      forward.addParameter(boolean.class, "training");
    }
    if (inputBuffered()) {
      addInputCopy(forward);
    }
    for (LayerWriter layer : layers) {
      forward.addStatement(layer.forwardCall(network.hasModes() ? "training" : null));
    }
    type.addMethod(forward.build());

    MethodSpec.Builder grow =
        MethodSpec.methodBuilder("grow")
            .addModifiers(Modifier.PRIVATE)
            .addJavadoc(
                "Makes the work buffers that inference writes hold {@code count} samples; allocates"
                    + " only when a batch is larger\nthan any before.\n")
            .addParameter(int.class, "count")
            .beginControlFlow("if (count <= capacity)")
            .addStatement("return")
            .endControlFlow();
    if (inputBuffered()) {
      Shape input = network.input();
      grow.addStatement("$L = $L", LayerWriter.inputBuffer(input), input.image()
          ? "new float[count][" + input.positions() + "][" + input.channels() + "]"
          : "new float[count][INPUTS]");
    }
    MethodSpec.Builder growTraining =
        MethodSpec.methodBuilder("growTraining")
            .addModifiers(Modifier.PRIVATE)
            .addJavadoc(
                "Makes all the work buffers of a training pass hold {@code count} samples: those"
                    + " of inference ({@code grow}),\nand those only training reads (the gradients"
                    + " of the layers' outputs, and what the forward pass keeps for the\nbackward"
                    + " pass), which a model that only predicts never allocates. As {@code"
                    + " trainingCapacity} never\nexceeds {@code capacity}, a training pass's usual"
                    + " path is one call and one compare.\n")
            .addParameter(int.class, "count")
            .beginControlFlow("if (count <= trainingCapacity)")
            .addStatement("return")
            .endControlFlow()
            .addStatement("grow(count)");
    MethodSpec.Builder growSplit =
        MethodSpec.methodBuilder("growSplit")
            .addModifiers(Modifier.PRIVATE)
            .addJavadoc(
                "Makes the work buffers of a step split by weight rows hold {@code count} samples:"
                    + " those of training\n({@code growTraining}) and the partial sums, which only"
                    + " that split uses.\n")
            .addParameter(int.class, "count")
            .beginControlFlow("if (count <= splitCapacity)")
            .addStatement("return")
            .endControlFlow()
            .addStatement("growTraining(count)");
    CodeBlock.Builder growing = CodeBlock.builder();
    CodeBlock.Builder growingTraining = CodeBlock.builder();
    CodeBlock.Builder growingSplit = CodeBlock.builder();
    List<List<LayerWriter>> parts = parts();
    for (int part = 0; part < parts.size(); part++) {
      // The layers write into methods; only their statements are kept.
      MethodSpec.Builder inference = MethodSpec.methodBuilder("grow");
      MethodSpec.Builder trained = MethodSpec.methodBuilder("growTraining");
      CodeBlock.Builder splitCode = CodeBlock.builder();
      for (LayerWriter writer : parts.get(part)) {
        writer.grow(inference);
        writer.growTraining(trained);
        if (splittable()) {
          splitCode.addStatement("$L = new float[count][$L]",
              ((DenseWriter) writer).partial(), writer.units());
        }
      }
      addPart(type, growing, inference.build().code(), partMethod("grow", part, false),
          PARTS_COUNT);
      addPart(type, growingTraining, trained.build().code(),
          partMethod("growTraining", part, false), PARTS_COUNT);
      addPart(type, growingSplit, splitCode.build(), partMethod("growSplit", part, false),
          PARTS_COUNT);
    }
    grow.addCode(growing.build());
    growTraining.addCode(growingTraining.build());
    growSplit.addCode(growingSplit.build());
    grow.addStatement("capacity = count");
    type.addMethod(grow.build());
    growTraining.addStatement("trainingCapacity = count");
    type.addMethod(growTraining.build());
    if (splittable()) {
      growSplit.addStatement("splitCapacity = count");
      type.addMethod(growSplit.build());
    }
  }

  /**
   * Copies the flat inputs into the first layer's rows; images go from PyTorch's CHW order to one
   * row of channels per pixel.
   */
  private void addInputCopy(MethodSpec.Builder forward) {
    Shape input = network.input();
    String buffer = LayerWriter.inputBuffer(input);
    forward.beginControlFlow("for (int n = 0; n < count; n++)");
    forward.addStatement("int base = (offset + n) * INPUTS");
    if (input.image()) {
      forward.addStatement("float[][] x = $L[n]", buffer);
      forward.beginControlFlow("for (int c = 0; c < INPUT_CHANNELS; c++)");
      forward.addStatement("int from = base + c * $L", input.positions());
      forward.beginControlFlow("for (int q = 0; q < $L; q++)", input.positions());
      forward.addStatement("x[q][c] = inputs[from + q]");
      forward.endControlFlow();
      forward.endControlFlow();
    } else {
      forward.addStatement("$T.arraycopy(inputs, base, $L[n], 0, INPUTS)", System.class, buffer);
    }
    forward.endControlFlow();
  }

  /** Adds a training batch's parameters: {@code inputs, offset, labels, targets, count}. */
  /**
   * {@code method} inside the one-call-at-a-time check: a call on another thread (or from inside
   * this one) while it runs throws instead of sharing the work arrays (see {@code Checks.inUse}).
   * A volatile field: an atomic's opaque access goes through a VarHandle, which before C2 compiles
   * it cost a 2-8-1 network's training step three quarters of its speed.
   */
  private static MethodSpec oneThread(MethodSpec.Builder method) {
    MethodSpec built = method.build();
    return MethodSpec.methodBuilder(built.name())
        .addAnnotations(built.annotations())
        .addModifiers(built.modifiers())
        .returns(built.returnType())
        .addParameters(built.parameters())
        .addCode(enter(CodeBlock.of("$S", built.name())))
        .beginControlFlow("try")
        .addCode(built.code())
        .nextControlFlow("finally")
        .addStatement("inUse = false")
        .endControlFlow()
        .build();
  }

  /**
   * Marks the instance in use for the call {@code method} names, throwing while another runs; the
   * caller clears {@code inUse} when it returns.
   */
  private static CodeBlock enter(CodeBlock method) {
    return CodeBlock.builder()
        .beginControlFlow("if (inUse)")
        .addStatement("throw $T.inUse($L)", CHECKS, method)
        .endControlFlow()
        .addStatement("inUse = true")
        .build();
  }

  private static MethodSpec.Builder batchParameters(MethodSpec.Builder method) {
    return method
        .addParameter(float[].class, "inputs")
        .addParameter(int.class, "offset")
        .addParameter(int[].class, "labels")
        .addParameter(float[].class, "targets")
        .addParameter(int.class, "count");
  }

  private static MethodSpec.Builder override(String name, Class<?> returns) {
    return override(name, TypeName.get(returns));
  }

  private static MethodSpec.Builder override(String name, TypeName returns) {
    return MethodSpec.methodBuilder(name)
        .addAnnotation(Override.class)
        .addModifiers(Modifier.PUBLIC)
        .returns(returns);
  }

  static String floatLiteral(float value) {
    if (Float.isNaN(value) || Float.isInfinite(value)) {
      throw new IllegalArgumentException("initValue must be finite, but was " + value);
    }
    return Float.toString(value).toLowerCase(Locale.ROOT);
  }
}
