package io.ganglion.processor;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import io.ganglion.Activation;
import java.util.List;
import java.util.function.BiFunction;
import javax.lang.model.element.Modifier;

/**
 * Writes the forward and backward passes of one dense layer, specialized to its sizes.
 *
 * <p>Loop shapes follow what C2 vectorizes (see DESIGN.md): every inner loop walks rows with the
 * bare loop index {@code j} or {@code i}; the register-blocking dimension is unrolled by 4 (four
 * inputs in the forward pass, four samples in the weight gradient, four units in the input
 * gradient), and a second dimension by 2 (two samples in the forward pass and the input gradient,
 * two gradient rows in the weight gradient), so that each value loaded serves twice. Each method
 * stays within about 1,300 bytes of bytecode (the weight gradient, with its first pass written
 * apart), far below HotSpot's 8000-byte {@code HugeMethodLimit}. The input gradient needs rows
 * per unit: it runs on a per-step transposed copy of the weights, whose cost (inputs x units) is
 * small against the product (batch x inputs x units).
 */
final class DenseWriter extends WeightedLayerWriter {
  static final ClassName ACTIVATIONS = ClassName.get("io.ganglion.internal", "Activations");
  static final ClassName INIT = ClassName.get("io.ganglion", "Init");
  static final ClassName INITIALIZERS = ClassName.get("io.ganglion.internal", "Initializers");
  private static final int BLOCK = 4;
  /** Samples per pass of the plain forward product and input gradient. */
  private static final int PAIR = 2;
  private static final int TRANSPOSE_TILE = 16;

  private final String inputConstant;
  private final ClassName vectorClass;
  private final ClassName inputGradientVectorClass;

  /**
   * {@code previous} is null for the first layer, which reads the flat input array; {@code
   * vectorClass} is null when the layer has no Vector API kernels, and {@code
   * inputGradientVectorClass} when its input gradient has none (see {@link
   * VectorWriter#usesVectorInputGradient}).
   */
  DenseWriter(LayerModel layer, LayerModel previous, boolean inputGradient,
      ClassName vectorClass, ClassName inputGradientVectorClass) {
    super(layer, previous, inputGradient);
    this.vectorClass = vectorClass;
    this.inputGradientVectorClass = inputGradientVectorClass;
    this.inputConstant = previous == null ? "INPUTS" : NetworkWriter.unitsConstant(previous);
  }

  @Override
  void initParameters(CodeBlock.Builder init, int k) {
    init.addStatement(
        "p[$L] = $T.transposed($S, $L, $L)", k, PARAMETER, layer.name() + ".weight",
        units(), inputConstant);
    init.addStatement(
        "$T.fill(p[$L], $T.$L, $T.$L, $Lf, $L, $L, seed, $L)",
        INITIALIZERS, k, INIT, layer.init(), ACTIVATION, layer.activation(),
        NetworkWriter.floatLiteral(layer.initValue()), inputConstant, units(), layer.index());
    if (layer.bias()) {
      init.addStatement(
          "p[$L] = $T.flat($S, $L)", k + 1, PARAMETER, layer.name() + ".bias", units());
      fillBias(init, layer, k, inputConstant);
    }
  }

  /**
   * Draws the bias (parameter {@code k + 1}, after the weight {@code k}) where the layer's scheme
   * does ({@code Init.PYTORCH}); else it stays at 0.
   */
  static void fillBias(CodeBlock.Builder init, LayerModel layer, int k, Object fanIn) {
    if (layer.init().drawsBias()) {
      init.addStatement("$T.fillBias(p[$L], $T.$L, $L, p[$L].size(), seed, $L)", INITIALIZERS,
          k + 1, INIT, layer.init(), fanIn, k, layer.index());
    }
  }

  @Override
  void assign(CodeBlock.Builder body, CodeBlock.Builder training, int k, int buffer) {
    String biasParameter = assignWeights(body, training, k);
    if (needsInputGradient()) {
      training.addStatement("$L = new float[$L][$L]", weightByUnit(), units(), inputConstant);
    }
    if (narrow()) {
      training.addStatement("$L = new float[$L][$L]", weightGradByUnit(), units(), inputConstant);
    }
    body.addStatement(
        "super.$L = new $T($S, $S, $T.$L, new int[] {$L}, new int[] {$L}, p[$L], $L)",
        layer.name(), LAYER, layer.name(), "Dense", ACTIVATION, layer.activation(),
        inputConstant, units(), k, biasParameter);
  }

  @Override
  void addParameterFields(TypeSpec.Builder type) {
    super.addParameterFields(type);
    if (narrow()) {
      type.addField(ROWS, weightGradByUnit(), Modifier.PRIVATE);
    }
  }

  @Override
  void grow(MethodSpec.Builder grow) {
    growRows(grow, this);
  }

  @Override
  void growTraining(MethodSpec.Builder grow) {
    growDelta(grow, this);
  }

