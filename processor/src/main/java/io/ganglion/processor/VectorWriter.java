package io.ganglion.processor;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.IntFunction;
import javax.lang.model.element.Modifier;

/**
 * Writes {@code Net_<Name>_Vector}: the dense layers' matrix products with the Vector API ({@code
 * jdk.incubator.vector}), register-blocked as 4 rows x 4 vectors with 512-bit vectors (4 x 2 with
 * 256-bit ones), with narrower, single-row and scalar-tail variants for the edges.
 *
 * <p>Each block shape is its own small method: the JIT then keeps every vector in registers and
 * allocates nothing, whereas one method holding several block shapes was measured to allocate
 * vector boxes and run 15-170x slower (DESIGN.md). The generated network calls this class only
 * when the module is present at run time, so a JVM without it never loads it.
 *
 * <p>All three products of a dense layer have the same shape, {@code C[r][c] (+)= sum_k A(r, k)
 * B[k][c]}, with B and C walked as rows:
 *
 * <ul>
 *   <li>forward: r = sample, k = input, c = unit; A = the inputs, B = weights (one row per input),
 *       C = outputs starting from the bias;
 *   <li>weight gradient: r = input, k = sample, c = unit; A = the inputs read transposed, B =
 *       deltas, C = gradient rows starting from zero (the whole batch is the depth, so no row
 *       needs zeroing first);
 *   <li>input gradient: r = sample, k = unit, c = input; A = deltas, B = weights by unit, C = the
 *       previous layer's deltas starting from zero.
 * </ul>
 */
final class VectorWriter {
  static final ClassName FLOAT_VECTOR = ClassName.get("jdk.incubator.vector", "FloatVector");
  private static final ClassName VECTOR_SPECIES =
      ClassName.get("jdk.incubator.vector", "VectorSpecies");
  private static final int ROWS = 4;

  private final NetworkModel network;
  private final ClassName className;
  private final List<MethodSpec> methods = new ArrayList<>();

  VectorWriter(NetworkModel network) {
    this.network = network;
    this.className = vectorClass(network);
  }

  static ClassName vectorClass(NetworkModel network) {
    return kernelsName(network.generatedClass());
  }

  /** The kernels' class of the network generated as {@code generated}: {@code Net_X_Vector}. */
  static ClassName kernelsName(ClassName generated) {
    return generated.peerClass(generated.simpleName() + "_Vector");
  }

  /** How a product reads its scalar operand A: given the block's row offset m (0..3). */
  private interface ScalarOperand extends IntFunction<String> {}

  /** One matrix product to generate. */
  private static final class Product {
    String name;
    List<String[]> parameters = new ArrayList<>();
    String rows;
    String columns;
    String depth;
    /** Statements run once per block, before the k loop, for row offset m (e.g. row bases). */
    IntFunction<String> rowSetup;
    ScalarOperand a;
    String bRow;
    /** C row for row offset m. */
    IntFunction<String> cRow;
    /** Initial value of the accumulator for row offset m at column expression c. */
    BiFunction<Integer, String, String> vectorInit;
    BiFunction<Integer, String, String> scalarInit;
    /**
     * Which bound of the product the caller passes, so that workers splitting a layer by weight
     * rows each compute their part (see SplitNetwork): the depth (forward: the inputs {@code
     * [kFrom, kTo)}), the rows (weight gradient: {@code [rFrom, rTo)}) or the columns (input
     * gradient: {@code [cFrom, cTo)}). The whole layer passes the full range.
     */
    Range range;
    /** The number of columns (for the depth tile's size). */
    int columnCount;
  }

  private enum Range {
    DEPTH,
    ROWS,
    COLUMNS
  }

