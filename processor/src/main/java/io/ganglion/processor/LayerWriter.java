package io.ganglion.processor;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * Writes what one layer adds to {@code Net_<Name>}: its constants, tensors, work buffers, view
 * and its forward and backward methods. {@link NetworkWriter} ties the layers together.
 *
 * <p>Work buffers hold one row per sample for vectors ({@code float[count][units]}) and one row
 * per pixel for images ({@code float[count][height * width][channels]}, channels innermost). Users
 * pass images in PyTorch's CHW order; keeping the channels innermost inside the network lets every
 * image kernel's inner loop walk a row with the bare loop index (over channels or filters), the
 * loop shape HotSpot vectorizes (DESIGN.md); {@code @Flatten} returns to PyTorch's order.
 */
abstract class LayerWriter {
  static final ClassName PARAMETER = ClassName.get("io.ganglion", "Parameter");
  static final ClassName LAYER = ClassName.get("io.ganglion", "Layer");
  static final ClassName ACTIVATION = ClassName.get("io.ganglion", "Activation");
  static final ClassName ARRAYS = ClassName.get("java.util", "Arrays");
  static final TypeName ROWS = TypeName.get(float[][].class);
  static final TypeName IMAGES = TypeName.get(float[][][].class);

  final LayerModel layer;
  /** The layer before, or null for the first layer. */
  final LayerModel previous;
  /** Whether the backward pass writes the gradient with respect to the input (a layer before learns). */
  final boolean inputGradient;

  LayerWriter(LayerModel layer, LayerModel previous, boolean inputGradient) {
    this.layer = layer;
    this.previous = previous;
    this.inputGradient = inputGradient;
  }

  /** The work buffer a first layer that is not dense reads: the inputs, copied into rows. */
  static String inputBuffer(Shape input) {
    return input.image() ? "inputImages" : "inputRows";
  }

  static TypeName bufferType(Shape shape) {
    return shape.image() ? IMAGES : ROWS;
  }

  /** The {@code <LAYER>_UNITS} constant: values per sample flowing out. */
  String units() {
    return NetworkWriter.unitsConstant(layer);
  }

  /** A size constant of this layer's output, such as {@code CONV1_CHANNELS}. */
  String constant(String what) {
    return NetworkWriter.upperSnake(layer.name()) + "_" + what;
  }

  /** A size constant of this layer's input. */
  String inConstant(String what) {
    if (previous == null) {
      return what.equals("UNITS") ? "INPUTS" : "INPUT_" + what;
    }
    return NetworkWriter.upperSnake(previous.name()) + "_" + what;
  }

  String out() {
    return layer.name() + "Out";
  }

  String delta() {
    return layer.name() + "Delta";
  }

  /**
   * Whether the layer keeps its values before the activation, in {@link #pre()}: for an
   * activation whose derivative needs its input (GELU, SiLU). Batch norm recomputes them from its
   * normalized values instead.
   */
  boolean keepsPre() {
    return keepsPre(layer);
  }

  static boolean keepsPre(LayerModel layer) {
    return layer.activation().derivativeNeedsInput()
        && layer.kind() != LayerModel.Kind.BATCH_NORM;
  }

  /** The buffer of the values before the activation (see {@link #keepsPre()}). */
  String pre() {
    return layer.name() + "Pre";
  }

  /** The buffer the activation's derivative reads: the outputs, or the values before. */
  String derivativeInput() {
    return derivativeInput(layer);
  }

  static String derivativeInput(LayerModel layer) {
    return layer.name() + (keepsPre(layer) ? "Pre" : "Out");
  }

  /** The buffer this layer reads. */
  String input() {
    return previous == null ? inputBuffer(layer.in()) : previous.name() + "Out";
  }

  /** The buffer this layer's input gradient goes into. */
  String inputDelta() {
    return previous.name() + "Delta";
  }

  String forwardName() {
    return "forward" + layer.capitalized();
  }

  String backwardName() {
    return "backward" + layer.capitalized();
  }

  /** Size constants beyond {@code <LAYER>_UNITS}: the output image's sides. */
  void addConstants(TypeSpec.Builder type) {
    if (layer.out().image()) {
      type.addField(constant(int.class, constant("CHANNELS"), layer.out().channels()));
      type.addField(constant(int.class, constant("HEIGHT"), layer.out().height()));
      type.addField(constant(int.class, constant("WIDTH"), layer.out().width()));
    }
  }

  static FieldSpec constant(Class<?> type, String name, int value) {
    return FieldSpec.builder(type, name, Modifier.STATIC, Modifier.FINAL)
        .initializer("$L", value)
        .build();
  }

  /** Final fields aliasing the layer's tensors (weights, gradients). */
  void addParameterFields(TypeSpec.Builder type) {}

  /** Number of learned tensors. */
  int tensorCount() {
    return 0;
  }

  /** Statements creating the learned tensors as {@code p[k], p[k + 1], ...}. */
  void initParameters(CodeBlock.Builder init, int k) {}

