package io.ganglion.processor;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * Writes the Vector API forward pass of max pooling: per output pixel, one vector of channels at a
 * time, the window's positions unrolled, each a compare and two blends (the maximum, and the index
 * of the pixel that holds it in an int vector of as many lanes). The plain loop compares and
 * branches per value, which C2 does not vectorize; pooling took about a tenth of a FashionCnn
 * step. The first of equal values wins, as in the plain loop and PyTorch; a NaN in the window's
 * first pixel stays, as there.
 */
final class PoolVectorWriter {
  /** Windows of more positions than this keep the plain loop (the positions are unrolled). */
  static final int MAX_WINDOW = 16;

  static final ClassName INT_VECTOR = ClassName.get("jdk.incubator.vector", "IntVector");
  private static final ClassName VECTOR_OPERATORS =
      ClassName.get("jdk.incubator.vector", "VectorOperators");

  private final LayerModel layer;

  PoolVectorWriter(LayerModel layer) {
    this.layer = layer;
  }

  /** Whether a layer's forward pass gets this kernel (when the network has vector kernels). */
  static boolean applies(LayerModel layer) {
    return layer.kind() == LayerModel.Kind.MAX_POOL2D
        && layer.kernel() * layer.kernel() <= MAX_WINDOW && !layer.reachesPast();
  }

  static String forwardName(LayerModel layer) {
    return "forward" + layer.capitalized();
  }

  /**
   * Whether the backward pass gets a kernel too: when the windows cover the input exactly once
   * (stride = size, nothing left over), each input pixel's gradient is written once, the window's
   * gradient where the pixel won and 0 elsewhere (a blend on an index compare), instead of
   * zeroing the whole input gradient and adding to the winners. A plain select per value did the
   * same work in one pass but ran slower than the two passes (it branched on random winners).
   */
  static boolean backwardApplies(LayerModel layer) {
    int k = layer.kernel();
    return applies(layer) && layer.stride() == k && layer.in().height() == layer.out().height() * k
        && layer.in().width() == layer.out().width() * k;
  }

  static String backwardName(LayerModel layer) {
    return "backward" + layer.capitalized();
  }

  List<MethodSpec> write() {
    String name = forwardName(layer);
    MethodSpec driver = MethodSpec.methodBuilder(name).addModifiers(Modifier.STATIC)
        .addParameter(float[][][].class, "x")
        .addParameter(float[][][].class, "y")
        .addParameter(int[][][].class, "a")
        .addParameter(int.class, "count")
        .addCode(windows(name, "float[][] xs = x[n]", "float[][] ys = y[n]", "xs, ys[p]"))
        .build();
    if (!backwardApplies(layer)) {
      return List.of(driver, block(), tail());
    }
    String backward = backwardName(layer);
    MethodSpec backwardDriver = MethodSpec.methodBuilder(backward).addModifiers(Modifier.STATIC)
        .addParameter(float[][][].class, "d")
        .addParameter(int[][][].class, "a")
        .addParameter(float[][][].class, "dx")
        .addParameter(int.class, "count")
        .addCode(windows(backward, "float[][] dxs = dx[n]", "float[][] ds = d[n]", "dxs, ds[p]"))
        .build();
    return List.of(driver, block(), tail(), backwardDriver, backwardBlock(), backwardTail());
  }

  /**
   * The loops of a driver over the samples and output pixels, calling {@code name_1} per vector of
   * channels and {@code name_Tail} for the rest with {@code args}, the pixel's indexes, its
   * window's corner and the column; {@code first} and {@code second} bind the sample's rows.
   */
  private CodeBlock windows(String name, String first, String second, String args) {
    int channels = layer.out().channels();
    CodeBlock.Builder code = CodeBlock.builder();
    code.beginControlFlow("for (int n = 0; n < count; n++)");
    code.addStatement(first);
    code.addStatement(second);
    code.addStatement("int[][] as = a[n]");
    code.beginControlFlow("for (int oy = 0; oy < $L; oy++)", layer.out().height());
    code.beginControlFlow("for (int ox = 0; ox < $L; ox++)", layer.out().width());
    code.addStatement("int p = oy * $L + ox", layer.out().width());
    code.addStatement("int corner = oy * $L + ox * $L", layer.stride() * layer.in().width(),
        layer.stride());
    code.addStatement("int col = 0");
    code.beginControlFlow("for (; col <= $L - L; col += L)", channels);
    code.addStatement("$L_1($L, as[p], corner, col)", name, args);
    code.endControlFlow();
    code.beginControlFlow("if (col < $L)", channels);
    code.addStatement("$L_Tail($L, as[p], corner, col)", name, args);
    code.endControlFlow();
    code.endControlFlow();
    code.endControlFlow();
    code.endControlFlow();
    return code.build();
  }

