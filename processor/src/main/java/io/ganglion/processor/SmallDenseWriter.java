package io.ganglion.processor;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import io.ganglion.Activation;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * Writes a dense layer of at most {@value #MAX_MULTIPLY_ADDS} weights as straight-line code: one
 * statement per output unit and per weight, with the inputs and deltas of a sample in locals.
 *
 * <p>{@link DenseWriter}'s loops run over the units, which in a small layer (the 8 units of a
 * 2-8-1 network, the single output of a regression) are too few for a vector and cost more to
 * start than to run; its weights are stored by input, one row each, so an output layer of one unit
 * has as many one-value rows as inputs, each zeroed and updated by the optimizer on its own. Here
 * the weight is one flat row in PyTorch's {@code [out][in]} order, nothing is transposed for the
 * input gradient (the weights of input {@code i} sit at {@code [j * IN + i]}), and no loop runs
 * over units or inputs. In C1's profiling tier (tier 3), where a short job spends much of its
 * time, every loop iteration and call also updates a profile counter: a 2-8-1 training step ran
 * about 2x faster there this way (590 -> 270 ns with -XX:TieredStopAtLevel=3).
 */
final class SmallDenseWriter extends WeightedLayerWriter {
  /** The largest layer (inputs x units) written unrolled. */
  static final int MAX_MULTIPLY_ADDS = 64;

  private final String inputConstant;

  SmallDenseWriter(LayerModel layer, LayerModel previous, boolean inputGradient) {
    super(layer, previous, inputGradient);
    this.inputConstant = previous == null ? "INPUTS" : NetworkWriter.unitsConstant(previous);
  }

  /** Whether a layer is written by this class rather than {@link DenseWriter}. */
  static boolean applies(LayerModel layer) {
    return layer.kind() == LayerModel.Kind.DENSE
        && (long) layer.inputs() * layer.units() <= MAX_MULTIPLY_ADDS;
  }

  @Override
  String weightScratch() {
    throw new UnsupportedOperationException("a small dense layer reads its weights in place");
  }

  @Override
  void addParameterFields(TypeSpec.Builder type) {
    type.addField(float[].class, weight(), Modifier.PRIVATE, Modifier.FINAL);
    type.addField(float[].class, weightGrad(), Modifier.PRIVATE);
    if (layer.bias()) {
      type.addField(float[].class, bias(), Modifier.PRIVATE, Modifier.FINAL);
      type.addField(float[].class, biasGrad(), Modifier.PRIVATE);
    }
  }

  @Override
  void initParameters(CodeBlock.Builder init, int k) {
    init.addStatement(
        "p[$L] = $T.flat($S, $L, $L)", k, PARAMETER, layer.name() + ".weight", units(),
        inputConstant);
    init.addStatement(
        "$T.fill(p[$L], $T.$L, $T.$L, $Lf, $L, $L, seed, $L)",
        DenseWriter.INITIALIZERS, k, DenseWriter.INIT, layer.init(), ACTIVATION,
        layer.activation(), NetworkWriter.floatLiteral(layer.initValue()), inputConstant, units(),
        layer.index());
    if (layer.bias()) {
      init.addStatement(
          "p[$L] = $T.flat($S, $L)", k + 1, PARAMETER, layer.name() + ".bias", units());
      DenseWriter.fillBias(init, layer, k, inputConstant);
    }
  }

  @Override
  void assign(CodeBlock.Builder body, CodeBlock.Builder training, int k, int buffer) {
    body.addStatement("$L = p[$L].data()[0]", weight(), k);
    training.addStatement("$L = p[$L].grad()[0]", weightGrad(), k);
    String biasParameter = "null";
    if (layer.bias()) {
      body.addStatement("$L = p[$L].data()[0]", bias(), k + 1);
      training.addStatement("$L = p[$L].grad()[0]", biasGrad(), k + 1);
      biasParameter = "p[" + (k + 1) + "]";
    }
    body.addStatement(
        "super.$L = new $T($S, $S, $T.$L, new int[] {$L}, new int[] {$L}, p[$L], $L)",
        layer.name(), LAYER, layer.name(), "Dense", ACTIVATION, layer.activation(),
        inputConstant, units(), k, biasParameter);
  }

