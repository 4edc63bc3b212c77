package io.ganglion.processor;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import java.util.List;

/**
 * Writes a 2-D convolution as direct loops (no unfolded patches), specialized to its sizes.
 *
 * <p>Activations keep one row of channels per pixel and the weight is stored as one row of
 * filters per (input channel, kernel row, kernel column), so the inner loop of the forward pass
 * and of the weight gradient runs over the filters, and that of the input gradient over the input
 * channels, every array indexed by the bare loop variable: the shape C2 vectorizes (DESIGN.md).
 * An inner loop over the output width would read rows at computed offsets (and at a stride), which
 * C2 does not vectorize. Measured on the forward pass of a 32 -> 64 filter 3x3 SAME convolution on
 * 14x14 images, batch 16, JDK 17, on a loaded 2-core Zen 3 machine: 15-27 GFLOP/s with the inner
 * loop over filters against 1.3-4.2 GFLOP/s over the output width (CHW rows per image row). Unfolded
 * patches (im2col) then a matrix product would run this same inner loop after an extra copy, so
 * the direct loop is kept. As for dense layers, the reduction dimension is unrolled by 4 (input
 * channels forward, output columns for the weight gradient, filters for the input gradient).
 * Padding only exists at stride 1 (SAME), where the kernel ranges clip at the border.
 */
final class ConvWriter extends WeightedLayerWriter {
  private static final int BLOCK = 4;

  private final ClassName vectorClass;

  /** {@code vectorClass} is null when no Vector API kernels are generated. */
  ConvWriter(LayerModel layer, LayerModel previous, boolean inputGradient,
      ClassName vectorClass) {
    super(layer, previous, inputGradient);
    this.vectorClass = vectorClass;
  }

  private String weightByFilter() {
    return layer.name() + "WeightByFilter";
  }

  @Override
  String weightScratch() {
    return weightByFilter();
  }

  private int k() {
    return layer.kernel();
  }

  /** Whether the kernel reaches over the border (SAME with a kernel larger than 1, or a pad). */
  private boolean padded() {
    return padded(layer);
  }

  /**
   * Whether some kernel position reaches over the image's border: before it (a pad), or after it
   * (SAME's extra row and column for an even kernel).
   */
  static boolean padded(LayerModel layer) {
    int s = layer.stride();
    int k = layer.kernel();
    return layer.padTop() > 0 || layer.padLeft() > 0
        || (layer.out().height() - 1) * s + k > layer.in().height() + layer.padTop()
        || (layer.out().width() - 1) * s + k > layer.in().width() + layer.padLeft();
  }

  private String comment() {
    return layer.name() + ": Conv2d " + layer.in() + " -> " + layer.out() + ", " + k() + "x"
        + k() + (layer.stride() > 1 ? " stride " + layer.stride() : "")
        + (layer.same() && k() > 1 ? " SAME" : layer.pad() > 0 ? " pad " + layer.pad() : "")
        + ", " + layer.activation();
  }

  @Override
  void initParameters(CodeBlock.Builder init, int k) {
    int filters = layer.out().channels();
    int channels = layer.in().channels();
    init.addStatement("p[$L] = $T.transposed($S, $L, $L, $L, $L)", k, PARAMETER,
        layer.name() + ".weight", filters, channels, k(), k());
    init.addStatement("$T.fill(p[$L], $T.$L, $T.$L, $Lf, $L, $L, seed, $L)",
        DenseWriter.INITIALIZERS, k, DenseWriter.INIT, layer.init(), ACTIVATION,
        layer.activation(), NetworkWriter.floatLiteral(layer.initValue()),
        channels * k() * k(), filters * k() * k(), layer.index());
    if (layer.bias()) {
      init.addStatement("p[$L] = $T.flat($S, $L)", k + 1, PARAMETER, layer.name() + ".bias",
          filters);
      DenseWriter.fillBias(init, layer, k, channels * k() * k());
    }
  }

  @Override
  void assign(CodeBlock.Builder body, CodeBlock.Builder training, int k, int buffer) {
    String biasParameter = assignWeights(body, training, k);
    if (inputGradient) {
      training.addStatement("$L = new float[$L][$L]", weightByFilter(),
          k() * k() * layer.out().channels(), layer.in().channels());
    }
    body.addStatement(
        "super.$L = new $T($S, $S, $T.$L, new int[] {$L}, new int[] {$L}, p[$L], $L)",
        layer.name(), LAYER, layer.name(), "Conv2d", ACTIVATION, layer.activation(),
        dims(layer.in()), dims(layer.out()), k, biasParameter);
  }