  private MethodSpec.Builder backwardBlockMethod(String suffix) {
    return MethodSpec.methodBuilder(backwardName(layer) + suffix)
        .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
        .addParameter(float[][].class, "dxs")
        .addParameter(float[].class, "dp")
        .addParameter(int[].class, "ap")
        .addParameter(int.class, "corner")
        .addParameter(int.class, "col");
  }

  /** All offsets of the window from its corner, the corner's (0) first. */
  private int[] window() {
    int[] rest = offsets();
    int[] all = new int[rest.length + 1];
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }

  private MethodSpec backwardBlock() {
    CodeBlock.Builder body = CodeBlock.builder();
    body.addStatement("$T g = FloatVector.fromArray(S, dp, col)", VectorWriter.FLOAT_VECTOR);
    body.addStatement("$T zero = FloatVector.zero(S)", VectorWriter.FLOAT_VECTOR);
    body.addStatement("$T won = $T.fromArray(IS, ap, col)", INT_VECTOR, INT_VECTOR);
    for (int offset : window()) {
      body.addStatement("zero.blend(g, won.compare($T.EQ, corner + $L).cast(S))"
          + ".intoArray(dxs[corner + $L], col)", VECTOR_OPERATORS, offset, offset);
    }
    return backwardBlockMethod("_1").addCode(body.build()).build();
  }

  private MethodSpec backwardTail() {
    CodeBlock.Builder body = CodeBlock.builder();
    body.beginControlFlow("for (int c = col; c < $L; c++)", layer.out().channels());
    for (int offset : window()) {
      body.addStatement("dxs[corner + $L][c] = ap[c] == corner + $L ? dp[c] : 0f", offset,
          offset);
    }
    body.endControlFlow();
    return backwardBlockMethod("_Tail").addCode(body.build()).build();
  }

  /** The window's positions after its corner, as offsets from the corner. */
  private int[] offsets() {
    int k = layer.kernel();
    int[] offsets = new int[k * k - 1];
    for (int e = 1; e < k * k; e++) {
      offsets[e - 1] = (e / k) * layer.in().width() + e % k;
    }
    return offsets;
  }

  private MethodSpec.Builder blockMethod(String suffix) {
    return MethodSpec.methodBuilder(forwardName(layer) + suffix)
        .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
        .addParameter(float[][].class, "xs")
        .addParameter(float[].class, "yp")
        .addParameter(int[].class, "ap")
        .addParameter(int.class, "corner")
        .addParameter(int.class, "col");
  }

  private MethodSpec block() {
    CodeBlock.Builder body = CodeBlock.builder();
    body.addStatement("$T best = FloatVector.fromArray(S, xs[corner], col)",
        VectorWriter.FLOAT_VECTOR);
    body.addStatement("$T arg = $T.broadcast(IS, corner)", INT_VECTOR, INT_VECTOR);
    for (int offset : offsets()) {
      body.addStatement("$T v$L = FloatVector.fromArray(S, xs[corner + $L], col)",
          VectorWriter.FLOAT_VECTOR, offset, offset);
      body.addStatement("$T<$T> gt$L = v$L.compare($T.GT, best)",
          ClassName.get("jdk.incubator.vector", "VectorMask"), Float.class, offset, offset,
          VECTOR_OPERATORS);
      body.addStatement("best = best.blend(v$L, gt$L)", offset, offset);
      body.addStatement("arg = arg.blend(corner + $L, gt$L.cast(IS))", offset, offset);
    }
    body.addStatement("best.intoArray(yp, col)");
    body.addStatement("arg.intoArray(ap, col)");
    return blockMethod("_1").addCode(body.build()).build();
  }

  private MethodSpec tail() {
    CodeBlock.Builder body = CodeBlock.builder();
    body.beginControlFlow("for (int c = col; c < $L; c++)", layer.out().channels());
    body.addStatement("float best = xs[corner][c]");
    body.addStatement("int arg = corner");
    for (int offset : offsets()) {
      body.addStatement("float v$L = xs[corner + $L][c]", offset, offset);
      body.beginControlFlow("if (v$L > best)", offset);
      body.addStatement("best = v$L", offset);
      body.addStatement("arg = corner + $L", offset);
      body.endControlFlow();
    }
    body.addStatement("yp[c] = best");
    body.addStatement("ap[c] = arg");
    body.endControlFlow();
    return blockMethod("_Tail").addCode(body.build()).build();
  }
}
