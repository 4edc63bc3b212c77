package io.ganglion.processor;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import io.ganglion.Activation;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * Writes batch normalization per channel (images) or per unit (vectors), as PyTorch's {@code
 * BatchNorm2d} and {@code BatchNorm1d}: training normalizes with the batch's mean and biased
 * variance and moves the running statistics towards them (the variance unbiased), inference uses
 * the running statistics. Statistics are summed in double; inner loops run over the channels.
 * Without {@code affine} there is no learned scale and shift: the output is the normalized value
 * (through the activation).
 */
final class BatchNormWriter extends LayerWriter {
  BatchNormWriter(LayerModel layer, LayerModel previous, boolean inputGradient) {
    super(layer, previous, inputGradient);
  }

  private String field(String what) {
    return layer.name() + what;
  }

  private int channels() {
    return layer.in().channels();
  }

  /** Whether the layer learns a scale and shift ({@code affine}, kept as the model's bias). */
  private boolean affine() {
    return layer.bias();
  }

  /**
   * The output of normalized value {@code h} before the activation, {@code scale[c] * h +
   * shift[c]} with the learned values in locals of those names, else {@code h} itself.
   */
  private String scaled(String h, String scale, String shift) {
    return affine() ? scale + "[c] * " + h + " + " + shift + "[c]" : h;
  }

  /** Whether the running statistics are the plain average of the batches' (momentum 0 here). */
  private boolean cumulative() {
    return layer.momentum() == 0f;
  }

  /** Declares the learned values as locals of these names, when there are any. */
  private void loadScaleAndShift(CodeBlock.Builder code, String scale, String shift) {
    if (affine()) {
      code.addStatement("float[] $L = $L", scale, field("Weight"));
      code.addStatement("float[] $L = $L", shift, field("Bias"));
    }
  }

  private String comment() {
    return layer.name() + ": BatchNorm " + layer.out() + ", momentum "
        + (cumulative() ? "1/k (cumulative average)" : Float.toString(layer.momentum()))
        + ", epsilon " + layer.epsilon()
        + (layer.activation() == Activation.LINEAR ? "" : ", then " + layer.activation())
        + (affine() ? "" : ", not affine");
  }

  @Override
  boolean usesMode() {
    return true;
  }

  @Override
  void addParameterFields(TypeSpec.Builder type) {
    if (affine()) {
      type.addField(float[].class, field("Weight"), Modifier.PRIVATE, Modifier.FINAL);
      type.addField(float[].class, field("Bias"), Modifier.PRIVATE, Modifier.FINAL);
    }
    for (String name : new String[] {"RunningMean", "RunningVar", "Tracked", "Mean",
        "InverseStd"}) {
      type.addField(float[].class, field(name), Modifier.PRIVATE, Modifier.FINAL);
    }
    if (affine()) {
      // Bound by bindTraining on the first training pass.
      type.addField(float[].class, field("WeightGrad"), Modifier.PRIVATE);
      type.addField(float[].class, field("BiasGrad"), Modifier.PRIVATE);
    }
    type.addField(double[].class, field("Sum"), Modifier.PRIVATE, Modifier.FINAL);
    type.addField(double[].class, field("ProductSum"), Modifier.PRIVATE, Modifier.FINAL);
  }

  @Override
  int tensorCount() {
    return affine() ? 2 : 0;
  }

  @Override
  void initParameters(CodeBlock.Builder init, int k) {
    if (!affine()) {
      return;
    }
    init.addStatement("p[$L] = $T.flat($S, $L)", k, PARAMETER, layer.name() + ".weight",
        channels());
    init.addStatement("$T.fill(p[$L].data()[0], 1f)", ARRAYS, k);
    init.addStatement("p[$L] = $T.flat($S, $L)", k + 1, PARAMETER, layer.name() + ".bias",
        channels());
  }

  @Override
  int bufferCount() {
    return 3;
  }

  @Override
  void initBuffers(CodeBlock.Builder init, int k) {
    init.addStatement("b[$L] = $T.flat($S, $L)", k, PARAMETER, layer.name() + ".running_mean",
        channels());
    init.addStatement("b[$L] = $T.flat($S, $L)", k + 1, PARAMETER,
        layer.name() + ".running_var", channels());
    init.addStatement("$T.fill(b[$L].data()[0], 1f)", ARRAYS, k + 1);
    init.addStatement("b[$L] = $T.flat($S)", k + 2, PARAMETER,
        layer.name() + ".num_batches_tracked");
  }

