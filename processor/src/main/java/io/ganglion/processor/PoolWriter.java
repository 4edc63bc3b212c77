package io.ganglion.processor;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * Writes max or average pooling. Inner loops run over the channels of a pixel row. Max pooling
 * remembers, per output value, the pixel that won (the first of equal values, as PyTorch), and
 * its backward pass adds each gradient to that pixel (inference writes those indexes too, but for
 * the samples past those a training pass has used, into one array they share: see {@code
 * io.ganglion.internal.PoolIndexes}). With the Vector API, max pooling's forward
 * pass (and its backward pass where the windows tile the input) runs the kernels of {@link
 * PoolVectorWriter}, which give the same values.
 */
final class PoolWriter extends LayerWriter {
  private static final ClassName POOL_INDEXES =
      ClassName.get("io.ganglion.internal", "PoolIndexes");

  private final ClassName vectorClass;

  /** {@code vectorClass} is null unless max pooling has Vector API kernels there. */
  PoolWriter(LayerModel layer, LayerModel previous, boolean inputGradient,
      ClassName vectorClass) {
    super(layer, previous, inputGradient);
    this.vectorClass = vectorClass;
  }

  private boolean max() {
    return layer.kind() == LayerModel.Kind.MAX_POOL2D;
  }

  private String argmax() {
    return layer.name() + "Argmax";
  }

  private String comment() {
    return layer.name() + ": " + layer.kind().display + " " + layer.in() + " -> " + layer.out()
        + ", " + layer.kernel() + "x" + layer.kernel()
        + (layer.stride() != layer.kernel() ? " stride " + layer.stride() : "")
        + (layer.same() ? " SAME" : layer.pad() > 0 ? " pad " + layer.pad() : "");
  }

  @Override
  void addWorkFields(TypeSpec.Builder type) {
    super.addWorkFields(type);
    if (max()) {
      type.addField(TypeName.get(int[][][].class), argmax(), Modifier.PRIVATE);
    }
  }

  @Override
  void grow(MethodSpec.Builder grow) {
    super.grow(grow);
    if (max()) {
      grow.addStatement("$L = $T.forInference($L, count, trainingCapacity, $L, $L)", argmax(),
          POOL_INDEXES, argmax(), layer.out().positions(), layer.out().channels());
    }
  }

  @Override
  void growTraining(MethodSpec.Builder grow) {
    super.growTraining(grow);
    if (max()) {
      grow.addStatement("$T.forTraining($L, trainingCapacity, count, $L, $L)", POOL_INDEXES,
          argmax(), layer.out().positions(), layer.out().channels());
    }
  }

  @Override
  List<MethodSpec> forwardMethods() {
    return List.of(forward());
  }

  @Override
  List<MethodSpec> backwardMethods() {
    return List.of(backward());
  }

  private String inverseArea() {
    // (In a long: a padded window may be wider than the square root of the largest int.)
    return NetworkWriter.floatLiteral(1f / ((long) layer.kernel() * layer.kernel())) + "f";
  }

  /** Whether the windows reach past the image: a pad, or SAME that needs padding. */
  private boolean padded() {
    return layer.reachesPast();
  }

  /**
   * The factor of a window's sum in average pooling: one over the window's area, or with SAME
   * (Keras's, which leaves the padding out) over its pixels inside the image.
   */
  private String averageFactor() {
    return layer.same() ? "1f / ((long) (kyTo - kyFrom) * (kxTo - kxFrom))" : inverseArea();
  }