  /** Nothing: {@link #backward()} overwrites the gradients, summed over the batch in locals. */
  @Override
  CodeBlock zeroGradients() {
    return CodeBlock.of("");
  }

  @Override
  void grow(MethodSpec.Builder grow) {
    DenseWriter.growRows(grow, this);
  }

  @Override
  void growTraining(MethodSpec.Builder grow) {
    DenseWriter.growDelta(grow, this);
  }

  @Override
  String forwardCall(String training) {
    return forwardName() + DenseWriter.arguments(previous);
  }

  @Override
  String backwardCall() {
    return backwardName() + DenseWriter.arguments(previous);
  }

  @Override
  List<MethodSpec> forwardMethods() {
    return List.of(forward());
  }

  @Override
  List<MethodSpec> backwardMethods() {
    return inputGradient ? List.of(backward(), inputGradient()) : List.of(backward());
  }

  private String inputGradientName() {
    return "inputGradient" + layer.capitalized();
  }

  private String blockComment() {
    return layer.name() + ": Dense " + layer.inputs() + " -> " + layer.units() + ", "
        + layer.activation() + ", unrolled";
  }

  private MethodSpec.Builder method(String name) {
    MethodSpec.Builder method = MethodSpec.methodBuilder(name)
        .addModifiers(Modifier.PRIVATE)
        .addJavadoc(blockComment() + ".\n");
    if (previous == null) {
      method.addParameter(float[].class, "inputs").addParameter(int.class, "offset");
    }
    return method.addParameter(int.class, "count");
  }

  /** Reads the sample's inputs into locals {@code x0, x1, ...}. */
  private void readInputs(CodeBlock.Builder code) {
    if (previous == null) {
      code.addStatement("int base = (offset + n) * INPUTS");
    } else {
      code.addStatement("float[] x = $L[n]", previous.name() + "Out");
    }
    for (int i = 0; i < layer.inputs(); i++) {
      String index = i == 0 ? "" : " + " + i;
      code.addStatement(previous == null ? "float x$L = inputs[base$L]" : "float x$L = x[$L]",
          i, previous == null ? index : String.valueOf(i));
    }
  }

  /** The weight of unit {@code j} and input {@code i}: its index in the flat {@code [out][in]}. */
  private int at(int j, int i) {
    return j * layer.inputs() + i;
  }

  private MethodSpec forward() {
    CodeBlock.Builder code = CodeBlock.builder();
    code.addStatement("float[] w = $L", weight());
    if (layer.bias()) {
      code.addStatement("float[] b = $L", bias());
    }
    code.beginControlFlow("for (int n = 0; n < count; n++)");
    readInputs(code);
    code.addStatement("float[] y = $L[n]", out());
    if (keepsPre()) {
      code.addStatement("float[] z = $L[n]", pre());
    }
    String activation = DenseWriter.activationMethod(layer.activation());
    boolean elementWise = activation != null && layer.activation() != Activation.SOFTMAX;
    for (int j = 0; j < layer.units(); j++) {
      List<String> terms = new ArrayList<>();
      if (layer.bias()) {
        terms.add("b[" + j + "]");
      }
      for (int i = 0; i < layer.inputs(); i++) {
        terms.add("x" + i + " * w[" + at(j, i) + "]");
      }
      // The terms hold no '$', so they can be part of the format; $W lets long sums wrap.
      String sum = String.join(" +$W", terms);
      if (elementWise && keepsPre()) {
        code.addStatement("z[" + j + "] = " + sum);
        code.addStatement("y[$L] = $T.$L(z[$L])", j, DenseWriter.ACTIVATIONS, activation, j);
      } else if (elementWise) {
        code.addStatement(
            "y[" + j + "] = $T.$L(" + sum + ")", DenseWriter.ACTIVATIONS, activation);
      } else {
        code.addStatement("y[" + j + "] = " + sum);
      }
    }
    if (layer.activation() == Activation.SOFTMAX) {
      code.addStatement("$T.softmax(y, $L)", DenseWriter.ACTIVATIONS, units());
    }
    code.endControlFlow();
    return method(forwardName()).addCode(code.build()).build();
  }