  @Override
  void assign(CodeBlock.Builder body, CodeBlock.Builder training, int k, int buffer) {
    if (affine()) {
      body.addStatement("$L = p[$L].data()[0]", field("Weight"), k);
      training.addStatement("$L = p[$L].grad()[0]", field("WeightGrad"), k);
      body.addStatement("$L = p[$L].data()[0]", field("Bias"), k + 1);
      training.addStatement("$L = p[$L].grad()[0]", field("BiasGrad"), k + 1);
    }
    body.addStatement("$L = b[$L].data()[0]", field("RunningMean"), buffer);
    body.addStatement("$L = b[$L].data()[0]", field("RunningVar"), buffer + 1);
    body.addStatement("$L = b[$L].data()[0]", field("Tracked"), buffer + 2);
    for (String name : new String[] {"Mean", "InverseStd"}) {
      body.addStatement("$L = new float[$L]", field(name), channels());
    }
    for (String name : new String[] {"Sum", "ProductSum"}) {
      body.addStatement("$L = new double[$L]", field(name), channels());
    }
    body.addStatement(
        "super.$L = new $T($S, $S, $T.$L, new int[] {$L}, new int[] {$L}, $L, $L)",
        layer.name(), LAYER, layer.name(), "BatchNorm", ACTIVATION, layer.activation(),
        dims(layer.in()), dims(layer.out()), affine() ? "p[" + k + "]" : "null",
        affine() ? "p[" + (k + 1) + "]" : "null");
  }

  @Override
  void addWorkFields(TypeSpec.Builder type) {
    super.addWorkFields(type);
    type.addField(bufferType(layer.out()), field("Normalized"), Modifier.PRIVATE);
  }

  @Override
  void growTraining(MethodSpec.Builder grow) {
    super.growTraining(grow);
    grow.addStatement("$L = $L", field("Normalized"), allocation(layer.out()));
  }

  /**
   * The loop writing the output {@code scale * (x - mean) * inv + shift} (through the activation;
   * without {@code affine} the normalized value itself), and the normalized value into {@code h}
   * if given ({@code "h", buffer}).
   */
  private void normalize(CodeBlock.Builder code, String... normalized) {
    Shape shape = layer.out();
    String[] rows = new String[4 + normalized.length];
    rows[0] = "x";
    rows[1] = input();
    rows[2] = "y";
    rows[3] = out();
    System.arraycopy(normalized, 0, rows, 4, normalized.length);
    beginRows(code, shape, rows);
    code.beginControlFlow("for (int c = 0; c < $L; c++)", channels());
    code.addStatement("float v = (x[c] - mean[c]) * inv[c]");
    if (normalized.length > 0) {
      code.addStatement("h[c] = v");
    }
    String activation = DenseWriter.activationMethod(layer.activation());
    if (activation == null) {
      code.addStatement("y[c] = $L", scaled("v", "gamma", "beta"));
    } else {
      code.addStatement("y[c] = $T.$L($L)", DenseWriter.ACTIVATIONS, activation,
          scaled("v", "gamma", "beta"));
    }
    code.endControlFlow();
    endRows(code, shape);
  }

  @Override
  CodeBlock zeroGradients() {
    if (!affine()) {
      return CodeBlock.of("");
    }
    return CodeBlock.builder()
        .addStatement("$T.fill($L, 0f)", ARRAYS, field("WeightGrad"))
        .addStatement("$T.fill($L, 0f)", ARRAYS, field("BiasGrad"))
        .build();
  }

  /** Values per channel in a batch of {@code count} samples. */
  private String perChannel() {
    int positions = layer.out().positions();
    return positions == 1 ? "count" : "count * " + positions;
  }

  @Override
  List<MethodSpec> forwardMethods() {
    Shape shape = layer.out();
    int c = channels();
    CodeBlock.Builder code = CodeBlock.builder();
    code.addStatement("float[] mean = $L", field("Mean"));
    code.addStatement("float[] inv = $L", field("InverseStd"));
    code.addStatement("float[] rm = $L", field("RunningMean"));
    code.addStatement("float[] rv = $L", field("RunningVar"));
    code.beginControlFlow("if (training)");
    code.addStatement("double[] s = $L", field("Sum"));
    code.addStatement("int values = $L", perChannel());
    code.addStatement("$T.fill(s, 0)", ARRAYS);
    beginRows(code, shape, "x", input());
    code.beginControlFlow("for (int c = 0; c < $L; c++)", c);
    code.addStatement("s[c] += x[c]");
    code.endControlFlow();
    endRows(code, shape);
    code.beginControlFlow("for (int c = 0; c < $L; c++)", c);
    code.addStatement("mean[c] = (float) (s[c] / values)");
    code.endControlFlow();
    code.addStatement("$T.fill(s, 0)", ARRAYS);
    beginRows(code, shape, "x", input());
    code.beginControlFlow("for (int c = 0; c < $L; c++)", c);
    code.addStatement("double v = x[c] - mean[c]");
    code.addStatement("s[c] += v * v");
    code.endControlFlow();
    endRows(code, shape);
    code.beginControlFlow("for (int c = 0; c < $L; c++)", c);
    code.addStatement("double variance = s[c] / values");
    code.addStatement("inv[c] = (float) (1 / $T.sqrt(variance + $Lf))", Math.class,
        NetworkWriter.floatLiteral(layer.epsilon()));
    // One value per channel (a batch of one sample over vectors) says nothing about the
    // variance: the running statistics keep what they had, and the batch is not counted
    // (PyTorch refuses such a batch; Trainer makes one only as a last batch of one sample).
    code.beginControlFlow("if (primary && values > 1)");
    if (cumulative()) {
      // The k-th counted batch weighs 1/k (PyTorch's momentum=None): the count is k - 1 here.
      code.addStatement("float m = 1f / ($L[0] + 1)", field("Tracked"));
    } else {
      code.addStatement("float m = $Lf", NetworkWriter.floatLiteral(layer.momentum()));
    }
    code.addStatement("rm[c] = (1 - m) * rm[c] + m * mean[c]");
    code.addStatement(
        "rv[c] = (float) ((1 - m) * rv[c] + m * (variance * values / (values - 1)))");
    code.endControlFlow();
    code.endControlFlow();
    code.beginControlFlow("if (primary && values > 1)");
    code.addStatement("$L[0]++", field("Tracked"));
    code.endControlFlow();
    code.nextControlFlow("else");
    code.beginControlFlow("for (int c = 0; c < $L; c++)", c);
    code.addStatement("mean[c] = rm[c]");
    code.addStatement("inv[c] = (float) (1 / $T.sqrt(rv[c] + $Lf))", Math.class,
        NetworkWriter.floatLiteral(layer.epsilon()));
    code.endControlFlow();
    code.endControlFlow();
    loadScaleAndShift(code, "gamma", "beta");
    // Training keeps the normalized values for the backward pass; inference (whose model may
    // never have allocated them) only writes the output.
    code.beginControlFlow("if (training)");
    normalize(code, "h", field("Normalized"));
    code.nextControlFlow("else");
    normalize(code);
    code.endControlFlow();
    return List.of(method(forwardName(), comment())
        .addParameter(int.class, "count")
        .addParameter(boolean.class, "training")
        .addCode(code.build())
        .build());
  }

