package io.ganglion.tests;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every method of every generated class stays far below HotSpot's 8000-byte {@code
 * HugeMethodLimit} (a larger method is never JIT-compiled), whatever the layer sizes: the
 * generator unrolls only the register-blocking dimension, never the units. Reads the bytecode
 * length of each method from the class files.
 */
class MethodSizeTest {
  /** Far below 8000: a method this size still compiles and inlines its small callees. */
  private static final int LIMIT = 2000;

  @Test
  void generatedMethodsAreSmallForEveryNetworkSize() throws IOException {
    List<String> classes = new ArrayList<>();
    for (String network :
        List.of("Xor", "Blobs", "Medium", "VectorEdges", "SoftmaxTanhSigmoid", "Large")) {
      classes.add("Net_Networks_" + network);
    }
    // Only networks with a layer of at least 32 x 32 get vector kernels.
    for (String network : List.of("Medium", "VectorEdges", "Large", "ConvVectorEdges")) {
      classes.add("Net_Networks_" + network + "_Vector");
    }
    int checked = 0;
    for (String name : classes) {
      Map<String, Integer> sizes = codeLengths(name);
      assertFalse(sizes.isEmpty(), name + " has no methods");
      for (Map.Entry<String, Integer> e : sizes.entrySet()) {
        assertTrue(
            e.getValue() < LIMIT,
            name + "." + e.getKey() + " is " + e.getValue() + " bytes of bytecode");
        checked++;
      }
    }
    assertTrue(checked > 100, "checked only " + checked + " methods");
  }

  @Test
  void largeLayersDoNotMakeLargerMethods() throws IOException {
    int small = maximum(codeLengths("Net_Networks_Medium"));
    int large = maximum(codeLengths("Net_Networks_Large"));
    assertTrue(large < small * 1.5, "largest method: Medium " + small + ", Large " + large);
  }

  /**
   * A network of 73 layers: the methods a training step or a prediction runs stay below the
   * limit, as each layer adds a call or two to them and nothing more; the methods that run once
   * per model (the constructor, the initial parameters, the first training pass's binding) or
   * per larger batch (growing the buffers) write 8 layers' statements each and call the next.
   */
  @Test
  void deepNetworksKeepTheirStepSmall() throws IOException {
    Map<String, Integer> sizes = codeLengths("Net_Networks_Deep");
    for (Map.Entry<String, Integer> e : sizes.entrySet()) {
      assertTrue(e.getValue() < LIMIT,
          "Net_Networks_Deep." + e.getKey() + " is " + e.getValue() + " bytes of bytecode");
    }
    assertTrue(sizes.size() > 140, "checked only " + sizes.size() + " methods");
    assertTrue(sizes.keySet().stream().anyMatch(m -> m.startsWith("assignLayers9(")),
        "the constructor's statements are not in parts: " + sizes.keySet());
  }