  /** Zeroes the weight and bias gradients, which the backward pass adds into. */
  @Override
  CodeBlock zeroGradients() {
    return CodeBlock.builder()
        .beginControlFlow("for (float[] row : $L)", weightGrad())
        .addStatement("$T.fill(row, 0f)", ARRAYS)
        .endControlFlow()
        .add(zeroBiasGradient())
        .build();
  }

  @Override
  List<MethodSpec> forwardMethods() {
    return List.of(forward());
  }

  @Override
  List<MethodSpec> backwardMethods() {
    return inputGradient ? List.of(backward(), inputGradientMethod()) : List.of(backward());
  }

  /** Opens the kernel-row and kernel-column loops at output pixel (oy, ox), clipped if padded. */
  static void kernelLoops(CodeBlock.Builder code, LayerModel layer) {
    kernelLoops(code, layer, false);
  }

  /**
   * Like {@link #kernelLoops(CodeBlock.Builder, LayerModel)}; with {@code interiorColumn} the
   * caller knows that the kernel stays inside the input horizontally at {@code ox}, and the kx loop
   * runs over the whole kernel.
   */
  static void kernelLoops(CodeBlock.Builder code, LayerModel layer, boolean interiorColumn) {
    int s = layer.stride();
    int k = layer.kernel();
    if (padded(layer)) {
      // Input row oy * stride - pad + ky, column likewise: the kernel rows and columns over the
      // image, the others reading zeros.
      String oy = scaled("oy", s);
      String ox = scaled("ox", s);
      code.beginControlFlow("for (int ky = $T.max(0, $L - $L); ky < $T.min($L, $L - $L); ky++)",
          Math.class, layer.padTop(), oy, Math.class, k, layer.in().height() + layer.padTop(),
          oy);
      if (interiorColumn) {
        code.beginControlFlow("for (int kx = 0; kx < $L; kx++)", k);
      } else {
        code.beginControlFlow(
            "for (int kx = $T.max(0, $L - $L); kx < $T.min($L, $L - $L); kx++)",
            Math.class, layer.padLeft(), ox, Math.class, k,
            layer.in().width() + layer.padLeft(), ox);
      }
      code.addStatement("int q = ($L - $L + ky) * $L + $L - $L + kx", oy, layer.padTop(),
          layer.in().width(), ox, layer.padLeft());
    } else {
      code.beginControlFlow("for (int ky = 0; ky < $L; ky++)", k);
      code.beginControlFlow("for (int kx = 0; kx < $L; kx++)", k);
      code.addStatement("int q = ($L + ky) * $L + $L + kx", scaled("oy", s), layer.in().width(),
          scaled("ox", s));
    }
  }

  /**
   * Declares {@code oyFrom, oyTo, oxFrom, oxTo}: the output pixels whose input under kernel position
   * (ky, kx) lies inside the padded layer's input.
   */
  static void paddedBounds(CodeBlock.Builder code, LayerModel layer) {
    int s = layer.stride();
    if (s == 1) {
      code.addStatement("int oyFrom = $T.max(0, $L - ky)", Math.class, layer.padTop());
      code.addStatement("int oyTo = $T.min($L, $L - ky)", Math.class, layer.out().height(),
          layer.in().height() + layer.padTop());
      code.addStatement("int oxFrom = $T.max(0, $L - kx)", Math.class, layer.padLeft());
      code.addStatement("int oxTo = $T.min($L, $L - kx)", Math.class, layer.out().width(),
          layer.in().width() + layer.padLeft());
      return;
    }
    // 0 <= o * s - pad + k' < size: o from ceil((pad - k') / s) to below ceil((size + pad - k')
    // / s), each ceil(a / s) written -floorDiv(-a, s) for a of either sign.
    code.addStatement("int oyFrom = $T.max(0, -$T.floorDiv(ky - $L, $L))", Math.class,
        Math.class, layer.padTop(), s);
    code.addStatement("int oyTo = $T.min($L, -$T.floorDiv(ky - $L, $L))", Math.class,
        layer.out().height(), Math.class, layer.in().height() + layer.padTop(), s);
    code.addStatement("int oxFrom = $T.max(0, -$T.floorDiv(kx - $L, $L))", Math.class,
        Math.class, layer.padLeft(), s);
    code.addStatement("int oxTo = $T.min($L, -$T.floorDiv(kx - $L, $L))", Math.class,
        layer.out().width(), Math.class, layer.in().width() + layer.padLeft(), s);
  }