  /** Sizes a dense layer's output rows (and its values before the activation) by its units. */
  static void growRows(MethodSpec.Builder grow, LayerWriter dense) {
    grow.addStatement("$L = new float[count][$L]", dense.out(), dense.units());
    if (dense.keepsPre()) {
      grow.addStatement("$L = new float[count][$L]", dense.pre(), dense.units());
    }
  }

  /** Sizes a dense layer's delta rows by its units constant. */
  static void growDelta(MethodSpec.Builder grow, LayerWriter dense) {
    grow.addStatement("$L = new float[count][$L]", dense.delta(), dense.units());
  }

  @Override
  String forwardCall(String training) {
    return forwardName() + arguments(previous);
  }

  @Override
  String backwardCall() {
    return backwardName() + arguments(previous);
  }

  /** The arguments of a dense layer's passes: the first layer reads the flat input array. */
  static String arguments(LayerModel previous) {
    return previous == null ? "(inputs, offset, count)" : "(count)";
  }

  @Override
  List<MethodSpec> forwardMethods() {
    return List.of(forward());
  }

  @Override
  List<MethodSpec> backwardMethods() {
    return needsInputGradient()
        ? List.of(backward(), plainWeightGradient(), inputGradient())
        : List.of(backward(), plainWeightGradient());
  }

  String weightByUnit() {
    return layer.name() + "WeightByUnit";
  }

  @Override
  String weightScratch() {
    return weightByUnit();
  }

  boolean needsInputGradient() {
    return inputGradient;
  }

  private String blockComment() {
    return layer.name() + ": Dense " + layer.inputs() + " -> " + layer.units() + ", "
        + layer.activation();
  }

  /** The forward pass over {@code count} samples. */
  MethodSpec forward() {
    MethodSpec.Builder method =
        MethodSpec.methodBuilder(forwardName())
            .addModifiers(Modifier.PRIVATE)
            .addJavadoc(blockComment() + ".\n");
    if (previous == null) {
      method.addParameter(float[].class, "inputs").addParameter(int.class, "offset");
    }
    method.addParameter(int.class, "count");
    CodeBlock.Builder code = CodeBlock.builder();
    String activation = activationMethod(layer.activation());
    if (vectorClass != null) {
      // One sample at a time (inference) runs faster in the plain loops: the vector blocks
      // re-check bounds on every row of weights, which a batch amortizes over 4 samples.
      code.beginControlFlow("if (VECTOR && count >= 4)");
      code.addStatement(
          "$T.$L($L, $L, $L$L, count, 0, $L)",
          vectorClass,
          VectorWriter.forwardName(layer),
          previous == null ? "inputs, offset" : previous.name() + "Out",
          weight(),
          layer.bias() ? bias() + ", " : "",
          out(),
          inputConstant);
      if (activation != null) {
        code.beginControlFlow("for (int n = 0; n < count; n++)");
        if (keepsPre()) {
          code.addStatement("$T.arraycopy($L[n], 0, $L[n], 0, $L)", System.class, out(), pre(),
              units());
        }
        code.addStatement("$T.$L($L[n], $L)", ACTIVATIONS, activation, out(), units());
        code.endControlFlow();
      }
      code.addStatement("return");
      code.endControlFlow();
    }
    code.addStatement("float[][] w = $L", weight());
    code.addStatement("int n = 0");
    for (int samples : new int[] {PAIR, 1}) {
      beginSamples(code, samples);
      for (int s = 0; s < samples; s++) {
        code.addStatement("float[] y$L = $L[$L]", s, out(), sample(s));
        if (layer.bias()) {
          code.addStatement("$T.arraycopy($L, 0, y$L, 0, $L)", System.class, bias(), s, units());
        } else {
          code.addStatement("$T.fill(y$L, 0, $L, 0f)", ARRAYS, s, units());
        }
      }
      forwardProduct(code, samples, "0", inputConstant,
          layer.inputs() >= BLOCK, layer.inputs() % BLOCK != 0);
      if (activation != null) {
        for (int s = 0; s < samples; s++) {
          if (keepsPre()) {
            code.addStatement("$T.arraycopy(y$L, 0, $L[$L], 0, $L)", System.class, s, pre(),
                sample(s), units());
          }
          code.addStatement("$T.$L(y$L, $L)", ACTIVATIONS, activation, s, units());
        }
      }
      code.endControlFlow();
    }
    return method.addCode(code.build()).build();
  }

