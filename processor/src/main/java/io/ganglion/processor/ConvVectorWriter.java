package io.ganglion.processor;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import javax.lang.model.element.Modifier;

/**
 * Writes the Vector API kernels of one convolution into {@code Net_<Name>_Vector}. Each keeps a
 * block of 4, 2 or 1 vectors (then a scalar tail) of a row in registers across the whole
 * reduction, so that the row is loaded and stored once:
 *
 * <ul>
 *   <li>forward, per output pixel: filters of the output row += input value x weight row, over
 *       the kernel positions and input channels;
 *   <li>weight gradient, per weight row (input channel, kernel position): filters += input value x
 *       output gradient row, over the samples and output pixels;
 *   <li>input gradient, per (output pixel, kernel position): input channels of the input gradient
 *       row += output gradient x weight-by-filter row, over the filters.
 * </ul>
 *
 * <p>One vector loaded per FMA makes such a kernel load-bound, so each also has blocks that share
 * every loaded vector among four rows: the forward pass and the input gradient take four
 * neighbouring output pixels where the kernel stays inside the input horizontally (each weight
 * vector feeds four pixels' rows), the weight gradient four input channels (each output gradient
 * vector feeds four weight rows); 4 x 4 vectors of accumulators with AVX-512's 32 registers, 4 x 2
 * or 4 x 1 otherwise. A FashionCnn training step (batch 64, JDK 17, AVX-512) went from 55 to 35
 * ms with the last two, whose one-row blocks had taken 45% of it.
 *
 * <p>As in {@link VectorWriter}, each block shape is its own small method, so that C2 keeps the
 * vectors in registers and allocates nothing; and each block method holds a single loop: with the
 * accumulators carried across nested loops (kernel rows, columns, channels) C2 boxed them,
 * allocating about 630 MB per call and running at 3-5 GFLOP/s.
 */
final class ConvVectorWriter {
  private static final int BLOCK = 4;
  /** Output pixels per block of the forward pass. */
  private static final int QUAD = 4;

  private final LayerModel layer;
  private final List<MethodSpec> methods = new ArrayList<>();

  ConvVectorWriter(LayerModel layer) {
    this.layer = layer;
  }

  static String forwardName(LayerModel layer) {
    return "forward" + layer.capitalized();
  }

  static String weightGradientName(LayerModel layer) {
    return "weightGradient" + layer.capitalized();
  }

  static String inputGradientName(LayerModel layer) {
    return "inputGradient" + layer.capitalized();
  }

  List<MethodSpec> write(boolean inputGradient) {
    forward();
    if (ActivationVectorWriter.applies(layer)) {
      activationBackward();
    }
    weightGradient();
    if (inputGradient) {
      inputGradient();
    }
    return methods;
  }

  private int filters() {
    return layer.out().channels();
  }

  private int channels() {
    return layer.in().channels();
  }

  /**
   * Opens a loop over column blocks of {@code width} values, calling {@code name_4} (4 vectors),
   * {@code name_2}, {@code name_1} and {@code name_Tail} with {@code args} and the column. (Two
   * vectors cover 32 channels with AVX-512 in one pass, where one-vector blocks took two passes,
   * each loading every weight row pointer again.)
   */
  static void columnBlocks(CodeBlock.Builder code, String name, String args, int width) {
    code.addStatement("int col = 0");
    code.beginControlFlow("for (; col <= $L - $L * L; col += $L * L)", width, BLOCK, BLOCK);
    code.addStatement("$L_$L($L, col)", name, BLOCK, args);
    code.endControlFlow();
    code.beginControlFlow("for (; col <= $L - 2 * L; col += 2 * L)", width);
    code.addStatement("$L_2($L, col)", name, args);
    code.endControlFlow();
    code.beginControlFlow("for (; col <= $L - L; col += L)", width);
    code.addStatement("$L_1($L, col)", name, args);
    code.endControlFlow();
    code.beginControlFlow("if (col < $L)", width);
    code.addStatement("$L_Tail($L, col)", name, args);
    code.endControlFlow();
  }