  MethodSpec forward() {
    int channels = layer.in().channels();
    int filters = layer.out().channels();
    int kk = k() * k();
    CodeBlock.Builder code = CodeBlock.builder();
    String activation = DenseWriter.activationMethod(layer.activation());
    if (vectorClass != null) {
      code.beginControlFlow("if (VECTOR)");
      code.addStatement("$T.$L($L, $L, $L$L, count)", vectorClass,
          ConvVectorWriter.forwardName(layer), input(), weight(),
          layer.bias() ? bias() + ", " : "", out());
      if (activation != null) {
        code.beginControlFlow("for (int n = 0; n < count; n++)");
        if (keepsPre()) {
          code.beginControlFlow("for (int p = 0; p < $L; p++)", layer.out().positions());
          code.addStatement("float[] yp = $L[n][p]", out());
          code.addStatement("$T.arraycopy(yp, 0, $L[n][p], 0, $L)", System.class, pre(),
              filters);
        } else {
          code.beginControlFlow("for (float[] yp : $L[n])", out());
        }
        code.addStatement("$T.$L(yp, $L)", DenseWriter.ACTIVATIONS, activation, filters);
        code.endControlFlow();
        code.endControlFlow();
      }
      code.addStatement("return");
      code.endControlFlow();
    }
    code.addStatement("float[][] w = $L", weight());
    code.beginControlFlow("for (int n = 0; n < count; n++)");
    code.addStatement("float[][] x = $L[n]", input());
    code.addStatement("float[][] y = $L[n]", out());
    code.beginControlFlow("for (int oy = 0; oy < $L; oy++)", constant("HEIGHT"));
    code.beginControlFlow("for (int ox = 0; ox < $L; ox++)", constant("WIDTH"));
    code.addStatement("float[] yp = y[oy * $L + ox]", constant("WIDTH"));
    if (layer.bias()) {
      code.addStatement("$T.arraycopy($L, 0, yp, 0, $L)", System.class, bias(),
          constant("CHANNELS"));
    } else {
      code.addStatement("$T.fill(yp, 0f)", ARRAYS);
    }
    kernelLoops(code, layer);
    code.addStatement("float[] xq = x[q]");
    code.addStatement("int r = ky * $L + kx", k());
    code.addStatement("int c = 0");
    if (channels >= BLOCK) {
      code.beginControlFlow("for (; c < $L; c += $L)", channels - BLOCK + 1, BLOCK);
      for (int m = 0; m < BLOCK; m++) {
        code.addStatement("float x$L = xq[c$L]", m, m == 0 ? "" : " + " + m);
      }
      for (int m = 0; m < BLOCK; m++) {
        code.addStatement("float[] w$L = w[(c$L) * $L + r]", m, m == 0 ? "" : " + " + m, kk);
      }
      code.beginControlFlow("for (int f = 0; f < $L; f++)", filters);
      code.addStatement("yp[f] += x0 * w0[f] + x1 * w1[f] + x2 * w2[f] + x3 * w3[f]");
      code.endControlFlow();
      code.endControlFlow();
    }
    if (channels % BLOCK != 0) {
      code.beginControlFlow("for (; c < $L; c++)", channels);
      code.addStatement("float x0 = xq[c]");
      code.addStatement("float[] w0 = w[c * $L + r]", kk);
      code.beginControlFlow("for (int f = 0; f < $L; f++)", filters);
      code.addStatement("yp[f] += x0 * w0[f]");
      code.endControlFlow();
      code.endControlFlow();
    }
    code.endControlFlow();
    code.endControlFlow();
    if (activation != null) {
      if (keepsPre()) {
        code.addStatement("$T.arraycopy(yp, 0, $L[n][oy * $L + ox], 0, $L)", System.class, pre(),
            constant("WIDTH"), filters);
      }
      code.addStatement("$T.$L(yp, $L)", DenseWriter.ACTIVATIONS, activation, filters);
    }
    code.endControlFlow();
    code.endControlFlow();
    code.endControlFlow();
    return method(forwardName(), comment()).addParameter(int.class, "count")
        .addCode(code.build()).build();
  }