  /**
   * The deepest networks the processor accepts, 256 layers, compiled here: dense layers with
   * batch norm and dropout; convolutions with batch norm, dropout and pooling; a convolution
   * followed by 253 batch norms, the layer with the most fields to assign; 256 dense layers,
   * which the rows split can divide; and 256 dense layers of 32 units, compiled with the Vector
   * API module so that each layer has vector kernels too. Every method stays below the limit.
   * The longest are those a training step runs, which call each layer's methods once or twice;
   * the constructor was 20-25 KB before the per-layer statements were split into parts, and 2,400
   * bytes before the parts also listed the layers; the rows split's switches over the layer index
   * were 3,900 to 4,400 bytes before they dispatched on ranges of 32 layers.
   */
  @Test
  void theDeepestNetworksKeepEveryMethodFarBelowTheLimit(@TempDir Path dir) throws IOException {
    // The compiler writes the same classes whether or not the JVM that runs it has the Vector
    // API's module: the run without it (plain-java) would repeat the other's 20 seconds.
    assumeTrue(Boolean.getBoolean("expect.vector"), "compiled in the runs with the module");
    StringBuilder dense = new StringBuilder(
        "@Network(inputs = 8, loss = Loss.MSE)\npublic abstract class DeepDense {\n");
    for (int k = 0; k < 85; k++) {
      dense.append("  @Dense(units = 8, activation = Activation.TANH) Layer d").append(k)
          .append(";\n  @BatchNorm Layer n").append(k)
          .append(";\n  @Dropout(rate = 0.1) Layer r").append(k).append(";\n");
    }
    dense.append("  @Dense(units = 1) Layer out;\n}\n");
    StringBuilder conv = new StringBuilder("@Network(input = {3, 8, 8},"
        + " loss = Loss.SOFTMAX_CROSS_ENTROPY)\npublic abstract class DeepConv {\n");
    for (int k = 0; k < 63; k++) {
      conv.append("  @Conv2d(filters = 3, kernel = 3, padding = Padding.SAME,"
              + " activation = Activation.RELU) Layer c").append(k)
          .append(";\n  @BatchNorm(activation = Activation.RELU) Layer n").append(k)
          .append(";\n  @Dropout(rate = 0.1) Layer r").append(k)
          .append(";\n  @MaxPool2d(size = 3, stride = 1, pad = 1) Layer m").append(k)
          .append(";\n");
    }
    conv.append("  @Flatten Layer f;\n  @Dense(units = 3) Layer out;\n}\n");
    StringBuilder norms = new StringBuilder("@Network(input = {3, 8, 8},"
        + " loss = Loss.SOFTMAX_CROSS_ENTROPY)\npublic abstract class DeepNorm {\n"
        + "  @Conv2d(filters = 3, kernel = 3, padding = Padding.SAME) Layer c;\n");
    for (int k = 0; k < 253; k++) {
      norms.append("  @BatchNorm(activation = Activation.RELU) Layer n").append(k).append(";\n");
    }
    norms.append("  @Flatten Layer f;\n  @Dense(units = 3) Layer out;\n}\n");
    StringBuilder split = denseLayers("DeepSplit", 16, "TANH", 5);
    StringBuilder wide = denseLayers("DeepWide", 32, "RELU", 10);
    Path classes = compileWithProcessor(dir.resolve("plain"), Map.of(
        "DeepDense", dense, "DeepConv", conv, "DeepNorm", norms, "DeepSplit", split));
    Path vector = compileWithProcessor(dir.resolve("vector"), Map.of("DeepWide", wide),
        "--add-modules", "jdk.incubator.vector");
    List<Path> files = new ArrayList<>();
    for (String network : List.of("DeepDense", "DeepConv", "DeepNorm", "DeepSplit")) {
      files.add(classes.resolve("deep/Net_" + network + ".class"));
    }
    files.add(vector.resolve("deep/Net_DeepWide.class"));
    files.add(vector.resolve("deep/Net_DeepWide_Vector.class"));
    for (Path file : files) {
      String network = file.getFileName().toString();
      Map<String, Integer> sizes;
      try (InputStream in = Files.newInputStream(file)) {
        sizes = codeLengths(in, network);
      }
      for (Map.Entry<String, Integer> e : sizes.entrySet()) {
        assertTrue(e.getValue() < LIMIT,
            network + "." + e.getKey() + " is " + e.getValue() + " bytes of bytecode");
      }
      assertTrue(sizes.size() > 256, network + ": checked only " + sizes.size() + " methods");
    }
  }

  /**
   * A classifier of {@code units} inputs and 255 dense layers of {@code units} units with {@code
   * activation}, then an output layer of {@code outputs}: 256 layers, all of which the rows split
   * can divide.
   */
  private static StringBuilder denseLayers(String name, int units, String activation,
      int outputs) {
    StringBuilder source = new StringBuilder("@Network(inputs = " + units
        + ", loss = Loss.SOFTMAX_CROSS_ENTROPY)\npublic abstract class " + name + " {\n");
    for (int k = 0; k < 255; k++) {
      source.append("  @Dense(units = ").append(units).append(", activation = Activation.")
          .append(activation).append(") Layer d").append(k).append(";\n");
    }
    return source.append("  @Dense(units = ").append(outputs).append(") Layer out;\n}\n");
  }