  /**
   * Calls the blocks of four rows over the columns: {@code name_quad4} (with AVX-512's registers
   * only), {@code name_quad2}, {@code name_quad1} with {@code args} and the column, then the
   * one-row {@code name_Tail} for each row {@code m} with {@code tailArgs.apply(m)}.
   */
  private static void quadColumnBlocks(CodeBlock.Builder code, String name, String args,
      int width, IntFunction<String> tailArgs) {
    code.addStatement("int col = 0");
    code.beginControlFlow("if (WIDE_BLOCKS)");
    code.beginControlFlow("for (; col <= $L - $L * L; col += $L * L)", width, QUAD, QUAD);
    code.addStatement("$L_quad$L($L, col)", name, QUAD, args);
    code.endControlFlow();
    code.endControlFlow();
    code.beginControlFlow("for (; col <= $L - 2 * L; col += 2 * L)", width);
    code.addStatement("$L_quad2($L, col)", name, args);
    code.endControlFlow();
    code.beginControlFlow("for (; col <= $L - L; col += L)", width);
    code.addStatement("$L_quad1($L, col)", name, args);
    code.endControlFlow();
    code.beginControlFlow("if (col < $L)", width);
    for (int m = 0; m < QUAD; m++) {
      code.addStatement("$L_Tail($L, col)", name, tailArgs.apply(m));
    }
    code.endControlFlow();
  }

  private static MethodSpec.Builder kernel(String name) {
    return MethodSpec.methodBuilder(name).addModifiers(Modifier.PRIVATE, Modifier.STATIC);
  }

  private void forward() {
    String name = forwardName(layer);
    String bias = layer.bias() ? "b, " : "";
    MethodSpec.Builder driver = MethodSpec.methodBuilder(name).addModifiers(Modifier.STATIC)
        .addParameter(float[][][].class, "x")
        .addParameter(float[][].class, "w");
    if (layer.bias()) {
      driver.addParameter(float[].class, "b");
    }
    driver.addParameter(float[][][].class, "y").addParameter(int.class, "count");
    CodeBlock.Builder code = CodeBlock.builder();
    code.beginControlFlow("for (int n = 0; n < count; n++)");
    code.addStatement("float[][] xs = x[n]");
    code.addStatement("float[][] yn = y[n]");
    code.beginControlFlow("for (int oy = 0; oy < $L; oy++)", layer.out().height());
    pixelSegments(code, name, "xs, w, " + bias + "yn");
    code.endControlFlow();
    code.endControlFlow();
    methods.add(driver.addCode(code.build()).build());
    methods.add(forwardPixel(name));
    methods.add(forwardQuad(name));
    int kk = layer.kernel() * layer.kernel();
    for (int vectors : new int[] {BLOCK, 2, 1, 0}) {
      MethodSpec.Builder block = kernel(name + "_" + (vectors == 0 ? "Tail" : vectors))
          .addParameter(float[].class, "xq")
          .addParameter(float[][].class, "w")
          .addParameter(float[].class, "yp")
          .addParameter(int.class, "r")
          .addParameter(int.class, "col");
      CodeBlock.Builder body = CodeBlock.builder();
      if (vectors == 0) {
        body.beginControlFlow("for (int f = col; f < $L; f++)", filters());
        body.addStatement("float s = yp[f]");
        body.beginControlFlow("for (int c = 0; c < $L; c++)", channels());
        body.addStatement("s += xq[c] * w[c * $L + r][f]", kk);
        body.endControlFlow();
        body.addStatement("yp[f] = s");
        body.endControlFlow();
      } else {
        // One loop only: C2 keeps loop-carried vectors in registers across a single loop, but
        // was measured to box them (hundreds of MB per call) across nested loops.
        for (int m = 0; m < vectors; m++) {
          body.addStatement("$T a$L = FloatVector.fromArray(S, yp, $L)",
              VectorWriter.FLOAT_VECTOR, m, column(m));
        }
        body.beginControlFlow("for (int c = 0; c < $L; c++)", channels());
        body.addStatement("$T xv = FloatVector.broadcast(S, xq[c])", VectorWriter.FLOAT_VECTOR);
        body.addStatement("float[] wr = w[c * $L + r]", kk);
        for (int m = 0; m < vectors; m++) {
          body.addStatement("a$L = FloatVector.fromArray(S, wr, $L).fma(xv, a$L)", m, column(m),
              m);
        }
        body.endControlFlow();
        for (int m = 0; m < vectors; m++) {
          body.addStatement("a$L.intoArray(yp, $L)", m, column(m));
        }
      }
      methods.add(block.addCode(body.build()).build());
    }
    for (int vectors : new int[] {QUAD, 2, 1}) {
      methods.add(quadBlock(name, vectors));
    }
  }