  /** Number of buffers (saved, not learned). */
  int bufferCount() {
    return 0;
  }

  /** Statements creating the buffers as {@code b[k], ...}. */
  void initBuffers(CodeBlock.Builder init, int k) {}

  /**
   * Constructor statements: the fields from {@code p[k]} (and {@code b[buffer]}), then the view;
   * and into {@code training} those of the fields only training uses (gradients, transposed
   * weights), which {@code bindTraining} runs on the first training pass, also from {@code p[k]}.
   */
  void assign(CodeBlock.Builder body, CodeBlock.Builder training, int k, int buffer) {
    body.addStatement(
        "super.$L = new $T($S, $S, $T.$L, new int[] {$L}, new int[] {$L}, null, null)",
        layer.name(), LAYER, layer.name(), layer.kind().display, ACTIVATION, layer.activation(),
        dims(layer.in()), dims(layer.out()));
  }

  static String dims(Shape shape) {
    return shape.image()
        ? shape.channels() + ", " + shape.height() + ", " + shape.width()
        : String.valueOf(shape.channels());
  }

  /** The per-batch buffers: output and its gradient, and whatever else the layer keeps. */
  void addWorkFields(TypeSpec.Builder type) {
    type.addField(bufferType(layer.out()), out(), Modifier.PRIVATE);
    type.addField(bufferType(layer.out()), delta(), Modifier.PRIVATE);
    if (keepsPre()) {
      type.addField(bufferType(layer.out()), pre(), Modifier.PRIVATE);
    }
  }

  /** Statements of {@code grow(count)} allocating the work buffers that inference writes. */
  void grow(MethodSpec.Builder grow) {
    grow.addStatement("$L = $L", out(), allocation(layer.out()));
    if (keepsPre()) {
      grow.addStatement("$L = $L", pre(), allocation(layer.out()));
    }
  }

  /**
   * Statements of {@code growTraining(count)} allocating the work buffers only a training pass
   * writes: a model that only predicts never allocates them.
   */
  void growTraining(MethodSpec.Builder grow) {
    grow.addStatement("$L = $L", delta(), allocation(layer.out()));
  }

  /** {@code new float[count][...]} for a buffer of {@code shape}. */
  String allocation(Shape shape) {
    return shape.image()
        ? "new float[count][" + shape.positions() + "][" + shape.channels() + "]"
        : "new float[count][" + shape.channels() + "]";
  }

  /**
   * Zeroes the gradients that the layer's backward pass adds to, as that pass's first statements:
   * each layer zeroes its own right before it sums into them, so that no method grows with the
   * number of layers (a {@code zeroGradients} of 200 layers would pass the 8,000 bytes that
   * HotSpot compiles, and run in the interpreter at every step). Empty when the backward pass
   * overwrites its gradients.
   */
  CodeBlock zeroGradients() {
    return CodeBlock.of("");
  }

  /** The statement calling the forward pass; {@code training} names the flag, or is null. */
  String forwardCall(String training) {
    return forwardName() + "(count" + (training != null && usesMode() ? ", " + training : "")
        + ")";
  }

  /** Whether the forward pass depends on training versus inference. */
  boolean usesMode() {
    return false;
  }

  /** Whether there is anything to do backward: learned tensors or an input gradient. */
  boolean hasBackward() {
    return layer.learns() || inputGradient;
  }

  String backwardCall() {
    return backwardName() + "(count)";
  }

  abstract List<MethodSpec> forwardMethods();

  abstract List<MethodSpec> backwardMethods();

  /** A private method over {@code count} samples, documented with the layer's block comment. */
  MethodSpec.Builder method(String name, String doc) {
    return MethodSpec.methodBuilder(name)
        .addModifiers(Modifier.PRIVATE)
        .addJavadoc(doc + ".\n");
  }

  /**
   * Opens loops over every row of the samples (a sample of a vector, a pixel of an image) and
   * declares {@code float[] <name> = <buffer>[n](q)} for each pair of names and buffers.
   */
  void beginRows(CodeBlock.Builder code, Shape shape, String... namesAndBuffers) {
    code.beginControlFlow("for (int n = 0; n < count; n++)");
    String index = "[n]";
    if (shape.image()) {
      code.beginControlFlow("for (int q = 0; q < $L; q++)", shape.positions());
      index = "[n][q]";
    }
    for (int k = 0; k < namesAndBuffers.length; k += 2) {
      code.addStatement("float[] $L = $L$L", namesAndBuffers[k], namesAndBuffers[k + 1], index);
    }
  }

  void endRows(CodeBlock.Builder code, Shape shape) {
    if (shape.image()) {
      code.endControlFlow();
    }
    code.endControlFlow();
  }

  /** The values per row: channels of an image pixel, or units of a vector. */
  static String rowWidth(Shape shape) {
    return String.valueOf(shape.channels());
  }
}
