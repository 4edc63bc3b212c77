package io.ganglion.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ganglion.Layer;
import io.ganglion.Model;
import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.eclipse.jdt.internal.compiler.tool.EclipseCompiler;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The processor as a user's build runs it, outside Maven's own compilation: with the javac of the
 * JVM running the tests (JDK 17, and JDK 25 in the {@code jdk25} profile's run) and with the
 * Eclipse compiler (ECJ). Each compiled network must run, keep its layers in source order, give
 * the same numbers, compile without a single warning under {@code -Xlint:all,-processing -Werror}
 * and come out as the same bytes every time.
 */
class CompilersTest {
  /** Layer names out of alphabetical order, so that an order taken from anywhere else shows. */
  private static final String SOURCE =
      String.join("\n",
          "package demo;",
          "",
          "import io.ganglion.Activation;",
          "import io.ganglion.Dense;",
          "import io.ganglion.Layer;",
          "import io.ganglion.Loss;",
          "import io.ganglion.Network;",
          "",
          "@Network(inputs = 40, loss = Loss.SOFTMAX_CROSS_ENTROPY)",
          "abstract class Ordered {",
          "  @Dense(units = 33, activation = Activation.TANH)",
          "  Layer zeta;",
          "",
          "  @Dense(units = 6, activation = Activation.RELU)",
          "  Layer alpha;",
          "",
          "  @Dense(units = 4, activation = Activation.SIGMOID)",
          "  Layer mid;",
          "",
          "  @Dense(units = 3)",
          "  Layer beta;",
          "}",
          "");

  private static final List<String> SOURCE_ORDER = List.of("zeta", "alpha", "mid", "beta");

  /**
   * 17 layers: more than the 8 whose setup code the processor writes in one method, so it is
   * written in parts (see {@code MethodSizeTest}): one with batch norms (which read {@code p} and
   * {@code b}), one of dropouts only (which read neither), and the output layer alone.
   */
  private static final String DEEP_SOURCE =
      String.join("\n",
          "package demo;",
          "",
          "import io.ganglion.Activation;",
          "import io.ganglion.BatchNorm;",
          "import io.ganglion.Dense;",
          "import io.ganglion.Dropout;",
          "import io.ganglion.Layer;",
          "import io.ganglion.Loss;",
          "import io.ganglion.Network;",
          "",
          "@Network(inputs = 40, loss = Loss.SOFTMAX_CROSS_ENTROPY)",
          "abstract class Ordered {",
          "  @Dense(units = 16, activation = Activation.TANH) Layer d0;",
          "  @BatchNorm(activation = Activation.RELU) Layer n0;",
          "  @Dropout(rate = 0.2) Layer r0;",
          "  @Dense(units = 16) Layer d1;",
          "  @BatchNorm Layer n1;",
          "  @Dense(units = 8, activation = Activation.RELU) Layer d2;",
          "  @Dropout(rate = 0.1) Layer r1;",
          "  @Dense(units = 8, activation = Activation.TANH) Layer d3;",
          "  @Dropout(rate = 0.1) Layer r2;",
          "  @Dropout(rate = 0.1) Layer r3;",
          "  @Dropout(rate = 0.1) Layer r4;",
          "  @Dropout(rate = 0.1) Layer r5;",
          "  @Dropout(rate = 0.1) Layer r6;",
          "  @Dropout(rate = 0.1) Layer r7;",
          "  @Dropout(rate = 0.1) Layer r8;",
          "  @Dropout(rate = 0.1) Layer r9;",
          "  @Dense(units = 3) Layer out;",
          "}",
          "");

  private static final String[] VECTOR_MODULE = {"--add-modules", "jdk.incubator.vector"};

  /** 40 inputs into 33 units: large enough for the first layer to get vector kernels. */
  private static final float[] INPUT = input();

  private static float[] input() {
    float[] x = new float[40];
    for (int i = 0; i < x.length; i++) {
      x[i] = (i % 7 - 3) / 4f;
    }
    return x;
  }

  @TempDir Path dir;

  @Test
  void javacCompilesRunsAndWarnsAboutNothing() throws Exception {
    Compiled javac = compile(ToolProvider.getSystemJavaCompiler(), "javac");
    assertEquals(List.of(), javac.warnings, "javac warned");
    assertTrue(Files.notExists(javac.generated.resolve("demo/Net_Ordered_Vector.java")));
    Model net = javac.newNetwork(42);
    assertEquals(SOURCE_ORDER, layerNames(net));
    assertEquals(3, net.predict(INPUT).length);
  }

  @Test
  void eclipseCompilerCompilesTheSameNetwork() throws Exception {
    // Both see the incubator module: ECJ resolves jdk.incubator.vector even without the flag, so
    // under ECJ the processor writes the Vector API kernels whenever the JDK has the module (they
    // are loaded only where the running JVM has it too). With the flag on both, the processor
    // must write the same bytes whichever compiler hosts it.
    Compiled javac = compile(ToolProvider.getSystemJavaCompiler(), "javac", VECTOR_MODULE);
    Compiled ecj = compile(new EclipseCompiler(), "ecj", VECTOR_MODULE);
    assertEquals(List.of(), ecj.warnings, "ecj warned");
    Model fromEcj = ecj.newNetwork(42);
    Model fromJavac = javac.newNetwork(42);
    assertEquals(SOURCE_ORDER, layerNames(fromEcj));
    assertEquals(fromJavac.summary(), fromEcj.summary());
    assertArrayEquals(fromJavac.predict(INPUT), fromEcj.predict(INPUT));
    assertEquals(javac.generatedSource("Net_Ordered"), ecj.generatedSource("Net_Ordered"));
    assertEquals(javac.generatedSource("Net_Ordered_Vector"),
        ecj.generatedSource("Net_Ordered_Vector"));
  }

  @Test
  void eclipseCompilerWithoutTheVectorModule() throws Exception {
    Compiled ecj = compile(new EclipseCompiler(), "ecj-plain", "-Aganglion.vector=false");
    assertEquals(List.of(), ecj.warnings, "ecj warned");
    Model net = ecj.newNetwork(7);
    assertEquals(SOURCE_ORDER, layerNames(net));
    assertArrayEquals(compile(ToolProvider.getSystemJavaCompiler(), "javac-plain")
        .newNetwork(7).predict(INPUT), net.predict(INPUT));
  }

  /**
   * A network written in parts: neither compiler warns (ECJ once did, of a part's parameter that
   * the part did not read), and the two compilers' networks predict the same.
   */
  @Test
  void neitherCompilerWarnsAboutADeepNetwork() throws Exception {
    Compiled javac = bothCompileWithoutWarnings("deep", DEEP_SOURCE);
    assertTrue(javac.generatedSource("Net_Ordered")
            .contains("private void assignLayers1(Layer[] views) {"),
        "the dropouts' part reads no parameter tensor");
  }

  /**
   * 40 dense layers, some without bias, which the rows split's switches over the layer index take
   * in two ranges: a range's method takes only the parameters its layers read (the second range's
   * do not read the inputs), so neither compiler warns, and the two compilers' networks predict
   * the same.
   */
  @Test
  void neitherCompilerWarnsAboutTheRangesOfTheRowsSplit() throws Exception {
    StringBuilder source = new StringBuilder(String.join("\n",
        "package demo;",
        "",
        "import io.ganglion.Activation;",
        "import io.ganglion.Dense;",
        "import io.ganglion.Layer;",
        "import io.ganglion.Loss;",
        "import io.ganglion.Network;",
        "",
        "@Network(inputs = 40, loss = Loss.SOFTMAX_CROSS_ENTROPY)",
        "abstract class Ordered {",
        ""));
    for (int k = 0; k < 39; k++) {
      // Some without bias, whose backward stages take no bias argument.
      source.append("  @Dense(units = 16, activation = Activation.TANH"
          + (k % 5 == 3 ? ", bias = false" : "") + ") Layer d" + k + ";\n");
    }
    source.append("  @Dense(units = 5) Layer out;\n}\n");
    Compiled javac = bothCompileWithoutWarnings("ranges", source.toString());
    assertTrue(javac.generatedSource("Net_Ordered").contains(
        "private void splitForward1(int layer, int count, int from, int to) {"),
        "the second range of splitForward takes what its layers read");
  }

  /**
   * Dense layers and dropout, no batch norm: a network with modes (training and inference) but no
   * buffers. Neither compiler warns (ECJ once did, of the constructor's unused buffers argument
   * and an unused field), and the two compilers' networks predict the same.
   */
  @Test
  void neitherCompilerWarnsAboutDropoutWithoutBatchNorm() throws Exception {
    String source = String.join("\n",
        "package demo;",
        "",
        "import io.ganglion.Activation;",
        "import io.ganglion.Dense;",
        "import io.ganglion.Dropout;",
        "import io.ganglion.Layer;",
        "import io.ganglion.Loss;",
        "import io.ganglion.Network;",
        "",
        "@Network(inputs = 40, loss = Loss.SOFTMAX_CROSS_ENTROPY)",
        "abstract class Ordered {",
        "  @Dense(units = 16, activation = Activation.RELU) Layer hidden;",
        "  @Dropout(rate = 0.5) Layer drop;",
        "  @Dense(units = 3) Layer out;",
        "}",
        "");
    bothCompileWithoutWarnings("dropout", source);
  }

  /**
   * Compiles {@code source} with ECJ (plain kernels) and with javac, asserts that neither warns
   * and that the two networks predict the same; returns javac's compilation.
   */
  private Compiled bothCompileWithoutWarnings(String name, String source) throws Exception {
    Compiled ecj = compileSource(new EclipseCompiler(), "ecj-" + name, source,
        "-Aganglion.vector=false");
    assertEquals(List.of(), ecj.warnings, "ecj warned");
    Compiled javac = compileSource(ToolProvider.getSystemJavaCompiler(), "javac-" + name, source);
    assertEquals(List.of(), javac.warnings, "javac warned");
    assertArrayEquals(javac.newNetwork(3).predict(INPUT), ecj.newNetwork(3).predict(INPUT));
    return javac;
  }

  @Test
  void generatedSourcesAreTheSameBytesEveryTime() throws Exception {
    Compiled first = compile(ToolProvider.getSystemJavaCompiler(), "first");
    Compiled second = compile(ToolProvider.getSystemJavaCompiler(), "second");
    assertTrue(first.generatedSource("Net_Ordered").contains("final class Net_Ordered"));
    assertEquals(first.generatedSource("Net_Ordered"), second.generatedSource("Net_Ordered"));
    assertArrayEquals(first.generatedClassBytes(), second.generatedClassBytes());
  }

  /**
   * A network in a named module: the generated class is marked {@code @Generated} only when the
   * module reads {@code java.compiler}, which holds that annotation (without it the generated
   * code did not compile: "package javax.annotation.processing is not visible").
   */
  @Test
  void aNamedModuleCompilesWithOrWithoutJavaCompiler() throws Exception {
    String runtimeJar = null;
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (Path.of(entry).getFileName().toString().matches("ganglion-runtime-.*\\.jar")) {
        runtimeJar = entry;
      }
    }
    Assumptions.assumeTrue(runtimeJar != null, "the runtime jar is on the class path");
    String plain = compileModule(runtimeJar, "plain", "module app { requires io.ganglion; }");
    assertFalse(plain.contains("Generated"), plain);
    String marked = compileModule(runtimeJar, "marked",
        "module app { requires io.ganglion; requires static java.compiler; }");
    assertTrue(marked.contains("@Generated(\"io.ganglion.processor.NetworkProcessor\")"));
    // The Vector API kernels likewise need the module to read jdk.incubator.vector.
    compileModule(runtimeJar, "unread-vector", "module app { requires io.ganglion; }",
        VECTOR_MODULE);
    assertTrue(Files.notExists(
        dir.resolve("unread-vector/generated/demo/Net_Ordered_Vector.java")));
    compileModule(runtimeJar, "vector",
        "module app { requires io.ganglion; requires static jdk.incubator.vector; }",
        VECTOR_MODULE);
    assertTrue(Files.exists(dir.resolve("vector/generated/demo/Net_Ordered_Vector.java")));
  }

  private String compileModule(String runtimeJar, String name, String moduleInfo,
      String... extraOptions) throws IOException {
    Tree tree = new Tree(dir.resolve(name), SOURCE);
    Path info = Files.writeString(tree.root.resolve("src/module-info.java"), moduleInfo);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    boolean ok;
    try (StandardJavaFileManager files =
        javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
      List<String> options = new ArrayList<>(List.of(
          "--module-path", runtimeJar,
          "-processorpath", System.getProperty("java.class.path"),
          "-processor", "io.ganglion.processor.NetworkProcessor",
          "-s", tree.generated.toString(), "-d", tree.classes.toString(), "-encoding", "UTF-8"));
      options.addAll(List.of(extraOptions));
      ok = javac.getTask(null, files, diagnostics, options, null,
          files.getJavaFileObjects(tree.source.toFile(), info.toFile())).call();
    }
    assertTrue(ok, name + ": " + diagnostics.getDiagnostics());
    return Files.readString(tree.generated.resolve("demo/Net_Ordered.java"));
  }

  private static List<String> layerNames(Model net) {
    return net.layers().stream().map(Layer::name).collect(Collectors.toList());
  }

  /** Compiles {@link #SOURCE} with {@code compiler} and the processor, failing on any error. */
  private Compiled compile(JavaCompiler compiler, String name, String... extraOptions)
      throws IOException {
    return compileSource(compiler, name, SOURCE, extraOptions);
  }

  /** Compiles {@code source} (class {@code demo.Ordered}) as {@link #compile} does. */
  private Compiled compileSource(JavaCompiler compiler, String name, String source,
      String... extraOptions) throws IOException {
    Tree tree = new Tree(dir.resolve(name), source);
    String classPath = System.getProperty("java.class.path");
    List<String> options = new ArrayList<>(List.of(
        "-classpath", classPath,
        "-processorpath", classPath,
        "-processor", "io.ganglion.processor.NetworkProcessor",
        "-s", tree.generated.toString(),
        "-d", tree.classes.toString(),
        "-encoding", "UTF-8"));
    options.addAll(List.of(extraOptions));
    if (compiler instanceof EclipseCompiler) {
      options.addAll(List.of("-17", "-warn:+allDeprecation,+unused,+uselessTypeCheck"));
    } else {
      // -processing: the processor returns false from process() (it claims no annotation), so
      // javac's -Xlint:processing says "No processor claimed any of these annotations".
      options.addAll(List.of("--release", "17", "-Xlint:all,-processing"));
      if (extraOptions.length == 0) {
        // With the incubator module javac always warns that it is incubating.
        options.add("-Werror");
      }
    }
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    boolean ok;
    try (StandardJavaFileManager files =
        compiler.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
      ok = compiler.getTask(null, files, diagnostics, options, null,
          files.getJavaFileObjects(tree.source.toFile())).call();
    }
    List<String> warnings = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
      String text = d.getKind() + " " + (d.getSource() == null ? "" : d.getSource().getName())
          + ":" + d.getLineNumber() + ": " + d.getMessage(Locale.ROOT);
      if (d.getKind() == Diagnostic.Kind.ERROR) {
        errors.add(text);
      } else if (d.getKind() != Diagnostic.Kind.NOTE) {
        warnings.add(text);
      }
    }
    assertTrue(ok && errors.isEmpty(), name + " failed: " + errors + " " + warnings);
    return new Compiled(tree.generated, tree.classes, warnings);
  }

  /** A compilation's directories, under {@code root}, with the source {@code text} in it. */
  private static final class Tree {
    final Path root;
    final Path generated;
    final Path classes;
    final Path source;

    Tree(Path root, String text) throws IOException {
      this.root = root;
      this.generated = Files.createDirectories(root.resolve("generated"));
      this.classes = Files.createDirectories(root.resolve("classes"));
      this.source = Files.writeString(
          Files.createDirectories(root.resolve("src/demo")).resolve("Ordered.java"), text);
    }
  }

  /** The output of one compilation. */
  private static final class Compiled {
    final Path generated;
    final Path classes;
    final List<String> warnings;

    Compiled(Path generated, Path classes, List<String> warnings) {
      this.generated = generated;
      this.classes = classes;
      this.warnings = warnings;
    }

    String generatedSource(String simpleName) throws IOException {
      return Files.readString(generated.resolve("demo/" + simpleName + ".java"));
    }

    byte[] generatedClassBytes() throws IOException {
      return Files.readAllBytes(classes.resolve("demo/Net_Ordered.class"));
    }

    /** A new instance, loaded in its own class loader over this module's runtime classes. */
    Model newNetwork(long seed) throws Exception {
      URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
          CompilersTest.class.getClassLoader());
      return (Model) Class.forName("demo.Net_Ordered", true, loader)
          .getConstructor(long.class).newInstance(seed);
    }
  }
}