  /**
   * The output columns {@code [first, last]} whose kernel stays inside the input horizontally at
   * every position: all of them without padding, those at least {@code pad} from the edges with.
   */
  private int[] interiorColumns() {
    if (!ConvWriter.padded(layer)) {
      return new int[] {0, layer.out().width() - 1};
    }
    // 0 <= ox * stride - pad and ox * stride - pad + kernel <= width.
    int s = layer.stride();
    int first = (layer.padLeft() + s - 1) / s;
    int last = Math.floorDiv(layer.in().width() - layer.kernel() + layer.padLeft(), s);
    return new int[] {first, Math.min(last, layer.out().width() - 1)};
  }

  /**
   * The output pixels of row {@code oy}: {@code name_pixel} at the edges, {@code name_quad} for
   * four at a time where the kernel stays inside the input horizontally, each called with {@code
   * args}, {@code oy} and {@code ox}.
   */
  private void pixelSegments(CodeBlock.Builder code, String name, String args) {
    int width = layer.out().width();
    int[] interior = interiorColumns();
    code.addStatement("int ox = 0");
    code.beginControlFlow("for (; ox < $L; ox++)", Math.min(interior[0], width));
    code.addStatement("$L_pixel($L, oy, ox)", name, args);
    code.endControlFlow();
    code.beginControlFlow("for (; ox + $L <= $L; ox += $L)", QUAD - 1, interior[1], QUAD);
    code.addStatement("$L_quad($L, oy, ox)", name, args);
    code.endControlFlow();
    code.beginControlFlow("for (; ox < $L; ox++)", width);
    code.addStatement("$L_pixel($L, oy, ox)", name, args);
    code.endControlFlow();
  }

  private MethodSpec.Builder pixelMethod(String name) {
    MethodSpec.Builder method = kernel(name)
        .addParameter(float[][].class, "xs")
        .addParameter(float[][].class, "w");
    if (layer.bias()) {
      method.addParameter(float[].class, "b");
    }
    return method.addParameter(float[][].class, "yn")
        .addParameter(int.class, "oy")
        .addParameter(int.class, "ox");
  }

  /** One output pixel: its filters from the bias, then every kernel position's block calls. */
  private MethodSpec forwardPixel(String name) {
    CodeBlock.Builder code = CodeBlock.builder();
    code.addStatement("float[] yp = yn[oy * $L + ox]", layer.out().width());
    startFromBias(code, "yp");
    ConvWriter.kernelLoops(code, layer);
    code.addStatement("float[] xq = xs[q]");
    code.addStatement("int r = ky * $L + kx", layer.kernel());
    columnBlocks(code, name, "xq, w, yp, r", filters());
    code.endControlFlow();
    code.endControlFlow();
    return pixelMethod(name + "_pixel").addCode(code.build()).build();
  }

  private void startFromBias(CodeBlock.Builder code, String row) {
    if (layer.bias()) {
      code.addStatement("$T.arraycopy(b, 0, $L, 0, $L)", System.class, row, filters());
    } else {
      code.addStatement("$T.fill($L, 0f)", LayerWriter.ARRAYS, row);
    }
  }

  /**
   * Four neighbouring output pixels of a row whose kernel stays inside the input horizontally:
   * each block call multiplies one weight vector into four pixels' accumulators, where a pixel at
   * a time loaded a weight vector per multiply-add.
   */
  private MethodSpec forwardQuad(String name) {
    int s = layer.stride();
    int k = layer.kernel();
    CodeBlock.Builder code = CodeBlock.builder();
    for (int m = 0; m < QUAD; m++) {
      code.addStatement("float[] yp$L = yn[oy * $L + ox + $L]", m, layer.out().width(), m);
      startFromBias(code, "yp" + m);
    }
    ConvWriter.kernelLoops(code, layer, true);
    for (int m = 0; m < QUAD; m++) {
      code.addStatement("float[] xq$L = xs[q + $L]", m, m * s);
    }
    code.addStatement("int r = ky * $L + kx", k);
    quadColumnBlocks(code, name, "xq0, xq1, xq2, xq3, w, yp0, yp1, yp2, yp3, r", filters(),
        m -> "xq" + m + ", w, yp" + m + ", r");
    code.endControlFlow();
    code.endControlFlow();
    return pixelMethod(name + "_quad").addCode(code.build()).build();
  }