  /**
   * The backward pass over {@code count} samples: turns {@code delta} (the loss gradient with
   * respect to this layer's output) into the gradient before the activation, accumulates the
   * weight and bias gradients, and, unless this is the first layer, writes the gradient with
   * respect to the input into the previous layer's delta.
   */
  MethodSpec backward() {
    MethodSpec.Builder method =
        MethodSpec.methodBuilder(backwardName())
            .addModifiers(Modifier.PRIVATE)
            .addJavadoc(blockComment() + ".\n");
    if (previous == null) {
      method.addParameter(float[].class, "inputs").addParameter(int.class, "offset");
    }
    method.addParameter(int.class, "count");
    // Both the vector kernels and the plain loops write the weight gradient's rows.
    CodeBlock.Builder code = CodeBlock.builder().add(zeroBiasGradient());
    String derivative = activationMethod(layer.activation());
    if (derivative != null) {
      code.beginControlFlow("for (int n = 0; n < count; n++)");
      code.addStatement("$T.$LBackward($L[n], $L[n], $L)", ACTIVATIONS, derivative,
          derivativeInput(), delta(), units());
      code.endControlFlow();
    }
    if (layer.bias()) {
      code.addStatement("float[] gb = $L", biasGrad());
      code.beginControlFlow("for (int n = 0; n < count; n++)");
      code.addStatement("float[] d = $L[n]", delta());
      code.beginControlFlow("for (int j = 0; j < $L; j++)", units());
      code.addStatement("gb[j] += d[j]");
      code.endControlFlow();
      code.endControlFlow();
    }
    if (vectorClass != null) {
      code.beginControlFlow("if (VECTOR)");
      code.addStatement(
          "$T.$L($L, $L, $L, count, 0, $L)",
          vectorClass,
          VectorWriter.weightGradientName(layer),
          previous == null ? "inputs, offset" : previous.name() + "Out",
          delta(),
          weightGrad(),
          inputConstant);
      code.nextControlFlow("else");
    }
    code.addStatement("$L($Lcount, 0, $L)", plainWeightGradientName(),
        previous == null ? "inputs, offset, " : "", inputConstant);
    if (vectorClass != null) {
      code.endControlFlow();
    }
    if (needsInputGradient()) {
      code.addStatement("$L(count)", inputGradientName());
    }
    method.addCode(code.build());
    return method.build();
  }

  String inputGradientName() {
    return "inputGradient" + layer.capitalized();
  }

  /** Writes the gradient with respect to the input into the previous layer's delta. */
  MethodSpec inputGradient() {
    String previousDelta = previous.name() + "Delta";
    CodeBlock.Builder code = CodeBlock.builder();
    transposeWeights(code, "0", inputConstant);
    if (inputGradientVectorClass != null) {
      // One sample at a time (inference) runs faster in the plain loops: the vector blocks
      // re-check bounds on every row of weights, which a batch amortizes over 4 samples.
      code.beginControlFlow("if (VECTOR && count >= 4)");
      code.addStatement(
          "$T.$L($L, r, $L, count, 0, $L)",
          inputGradientVectorClass, VectorWriter.inputGradientName(layer), delta(),
          previousDelta, inputConstant);
      code.addStatement("return");
      code.endControlFlow();
    }
    inputGradientRows(code, previousDelta, "0", inputConstant);
    return MethodSpec.methodBuilder(inputGradientName())
        .addModifiers(Modifier.PRIVATE)
        .addJavadoc(
            layer.name() + ": gradient with respect to the input, into " + previousDelta + ".\n")
        .addParameter(int.class, "count")
        .addCode(code.build())
        .build();
  }

  String partial() {
    return layer.name() + "Partial";
  }

  String splitForwardName() {
    return "splitForward" + layer.capitalized();
  }

  String splitActivateName() {
    return "splitActivate" + layer.capitalized();
  }

  String splitBackwardName() {
    return "splitBackward" + layer.capitalized();
  }

  /**
   * The methods through which workers split this layer by weight rows (see {@code SplitNetwork}):
   * a partial forward product over input rows {@code [from, to)}, the sum and activation of output
   * columns {@code [from, to)}, and the backward pass of weight rows {@code [from, to)}.
   */
  List<MethodSpec> splitMethods() {
    return List.of(splitForward(), splitActivate(), splitBackward());
  }

  private MethodSpec splitForward() {
    CodeBlock.Builder code = CodeBlock.builder();
    if (vectorClass != null) {
      code.beginControlFlow("if (VECTOR && count >= 4)");
      code.addStatement(
          "$T.$L($L, $L, $L$L, count, from, to)",
          vectorClass,
          VectorWriter.forwardName(layer),
          previous == null ? "inputs, offset" : previous.name() + "Out",
          weight(),
          layer.bias() ? "ZEROS, " : "",
          partial());
      code.addStatement("return");
      code.endControlFlow();
    }
    code.addStatement("float[][] w = $L", weight());
    code.addStatement("int n = 0");
    for (int samples : new int[] {PAIR, 1}) {
      beginSamples(code, samples);
      for (int s = 0; s < samples; s++) {
        code.addStatement("float[] y$L = $L[$L]", s, partial(), sample(s));
        code.addStatement("$T.fill(y$L, 0, $L, 0f)", ARRAYS, s, units());
      }
      forwardProduct(code, samples, "from", "to", true, true);
      code.endControlFlow();
    }
    return firstLayerInputs(MethodSpec.methodBuilder(splitForwardName())
            .addModifiers(Modifier.PRIVATE)
            .addJavadoc(blockComment() + ": partial sums over input rows [from, to).\n"))
        .addParameter(int.class, "count")
        .addParameter(int.class, "from")
        .addParameter(int.class, "to")
        .addCode(code.build())
        .build();
  }