  MethodSpec backward() {
    int channels = layer.in().channels();
    int filters = layer.out().channels();
    int positions = layer.out().positions();
    int s = layer.stride();
    int kk = k() * k();
    CodeBlock.Builder code = CodeBlock.builder().add(zeroGradients());
    String derivative = DenseWriter.activationMethod(layer.activation());
    boolean vectorDerivative =
        vectorClass != null && ActivationVectorWriter.applies(layer);
    if (vectorDerivative) {
      code.beginControlFlow("if (VECTOR)");
      code.addStatement("$T.$L($L, $L, $Lcount)", vectorClass,
          ActivationVectorWriter.name(layer), out(), delta(),
          layer.bias() ? biasGrad() + ", " : "");
      code.nextControlFlow("else");
    }
    if (derivative != null) {
      code.beginControlFlow("for (int n = 0; n < count; n++)");
      code.beginControlFlow("for (int p = 0; p < $L; p++)", positions);
      code.addStatement("$T.$LBackward($L[n][p], $L[n][p], $L)", DenseWriter.ACTIVATIONS,
          derivative, derivativeInput(), delta(), filters);
      code.endControlFlow();
      code.endControlFlow();
    }
    if (layer.bias()) {
      code.addStatement("float[] gb = $L", biasGrad());
      code.beginControlFlow("for (int n = 0; n < count; n++)");
      code.beginControlFlow("for (int p = 0; p < $L; p++)", positions);
      code.addStatement("float[] dp = $L[n][p]", delta());
      code.beginControlFlow("for (int f = 0; f < $L; f++)", filters);
      code.addStatement("gb[f] += dp[f]");
      code.endControlFlow();
      code.endControlFlow();
      code.endControlFlow();
    }
    if (vectorDerivative) {
      code.endControlFlow();
    }
    if (vectorClass != null) {
      code.beginControlFlow("if (VECTOR)");
      code.addStatement("$T.$L($L, $L, $L, count)", vectorClass,
          ConvVectorWriter.weightGradientName(layer), input(), delta(), weightGrad());
      code.nextControlFlow("else");
    }
    code.addStatement("float[][] gw = $L", weightGrad());
    code.beginControlFlow("for (int n = 0; n < count; n++)");
    code.addStatement("float[][] x = $L[n]", input());
    code.addStatement("float[][] d = $L[n]", delta());
    code.beginControlFlow("for (int ky = 0; ky < $L; ky++)", k());
    code.beginControlFlow("for (int kx = 0; kx < $L; kx++)", k());
    String oyFrom = "0";
    String oyTo = constant("HEIGHT");
    String oxFrom = "0";
    String oxTo = constant("WIDTH");
    if (padded()) {
      paddedBounds(code, layer);
      oyFrom = "oyFrom";
      oyTo = "oyTo";
      oxFrom = "oxFrom";
      oxTo = "oxTo";
    }
    code.beginControlFlow("for (int c = 0; c < $L; c++)", channels);
    code.addStatement("float[] g = gw[c * $L + ky * $L + kx]", kk, k());
    code.beginControlFlow("for (int oy = $L; oy < $L; oy++)", oyFrom, oyTo);
    // x pixel of output column ox: row + ox * stride.
    String top = layer.padTop() == 0 ? "" : " - " + layer.padTop();
    String left = layer.padLeft() == 0 ? "" : " - " + layer.padLeft();
    code.addStatement("int row = ($L$L + ky) * $L$L + kx", scaled("oy", s), top,
        layer.in().width(), left);
    code.addStatement("int drow = oy * $L", constant("WIDTH"));
    code.addStatement("int ox = $L", oxFrom);
    code.beginControlFlow("for (; ox < $L - $L; ox += $L)", oxTo, BLOCK - 1, BLOCK);
    for (int m = 0; m < BLOCK; m++) {
      code.addStatement("float x$L = x[row + $L][c]", m,
          scaled(m == 0 ? "ox" : "(ox + " + m + ")", s));
    }
    for (int m = 0; m < BLOCK; m++) {
      code.addStatement("float[] d$L = d[drow + ox$L]", m, m == 0 ? "" : " + " + m);
    }
    code.beginControlFlow("for (int f = 0; f < $L; f++)", filters);
    code.addStatement("g[f] += x0 * d0[f] + x1 * d1[f] + x2 * d2[f] + x3 * d3[f]");
    code.endControlFlow();
    code.endControlFlow();
    code.beginControlFlow("for (; ox < $L; ox++)", oxTo);
    code.addStatement("float x0 = x[row + $L][c]", scaled("ox", s));
    code.addStatement("float[] d0 = d[drow + ox]");
    code.beginControlFlow("for (int f = 0; f < $L; f++)", filters);
    code.addStatement("g[f] += x0 * d0[f]");
    code.endControlFlow();
    code.endControlFlow();
    code.endControlFlow();
    code.endControlFlow();
    code.endControlFlow();
    code.endControlFlow();
    code.endControlFlow();
    if (vectorClass != null) {
      code.endControlFlow();
    }
    if (inputGradient) {
      code.addStatement("$L(count)", inputGradientName());
    }
    return method(backwardName(), comment()).addParameter(int.class, "count")
        .addCode(code.build()).build();
  }

