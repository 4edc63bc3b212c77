package io.ganglion.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * The generated source of a small network, compared as exact text with a golden file. Run with
 * {@code -Dgolden.update=true} to rewrite the golden files; review their diff like code.
 */
class GoldenTest {
  private static final JavaFileObject TWO_LAYERS =
      JavaFileObjects.forSourceLines(
          "com.example.Tiny",
          "package com.example;",
          "",
          "import io.ganglion.Activation;",
          "import io.ganglion.Dense;",
          "import io.ganglion.Layer;",
          "import io.ganglion.Loss;",
          "import io.ganglion.Network;",
          "",
          "@Network(inputs = 6, loss = Loss.SOFTMAX_CROSS_ENTROPY)",
          "abstract class Tiny {",
          "  @Dense(units = 5, activation = Activation.RELU)",
          "  Layer hidden;",
          "",
          "  @Dense(units = 3)",
          "  Layer logits;",
          "}");

  @Test
  void twoLayerNetwork() throws IOException {
    Compilation compilation = compile(TWO_LAYERS);
    assertThat(compilation).succeededWithoutWarnings();
    String generated =
        compilation
            .generatedSourceFile("com.example.Net_Tiny")
            .orElseThrow()
            .getCharContent(false)
            .toString();
    assertGolden("twoLayerNetwork", "Net_Tiny.java", generated);
  }

  private static final JavaFileObject SMALL_CNN =
      JavaFileObjects.forSourceLines(
          "com.example.SmallCnn",
          "package com.example;",
          "",
          "import io.ganglion.*;",
          "",
          "@Network(input = {2, 6, 6}, loss = Loss.SOFTMAX_CROSS_ENTROPY)",
          "abstract class SmallCnn {",
          "  @Conv2d(filters = 8, kernel = 3, padding = Padding.SAME, bias = false)",
          "  Layer conv1;",
          "",
          "  @BatchNorm",
          "  Layer norm1;",
          "",
          "  @MaxPool2d(size = 2)",
          "  Layer pool1;",
          "",
          "  @Conv2d(filters = 4, kernel = 2, stride = 1, activation = Activation.RELU)",
          "  Layer conv2;",
          "",
          "  @Flatten",
          "  Layer flat;",
          "",
          "  @Dropout(rate = 0.5f)",
          "  Layer drop;",
          "",
          "  @Dense(units = 3)",
          "  Layer logits;",
          "}");

  /** A network with every image layer, dropout and batch norm: read its diff like code. */
  @Test
  void convolutionalNetwork() throws IOException {
    Compilation compilation = compile(SMALL_CNN);
    assertThat(compilation).succeededWithoutWarnings();
    String generated =
        compilation
            .generatedSourceFile("com.example.Net_SmallCnn")
            .orElseThrow()
            .getCharContent(false)
            .toString();
    assertGolden("convolutionalNetwork", "Net_SmallCnn.java", generated);
  }

  @Test
  void generationIsDeterministic() throws IOException {
    String first = source(compile(TWO_LAYERS));
    String second = source(compile(TWO_LAYERS));
    assertEquals(first, second);
  }

  private static Compilation compile(JavaFileObject... sources) {
    return Compiler.javac()
        .withProcessors(new NetworkProcessor())
        .withOptions("-Xlint:all,-processing", "-Werror")
        .compile(sources);
  }

  private static String source(Compilation compilation) throws IOException {
    return compilation
        .generatedSourceFile("com.example.Net_Tiny")
        .orElseThrow()
        .getCharContent(false)
        .toString();
  }

  static void assertGolden(String method, String file, String actual) throws IOException {
    Path dir =
        Path.of(System.getProperty("golden.dir", "src/test/resources/golden"))
            .resolve(GoldenTest.class.getSimpleName())
            .resolve(method);
    Path golden = dir.resolve(file);
    if (Boolean.getBoolean("golden.update")) {
      Files.createDirectories(dir);
      Files.writeString(golden, actual, StandardCharsets.UTF_8);
      return;
    }
    if (!Files.exists(golden)) {
      throw new AssertionError(
          "missing golden file " + golden + "; run with -Dgolden.update=true to create it");
    }
    assertThat(actual).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
  }
}