  /**
   * {@code vectors} vectors of filters for four pixels: 4 x 4 accumulators with AVX-512's 32
   * registers, 4 x 2 or 4 x 1 otherwise.
   */
  private MethodSpec quadBlock(String name, int vectors) {
    return fourRowBlock(name + "_quad" + vectors, vectors, "xq", "w", "yp", "r", "c", channels(),
        "c * " + layer.kernel() * layer.kernel() + " + r", "x");
  }

  /**
   * A block of {@code vectors} column vectors of four output rows {@code dst0..3}, summed over
   * {@code depth} steps of {@code loop}: each step loads the vectors of one row of {@code table}
   * (at index {@code row}) once and multiplies them by the four scalars {@code src0..3[loop]}
   * (broadcast into vectors named {@code scalar0..3}). The forward pass (input values x weight
   * rows into output rows) and the input gradient (output gradients x weight-by-filter rows into
   * input gradient rows) are both this shape.
   */
  private static MethodSpec fourRowBlock(String method, int vectors, String src, String table,
      String dst, String offset, String loop, int depth, String row, String scalar) {
    MethodSpec.Builder block = kernel(method);
    for (int m = 0; m < QUAD; m++) {
      block.addParameter(float[].class, src + m);
    }
    block.addParameter(float[][].class, table);
    for (int m = 0; m < QUAD; m++) {
      block.addParameter(float[].class, dst + m);
    }
    block.addParameter(int.class, offset).addParameter(int.class, "col");
    CodeBlock.Builder body = CodeBlock.builder();
    for (int m = 0; m < QUAD; m++) {
      for (int v = 0; v < vectors; v++) {
        body.addStatement("$T a$L$L = FloatVector.fromArray(S, $L$L, $L)",
            VectorWriter.FLOAT_VECTOR, m, v, dst, m, column(v));
      }
    }
    body.beginControlFlow("for (int $L = 0; $L < $L; $L++)", loop, loop, depth, loop);
    body.addStatement("float[] $Lr = $L[$L]", table, table, row);
    for (int v = 0; v < vectors; v++) {
      body.addStatement("$T w$L = FloatVector.fromArray(S, $Lr, $L)", VectorWriter.FLOAT_VECTOR,
          v, table, column(v));
    }
    for (int m = 0; m < QUAD; m++) {
      body.addStatement("$T $L$L = FloatVector.broadcast(S, $L$L[$L])", VectorWriter.FLOAT_VECTOR,
          scalar, m, src, m, loop);
      for (int v = 0; v < vectors; v++) {
        body.addStatement("a$L$L = w$L.fma($L$L, a$L$L)", m, v, v, scalar, m, m, v);
      }
    }
    body.endControlFlow();
    for (int m = 0; m < QUAD; m++) {
      for (int v = 0; v < vectors; v++) {
        body.addStatement("a$L$L.intoArray($L$L, $L)", m, v, dst, m, column(v));
      }
    }
    return block.addCode(body.build()).build();
  }

  private static String column(int m) {
    return m == 0 ? "col" : "col + " + m + " * L";
  }