  /** {@code index * stride}, or just the index at stride 1. */
  static String scaled(String index, int stride) {
    return stride == 1 ? index : index + " * " + stride;
  }

  private String inputGradientName() {
    return "inputGradient" + layer.capitalized();
  }

  MethodSpec inputGradientMethod() {
    int channels = layer.in().channels();
    int filters = layer.out().channels();
    int kk = k() * k();
    CodeBlock.Builder code = CodeBlock.builder();
    code.addStatement("float[][] w = $L", weight());
    code.addStatement("float[][] r = $L", weightByFilter());
    code.beginControlFlow("for (int c = 0; c < $L; c++)", channels);
    code.beginControlFlow("for (int t = 0; t < $L; t++)", kk);
    code.addStatement("float[] wr = w[c * $L + t]", kk);
    code.beginControlFlow("for (int f = 0; f < $L; f++)", filters);
    code.addStatement("r[t * $L + f][c] = wr[f]", filters);
    code.endControlFlow();
    code.endControlFlow();
    code.endControlFlow();
    if (vectorClass != null) {
      code.beginControlFlow("if (VECTOR)");
      code.addStatement("$T.$L($L, r, $L, count)", vectorClass,
          ConvVectorWriter.inputGradientName(layer), delta(), inputDelta());
      code.addStatement("return");
      code.endControlFlow();
    }
    code.beginControlFlow("for (int n = 0; n < count; n++)");
    code.addStatement("float[][] dx = $L[n]", inputDelta());
    code.addStatement("float[][] d = $L[n]", delta());
    code.beginControlFlow("for (float[] row : dx)");
    code.addStatement("$T.fill(row, 0f)", ARRAYS);
    code.endControlFlow();
    code.beginControlFlow("for (int oy = 0; oy < $L; oy++)", constant("HEIGHT"));
    code.beginControlFlow("for (int ox = 0; ox < $L; ox++)", constant("WIDTH"));
    code.addStatement("float[] dp = d[oy * $L + ox]", constant("WIDTH"));
    kernelLoops(code, layer);
    code.addStatement("float[] dxq = dx[q]");
    code.addStatement("int t = (ky * $L + kx) * $L", k(), filters);
    code.addStatement("int f = 0");
    if (filters >= BLOCK) {
      code.beginControlFlow("for (; f < $L; f += $L)", filters - BLOCK + 1, BLOCK);
      for (int m = 0; m < BLOCK; m++) {
        code.addStatement("float d$L = dp[f$L]", m, m == 0 ? "" : " + " + m);
      }
      for (int m = 0; m < BLOCK; m++) {
        code.addStatement("float[] r$L = r[t + f$L]", m, m == 0 ? "" : " + " + m);
      }
      code.beginControlFlow("for (int c = 0; c < $L; c++)", channels);
      code.addStatement("dxq[c] += d0 * r0[c] + d1 * r1[c] + d2 * r2[c] + d3 * r3[c]");
      code.endControlFlow();
      code.endControlFlow();
    }
    if (filters % BLOCK != 0) {
      code.beginControlFlow("for (; f < $L; f++)", filters);
      code.addStatement("float d0 = dp[f]");
      code.addStatement("float[] r0 = r[t + f]");
      code.beginControlFlow("for (int c = 0; c < $L; c++)", channels);
      code.addStatement("dxq[c] += d0 * r0[c]");
      code.endControlFlow();
      code.endControlFlow();
    }
    code.endControlFlow();
    code.endControlFlow();
    code.endControlFlow();
    code.endControlFlow();
    code.endControlFlow();
    return method(inputGradientName(),
        layer.name() + ": gradient with respect to the input, into " + inputDelta())
        .addParameter(int.class, "count")
        .addCode(code.build())
        .build();
  }
}