  MethodSpec forward() {
    if (padded()) {
      return paddedForward();
    }
    int s = layer.stride();
    int width = layer.in().width();
    String channels = constant("CHANNELS");
    CodeBlock.Builder code = CodeBlock.builder();
    if (vectorClass != null) {
      code.beginControlFlow("if (VECTOR)");
      code.addStatement("$T.$L($L, $L, $L, count)", vectorClass,
          PoolVectorWriter.forwardName(layer), input(), out(), argmax());
      code.addStatement("return");
      code.endControlFlow();
    }
    code.beginControlFlow("for (int n = 0; n < count; n++)");
    code.addStatement("float[][] x = $L[n]", input());
    code.addStatement("float[][] y = $L[n]", out());
    if (max()) {
      code.addStatement("int[][] a = $L[n]", argmax());
    }
    code.beginControlFlow("for (int oy = 0; oy < $L; oy++)", constant("HEIGHT"));
    code.beginControlFlow("for (int ox = 0; ox < $L; ox++)", constant("WIDTH"));
    code.addStatement("int p = oy * $L + ox", constant("WIDTH"));
    code.addStatement("int corner = oy * $L + ox * $L", s * width, s);
    code.addStatement("float[] yp = y[p]");
    if (max()) {
      code.addStatement("int[] ap = a[p]");
      code.addStatement("$T.arraycopy(x[corner], 0, yp, 0, $L)", System.class, channels);
      code.addStatement("$T.fill(ap, corner)", ARRAYS);
    } else {
      code.addStatement("$T.fill(yp, 0f)", ARRAYS);
    }
    code.beginControlFlow("for (int ky = 0; ky < $L; ky++)", layer.kernel());
    code.beginControlFlow("for (int kx = 0; kx < $L; kx++)", layer.kernel());
    code.addStatement("int q = corner + ky * $L + kx", width);
    addPixel(code);
    code.endControlFlow();
    code.endControlFlow();
    if (!max()) {
      code.beginControlFlow("for (int c = 0; c < $L; c++)", channels);
      code.addStatement("yp[c] *= $L", inverseArea());
      code.endControlFlow();
    }
    code.endControlFlow();
    code.endControlFlow();
    code.endControlFlow();
    return method(forwardName(), comment()).addParameter(int.class, "count")
        .addCode(code.build()).build();
  }

  /**
   * The statements that take pixel {@code q} of sample {@code x} into output {@code yp}: its
   * channels' maximum (and the winner's index into {@code ap}) or their sum, for an average.
   */
  private void addPixel(CodeBlock.Builder code) {
    code.addStatement("float[] xq = x[q]");
    code.beginControlFlow("for (int c = 0; c < $L; c++)", constant("CHANNELS"));
    if (max()) {
      code.beginControlFlow("if (xq[c] > yp[c])");
      code.addStatement("yp[c] = xq[c]");
      code.addStatement("ap[c] = q");
      code.endControlFlow();
    } else {
      code.addStatement("yp[c] += xq[c]");
    }
    code.endControlFlow();
  }

  /**
   * The forward pass with a pad or SAME: each window's rows and columns clipped to the image. Max
   * pooling starts from the window's first pixel inside the image (the padding never wins);
   * average pooling divides the sum of the pixels inside by the whole window's area with a pad
   * (PyTorch's {@code count_include_pad=True}), by their number with SAME (Keras's).
   */
  private MethodSpec paddedForward() {
    String channels = constant("CHANNELS");
    CodeBlock.Builder code = CodeBlock.builder();
    code.beginControlFlow("for (int n = 0; n < count; n++)");
    code.addStatement("float[][] x = $L[n]", input());
    code.addStatement("float[][] y = $L[n]", out());
    if (max()) {
      code.addStatement("int[][] a = $L[n]", argmax());
    }
    beginPaddedWindow(code);
    code.addStatement("float[] yp = y[oy * $L + ox]", constant("WIDTH"));
    if (max()) {
      code.addStatement("int[] ap = a[oy * $L + ox]", constant("WIDTH"));
      code.addStatement("int first = (y0 + kyFrom) * $L + x0 + kxFrom", layer.in().width());
      code.addStatement("$T.arraycopy(x[first], 0, yp, 0, $L)", System.class, channels);
      code.addStatement("$T.fill(ap, first)", ARRAYS);
    } else {
      code.addStatement("$T.fill(yp, 0f)", ARRAYS);
    }
    beginPaddedPixels(code);
    addPixel(code);
    code.endControlFlow();
    code.endControlFlow();
    if (!max()) {
      code.addStatement("float scale = $L", averageFactor());
      code.beginControlFlow("for (int c = 0; c < $L; c++)", channels);
      code.addStatement("yp[c] *= scale");
      code.endControlFlow();
    }
    endPaddedWindow(code);
    return method(forwardName(), comment()).addParameter(int.class, "count")
        .addCode(code.build()).build();
  }

  /**
   * Opens the loops over the output pixels {@code oy, ox} of a padded layer, binding the window's
   * corner {@code y0, x0} (negative above and left of the image) and the rows {@code [kyFrom,
   * kyTo)} and columns {@code [kxFrom, kxTo)} of the window inside the image.
   */
  private void beginPaddedWindow(CodeBlock.Builder code) {
    int s = layer.stride();
    int k = layer.kernel();
    code.beginControlFlow("for (int oy = 0; oy < $L; oy++)", constant("HEIGHT"));
    code.addStatement("int y0 = oy * $L - $L", s, layer.padTop());
    code.addStatement("int kyFrom = $T.max(0, -y0)", Math.class);
    code.addStatement("int kyTo = $T.min($L, $L - y0)", Math.class, k, layer.in().height());
    code.beginControlFlow("for (int ox = 0; ox < $L; ox++)", constant("WIDTH"));
    code.addStatement("int x0 = ox * $L - $L", s, layer.padLeft());
    code.addStatement("int kxFrom = $T.max(0, -x0)", Math.class);
    code.addStatement("int kxTo = $T.min($L, $L - x0)", Math.class, k, layer.in().width());
  }