  private MethodSpec splitActivate() {
    CodeBlock.Builder code = CodeBlock.builder();
    code.beginControlFlow("for (int n = 0; n < count; n++)");
    code.addStatement("float[] y = $L[n]", out());
    if (layer.bias()) {
      code.addStatement("$T.arraycopy($L, from, y, from, to - from)", System.class, bias());
    } else {
      code.addStatement("$T.fill(y, from, to, 0f)", ARRAYS);
    }
    code.beginControlFlow("for (float[][] worker : partials)");
    code.addStatement("float[] p = worker[n]");
    code.beginControlFlow("for (int j = from; j < to; j++)");
    code.addStatement("y[j] += p[j]");
    code.endControlFlow();
    code.endControlFlow();
    String activation = activationMethod(layer.activation());
    if (layer.activation() == Activation.SOFTMAX) {
      // Only the last layer may have it, and its columns are never split.
      code.addStatement("$T.softmax(y, $L)", ACTIVATIONS, units());
    } else if (activation != null) {
      if (keepsPre()) {
        code.addStatement("$T.arraycopy(y, from, $L[n], from, to - from)", System.class, pre());
      }
      code.addStatement("$T.$L(y, from, to)", ACTIVATIONS, activation);
    }
    code.endControlFlow();
    return MethodSpec.methodBuilder(splitActivateName())
        .addModifiers(Modifier.PRIVATE)
        .addJavadoc(blockComment() + ": bias, partial sums and activation of columns [from, to).\n")
        .addParameter(float[][][].class, "partials")
        .addParameter(int.class, "count")
        .addParameter(int.class, "from")
        .addParameter(int.class, "to")
        .addCode(code.build())
        .build();
  }

  private MethodSpec splitBackward() {
    CodeBlock.Builder code = CodeBlock.builder();
    if (vectorClass != null) {
      code.addStatement("float[][] gw = $L", weightGrad()); // the plain kernel reads the field
    }
    if (layer.bias() || vectorClass != null) {
      code.addStatement("float[][] d = $L", delta()); // the plain kernel reads the field
    }
    if (layer.bias()) {
      code.beginControlFlow("if (bias)");
      code.addStatement("float[] gb = $L", biasGrad());
      code.addStatement("$T.fill(gb, 0f)", ARRAYS);
      code.beginControlFlow("for (int n = 0; n < count; n++)");
      code.addStatement("float[] dn = d[n]");
      code.beginControlFlow("for (int j = 0; j < $L; j++)", units());
      code.addStatement("gb[j] += dn[j]");
      code.endControlFlow();
      code.endControlFlow();
      code.endControlFlow();
    }
    if (vectorClass != null) {
      code.beginControlFlow("if (VECTOR)");
      code.addStatement(
          "$T.$L($L, d, gw, count, from, to)",
          vectorClass,
          VectorWriter.weightGradientName(layer),
          previous == null ? "inputs, offset" : previous.name() + "Out");
      code.nextControlFlow("else");
    }
    code.addStatement("$L($Lcount, from, to)", plainWeightGradientName(),
        previous == null ? "inputs, offset, " : "");
    if (vectorClass != null) {
      code.endControlFlow();
    }
    MethodSpec.Builder method =
        firstLayerInputs(MethodSpec.methodBuilder(splitBackwardName())
                .addModifiers(Modifier.PRIVATE)
                .addJavadoc(blockComment() + ": gradients of weight rows [from, to)"
                    + (needsInputGradient() ? " and of the input columns [from, to)" : "")
                    + ".\n"))
            .addParameter(int.class, "count")
            .addParameter(int.class, "from")
            .addParameter(int.class, "to");
    if (layer.bias()) {
      method.addParameter(boolean.class, "bias"); // whether this worker sums the bias gradient
    }
    method.addCode(code.build());
    if (needsInputGradient()) {
      method.addStatement("$L(count, from, to)", splitInputGradientName());
    }
    return method.build();
  }

  /**
   * Whether the weight gradient runs by unit: for a layer of few units (the output layer of a
   * classifier) over many inputs, the loops over units are too short for C2's vectors (with
   * AVX-512 a loop of 10 never enters the 16-wide main loop), so the gradient is summed into a
   * copy laid out by unit, whose rows run over the inputs, and written to the gradient rows after.
   */
  boolean narrow() {
    return vectorClass == null && layer.units() < 16 && layer.inputs() >= 32;
  }

  String weightGradByUnit() {
    return layer.name() + "WeightGradByUnit";
  }