  /**
   * Per sample: the activation's derivative on the delta (written back when the input gradient
   * needs it), and the bias and weight gradients summed in locals, written once after the batch,
   * which also spares zeroing them. Then the input gradient, in a method of its own so that each
   * stays a few kilobytes of bytecode at most.
   */
  private MethodSpec backward() {
    CodeBlock.Builder code = CodeBlock.builder();
    for (int j = 0; j < layer.units(); j++) {
      if (layer.bias()) {
        code.addStatement("float gb$L = 0f", j);
      }
      for (int i = 0; i < layer.inputs(); i++) {
        code.addStatement("float g$L = 0f", at(j, i));
      }
    }
    code.beginControlFlow("for (int n = 0; n < count; n++)");
    code.addStatement("float[] d = $L[n]", delta());
    String derivative = DenseWriter.activationMethod(layer.activation());
    boolean elementWise = derivative != null && layer.activation() != Activation.SOFTMAX;
    if (derivative != null) {
      // The outputs, or the values before the activation for a derivative that needs those.
      code.addStatement("float[] o = $L[n]", derivativeInput());
    }
    if (layer.activation() == Activation.SOFTMAX) {
      code.addStatement("$T.softmaxBackward(o, d, $L)", DenseWriter.ACTIVATIONS, units());
    }
    readInputs(code);
    for (int j = 0; j < layer.units(); j++) {
      if (elementWise) {
        code.addStatement("float d$L = $T.$LBackward(o[$L], d[$L])",
            j, DenseWriter.ACTIVATIONS, derivative, j, j);
        if (inputGradient) {
          code.addStatement("d[$L] = d$L", j, j);
        }
      } else {
        code.addStatement("float d$L = d[$L]", j, j);
      }
      if (layer.bias()) {
        code.addStatement("gb$L += d$L", j, j);
      }
      for (int i = 0; i < layer.inputs(); i++) {
        code.addStatement("g$L += x$L * d$L", at(j, i), i, j);
      }
    }
    code.endControlFlow();
    code.addStatement("float[] g = $L", weightGrad());
    for (int k = 0; k < layer.inputs() * layer.units(); k++) {
      code.addStatement("g[$L] = g$L", k, k);
    }
    if (layer.bias()) {
      code.addStatement("float[] gb = $L", biasGrad());
      for (int j = 0; j < layer.units(); j++) {
        code.addStatement("gb[$L] = gb$L", j, j);
      }
    }
    if (inputGradient) {
      code.addStatement("$L(count)", inputGradientName());
    }
    return method(backwardName()).addCode(code.build()).build();
  }

  /** The gradient with respect to the input, from this layer's deltas, into the previous's. */
  private MethodSpec inputGradient() {
    CodeBlock.Builder code = CodeBlock.builder();
    code.addStatement("float[] w = $L", weight());
    code.beginControlFlow("for (int n = 0; n < count; n++)");
    code.addStatement("float[] d = $L[n]", delta());
    for (int j = 0; j < layer.units(); j++) {
      code.addStatement("float d$L = d[$L]", j, j);
    }
    code.addStatement("float[] dx = $L[n]", inputDelta());
    for (int i = 0; i < layer.inputs(); i++) {
      List<String> terms = new ArrayList<>();
      for (int j = 0; j < layer.units(); j++) {
        terms.add("d" + j + " * w[" + at(j, i) + "]");
      }
      code.addStatement("dx[" + i + "] = " + String.join(" +$W", terms));
    }
    code.endControlFlow();
    return MethodSpec.methodBuilder(inputGradientName())
        .addModifiers(Modifier.PRIVATE)
        .addJavadoc(layer.name() + ": gradient with respect to the input, into " + inputDelta()
            + ".\n")
        .addParameter(int.class, "count")
        .addCode(code.build())
        .build();
  }
}