  /**
   * Compiles each source (a class body in package {@code deep}, by its class name) with javac and
   * the processor into {@code dir}, with {@code options} besides; returns the classes' directory.
   */
  private static Path compileWithProcessor(Path dir, Map<String, CharSequence> sources,
      String... options) throws IOException {
    Path source = Files.createDirectories(dir.resolve("src/deep"));
    Path classes = Files.createDirectories(dir.resolve("classes"));
    List<Path> files = new ArrayList<>();
    for (Map.Entry<String, CharSequence> e : sources.entrySet()) {
      files.add(Files.writeString(source.resolve(e.getKey() + ".java"),
          "package deep;\n\nimport io.ganglion.*;\n\n" + e.getValue()));
    }
    String classPath = System.getProperty("java.class.path");
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    List<String> arguments = new ArrayList<>(List.of(
        "-classpath", classPath, "-processorpath", classPath,
        "-processor", "io.ganglion.processor.NetworkProcessor",
        "-s", Files.createDirectories(dir.resolve("generated")).toString(),
        "-d", classes.toString(), "--release", "17"));
    arguments.addAll(List.of(options));
    boolean ok;
    try (StandardJavaFileManager manager =
        javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
      ok = javac.getTask(null, manager, diagnostics, arguments, null,
          manager.getJavaFileObjectsFromPaths(files)).call();
    }
    assertTrue(ok, "javac failed: " + diagnostics.getDiagnostics());
    return classes;
  }

  private static int maximum(Map<String, Integer> sizes) {
    return sizes.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
  }

  /** Method name and descriptor to the length of its Code attribute, from a class file. */
  static Map<String, Integer> codeLengths(String simpleName) throws IOException {
    String resource = simpleName + ".class";
    try (InputStream raw = MethodSizeTest.class.getResourceAsStream(resource)) {
      assertTrue(raw != null, "no class file " + resource);
      return codeLengths(raw, resource);
    }
  }

  /** As {@link #codeLengths(String)}, from the class file {@code raw} (named {@code resource}). */
  private static Map<String, Integer> codeLengths(InputStream raw, String resource)
      throws IOException {
    DataInputStream in = new DataInputStream(raw);
    if (in.readInt() != 0xCAFEBABE) {
      throw new IOException(resource + " is not a class file");
    }
    in.readUnsignedShort();
    in.readUnsignedShort();
    int count = in.readUnsignedShort();
    String[] utf8 = new String[count];
    for (int i = 1; i < count; i++) {
      int tag = in.readUnsignedByte();
      switch (tag) {
        case 1:
          utf8[i] = in.readUTF();
          break;
        case 3: case 4:
          in.readInt();
          break;
        case 5: case 6:
          in.readLong();
          i++;
          break;
        case 7: case 8: case 16: case 19: case 20:
          in.readUnsignedShort();
          break;
        case 9: case 10: case 11: case 12: case 17: case 18:
          in.readInt();
          break;
        case 15:
          in.readUnsignedByte();
          in.readUnsignedShort();
          break;
        default:
          throw new IOException(resource + ": unknown constant tag " + tag);
      }
    }
    in.readUnsignedShort();
    in.readUnsignedShort();
    in.readUnsignedShort();
    skip(in, in.readUnsignedShort() * 2);
    int fields = in.readUnsignedShort();
    for (int f = 0; f < fields; f++) {
      in.readUnsignedShort();
      in.readUnsignedShort();
      in.readUnsignedShort();
      skipAttributes(in);
    }
    Map<String, Integer> sizes = new LinkedHashMap<>();
    int methods = in.readUnsignedShort();
    for (int m = 0; m < methods; m++) {
      in.readUnsignedShort();
      String name = utf8[in.readUnsignedShort()] + utf8[in.readUnsignedShort()];
      int attributes = in.readUnsignedShort();
      for (int a = 0; a < attributes; a++) {
        String attribute = utf8[in.readUnsignedShort()];
        int length = in.readInt();
        if (attribute.equals("Code")) {
          in.readUnsignedShort();
          in.readUnsignedShort();
          int code = in.readInt();
          sizes.put(name, code);
          skip(in, length - 8);
        } else {
          skip(in, length);
        }
      }
    }
    return sizes;
  }

  private static void skipAttributes(DataInputStream in) throws IOException {
    int attributes = in.readUnsignedShort();
    for (int a = 0; a < attributes; a++) {
      in.readUnsignedShort();
      skip(in, in.readInt());
    }
  }

  private static void skip(DataInputStream in, int bytes) throws IOException {
    in.readFully(new byte[bytes]);
  }
}