  String plainWeightGradientName() {
    return "weightGradient" + layer.capitalized();
  }

  /**
   * The plain-Java weight gradient of rows {@code [from, to)} in a method of its own, called by the
   * backward pass of the whole layer and by a worker's share of it. Written inline after the
   * activation's derivative, the loops were compiled together with it, and the mnist-mlp step
   * with plain kernels took 95.5-99.7 ms per epoch; in a method of their own, 87.0-88.0 (a scratch
   * harness timing epochs 21-30, four JVMs each).
   */
  private MethodSpec plainWeightGradient() {
    CodeBlock.Builder code = CodeBlock.builder();
    code.addStatement("float[][] gw = $L", weightGrad());
    code.addStatement("float[][] d = $L", delta());
    weightGradient(code, "from", "to");
    return firstLayerInputs(MethodSpec.methodBuilder(plainWeightGradientName())
            .addModifiers(Modifier.PRIVATE)
            .addJavadoc(layer.name() + ": the weight gradient of rows [from, to), plain Java.\n"))
        .addParameter(int.class, "count")
        .addParameter(int.class, "from")
        .addParameter(int.class, "to")
        .addCode(code.build())
        .build();
  }

  /**
   * The plain-Java weight gradient of rows {@code [from, to)}, from {@code d} (the deltas) into
   * {@code gw}: by unit for a narrow layer, else two gradient rows at a time, four samples per
   * pass. Either way the rows are written, not added to, so the gradient needs no zeroing first
   * (a pass over all of it, which in plain mnist-mlp cost about 10% of a step).
   */
  private void weightGradient(CodeBlock.Builder code, String from, String to) {
    if (narrow()) {
      narrowWeightGradient(code, from, to);
      return;
    }
    // Two gradient rows per pass: each delta loaded serves both, as each weight loaded serves two
    // samples in the forward pass. mnist-mlp's plain step took 67.5-68.9 ms per epoch against
    // 79.2-80.5 with one row per pass (EpochTimes, 3 alternating pairs).
    code.addStatement("int i = $L", from);
    code.beginControlFlow("for (; i < $L - 1; i += 2)", to);
    gradientRows(code, 2);
    code.endControlFlow();
    code.beginControlFlow("if (i < $L)", to);
    gradientRows(code, 1);
    code.endControlFlow();
  }

  /**
   * The gradient rows {@code g = gw[i]} and, if {@code rows} is 2, {@code h = gw[i + 1]}: the
   * first samples write the rows, the rest add to them. The generated methods take count >= 1, as
   * training passes do.
   */
  private void gradientRows(CodeBlock.Builder code, int rows) {
    code.addStatement("float[] g = gw[i]");
    if (rows == 2) {
      code.addStatement("float[] h = gw[i + 1]");
    }
    code.addStatement("int n");
    code.beginControlFlow("if (count > $L)", BLOCK - 1);
    products(code, rows, BLOCK, true);
    code.addStatement("n = $L", BLOCK);
    code.nextControlFlow("else");
    products(code, rows, 1, true);
    code.addStatement("n = 1");
    code.endControlFlow();
    code.beginControlFlow("for (; n < count - $L; n += $L)", BLOCK - 1, BLOCK);
    products(code, rows, BLOCK, false);
    code.endControlFlow();
    code.beginControlFlow("for (; n < count; n++)");
    products(code, rows, 1, false);
    code.endControlFlow();
  }

  /**
   * One pass of {@code samples} samples (1 or {@value #BLOCK}) over the gradient rows: the first
   * (from sample 0) writes {@code g[j] = 0f + (x0 * e0 + ...)} ({@code 0f + x0 * e0} for one
   * sample), a later one (from sample {@code n}) adds. The written sum starts from {@code +0f}, as
   * the vector kernels and the by-unit copy do, so a row whose products are all {@code -0f} (a zero
   * input times negative deltas) holds {@code +0f}, as when rows were zeroed before the sums.
   */
  private void products(CodeBlock.Builder code, int rows, int samples, boolean first) {
    StringBuilder x = new StringBuilder();
    StringBuilder y = new StringBuilder();
    for (int k = 0; k < samples; k++) {
      code.addStatement("float x$L = " + inputAt(sample(first, k), "i"), k);
      if (rows == 2) {
        code.addStatement("float y$L = " + inputAt(sample(first, k), "i + 1"), k);
      }
      x.append(k == 0 ? "" : " + ").append("x").append(k).append(" * e").append(k);
      y.append(k == 0 ? "" : " + ").append("y").append(k).append(" * e").append(k);
    }
    for (int k = 0; k < samples; k++) {
      code.addStatement("float[] d$L = d[$L]", k, sample(first, k));
    }
    code.beginControlFlow("for (int j = 0; j < $L; j++)", units());
    for (int k = 0; k < samples; k++) {
      code.addStatement("float e$L = d$L[j]", k, k);
    }
    code.addStatement(sum("g", x, first, samples));
    if (rows == 2) {
      code.addStatement(sum("h", y, first, samples));
    }
    code.endControlFlow();
  }