  /**
   * The weight gradient: per weight row (input channel, kernel position), filters += input value x
   * output gradient row, over the samples and output pixels. Four input channels at a time where
   * there are four: each output gradient vector then feeds four weight rows' accumulators.
   */
  private void weightGradient() {
    String name = weightGradientName(layer);
    int kk = layer.kernel() * layer.kernel();
    int st = layer.stride();
    MethodSpec.Builder driver = MethodSpec.methodBuilder(name).addModifiers(Modifier.STATIC)
        .addParameter(float[][][].class, "x")
        .addParameter(float[][][].class, "d")
        .addParameter(float[][].class, "gw")
        .addParameter(int.class, "count");
    CodeBlock.Builder code = CodeBlock.builder();
    boolean quads = channels() >= QUAD;
    boolean singles = channels() % QUAD != 0;
    code.addStatement("int c = 0");
    for (boolean quad : new boolean[] {true, false}) {
      if (quad ? !quads : !singles) {
        continue;
      }
      code.beginControlFlow(quad ? "for (; c + $L <= $L; c += $L)" : "for (; c < $L; c++)",
          quad ? new Object[] {QUAD, channels(), QUAD} : new Object[] {channels()});
      code.beginControlFlow("for (int ky = 0; ky < $L; ky++)", layer.kernel());
      code.beginControlFlow("for (int kx = 0; kx < $L; kx++)", layer.kernel());
      if (quad) {
        for (int m = 0; m < QUAD; m++) {
          code.addStatement("float[] g$L = gw[(c + $L) * $L + ky * $L + kx]", m, m, kk,
              layer.kernel());
        }
      } else {
        code.addStatement("float[] g = gw[c * $L + ky * $L + kx]", kk, layer.kernel());
      }
      if (ConvWriter.padded(layer)) {
        ConvWriter.paddedBounds(code, layer);
      } else {
        code.addStatement("int oyFrom = 0");
        code.addStatement("int oyTo = $L", layer.out().height());
        code.addStatement("int oxFrom = 0");
        code.addStatement("int oxTo = $L", layer.out().width());
      }
      code.beginControlFlow("for (int n = 0; n < count; n++)");
      code.addStatement("float[][] xs = x[n]");
      code.addStatement("float[][] ds = d[n]");
      code.beginControlFlow("for (int oy = oyFrom; oy < oyTo; oy++)");
      String top = layer.padTop() == 0 ? "" : " - " + layer.padTop();
      String left = layer.padLeft() == 0 ? "" : " - " + layer.padLeft();
      code.addStatement("int row = ($L$L + ky) * $L$L + kx", ConvWriter.scaled("oy", st), top,
          layer.in().width(), left);
      code.addStatement("int drow = oy * $L", layer.out().width());
      if (quad) {
        quadColumnBlocks(code, name, "xs, ds, g0, g1, g2, g3, c, row, drow, oxFrom, oxTo",
            filters(), m -> "xs, ds, g" + m + ", c + " + m + ", row, drow, oxFrom, oxTo");
      } else {
        columnBlocks(code, name, "xs, ds, g, c, row, drow, oxFrom, oxTo", filters());
      }
      code.endControlFlow();
      code.endControlFlow();
      code.endControlFlow();
      code.endControlFlow();
      code.endControlFlow();
    }
    methods.add(driver.addCode(code.build()).build());
    if (quads) {
      for (int vectors : new int[] {QUAD, 2, 1}) {
        methods.add(weightGradientQuadBlock(name, vectors));
      }
    }
    // One channel at a time: the blocks for the channels left over, and the scalar tail for all.
    for (int vectors : singles ? new int[] {BLOCK, 2, 1, 0} : new int[] {0}) {
      MethodSpec.Builder block = kernel(name + "_" + (vectors == 0 ? "Tail" : vectors))
          .addParameter(float[][].class, "xs")
          .addParameter(float[][].class, "ds")
          .addParameter(float[].class, "g")
          .addParameter(int.class, "c")
          .addParameter(int.class, "row")
          .addParameter(int.class, "drow")
          .addParameter(int.class, "from")
          .addParameter(int.class, "to")
          .addParameter(int.class, "col");
      CodeBlock.Builder body = CodeBlock.builder();
      if (vectors == 0) {
        body.beginControlFlow("for (int f = col; f < $L; f++)", filters());
        body.addStatement("float s = g[f]");
        body.beginControlFlow("for (int ox = from; ox < to; ox++)");
        body.addStatement("s += xs[row + $L][c] * ds[drow + ox][f]", ConvWriter.scaled("ox", st));
        body.endControlFlow();
        body.addStatement("g[f] = s");
        body.endControlFlow();
      } else {
        for (int m = 0; m < vectors; m++) {
          body.addStatement("$T a$L = FloatVector.fromArray(S, g, $L)",
              VectorWriter.FLOAT_VECTOR, m, column(m));
        }
        body.beginControlFlow("for (int ox = from; ox < to; ox++)");
        body.addStatement("$T xv = FloatVector.broadcast(S, xs[row + $L][c])",
            VectorWriter.FLOAT_VECTOR, ConvWriter.scaled("ox", st));
        body.addStatement("float[] dp = ds[drow + ox]");
        for (int m = 0; m < vectors; m++) {
          body.addStatement("a$L = FloatVector.fromArray(S, dp, $L).fma(xv, a$L)", m, column(m),
              m);
        }
        body.endControlFlow();
        for (int m = 0; m < vectors; m++) {
          body.addStatement("a$L.intoArray(g, $L)", m, column(m));
        }
      }
      methods.add(block.addCode(body.build()).build());
    }
  }