  /**
   * Backward through the batch statistics: with {@code h} the normalized values and {@code N}
   * values per channel, {@code dx = scale * inv * (d - mean(d) - h * mean(d * h))} (without
   * {@code affine}, a scale of 1).
   */
  @Override
  List<MethodSpec> backwardMethods() {
    Shape shape = layer.out();
    int c = channels();
    CodeBlock.Builder code = CodeBlock.builder().add(zeroGradients());
    String activation = DenseWriter.activationMethod(layer.activation());
    if (activation != null && layer.activation().derivativeNeedsInput()) {
      // Through the activation first, at its input scale * h + shift, recomputed from the
      // normalized values (kept for the norm's own backward) rather than kept in a buffer.
      loadScaleAndShift(code, "scale", "shift");
      beginRows(code, shape, "d", delta(), "h", field("Normalized"));
      code.beginControlFlow("for (int c = 0; c < $L; c++)", c);
      code.addStatement("d[c] = $T.$LBackward($L, d[c])", DenseWriter.ACTIVATIONS, activation,
          scaled("h[c]", "scale", "shift"));
      code.endControlFlow();
      endRows(code, shape);
    } else if (activation != null) {
      // Through the activation first: delta becomes the gradient before it, in place.
      beginRows(code, shape, "d", delta(), "y", out());
      code.beginControlFlow("for (int c = 0; c < $L; c++)", c);
      code.addStatement("d[c] = $T.$LBackward(y[c], d[c])", DenseWriter.ACTIVATIONS, activation);
      code.endControlFlow();
      endRows(code, shape);
    }
    code.addStatement("double[] sd = $L", field("Sum"));
    code.addStatement("double[] sdh = $L", field("ProductSum"));
    code.addStatement("$T.fill(sd, 0)", ARRAYS);
    code.addStatement("$T.fill(sdh, 0)", ARRAYS);
    beginRows(code, shape, "d", delta(), "h", field("Normalized"));
    code.beginControlFlow("for (int c = 0; c < $L; c++)", c);
    code.addStatement("sd[c] += d[c]");
    code.addStatement("sdh[c] += d[c] * h[c]");
    code.endControlFlow();
    endRows(code, shape);
    if (affine()) {
      code.addStatement("float[] gg = $L", field("WeightGrad"));
      code.addStatement("float[] gb = $L", field("BiasGrad"));
      code.beginControlFlow("for (int c = 0; c < $L; c++)", c);
      code.addStatement("gg[c] += (float) sdh[c]");
      code.addStatement("gb[c] += (float) sd[c]");
      code.endControlFlow();
    }
    if (inputGradient) {
      if (affine()) {
        code.addStatement("float[] gamma = $L", field("Weight"));
      }
      code.addStatement("float[] inv = $L", field("InverseStd"));
      code.addStatement("int values = $L", perChannel());
      code.beginControlFlow("for (int c = 0; c < $L; c++)", c);
      code.addStatement("sd[c] /= values");
      code.addStatement("sdh[c] /= values");
      code.endControlFlow();
      beginRows(code, shape, "dx", inputDelta(), "d", delta(), "h", field("Normalized"));
      code.beginControlFlow("for (int c = 0; c < $L; c++)", c);
      code.addStatement("dx[c] = $Linv[c] * (float) (d[c] - sd[c] - h[c] * sdh[c])",
          affine() ? "gamma[c] * " : "");
      code.endControlFlow();
      endRows(code, shape);
    }
    return List.of(method(backwardName(), comment())
        .addParameter(int.class, "count")
        .addCode(code.build())
        .build());
  }
}