  /** {@code row[j] = 0f + (products)} for the first samples, else {@code row[j] += products}. */
  private static String sum(String row, CharSequence products, boolean first, int samples) {
    return !first ? row + "[j] += " + products
        : samples == 1 ? row + "[j] = 0f + " + products
        : row + "[j] = 0f + (" + products + ")";
  }

  /** Sample {@code k} of a pass: the number {@code k} in the first pass, else {@code n + k}. */
  private static String sample(boolean first, int k) {
    return first ? Integer.toString(k) : k == 0 ? "n" : "n + " + k;
  }

  /**
   * The weight gradient of rows {@code [from, to)} by unit (see {@link #narrow()}), four samples
   * per pass over each unit's row: the rows are short (the layer's inputs), so a pass costs about
   * as much to start as to run, and four samples per pass measured 1.8x faster than one.
   */
  private void narrowWeightGradient(CodeBlock.Builder code, String from, String to) {
    code.addStatement("float[][] t = $L", weightGradByUnit());
    code.beginControlFlow("for (int j = 0; j < $L; j++)", units());
    code.addStatement("$T.fill(t[j], $L, $L, 0f)", ARRAYS, from, to);
    code.endControlFlow();
    code.addStatement("int n = 0");
    code.beginControlFlow("for (; n < count - $L; n += $L)", BLOCK - 1, BLOCK);
    for (int k = 0; k < BLOCK; k++) {
      String sample = k == 0 ? "n" : "n + " + k;
      code.addStatement(previous == null
          ? "int base$L = (offset + " + sample + ") * INPUTS"
          : "float[] x$L = " + previous.name() + "Out[" + sample + "]", k);
      code.addStatement("float[] d$L = d[$L]", k, sample);
    }
    code.beginControlFlow("for (int j = 0; j < $L; j++)", units());
    for (int k = 0; k < BLOCK; k++) {
      code.addStatement("float a$L = d$L[j]", k, k);
    }
    code.addStatement("float[] tj = t[j]");
    code.beginControlFlow("for (int i = $L; i < $L; i++)", from, to);
    code.addStatement("tj[i] += a0 * $L + a1 * $L + a2 * $L + a3 * $L",
        narrowInput(0), narrowInput(1), narrowInput(2), narrowInput(3));
    code.endControlFlow();
    code.endControlFlow();
    code.endControlFlow();
    code.beginControlFlow("for (; n < count; n++)");
    code.addStatement(previous == null
        ? "int base0 = (offset + n) * INPUTS"
        : "float[] x0 = " + previous.name() + "Out[n]");
    code.addStatement("float[] d0 = d[n]");
    code.beginControlFlow("for (int j = 0; j < $L; j++)", units());
    code.addStatement("float a0 = d0[j]");
    code.addStatement("float[] tj = t[j]");
    code.beginControlFlow("for (int i = $L; i < $L; i++)", from, to);
    code.addStatement("tj[i] += a0 * $L", narrowInput(0));
    code.endControlFlow();
    code.endControlFlow();
    code.endControlFlow();
    code.beginControlFlow("for (int i = $L; i < $L; i++)", from, to);
    code.addStatement("float[] g = gw[i]");
    code.beginControlFlow("for (int j = 0; j < $L; j++)", units());
    code.addStatement("g[j] = t[j][i]");
    code.endControlFlow();
    code.endControlFlow();
  }

  /** Input i of the k-th sample of a narrow pass. */
  private String narrowInput(int k) {
    return previous == null ? "inputs[base" + k + " + i]" : "x" + k + "[i]";
  }

  /** Adds the {@code inputs, offset} parameters if this is the first layer, which reads them. */
  private MethodSpec.Builder firstLayerInputs(MethodSpec.Builder method) {
    if (previous == null) {
      method.addParameter(float[].class, "inputs").addParameter(int.class, "offset");
    }
    return method;
  }

  /** The arguments of the split methods before {@code count}: the inputs for the first layer. */
  String splitInputArguments() {
    return previous == null ? "inputs, offset, " : "";
  }

  String splitInputGradientName() {
    return "splitInputGradient" + layer.capitalized();
  }