  /**
   * The input gradient: per output pixel and kernel position, the input gradient row of the input
   * pixel under it += output gradient x weight-by-filter rows. Where the kernel stays inside the
   * input horizontally, four neighbouring output pixels at a time, so that each weight vector
   * feeds four input gradient rows (as in the forward pass).
   */
  private void inputGradient() {
    String name = inputGradientName(layer);
    MethodSpec.Builder driver = MethodSpec.methodBuilder(name).addModifiers(Modifier.STATIC)
        .addParameter(float[][][].class, "d")
        .addParameter(float[][].class, "r")
        .addParameter(float[][][].class, "dx")
        .addParameter(int.class, "count");
    CodeBlock.Builder code = CodeBlock.builder();
    code.beginControlFlow("for (int n = 0; n < count; n++)");
    code.addStatement("float[][] dxs = dx[n]");
    code.beginControlFlow("for (float[] row : dxs)");
    code.addStatement("$T.fill(row, 0f)", LayerWriter.ARRAYS);
    code.endControlFlow();
    code.addStatement("float[][] ds = d[n]");
    code.beginControlFlow("for (int oy = 0; oy < $L; oy++)", layer.out().height());
    pixelSegments(code, name, "ds, r, dxs");
    code.endControlFlow();
    code.endControlFlow();
    methods.add(driver.addCode(code.build()).build());
    methods.add(inputGradientPixel(name));
    methods.add(inputGradientQuad(name));
    for (int vectors : new int[] {QUAD, 2, 1}) {
      methods.add(inputGradientQuadBlock(name, vectors));
    }
    for (int vectors : new int[] {BLOCK, 2, 1, 0}) {
      MethodSpec.Builder block = kernel(name + "_" + (vectors == 0 ? "Tail" : vectors))
          .addParameter(float[].class, "dp")
          .addParameter(float[][].class, "r")
          .addParameter(float[].class, "dxq")
          .addParameter(int.class, "t")
          .addParameter(int.class, "col");
      CodeBlock.Builder body = CodeBlock.builder();
      if (vectors == 0) {
        body.beginControlFlow("for (int c = col; c < $L; c++)", channels());
        body.addStatement("float s = dxq[c]");
      } else {
        for (int m = 0; m < vectors; m++) {
          body.addStatement("$T a$L = FloatVector.fromArray(S, dxq, $L)",
              VectorWriter.FLOAT_VECTOR, m, column(m));
        }
      }
      body.beginControlFlow("for (int f = 0; f < $L; f++)", filters());
      body.addStatement("float[] rr = r[t + f]");
      if (vectors == 0) {
        body.addStatement("s += dp[f] * rr[c]");
      } else {
        body.addStatement("$T dv = FloatVector.broadcast(S, dp[f])", VectorWriter.FLOAT_VECTOR);
        for (int m = 0; m < vectors; m++) {
          body.addStatement("a$L = FloatVector.fromArray(S, rr, $L).fma(dv, a$L)", m, column(m),
              m);
        }
      }
      body.endControlFlow();
      if (vectors == 0) {
        body.addStatement("dxq[c] = s");
        body.endControlFlow();
      } else {
        for (int m = 0; m < vectors; m++) {
          body.addStatement("a$L.intoArray(dxq, $L)", m, column(m));
        }
      }
      methods.add(block.addCode(body.build()).build());
    }
  }

  private static MethodSpec.Builder inputGradientPixelMethod(String name) {
    return kernel(name)
        .addParameter(float[][].class, "ds")
        .addParameter(float[][].class, "r")
        .addParameter(float[][].class, "dxs")
        .addParameter(int.class, "oy")
        .addParameter(int.class, "ox");
  }

  /** One output pixel's contribution to the input gradient rows under its kernel. */
  private MethodSpec inputGradientPixel(String name) {
    CodeBlock.Builder code = CodeBlock.builder();
    code.addStatement("float[] dp = ds[oy * $L + ox]", layer.out().width());
    ConvWriter.kernelLoops(code, layer);
    code.addStatement("float[] dxq = dxs[q]");
    code.addStatement("int t = (ky * $L + kx) * $L", layer.kernel(), filters());
    columnBlocks(code, name, "dp, r, dxq, t", channels());
    code.endControlFlow();
    code.endControlFlow();
    return inputGradientPixelMethod(name + "_pixel").addCode(code.build()).build();
  }