  JavaFile write() {
    LayerModel previous = null;
    boolean learnsBefore = false;
    for (LayerModel layer : network.layers()) {
      if (usesVectors(layer)) {
        writeLayer(layer, previous, learnsBefore);
      } else if (usesVectorInputGradient(layer, learnsBefore)) {
        writeInputGradient(layer, previous);
      } else if (layer.kind() == LayerModel.Kind.CONV2D) {
        methods.addAll(new ConvVectorWriter(layer).write(learnsBefore));
      } else if (PoolVectorWriter.applies(layer)) {
        methods.addAll(new PoolVectorWriter(layer).write());
      }
      learnsBefore |= layer.learns();
      previous = layer;
    }
    TypeSpec.Builder type =
        JavaFiles.markGenerated(TypeSpec.classBuilder(className), network.element())
            .addOriginatingElement(network.element())
            .addJavadoc(
                "Vector API kernels of {@link $T}; used only when jdk.incubator.vector is"
                    + " present.\n",
                network.generatedClass())
            .addModifiers(Modifier.FINAL)
            .addField(
                FieldSpec.builder(
                        ParameterizedTypeName.get(VECTOR_SPECIES, TypeName.get(Float.class)),
                        "S", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                    .initializer("$T.SPECIES_PREFERRED", FLOAT_VECTOR)
                    .build())
            .addField(
                FieldSpec.builder(int.class, "L", Modifier.PRIVATE, Modifier.STATIC,
                        Modifier.FINAL)
                    .initializer("S.length()")
                    .build())
            .addField(
                FieldSpec.builder(boolean.class, "WIDE_BLOCKS", Modifier.STATIC, Modifier.FINAL)
                    .initializer("S.vectorBitSize() >= 512")
                    .build())
            .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
    if (network.layers().stream().anyMatch(PoolVectorWriter::applies)) {
      type.addField(
          FieldSpec.builder(
                  ParameterizedTypeName.get(VECTOR_SPECIES, TypeName.get(Integer.class)),
                  "IS", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
              .addJavadoc("Ints in as many lanes as S has floats, for max pooling's indexes.\n")
              .initializer("$T.of(int.class, S.vectorShape())", VECTOR_SPECIES)
              .build());
    }
    for (LayerModel layer : network.layers()) {
      type.addField(
          // Package-private: only the layers with vector kernels read them, and an unused private
          // field is a warning under ECJ.
          FieldSpec.builder(int.class, NetworkWriter.unitsConstant(layer), Modifier.STATIC,
                  Modifier.FINAL)
              .initializer("$L", layer.units())
              .build());
    }
    type.addField(
        FieldSpec.builder(int.class, "INPUTS", Modifier.STATIC, Modifier.FINAL)
            .initializer("$L", network.inputs())
            .build());
    type.addMethods(methods);
    return JavaFiles.of(className.packageName(), type, network.element(), false);
  }

  /** Whether any layer of {@code network} has vector kernels, so that the class is worth writing. */
  static boolean anyLayerUsesVectors(NetworkModel network) {
    boolean learnsBefore = false;
    for (LayerModel layer : network.layers()) {
      if (usesVectors(layer) || layer.kind() == LayerModel.Kind.CONV2D
          || usesVectorInputGradient(layer, learnsBefore)) {
        return true;
      }
      learnsBefore |= layer.learns();
    }
    return false;
  }

  /**
   * Whether a dense layer gets vector kernels: only when both its sizes reach 32. Below that the
   * blocks are mostly edges and tails, and the plain loops (which C2 vectorizes too) were measured
   * faster: 4-16-3 trained at 1.7M samples/s plain against 0.4M with vector kernels.
   */
  static boolean usesVectors(LayerModel layer) {
    return layer.kind() == LayerModel.Kind.DENSE && layer.units() >= 32 && layer.inputs() >= 32;
  }

  /**
   * Whether a dense layer's input gradient has a vector kernel: only when an earlier layer learns
   * (else nothing needs it), for every layer of {@link #usesVectors} and also a layer of few units
   * over many inputs, such as a classifier's logits. Its input gradient runs over the inputs, a
   * loop too short for C2's unrolled vector loop when two workers split 128 inputs (64 each,
   * scalar with AVX-512). In a two-thread mnist-mlp step the method (with the ReLU derivative
   * after it) took 10% of the time for 1% of the multiply-adds; 8% with this kernel, 2% once the
   * derivative lost its branch.
   */
  static boolean usesVectorInputGradient(LayerModel layer, boolean learnsBefore) {
    return learnsBefore && layer.kind() == LayerModel.Kind.DENSE && layer.inputs() >= 32
        && !SmallDenseWriter.applies(layer);
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

  private void writeLayer(LayerModel layer, LayerModel previous, boolean inputGradient) {
    String units = NetworkWriter.unitsConstant(layer);
    String in = previous == null ? "INPUTS" : NetworkWriter.unitsConstant(previous);
    boolean first = previous == null;

    Product forward = new Product();
    forward.name = forwardName(layer);
    if (first) {
      forward.parameters.add(new String[] {"float[]", "inputs"});
      forward.parameters.add(new String[] {"int", "offset"});
    } else {
      forward.parameters.add(new String[] {"float[][]", "x"});
    }
    forward.parameters.add(new String[] {"float[][]", "w"});
    if (layer.bias()) {
      forward.parameters.add(new String[] {"float[]", "b"});
    }
    forward.parameters.add(new String[] {"float[][]", "y"});
    forward.rows = "count";
    forward.columns = units;
    forward.depth = in;
    forward.rowSetup =
        m -> first
            ? "int base" + m + " = (offset + r + " + m + ") * INPUTS"
            : "float[] x" + m + " = x[r + " + m + "]";
    forward.a = m -> first ? "inputs[base" + m + " + k]" : "x" + m + "[k]";
    forward.bRow = "w[k]";
    forward.cRow = m -> "y[r + " + m + "]";
    forward.vectorInit =
        (m, c) -> layer.bias()
            ? "FloatVector.fromArray(S, b, " + c + ")"
            : "FloatVector.zero(S)";
    forward.scalarInit = (m, c) -> layer.bias() ? "b[" + c + "]" : "0f";
    forward.range = Range.DEPTH;
    forward.columnCount = layer.units();
    writeProduct(forward);

    Product weights = new Product();
    weights.name = weightGradientName(layer);
    if (first) {
      weights.parameters.add(new String[] {"float[]", "inputs"});
      weights.parameters.add(new String[] {"int", "offset"});
    } else {
      weights.parameters.add(new String[] {"float[][]", "x"});
    }
    weights.parameters.add(new String[] {"float[][]", "d"});
    weights.parameters.add(new String[] {"float[][]", "g"});
    weights.rows = in;
    weights.columns = units;
    weights.depth = "count";
    weights.rowSetup = null;
    weights.a =
        m -> first ? "inputs[(offset + k) * INPUTS + r + " + m + "]" : "x[k][r + " + m + "]";
    weights.bRow = "d[k]";
    weights.cRow = m -> "g[r + " + m + "]";
    // Each block sums over the whole batch in registers and writes its gradients: nothing to
    // read, and the gradient needs no zeroing first (that pass cost 3-4% of a wide step).
    weights.vectorInit = (m, c) -> "FloatVector.zero(S)";
    weights.scalarInit = (m, c) -> "0f";
    weights.range = Range.ROWS;
    writeProduct(weights);

    if (inputGradient) {
      writeInputGradient(layer, previous);
    }
  }

  /** The input gradient {@code dx = d w^T} of a dense layer, over columns (inputs) [cFrom, cTo). */
  private void writeInputGradient(LayerModel layer, LayerModel previous) {
    String units = NetworkWriter.unitsConstant(layer);
    String in = NetworkWriter.unitsConstant(previous);
    Product inputs = new Product();
    inputs.name = inputGradientName(layer);
    inputs.parameters.add(new String[] {"float[][]", "d"});
    inputs.parameters.add(new String[] {"float[][]", "w"});
    inputs.parameters.add(new String[] {"float[][]", "dx"});
    inputs.rows = "count";
    inputs.columns = in;
    inputs.depth = units;
    inputs.rowSetup = m -> "float[] d" + m + " = d[r + " + m + "]";
    inputs.a = m -> "d" + m + "[k]";
    inputs.bRow = "w[k]";
    inputs.cRow = m -> "dx[r + " + m + "]";
    inputs.vectorInit = (m, c) -> "FloatVector.zero(S)";
    inputs.scalarInit = (m, c) -> "0f";
    inputs.range = Range.COLUMNS;
    inputs.columnCount = previous.units();
    writeProduct(inputs);
  }

  private void writeProduct(Product p) {
    MethodSpec.Builder driver =
        MethodSpec.methodBuilder(p.name).addModifiers(Modifier.STATIC);
    addParameters(driver, p);
    driver.addParameter(int.class, "count");
    String bound = p.range == Range.DEPTH ? "k" : p.range == Range.ROWS ? "r" : "c";
    driver.addParameter(int.class, bound + "From").addParameter(int.class, bound + "To");
    String args = arguments(p);
    String rowsEnd = p.range == Range.ROWS ? "rTo" : p.rows;
    CodeBlock.Builder code = CodeBlock.builder();
    if (tiled(p)) {
      // Tiles of the depth: each tile of B rows (the weights) is read from L1 (or L2) by every
      // block of rows, where walking the whole depth per block streamed the weights from the next
      // level each time. The first tile runs even for an empty range, to start the outputs from
      // their initial value.
      String start = p.range == Range.DEPTH ? "kFrom" : "0";
      String end = p.range == Range.DEPTH ? "kTo" : p.depth;
      code.beginControlFlow(
          "for (int k0 = $L; k0 == $L || k0 < $L; k0 += $L)", start, start, end, depthTile(p));
      code.addStatement("int k1 = $T.min(k0 + $L, $L)", Math.class, depthTile(p), end);
      code.addStatement("boolean fresh = k0 == $L", start);
    }
    code.addStatement("int r = $L", p.range == Range.ROWS ? "rFrom" : "0");
    code.beginControlFlow("for (; r < $L - $L; r += $L)", rowsEnd, ROWS - 1, ROWS);
    columnLoop(code, p, ROWS, args);
    code.endControlFlow();
    code.beginControlFlow("for (; r < $L; r++)", rowsEnd);
    columnLoop(code, p, 1, args);
    code.endControlFlow();
    if (tiled(p)) {
      code.endControlFlow();
    }
    methods.add(driver.addCode(code.build()).build());
    for (int rows : new int[] {ROWS, 1}) {
      for (int vectors : widths(rows)) {
        methods.add(block(p, rows, vectors));
      }
      methods.add(tail(p, rows));
    }
  }

  /**
   * Block widths in vectors, widest first. Four rows x 2 vectors keep 8 accumulators, enough to
   * cover the FMA latency; a single row (one-sample inference, the last rows of a batch) needs 8
   * vectors for the same, and was measured 1.5x slower with 2.
   */
  private static int[] widths(int rows) {
    return rows == ROWS ? new int[] {4, 2, 1} : new int[] {8, 4, 2, 1};
  }

  private void columnLoop(CodeBlock.Builder code, Product p, int rows, String args) {
    boolean range = p.range == Range.COLUMNS;
    String columns = range ? "cTo" : p.columns;
    code.addStatement("int c = $L", range ? "cFrom" : "0");
    int[] widths = widths(rows);
    // The widest block needs more than the 16 vector registers of AVX2: only with AVX-512's 32.
    code.beginControlFlow("if (WIDE_BLOCKS)");
    code.beginControlFlow(
        "for (; c <= $L - $L * L; c += $L * L)", columns, widths[0], widths[0]);
    code.addStatement("$L_$Lx$L($L, r, c)", p.name, rows, widths[0], args);
    code.endControlFlow();
    code.endControlFlow();
    code.beginControlFlow(
        "for (; c <= $L - $L * L; c += $L * L)", columns, widths[1], widths[1]);
    code.addStatement("$L_$Lx$L($L, r, c)", p.name, rows, widths[1], args);
    code.endControlFlow();
    // What is left is narrower than that block: at most one block of each narrower width.
    for (int k = 2; k < widths.length; k++) {
      code.beginControlFlow("if (c <= $L - $L * L)", columns, widths[k]);
      code.addStatement("$L_$Lx$L($L, r, c)", p.name, rows, widths[k], args);
      code.addStatement("c += $L * L", widths[k]);
      code.endControlFlow();
    }
    code.beginControlFlow("if (c < $L)", columns);
    code.addStatement("$L_$LxTail($L, r, c, $L)", p.name, rows, args, columns);
    code.endControlFlow();
  }

  private static String arguments(Product p) {
    List<String> names = new ArrayList<>();
    for (String[] parameter : p.parameters) {
      names.add(parameter[1]);
    }
    if (p.depth.equals("count")) {
      names.add("count");
    }
    if (tiled(p)) {
      names.add("k0");
      names.add("k1");
      names.add("fresh");
    }
    return String.join(", ", names);
  }

  private static void addParameters(MethodSpec.Builder method, Product p) {
    for (String[] parameter : p.parameters) {
      method.addParameter(typeOf(parameter[0]), parameter[1]);
    }
  }

  private static TypeName typeOf(String name) {
    switch (name) {
      case "float[]":
        return TypeName.get(float[].class);
      case "float[][]":
        return TypeName.get(float[][].class);
      case "int":
        return TypeName.INT;
      default:
        throw new AssertionError(name);
    }
  }

  private MethodSpec block(Product p, int rows, int vectors) {
    MethodSpec.Builder method =
        MethodSpec.methodBuilder(p.name + "_" + rows + "x" + vectors)
            .addModifiers(Modifier.PRIVATE, Modifier.STATIC);
    addParameters(method, p);
    addDepthParameters(method, p);
    method.addParameter(int.class, "r").addParameter(int.class, "c");
    CodeBlock.Builder code = CodeBlock.builder();
    for (int m = 0; m < rows; m++) {
      if (p.rowSetup != null) {
        code.addStatement(p.rowSetup.apply(m));
      }
    }
    for (int m = 0; m < rows; m++) {
      for (int v = 0; v < vectors; v++) {
        code.addStatement(
            "$T c$L$L = $L", FLOAT_VECTOR, m, v,
            continued(p, p.vectorInit.apply(m, column(v)),
                "FloatVector.fromArray(S, " + p.cRow.apply(m) + ", " + column(v) + ")"));
      }
    }
    code.beginControlFlow("for (int k = $L; k++)", depthLoop(p));
    code.addStatement("float[] bk = $L", p.bRow);
    for (int v = 0; v < vectors; v++) {
      code.addStatement("$T b$L = $T.fromArray(S, bk, $L)", FLOAT_VECTOR, v, FLOAT_VECTOR,
          column(v));
    }
    for (int m = 0; m < rows; m++) {
      code.addStatement("$T a$L = $T.broadcast(S, $L)", FLOAT_VECTOR, m, FLOAT_VECTOR,
          p.a.apply(m));
      for (int v = 0; v < vectors; v++) {
        code.addStatement("c$L$L = b$L.fma(a$L, c$L$L)", m, v, v, m, m, v);
      }
    }
    code.endControlFlow();
    for (int m = 0; m < rows; m++) {
      for (int v = 0; v < vectors; v++) {
        code.addStatement("c$L$L.intoArray($L, $L)", m, v, p.cRow.apply(m), column(v));
      }
    }
    return method.addCode(code.build()).build();
  }

  private MethodSpec tail(Product p, int rows) {
    MethodSpec.Builder method =
        MethodSpec.methodBuilder(p.name + "_" + rows + "xTail")
            .addModifiers(Modifier.PRIVATE, Modifier.STATIC);
    addParameters(method, p);
    addDepthParameters(method, p);
    method.addParameter(int.class, "r").addParameter(int.class, "from")
        .addParameter(int.class, "to");
    CodeBlock.Builder code = CodeBlock.builder();
    for (int m = 0; m < rows; m++) {
      if (p.rowSetup != null) {
        code.addStatement(p.rowSetup.apply(m));
      }
    }
    code.beginControlFlow("for (int c = from; c < to; c++)");
    for (int m = 0; m < rows; m++) {
      code.addStatement("float s$L = $L", m,
          continued(p, p.scalarInit.apply(m, "c"), p.cRow.apply(m) + "[c]"));
    }
    code.beginControlFlow("for (int k = $L; k++)", depthLoop(p));
    code.addStatement("float bkc = $L[c]", p.bRow);
    for (int m = 0; m < rows; m++) {
      code.addStatement("s$L += $L * bkc", m, p.a.apply(m));
    }
    code.endControlFlow();
    for (int m = 0; m < rows; m++) {
      code.addStatement("$L[c] = s$L", p.cRow.apply(m), m);
    }
    code.endControlFlow();
    return method.addCode(code.build()).build();
  }

  private static void addDepthParameters(MethodSpec.Builder method, Product p) {
    if (p.depth.equals("count")) {
      method.addParameter(int.class, "count");
    }
    if (tiled(p)) {
      method.addParameter(int.class, "kFrom").addParameter(int.class, "kTo")
          .addParameter(boolean.class, "fresh");
    }
  }

  /**
   * Whether the depth loop runs in tiles: for the products over a layer's size (forward, input
   * gradient), whose B operand is a weight; the weight gradient's depth is the batch, whose deltas
   * fit in the cache already.
   */
  private static boolean tiled(Product p) {
    return !p.depth.equals("count");
  }

  /**
   * Depth rows per tile: about 32 KB of B rows (L1 holds 32-48 KB), at least 32 rows so that
   * reloading the accumulators per tile stays small against the tile's multiply-adds.
   */
  private static int depthTile(Product p) {
    return Math.max(32, 8192 / p.columnCount);
  }

  /** The initial accumulator: {@code init} for the first tile, else what C holds. */
  private static String continued(Product p, String init, String current) {
    return tiled(p) ? "fresh ? " + init + " : " + current : init;
  }

  /** The bounds of the k loop, as in {@code for (int k = <this>; k++)}. */
  private static String depthLoop(Product p) {
    return tiled(p) ? "kFrom; k < kTo" : "0; k < " + p.depth;
  }

  private static String column(int v) {
    return v == 0 ? "c" : v == 1 ? "c + L" : "c + " + v + " * L";
  }
}