  /**
   * The input gradient of columns {@code [from, to)} into the previous layer's delta, times the
   * previous layer's activation derivative there.
   */
  MethodSpec splitInputGradient() {
    String previousDelta = previous.name() + "Delta";
    CodeBlock.Builder code = CodeBlock.builder();
    transposeWeights(code, "from", "to");
    if (inputGradientVectorClass != null) {
      code.beginControlFlow("if (VECTOR && count >= 4)");
      code.addStatement(
          "$T.$L($L, r, $L, count, from, to)",
          inputGradientVectorClass, VectorWriter.inputGradientName(layer), delta(),
          previousDelta);
      code.nextControlFlow("else");
    }
    inputGradientRows(code, previousDelta, "from", "to");
    if (inputGradientVectorClass != null) {
      code.endControlFlow();
    }
    String derivative = activationMethod(previous.activation());
    if (derivative != null) {
      // m, not n: the plain rows above leave their sample counter n in scope.
      code.beginControlFlow("for (int m = 0; m < count; m++)");
      code.addStatement("$T.$LBackward($L[m], $L[m], from, to)",
          ACTIVATIONS, derivative, LayerWriter.derivativeInput(previous), previousDelta);
      code.endControlFlow();
    }
    return MethodSpec.methodBuilder(splitInputGradientName())
        .addModifiers(Modifier.PRIVATE)
        .addJavadoc(layer.name() + ": input gradient of columns [from, to) into " + previousDelta
            + ".\n")
        .addParameter(int.class, "count")
        .addParameter(int.class, "from")
        .addParameter(int.class, "to")
        .addCode(code.build())
        .build();
  }

  /**
   * The forward product of inputs {@code [from, to)} of samples {@code n} to {@code n + samples - 1}
   * into {@code y0, y1, ...}: four inputs per pass over the units and then one at a time ({@code
   * blocks} and {@code tail} say whether each loop can run). Two samples share each pass, so the
   * weight rows stream from the cache once per pair (the mnist-mlp step with plain kernels: 86.5
   * -> 77 ms per epoch); each sample's sums are the same expressions in the same order as alone.
   */
  private void forwardProduct(CodeBlock.Builder code, int samples, String from, String to,
      boolean blocks, boolean tail) {
    for (int s = 0; s < samples; s++) {
      if (previous == null) {
        code.addStatement("int base$L = (offset + $L) * INPUTS", s, sample(s));
      } else {
        code.addStatement("float[] x$L = $L[$L]", s, previous.name() + "Out", sample(s));
      }
    }
    code.addStatement("int i = $L", from);
    if (blocks) {
      code.beginControlFlow("for (; i < $L - $L; i += $L)", to, BLOCK - 1, BLOCK);
      forwardPass(code, samples, BLOCK);
      code.endControlFlow();
    }
    if (tail) {
      code.beginControlFlow("for (; i < $L; i++)", to);
      forwardPass(code, samples, 1);
      code.endControlFlow();
    }
  }

  /**
   * Opens the loop over the samples of a batch, {@code samples} at a time: pairs first, then the
   * one left over (after {@code int n = 0}).
   */
  private static void beginSamples(CodeBlock.Builder code, int samples) {
    if (samples == PAIR) {
      code.beginControlFlow("for (; n < count - $L; n += $L)", PAIR - 1, PAIR);
    } else {
      code.beginControlFlow("for (; n < count; n++)");
    }
  }

  /** Sample {@code s} of a pass, counted from {@code n}. */
  private static String sample(int s) {
    return s == 0 ? "n" : "n + " + s;
  }

  /** One pass over the units: {@code inputs} consecutive inputs of each sample. */
  private void forwardPass(CodeBlock.Builder code, int samples, int inputs) {
    productPass(code, samples, inputs, "a", (sample, k) -> {
      String at = k == 0 ? "i" : "i + " + k;
      return previous == null ? "inputs[base" + sample + " + " + at + "]"
          : "x" + sample + "[" + at + "]";
    }, "w", "i", "j", "0", units(), "y");
  }

  /**
   * Copies weight rows {@code [from, to)} into the by-unit layout {@code r} of the input gradient,
   * in squares of 16 x 16 when the layer is wide: one row at a time, each weight row scattered its
   * values over every unit's row, a cache miss per value once the units outgrow the cache (a tenth
   * of the wide workload's time, JFR).
   */
  private void transposeWeights(CodeBlock.Builder code, String from, String to) {
    code.addStatement("float[][] w = $L", weight());
    code.addStatement("float[][] r = $L", weightByUnit());
    if (layer.units() < 2 * TRANSPOSE_TILE) {
      code.beginControlFlow("for (int i = $L; i < $L; i++)", from, to);
      code.addStatement("float[] wi = w[i]");
      code.beginControlFlow("for (int j = 0; j < $L; j++)", units());
      code.addStatement("r[j][i] = wi[j]");
      code.endControlFlow();
      code.endControlFlow();
      return;
    }
    code.beginControlFlow("for (int i0 = $L; i0 < $L; i0 += $L)", from, to, TRANSPOSE_TILE);
    code.addStatement("int i1 = $T.min(i0 + $L, $L)", Math.class, TRANSPOSE_TILE, to);
    code.beginControlFlow("for (int j0 = 0; j0 < $L; j0 += $L)", units(), TRANSPOSE_TILE);
    code.addStatement("int j1 = $T.min(j0 + $L, $L)", Math.class, TRANSPOSE_TILE, units());
    code.beginControlFlow("for (int i = i0; i < i1; i++)");
    code.addStatement("float[] wi = w[i]");
    code.beginControlFlow("for (int j = j0; j < j1; j++)");
    code.addStatement("r[j][i] = wi[j]");
    code.endControlFlow();
    code.endControlFlow();
    code.endControlFlow();
    code.endControlFlow();
  }