  /**
   * Four neighbouring output pixels whose kernel stays inside the input horizontally: at each
   * kernel position they touch four distinct input pixels ({@code stride} apart).
   */
  private MethodSpec inputGradientQuad(String name) {
    int s = layer.stride();
    CodeBlock.Builder code = CodeBlock.builder();
    for (int m = 0; m < QUAD; m++) {
      code.addStatement("float[] dp$L = ds[oy * $L + ox + $L]", m, layer.out().width(), m);
    }
    ConvWriter.kernelLoops(code, layer, true);
    for (int m = 0; m < QUAD; m++) {
      code.addStatement("float[] dxq$L = dxs[q + $L]", m, m * s);
    }
    code.addStatement("int t = (ky * $L + kx) * $L", layer.kernel(), filters());
    quadColumnBlocks(code, name, "dp0, dp1, dp2, dp3, r, dxq0, dxq1, dxq2, dxq3, t", channels(),
        m -> "dp" + m + ", r, dxq" + m + ", t");
    code.endControlFlow();
    code.endControlFlow();
    return inputGradientPixelMethod(name + "_quad").addCode(code.build()).build();
  }

  /** {@code vectors} vectors of input channels for four input pixels, summed over the filters. */
  private MethodSpec inputGradientQuadBlock(String name, int vectors) {
    return fourRowBlock(name + "_quad" + vectors, vectors, "dp", "r", "dxq", "t", "f", filters(),
        "t + f", "g");
  }

  /**
   * {@code vectors} vectors of filters of four weight rows (input channels c to c + 3), summed over
   * one output row's pixels: per pixel, the output gradient vectors are loaded once for the four.
   */
  private MethodSpec weightGradientQuadBlock(String name, int vectors) {
    MethodSpec.Builder block = kernel(name + "_quad" + vectors)
        .addParameter(float[][].class, "xs")
        .addParameter(float[][].class, "ds");
    for (int m = 0; m < QUAD; m++) {
      block.addParameter(float[].class, "g" + m);
    }
    block.addParameter(int.class, "c")
        .addParameter(int.class, "row")
        .addParameter(int.class, "drow")
        .addParameter(int.class, "from")
        .addParameter(int.class, "to")
        .addParameter(int.class, "col");
    CodeBlock.Builder body = CodeBlock.builder();
    for (int m = 0; m < QUAD; m++) {
      for (int v = 0; v < vectors; v++) {
        body.addStatement("$T a$L$L = FloatVector.fromArray(S, g$L, $L)",
            VectorWriter.FLOAT_VECTOR, m, v, m, column(v));
      }
    }
    body.beginControlFlow("for (int ox = from; ox < to; ox++)");
    body.addStatement("float[] xp = xs[row + $L]", ConvWriter.scaled("ox", layer.stride()));
    body.addStatement("float[] dp = ds[drow + ox]");
    for (int v = 0; v < vectors; v++) {
      body.addStatement("$T d$L = FloatVector.fromArray(S, dp, $L)", VectorWriter.FLOAT_VECTOR,
          v, column(v));
    }
    for (int m = 0; m < QUAD; m++) {
      body.addStatement("$T x$L = FloatVector.broadcast(S, xp[c + $L])", VectorWriter.FLOAT_VECTOR,
          m, m);
      for (int v = 0; v < vectors; v++) {
        body.addStatement("a$L$L = d$L.fma(x$L, a$L$L)", m, v, v, m, m, v);
      }
    }
    body.endControlFlow();
    for (int m = 0; m < QUAD; m++) {
      for (int v = 0; v < vectors; v++) {
        body.addStatement("a$L$L.intoArray(g$L, $L)", m, v, m, column(v));
      }
    }
    return block.addCode(body.build()).build();
  }

  /** The activation's derivative and the bias gradient, per sample over its pixels' rows. */
  private void activationBackward() {
    ActivationVectorWriter kernels = new ActivationVectorWriter(layer, filters());
    String name = ActivationVectorWriter.name(layer);
    MethodSpec.Builder driver = MethodSpec.methodBuilder(name).addModifiers(Modifier.STATIC)
        .addParameter(float[][][].class, "y")
        .addParameter(float[][][].class, "d");
    if (layer.bias()) {
      driver.addParameter(float[].class, "gb");
    }
    driver.addParameter(int.class, "count");
    CodeBlock.Builder code = CodeBlock.builder();
    code.beginControlFlow("for (int n = 0; n < count; n++)");
    kernels.columnBlocks(code, "y[n], d[n]", String.valueOf(layer.out().positions()));
    code.endControlFlow();
    methods.add(driver.addCode(code.build()).build());
    methods.addAll(kernels.blocks());
  }
}