  /** Opens the loops over the window's pixels inside the image, binding their index {@code q}. */
  private void beginPaddedPixels(CodeBlock.Builder code) {
    code.beginControlFlow("for (int ky = kyFrom; ky < kyTo; ky++)");
    code.beginControlFlow("for (int kx = kxFrom; kx < kxTo; kx++)");
    code.addStatement("int q = (y0 + ky) * $L + x0 + kx", layer.in().width());
  }

  /** Closes {@link #beginPaddedWindow}'s loops and the loop over the samples. */
  private static void endPaddedWindow(CodeBlock.Builder code) {
    code.endControlFlow();
    code.endControlFlow();
    code.endControlFlow();
  }

  /** Writes the gradient with respect to the input into the previous layer's delta. */
  MethodSpec backward() {
    int s = layer.stride();
    int width = layer.in().width();
    String channels = constant("CHANNELS");
    CodeBlock.Builder code = CodeBlock.builder();
    if (vectorClass != null && PoolVectorWriter.backwardApplies(layer)) {
      code.beginControlFlow("if (VECTOR)");
      code.addStatement("$T.$L($L, $L, $L, count)", vectorClass,
          PoolVectorWriter.backwardName(layer), delta(), argmax(), inputDelta());
      code.addStatement("return");
      code.endControlFlow();
    }
    code.beginControlFlow("for (int n = 0; n < count; n++)");
    code.addStatement("float[][] dx = $L[n]", inputDelta());
    code.addStatement("float[][] d = $L[n]", delta());
    code.beginControlFlow("for (float[] row : dx)");
    code.addStatement("$T.fill(row, 0f)", ARRAYS);
    code.endControlFlow();
    if (max()) {
      code.addStatement("int[][] a = $L[n]", argmax());
      code.beginControlFlow("for (int p = 0; p < $L; p++)", layer.out().positions());
      code.addStatement("float[] dp = d[p]");
      code.addStatement("int[] ap = a[p]");
      code.beginControlFlow("for (int c = 0; c < $L; c++)", channels);
      code.addStatement("dx[ap[c]][c] += dp[c]");
      code.endControlFlow();
      code.endControlFlow();
    } else if (padded()) {
      // The window's pixels inside the image, as the padded forward pass.
      beginPaddedWindow(code);
      code.addStatement("float[] dp = d[oy * $L + ox]", constant("WIDTH"));
      code.addStatement("float scale = $L", averageFactor());
      beginPaddedPixels(code);
      code.addStatement("float[] dxq = dx[q]");
      code.beginControlFlow("for (int c = 0; c < $L; c++)", channels);
      code.addStatement("dxq[c] += dp[c] * scale");
      code.endControlFlow();
      code.endControlFlow();
      code.endControlFlow();
      code.endControlFlow();
      code.endControlFlow();
    } else {
      code.beginControlFlow("for (int oy = 0; oy < $L; oy++)", constant("HEIGHT"));
      code.beginControlFlow("for (int ox = 0; ox < $L; ox++)", constant("WIDTH"));
      code.addStatement("float[] dp = d[oy * $L + ox]", constant("WIDTH"));
      code.addStatement("int corner = oy * $L + ox * $L", s * width, s);
      code.beginControlFlow("for (int ky = 0; ky < $L; ky++)", layer.kernel());
      code.beginControlFlow("for (int kx = 0; kx < $L; kx++)", layer.kernel());
      code.addStatement("float[] dxq = dx[corner + ky * $L + kx]", width);
      code.beginControlFlow("for (int c = 0; c < $L; c++)", channels);
      code.addStatement("dxq[c] += dp[c] * $L", inverseArea());
      code.endControlFlow();
      code.endControlFlow();
      code.endControlFlow();
      code.endControlFlow();
      code.endControlFlow();
    }
    code.endControlFlow();
    return method(backwardName(), comment()).addParameter(int.class, "count")
        .addCode(code.build()).build();
  }
}