  /**
   * The input gradient of columns {@code [from, to)} of every sample, from the by-unit weights
   * {@code r}: four units per pass over the columns, then one at a time, two samples per pass
   * (as the forward product: each row of {@code r} is read once per pair, and each sample's sums
   * are the same expressions in the same order as alone).
   */
  private void inputGradientRows(
      CodeBlock.Builder code, String previousDelta, String from, String to) {
    code.addStatement("int n = 0");
    for (int samples : new int[] {PAIR, 1}) {
      beginSamples(code, samples);
      for (int s = 0; s < samples; s++) {
        code.addStatement("float[] dx$L = $L[$L]", s, previousDelta, sample(s));
        code.addStatement("float[] d$L = $L[$L]", s, delta(), sample(s));
        code.addStatement("$T.fill(dx$L, $L, $L, 0f)", ARRAYS, s, from, to);
      }
      code.addStatement("int j = 0");
      if (layer.units() >= BLOCK) {
        code.beginControlFlow("for (; j < $L - $L; j += $L)", units(), BLOCK - 1, BLOCK);
        inputGradientPass(code, samples, BLOCK, from, to);
        code.endControlFlow();
      }
      if (layer.units() % BLOCK != 0) {
        code.beginControlFlow("for (; j < $L; j++)", units());
        inputGradientPass(code, samples, 1, from, to);
        code.endControlFlow();
      }
      code.endControlFlow();
    }
  }

  /** One pass over the columns: {@code units} consecutive units of each sample's delta. */
  private static void inputGradientPass(
      CodeBlock.Builder code, int samples, int units, String from, String to) {
    productPass(code, samples, units, "e",
        (sample, k) -> "d" + sample + "[j" + (k == 0 ? "" : " + " + k) + "]",
        "r", "j", "i", from, to, "dx");
  }

  /**
   * One pass of the plain products over {@code depth} consecutive rows of {@code table} (from row
   * {@code row}): the scalars {@code <scalar><s><k>} of each sample s (read by {@code source}),
   * the rows {@code <table><k>}, and for each element v in {@code [from, to)} of them,
   * {@code <out><s>[v] += <scalar><s>0 * <table>0<v> + ...}: the same expression for each sample
   * as when it runs alone.
   */
  private static void productPass(CodeBlock.Builder code, int samples, int depth, String scalar,
      BiFunction<Integer, Integer, String> source, String table, String row, String v,
      String from, String to, String out) {
    for (int s = 0; s < samples; s++) {
      for (int k = 0; k < depth; k++) {
        code.addStatement("float $L$L$L = $L", scalar, s, k, source.apply(s, k));
      }
    }
    for (int k = 0; k < depth; k++) {
      code.addStatement("float[] $L$L = $L[$L$L]", table, k, table, row, k == 0 ? "" : " + " + k);
    }
    code.beginControlFlow("for (int $L = $L; $L < $L; $L++)", v, from, v, to, v);
    for (int k = 0; k < depth; k++) {
      code.addStatement("float $L$L$L = $L$L[$L]", table, k, v, table, k, v);
    }
    for (int s = 0; s < samples; s++) {
      StringBuilder sum = new StringBuilder();
      for (int k = 0; k < depth; k++) {
        sum.append(k == 0 ? "" : " + ").append(scalar).append(s).append(k).append(" * ")
            .append(table).append(k).append(v);
      }
      code.addStatement("$L$L[$L] += $L", out, s, v, sum);
    }
    code.endControlFlow();
  }

  /** Input {@code column} (an expression of {@code i}) of sample {@code sample}. */
  private String inputAt(String sample, String column) {
    return previous == null
        ? "inputs[" + (sample.equals("0") ? "offset" : "(offset + " + sample + ")") + " * INPUTS + "
            + column + "]"
        : previous.name() + "Out[" + sample + "][" + column + "]";
  }

  /** The {@code Activations} method for an activation, or null for the identity. */
  static String activationMethod(Activation activation) {
    switch (activation) {
      case LINEAR:
        return null;
      case RELU:
        return "relu";
      case LEAKY_RELU:
        return "leakyRelu";
      case SIGMOID:
        return "sigmoid";
      case TANH:
        return "tanh";
      case SOFTMAX:
        return "softmax";
      case ELU:
        return "elu";
      case SELU:
        return "selu";
      case SOFTPLUS:
        return "softplus";
      case GELU:
        return "gelu";
      case SILU:
        return "silu";
    }
    throw new AssertionError(activation);
  }
}
