package io.ganglion.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static io.ganglion.processor.Sources.compile;
import static io.ganglion.processor.Sources.source;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import java.io.IOException;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * One test per message about image inputs, convolutions, pooling, flattening, dropout and batch
 * norm: the exact text, on its line, and nothing else; plus the summary of a CNN.
 */
class ImageLayersValidatorTest {

  private static void assertOnlyError(JavaFileObject file, String text, String line) {
    Compilation compilation = compile(file);
    assertThat(compilation).hadErrorContaining(text).inFile(file).onLineContaining(line);
    assertThat(compilation).hadErrorCount(1);
  }

  @Test
  void inputTwice() {
    assertOnlyError(
        source("Foo",
            "@Network(inputs = 784,",
            "    input = {1, 28, 28}, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Dense(units = 3) Layer out;",
            "}"),
        "[Network/InputTwice] Foo: @Network must set one of inputs and input, but set both;"
            + " keep inputs = <features> for vectors or input = {channels, height, width} for"
            + " images",
        "input = {1, 28, 28}");
  }

  @Test
  void inputShape() {
    assertOnlyError(
        source("Foo",
            "@Network(input = {28, 28}, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Flatten Layer flat;",
            "  @Dense(units = 3) Layer out;",
            "}"),
        "[Network/InputShape] Foo: input must be {channels, height, width} with every size at"
            + " least 1, but was {28, 28}; for 28x28 gray images use input = {1, 28, 28}",
        "input = {28, 28}");
    // No channels: the hint keeps the image's own size.
    assertOnlyError(
        source("Foo",
            "@Network(input = {0, 8, 8}, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Flatten Layer flat;",
            "  @Dense(units = 3) Layer out;",
            "}"),
        "[Network/InputShape] Foo: input must be {channels, height, width} with every size at"
            + " least 1, but was {0, 8, 8}; for 8x8 images give their channels, such as input ="
            + " {1, 8, 8} for gray ones",
        "input = {0, 8, 8}");
    assertOnlyError(
        source("Foo",
            "@Network(input = {3, 0, 8}, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Flatten Layer flat;",
            "  @Dense(units = 3) Layer out;",
            "}"),
        "[Network/InputShape] Foo: input must be {channels, height, width} with every size at"
            + " least 1, but was {3, 0, 8}; give the images' height and width, such as input ="
            + " {3, 28, 28}",
        "input = {3, 0, 8}");
  }

  @Test
  void inputWithTheBatchSize() {
    assertOnlyError(
        source("Foo",
            "@Network(input = {64, 3, 32, 32}, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Flatten Layer flat;",
            "  @Dense(units = 3) Layer out;",
            "}"),
        "[Network/InputShape] Foo: input must be {channels, height, width} with every size at"
            + " least 1, but was {64, 3, 32, 32}; leave out the batch size (PyTorch's first"
            + " dimension): input = {3, 32, 32}",
        "input = {64, 3, 32, 32}");
  }

  @Test
  void inputWithTheBatchSizeInKerasOrder() {
    assertOnlyError(
        source("Foo",
            "@Network(input = {1, 28, 28, 1}, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Flatten Layer flat;",
            "  @Dense(units = 3) Layer out;",
            "}"),
        "[Network/InputShape] Foo: input must be {channels, height, width} with every size at"
            + " least 1, but was {1, 28, 28, 1}; leave out the batch size (the first dimension),"
            + " with the channels first: input = {1, 28, 28} if {1, 28, 28, 1} is Keras's"
            + " order (batch, height, width, channels), or input = {28, 28, 1} if it is"
            + " PyTorch's (batch, channels, height, width)",
        "input = {1, 28, 28, 1}");
    assertOnlyError(
        source("Foo",
            "@Network(input = {32, 32, 32, 3}, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Flatten Layer flat;",
            "  @Dense(units = 3) Layer out;",
            "}"),
        "[Network/InputShape] Foo: input must be {channels, height, width} with every size at"
            + " least 1, but was {32, 32, 32, 3}; leave out the batch size (the first dimension),"
            + " with the channels first: input = {3, 32, 32} if {32, 32, 32, 3} is Keras's"
            + " order (batch, height, width, channels), or input = {32, 32, 3} if it is"
            + " PyTorch's (batch, channels, height, width)",
        "input = {32, 32, 32, 3}");
  }

  @Test
  void inputInKerasOrderIsAWarning() {
    JavaFileObject foo = source("Foo",
        "@Network(input = {28, 28, 1}, loss = Loss.SOFTMAX_CROSS_ENTROPY)",
        "abstract class Foo {",
        "  @Conv2d(filters = 16, kernel = 1) Layer c1;",
        "  @Flatten Layer f;",
        "  @Dense(units = 10) Layer out;",
        "}");
    Compilation compilation = compile(foo);
    assertThat(compilation).succeeded();
    assertThat(compilation).hadWarningContaining("[Network/ChannelsLast] Foo: input should be"
        + " {channels, height, width}, but {28, 28, 1} reads as 28 channels of 28x1 images; that"
        + " is Keras's order (height, width, channels): for 28x28 images of 1 channel use input ="
        + " {1, 28, 28}, PyTorch's order").inFile(foo).onLineContaining("input = {28, 28, 1}");
    assertThat(compilation).hadWarningCount(1);
    // Gray, RGB or RGBA images of at least 8x8 in Keras's order, square or not, are flagged.
    for (String input : new String[] {"{480, 640, 3}", "{28, 32, 1}", "{16, 16, 4}"}) {
      assertThat(compile(source("Bar",
          "@Network(input = " + input + ", loss = Loss.MSE)",
          "abstract class Bar {",
          "  @Flatten Layer f;",
          "  @Dense(units = 10) Layer out;",
          "}"))).hadWarningContaining("[Network/ChannelsLast]");
    }
    // Where the layout is meant (64 signals of length 100), the warning is silenced by its key.
    assertThat(compile(source("Signals",
        "@SuppressWarnings(\"ganglion:ChannelsLast\")",
        "@Network(input = {64, 100, 1}, loss = Loss.MSE)",
        "abstract class Signals {",
        "  @Flatten Layer f;",
        "  @Dense(units = 10) Layer out;",
        "}"))).succeededWithoutWarnings();
    // Small images of many channels and tiny images are not.
    for (String input : new String[] {"{64, 4, 4}", "{64, 4, 2}", "{5, 5, 4}"}) {
      assertThat(compile(source("Bar",
          "@Network(input = " + input + ", loss = Loss.MSE)",
          "abstract class Bar {",
          "  @Flatten Layer f;",
          "  @Dense(units = 10) Layer out;",
          "}"))).succeededWithoutWarnings();
    }
  }

  @Test
  void inputsMissingBeforeVectorLayersAsksForInputs() {
    assertOnlyError(
        source("Foo",
            "@Network(loss = Loss.MSE)",
            "abstract class Foo {",
            "  @BatchNorm Layer norm;",
            "  @Dropout(rate = 0.1) Layer drop;",
            "  @Dense(units = 1) Layer out;",
            "}"),
        "[Network/InputsMissing] Foo: @Network must set inputs, but it was missing; add inputs ="
            + " <features per sample>",
        "@Network(loss = Loss.MSE)");
  }

  @Test
  void inputMissingBeforeImageLayers() {
    assertOnlyError(
        source("Foo",
            "@Network(loss = Loss.SOFTMAX_CROSS_ENTROPY)",
            "abstract class Foo {",
            "  @Conv2d(filters = 4, kernel = 3) Layer conv1;",
            "  @MaxPool2d(size = 2) Layer pool1;",
            "  @Flatten Layer flat;",
            "  @Dense(units = 3) Layer out;",
            "}"),
        "[Network/InputsMissing] Foo: @Network must set input, but it was missing; add input ="
            + " {channels, height, width}, for example input = {1, 28, 28} for 28x28 gray images"
            + " or input = {3, 32, 32} for 32x32 color images",
        "@Network(loss = Loss.SOFTMAX_CROSS_ENTROPY)");
  }

  @Test
  void requiredValuesLeftOutAreReportedByTheProcessor() {
    // Without defaults javac would stop before processing: no class of the build would be
    // generated, and every use of one would be a "cannot find symbol".
    JavaFileObject bad = source("Bad",
        "@Network(input = {1, 8, 8})",
        "abstract class Bad {",
        "  @Conv2d(filters = 4) Layer conv1;",
        "  @Conv2d(kernel = 3) Layer conv2;",
        "  @MaxPool2d Layer pool;",
        "  @AvgPool2d Layer avg;",
        "  @Dropout Layer drop;",
        "  @Flatten Layer flat;",
        "  @Dense Layer out;",
        "}");
    JavaFileObject good = source("Good",
        "@Network(inputs = 4, loss = Loss.MSE)",
        "abstract class Good {",
        "  @Dense(units = 3) Layer out;",
        "}");
    JavaFileObject user = source("User", "class User { Net_Good net = new Net_Good(1); }");
    Compilation compilation = compile(bad, good, user);
    assertThat(compilation).hadErrorContaining("[Network/Missing] Bad: @Network must set loss,"
        + " but it was missing; add loss = Loss.SOFTMAX_CROSS_ENTROPY for classes,"
        + " Loss.BINARY_CROSS_ENTROPY for yes/no outputs or Loss.MSE (MAE, HUBER) for values")
        .inFile(bad).onLineContaining("@Network(input = {1, 8, 8})");
    assertThat(compilation).hadErrorContaining("[Network/Missing] conv1: @Conv2d must set kernel,"
        + " but it was missing; add the kernel's height and width, such as kernel = 3")
        .inFile(bad).onLineContaining("conv1");
    assertThat(compilation).hadErrorContaining("[Network/Missing] conv2: @Conv2d must set"
        + " filters, but it was missing; add the number of output channels, such as filters = 32");
    assertThat(compilation).hadErrorContaining("[Network/Missing] pool: @MaxPool2d must set size,"
        + " but it was missing; add the window's height and width, such as size = 2");
    assertThat(compilation).hadErrorContaining("[Network/Missing] avg: @AvgPool2d must set size,");
    assertThat(compilation).hadErrorContaining("[Network/Missing] drop: @Dropout must set rate,"
        + " but it was missing; add the probability of dropping a value, such as rate = 0.5");
    assertThat(compilation).hadErrorContaining("[Network/Missing] out: @Dense must set units,"
        + " but it was missing; add the number of outputs, such as units = 128");
    assertThat(compilation).hadErrorCount(7);
  }

  @Test
  void inputOfOneSizeMeantInputs() {
    assertOnlyError(
        source("Foo",
            "@Network(input = 784, loss = Loss.SOFTMAX_CROSS_ENTROPY)",
            "abstract class Foo {",
            "  @Dense(units = 128, activation = Activation.RELU) Layer hidden;",
            "  @Dense(units = 10) Layer out;",
            "}"),
        "[Network/InputShape] Foo: input must be {channels, height, width} with every size at"
            + " least 1, but was {784}; for vectors of 784 features use inputs = 784",
        "input = 784");
    // The layers after it see that vector.
    Compilation compilation = compile(
        source("Foo",
            "@Network(input = 784, loss = Loss.SOFTMAX_CROSS_ENTROPY)",
            "abstract class Foo {",
            "  @Dense(units = 0) Layer hidden;",
            "  @Dense(units = 10) Layer out;",
            "}"));
    assertThat(compilation).hadErrorContaining("[Network/UnitsTooSmall] hidden: units must be at"
        + " least 1, but was 0 (input gives 784)");
    assertThat(compilation).hadErrorCount(2);
  }

  @Test
  void anImageLayerAfterADenseLayerIsToBeMovedBeforeIt() {
    Compilation compilation = compile(
        source("Foo",
            "@Network(input = {1, 28, 28}, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Dense(units = 100) Layer hidden;",
            "  @Conv2d(filters = 2, kernel = 3) Layer conv;",
            "  @Flatten Layer flat;",
            "  @Dense(units = 1) Layer out;",
            "}"));
    assertThat(compilation).hadErrorContaining("[Network/DenseBeforeFlatten] hidden:");
    assertThat(compilation).hadErrorContaining("[Network/NeedsImage] conv: Conv2d must take an"
        + " image (channels x height x width), but its input was a vector of 100 (hidden makes"
        + " 1x28x28 -> 100); move conv before hidden, which made the image a vector");
  }

  @Test
  void anInputInKerasOrderGetsAHint() {
    assertOnlyError(
        source("Foo",
            "@Network(input = {28, 28, 1}, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Conv2d(filters = 4, kernel = 3) Layer conv;",
            "  @Flatten Layer flat;",
            "  @Dense(units = 3) Layer out;",
            "}"),
        "[Network/KernelTooLarge] conv: a 3x3 kernel must fit its 28x28x1 input, but does not"
            + " (input gives 28x28x1); use a kernel of at most 1, or padding = SAME; input is"
            + " {channels, height, width}, PyTorch's order: for 28x28 images of 1 channel use"
            + " input = {1, 28, 28}",
        "kernel = 3");
  }

  @Test
  void aSizeMadeUnknownByAMistakeIsSaidSo() {
    Compilation compilation = compile(
        source("Foo",
            "@Network(input = {1, 28, 28}, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Conv2d(filters = 0, kernel = 3) Layer conv;",
            "  @Flatten Layer flat;",
            "  @Dense(units = 0) Layer hidden;",
            "  @Dense(units = 1) Layer out;",
            "}"));
    assertThat(compilation).hadErrorContaining("[Network/NotPositive] conv: filters must be at"
        + " least 1, but was 0 (input gives 1x28x28)");
    assertThat(compilation).hadErrorContaining("[Network/UnitsTooSmall] hidden: units must be at"
        + " least 1, but was 0 (unknown after the mistake in conv)");
    assertThat(compilation).hadErrorCount(2);
  }

  @Test
  void notPositive() {
    assertOnlyError(
        source("Foo",
            "@Network(input = {1, 28, 28}, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Conv2d(filters = 8, kernel = 3,",
            "      stride = 0) Layer conv;",
            "  @Flatten Layer flat;",
            "  @Dense(units = 3) Layer out;",
            "}"),
        "[Network/NotPositive] conv: stride must be at least 1, but was 0 (input gives"
            + " 1x28x28); set it to a positive size",
        "stride = 0");
  }
  @Test
  void aNegativePoolStrideNamesZeroAsAllowed() {
    // 0, the default, means strides of the pool's size.
    assertOnlyError(
        source("Foo",
            "@Network(input = {1, 8, 8}, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @MaxPool2d(size = 2, stride = -2) Layer pool;",
            "  @Flatten Layer flat;",
            "  @Dense(units = 3) Layer out;",
            "}"),
        "[Network/NotPositive] pool: stride must be at least 1, or 0 for the pool's size, but was"
            + " -2 (input gives 1x8x8); set it to a positive size, or leave it out",
        "stride = -2");
  }
  @Test
  void aConvolutionTooLargeNamesItsOwnRemedies() {
    // Weights: 1000 filters x 1000 channels x 100 x 100, on the kernel that makes them so many.
    assertOnlyError(
        source("Foo",
            "@Network(input = {1000, 100, 100}, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Conv2d(filters = 1000,",
            "      kernel = 100) Layer conv;",
            "  @Flatten Layer flat;",
            "  @Dense(units = 1) Layer out;",
            "}"),
        "[Network/TooLarge] conv: its weight count must be at most 2,147,483,639 (the largest Java"
            + " array), but was 10,000,000,000 (input gives 1000x100x100); use fewer"
            + " filters or a smaller kernel",
        "kernel = 100");
    // Each convolution's own mistake in one build: too many weights leave the output known.
    Compilation three = compile(source("Qux",
        "@Network(input = {1, 2, 2}, loss = Loss.MSE)",
        "abstract class Qux {",
        "  @Conv2d(filters = 1, kernel = 65536, padding = Padding.SAME) Layer c;",
        "  @Conv2d(filters = 1, kernel = 46341, padding = Padding.SAME) Layer c2;",
        "  @Conv2d(filters = 2147483647, kernel = 1) Layer c3;",
        "  @Flatten Layer flat;",
        "  @Dense(units = 1) Layer out;",
        "}"));
    assertThat(three).hadErrorContaining("[Network/TooLarge] c: its weight count");
    assertThat(three).hadErrorContaining("[Network/TooLarge] c2: its weight count");
    assertThat(three).hadErrorContaining("[Network/TooLarge] c3: its output");
    assertThat(three).hadErrorCount(3);
    // Output values: 300000 filters x 100 x 100, on the filters.
    assertOnlyError(
        source("Bar",
            "@Network(input = {1, 100, 100}, loss = Loss.MSE)",
            "abstract class Bar {",
            "  @Conv2d(filters = 300000,",
            "      kernel = 1) Layer conv;",
            "  @Flatten Layer flat;",
            "  @Dense(units = 1) Layer out;",
            "}"),
        "[Network/TooLarge] conv: its output 300000x100x100 (values per sample) must be at most"
            + " 2,147,483,639 (the largest Java array), but was 3,000,000,000 (input"
            + " gives 1x100x100); use fewer filters or a larger stride, or pool before it",
        "filters = 300000");
    // With SAME padding at stride 1 the output is the input's size: a stride, or a pool.
    assertOnlyError(
        source("Baz",
            "@Network(input = {1, 100, 100}, loss = Loss.MSE)",
            "abstract class Baz {",
            "  @Conv2d(filters = 300000, kernel = 3, padding = Padding.SAME) Layer conv;",
            "  @Flatten Layer flat;",
            "  @Dense(units = 1) Layer out;",
            "}"),
        "(input gives 1x100x100); use fewer filters or pool before it (or a stride)",
        "filters = 300000");
  }



  @Test
  void needsImage() {
    assertOnlyError(
        source("Foo",
            "@Network(inputs = 784, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Conv2d(filters = 8, kernel = 3) Layer conv;",
            "  @Dense(units = 3) Layer out;",
            "}"),
        "[Network/NeedsImage] conv: Conv2d must take an image (channels x height x width), but"
            + " its input was a vector of 784 (input gives 784); declare @Network(input ="
            + " {channels, height, width}) for images",
        "@Conv2d");
  }

  @Test
  void needsImageOnceForAnImageStackOverAVector() {
    // The conv is the mistake; the pooling and flatten after it would only repeat it.
    assertOnlyError(
        source("Foo",
            "@Network(inputs = 784, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Conv2d(filters = 8, kernel = 3) Layer conv;",
            "  @MaxPool2d(size = 2) Layer pool;",
            "  @Flatten Layer flat;",
            "  @Dense(units = 3) Layer out;",
            "}"),
        "[Network/NeedsImage] conv: Conv2d must take an image (channels x height x width), but"
            + " its input was a vector of 784 (input gives 784); declare @Network(input ="
            + " {channels, height, width}) for images",
        "@Conv2d");
  }

  @Test
  void aFlattenOverAVectorIsToBeRemoved() {
    assertOnlyError(
        source("Foo",
            "@Network(inputs = 784, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Flatten Layer flat;",
            "  @Dense(units = 3) Layer out;",
            "}"),
        "[Network/NeedsImage] flat: Flatten must take an image (channels x height x width), but"
            + " its input was a vector of 784 (input gives 784); remove it if the input is meant"
            + " to be a vector, or declare @Network(input = {channels, height, width}) for images",
        "@Flatten");
  }

  @Test
  void aConvOverAVectorThenAFlattenTellsTheNextImageLayerToDeclareAnImageInput() {
    // No image was ever made a vector: conv2 is told to declare the input, as without conv1.
    Compilation compilation = compile(
        source("Foo",
            "@Network(inputs = 64, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Conv2d(filters = 2, kernel = 3) Layer conv1;",
            "  @Flatten Layer flat;",
            "  @Conv2d(filters = 2, kernel = 1) Layer conv2;",
            "  @Dense(units = 3) Layer out;",
            "}"));
    assertThat(compilation).hadErrorContaining("[Network/NeedsImage] conv1:");
    assertThat(compilation).hadErrorContaining("[Network/NeedsImage] conv2: Conv2d must take an"
        + " image (channels x height x width), but its input was a vector");
    for (javax.tools.Diagnostic<? extends JavaFileObject> d : compilation.errors()) {
      org.junit.jupiter.api.Assertions.assertFalse(
          d.getMessage(null).contains("move conv2 before flat"), d.getMessage(null));
    }
  }

  @Test
  void anImageLayerAfterAFlattenOverAVectorIsNotToldToMoveBeforeIt() {
    // The conv said "move conv before flat, which made the image a vector", which flat had not.
    JavaFileObject file =
        source("Foo",
            "@Network(inputs = 10, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Flatten Layer flat;",
            "  @Conv2d(filters = 2, kernel = 3) Layer conv;",
            "  @MaxPool2d(size = 2) Layer pool;",
            "  @Dense(units = 2) Layer out;",
            "}");
    Compilation compilation = compile(file);
    assertThat(compilation).hadErrorContaining(
        "[Network/NeedsImage] flat: Flatten must take an image (channels x height x width), but"
            + " its input was a vector of 10 (input gives 10); remove it if the input is meant"
            + " to be a vector, or declare @Network(input = {channels, height, width}) for images")
        .inFile(file).onLineContaining("@Flatten");
    assertThat(compilation).hadErrorContaining(
        "[Network/NeedsImage] conv: Conv2d must take an image (channels x height x width), but"
            + " its input was a vector of 10 (flat makes 10 -> 10); declare @Network(input ="
            + " {channels, height, width}) for images")
        .inFile(file).onLineContaining("@Conv2d");
    assertThat(compilation).hadErrorCount(2);
  }

  @Test
  void anImageLayerAfterTheFlattenIsToBeMovedBeforeIt() {
    assertOnlyError(
        source("Foo",
            "@Network(input = {1, 8, 8}, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Flatten Layer flat;",
            "  @MaxPool2d(size = 2) Layer pool;",
            "  @Dense(units = 3) Layer out;",
            "}"),
        "[Network/NeedsImage] pool: MaxPool2d must take an image (channels x height x width), but"
            + " its input was a vector of 64 (flat makes 1x8x8 -> 64); move pool before flat,"
            + " which made the image a vector",
        "@MaxPool2d");
    assertOnlyError(
        source("Foo",
            "@Network(input = {1, 8, 8}, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Flatten Layer flat;",
            "  @Flatten Layer again;",
            "  @Dense(units = 3) Layer out;",
            "}"),
        "[Network/NeedsImage] again: Flatten must take an image (channels x height x width), but"
            + " its input was a vector of 64 (flat makes 1x8x8 -> 64); remove it: flat already"
            + " made the image a vector",
        "@Flatten Layer again");
  }

  @Test
  void inputDeclaredTwiceIsTheOnlyErrorOfAnImageStack() {
    assertOnlyError(
        source("Foo",
            "@Network(inputs = 64, input = {1, 8, 8}, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Conv2d(filters = 2, kernel = 3) Layer conv;",
            "  @Flatten Layer flat;",
            "  @Dense(units = 3) Layer out;",
            "}"),
        "[Network/InputTwice]",
        "input = {1, 8, 8}");
    // An image layer after the flatten gets a vector whatever the input: an error of its own,
    // told to move before the flatten (not to declare the input, which is declared).
    JavaFileObject bar =
        source("Bar",
            "@Network(inputs = 64, input = {1, 8, 8}, loss = Loss.MSE)",
            "abstract class Bar {",
            "  @Conv2d(filters = 2, kernel = 3) Layer conv;",
            "  @Flatten Layer flat;",
            "  @Conv2d(filters = 2, kernel = 1) Layer conv2;",
            "  @Dense(units = 3) Layer out;",
            "}");
    Compilation compilation = compile(bar);
    assertThat(compilation).hadErrorContaining("[Network/InputTwice]").inFile(bar)
        .onLineContaining("input = {1, 8, 8}");
    assertThat(compilation).hadErrorContaining("[Network/NeedsImage] conv2:").inFile(bar)
        .onLineContaining("Layer conv2");
    assertThat(compilation).hadErrorContaining("move conv2 before flat");
    assertThat(compilation).hadErrorCount(2);
    // A dense layer makes a vector for certain: a flatten after it made no image a vector.
    JavaFileObject baz =
        source("Baz",
            "@Network(inputs = 64, input = {1, 8, 8}, loss = Loss.MSE)",
            "abstract class Baz {",
            "  @Dense(units = 16) Layer d1;",
            "  @Flatten Layer flat;",
            "  @Conv2d(filters = 2, kernel = 1) Layer conv;",
            "  @Dense(units = 3) Layer out;",
            "}");
    compilation = compile(baz);
    for (javax.tools.Diagnostic<? extends JavaFileObject> d : compilation.errors()) {
      org.junit.jupiter.api.Assertions.assertFalse(
          d.getMessage(null).contains("move conv before flat"), d.getMessage(null));
    }
  }

  @Test
  void aFlattenAfterADenseLayerIsStillReported() {
    Compilation compilation =
        Compiler.javac()
            .withProcessors(new NetworkProcessor())
            .compile(
                source("Foo",
                    "@Network(inputs = 784, loss = Loss.MSE)",
                    "abstract class Foo {",
                    "  @Conv2d(filters = 8, kernel = 3) Layer conv;",
                    "  @Dense(units = 3) Layer hidden;",
                    "  @Flatten Layer flat;",
                    "  @Dense(units = 3) Layer out;",
                    "}"));
    assertThat(compilation).hadErrorCount(2);
    assertThat(compilation).hadErrorContaining("[Network/NeedsImage] conv:");
    assertThat(compilation).hadErrorContaining("[Network/NeedsImage] flat:");
  }

  @Test
  void denseBeforeFlatten() {
    assertOnlyError(
        source("Foo",
            "@Network(input = {1, 28, 28}, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Conv2d(filters = 16, kernel = 3, padding = Padding.SAME) Layer conv;",
            "  @MaxPool2d(size = 2) Layer pool;",
            "  @Dense(units = 3) Layer out;",
            "}"),
        "[Network/DenseBeforeFlatten] out: Dense must take a vector, but its input was the image"
            + " 16x14x14 (pool makes 16x28x28 -> 16x14x14); add @Flatten Layer flat; before out",
        "@Dense");
  }

  @Test
  void kernelTooLarge() {
    assertOnlyError(
        source("Foo",
            "@Network(input = {1, 16, 16}, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Conv2d(filters = 16, kernel = 3, padding = Padding.SAME) Layer conv1;",
            "  @MaxPool2d(size = 4) Layer pool1;",
            "  @Conv2d(filters = 8,",
            "      kernel = 5) Layer conv2;",
            "  @Flatten Layer flat;",
            "  @Dense(units = 3) Layer out;",
            "}"),
        "[Network/KernelTooLarge] conv2: a 5x5 kernel must fit its 16x4x4 input, but does not"
            + " (pool1 makes 16x16x16 -> 16x4x4); use a kernel of at most 4, or padding = SAME",
        "kernel = 5");
  }

  @Test
  void aSameKernelMayBeLargerThanItsInputAsInPyTorch() {
    Compilation compilation = compile(
        source("Foo",
            "@Network(input = {1, 3, 4}, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Conv2d(filters = 2, kernel = 7, padding = Padding.SAME) Layer conv;",
            "  @Flatten Layer flat;",
            "  @Dense(units = 3) Layer out;",
            "}"));
    assertThat(compilation).succeededWithoutWarnings();
  }

  @Test
  void kernelTooLarge_poolWindow() {
    assertOnlyError(
        source("Foo",
            "@Network(input = {3, 2, 2}, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @AvgPool2d(size = 3) Layer pool;",
            "  @Flatten Layer flat;",
            "  @Dense(units = 3) Layer out;",
            "}"),
        "[Network/KernelTooLarge] pool: a 3x3 window must fit its 3x2x2 input, but does not"
            + " (input gives 3x2x2); use a window of at most 2, or padding = SAME",
        "size = 3");
  }

  @Test
  void aStrideThatLeavesRowsOverDropsThemAsPyTorchDoes() {
    Compilation compilation =
        Compiler.javac()
            .withProcessors(new NetworkProcessor())
            .withOptions("-Aganglion.summary=true")
            .compile(
                source("Foo",
                    "@Network(input = {1, 28, 27}, loss = Loss.MSE)",
                    "abstract class Foo {",
                    "  @MaxPool2d(size = 2) Layer pool1;",
                    "  @Conv2d(filters = 2, kernel = 3, stride = 2) Layer conv;",
                    "  @AvgPool2d(size = 2) Layer pool2;",
                    "  @Flatten Layer flat;",
                    "  @Dense(units = 3) Layer out;",
                    "}"));
    assertThat(compilation).succeededWithoutWarnings();
    String note = compilation.notes().get(0).getMessage(null);
    // 28x27 -> 14x13 (a column left) -> 6x6 (a row and a column left) -> 3x3
    assertThat(note).containsMatch("pool1 +MaxPool2d 2x2 +1x14x13 ");
    assertThat(note).containsMatch("conv +Conv2d 3x3/2 +2x6x6 ");
    assertThat(note).containsMatch("pool2 +AvgPool2d 2x2 +2x3x3 ");
  }

  @Test
  void sameWithAStrideKeepsCeilOfTheInputOverTheStride() {
    // As Keras's padding='same': 28 / 2 -> 14, 7 / 2 -> 4, 5 / 3 -> 2.
    Compilation compilation = compile(
        source("Foo",
            "@Network(input = {1, 28, 7}, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Conv2d(filters = 4, kernel = 3, stride = 2, padding = Padding.SAME) Layer conv1;",
            "  @Conv2d(filters = 2, kernel = 4, stride = 3, padding = Padding.SAME) Layer conv2;",
            "  @Flatten Layer flat;",
            "  @Dense(units = 3) Layer out;",
            "}"));
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation).generatedSourceFile("test.Net_Foo").contentsAsUtf8String()
        .contains("conv1    Conv2d 3x3/2 same  4x14x4");
    assertThat(compilation).generatedSourceFile("test.Net_Foo").contentsAsUtf8String()
        .contains("conv2    Conv2d 4x4/3 same  2x5x2");
  }

  @Test
  void pad() {
    assertOnlyError(
        source("Foo",
            "@Network(input = {1, 28, 28}, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Conv2d(filters = 4, kernel = 3,",
            "      pad = 3) Layer conv;",
            "  @Flatten Layer flat;",
            "  @Dense(units = 3) Layer out;",
            "}"),
        "[Network/Pad] conv: pad must be at least 0 and less than the kernel (3), but was 3: a"
            + " window would hold padding alone; pad is the zero rows and columns on each side, as"
            + " PyTorch's padding",
        "pad = 3");
    assertOnlyError(
        source("Bar",
            "@Network(input = {1, 28, 28}, loss = Loss.MSE)",
            "abstract class Bar {",
            "  @Conv2d(filters = 4, kernel = 3,",
            "      pad = -1) Layer conv;",
            "  @Flatten Layer flat;",
            "  @Dense(units = 3) Layer out;",
            "}"),
        "[Network/Pad] conv: pad must be at least 0 and less than the kernel (3), but was -1; pad"
            + " is the zero rows and columns on each side, as PyTorch's padding",
        "pad = -1");
    assertOnlyError(
        source("Baz",
            "@Network(input = {1, 28, 28}, loss = Loss.MSE)",
            "abstract class Baz {",
            "  @Conv2d(filters = 4, kernel = 3, padding = Padding.SAME,",
            "      pad = 1) Layer conv;",
            "  @Flatten Layer flat;",
            "  @Dense(units = 3) Layer out;",
            "}"),
        "[Network/Pad] conv: pad must be 0 with padding = SAME, which pads by itself, but was 1;"
            + " use one of the two",
        "pad = 1");
    // A kernel larger than the input fits once padded: 2x2 + pad 1 is 4x4 for a 3x3 kernel.
    assertThat(compile(source("Qux",
        "@Network(input = {1, 2, 2}, loss = Loss.MSE)",
        "abstract class Qux {",
        "  @Conv2d(filters = 4, kernel = 3, stride = 2, pad = 1) Layer conv;",
        "  @Flatten Layer flat;",
        "  @Dense(units = 3) Layer out;",
        "}"))).succeededWithoutWarnings();
    assertOnlyError(
        source("Quux",
            "@Network(input = {1, 2, 2}, loss = Loss.MSE)",
            "abstract class Quux {",
            "  @Conv2d(filters = 4, kernel = 5,",
            "      pad = 1) Layer conv;",
            "  @Flatten Layer flat;",
            "  @Dense(units = 3) Layer out;",
            "}"),
        "[Network/KernelTooLarge] conv: a 5x5 kernel must fit its 1x2x2 input, but does not"
            + " (input gives 1x2x2); use a kernel of at most 4 with pad = 1, or padding = SAME",
        "kernel = 5");
  }

  @Test
  void poolPad() {
    assertOnlyError(
        source("Foo",
            "@Network(input = {1, 28, 28}, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @MaxPool2d(size = 3, stride = 2,",
            "      pad = 2) Layer pool;",
            "  @Flatten Layer flat;",
            "  @Dense(units = 3) Layer out;",
            "}"),
        "[Network/Pad] pool: pad must be at least 0 and at most half the window (3 / 2 = 1), but"
            + " was 2, as PyTorch requires; a window would hold padding alone; pad is the rows and"
            + " columns added on each side, as PyTorch's padding",
        "pad = 2");
    assertOnlyError(
        source("Bar",
            "@Network(input = {1, 28, 28}, loss = Loss.MSE)",
            "abstract class Bar {",
            "  @AvgPool2d(size = 2,",
            "      pad = -1) Layer pool;",
            "  @Flatten Layer flat;",
            "  @Dense(units = 3) Layer out;",
            "}"),
        "[Network/Pad] pool: pad must be at least 0 and at most half the window (2 / 2 = 1), but"
            + " was -1; pad is the rows and columns added on each side, as PyTorch's padding",
        "pad = -1");
    // nn.MaxPool2d(3, stride=2, padding=1) on 7x6: (7 + 2 - 3) / 2 + 1 = 4 by 3.
    Compilation fits = compile(source("Qux",
        "@Network(input = {2, 7, 6}, loss = Loss.MSE)",
        "abstract class Qux {",
        "  @MaxPool2d(size = 3, stride = 2, pad = 1) Layer pool;",
        "  @Flatten Layer flat;",
        "  @Dense(units = 3) Layer out;",
        "}"));
    assertThat(fits).succeededWithoutWarnings();
    assertThat(fits).generatedSourceFile("test.Net_Qux").contentsAsUtf8String()
        .contains("MaxPool2d 3x3/2 pad 1");
    // A window larger than the input fits once padded: 1x1 + pad 1 is 3x3 for a 2x2 window.
    assertThat(compile(source("Quux",
        "@Network(input = {1, 1, 1}, loss = Loss.MSE)",
        "abstract class Quux {",
        "  @AvgPool2d(size = 2, pad = 1) Layer pool;",
        "  @Flatten Layer flat;",
        "  @Dense(units = 3) Layer out;",
        "}"))).succeededWithoutWarnings();
    assertOnlyError(
        source("Corge",
            "@Network(input = {1, 2, 2}, loss = Loss.MSE)",
            "abstract class Corge {",
            "  @MaxPool2d(",
            "      size = 5, pad = 1) Layer pool;",
            "  @Flatten Layer flat;",
            "  @Dense(units = 3) Layer out;",
            "}"),
        "[Network/KernelTooLarge] pool: a 5x5 window must fit its 1x2x2 input, but does not"
            + " (input gives 1x2x2); use a window of at most 4 with pad = 1, or padding = SAME",
        "size = 5");
    assertOnlyError(
        source("Grault",
            "@Network(input = {1, 28, 28}, loss = Loss.MSE)",
            "abstract class Grault {",
            "  @AvgPool2d(size = 2, padding = Padding.SAME,",
            "      pad = 1) Layer pool;",
            "  @Flatten Layer flat;",
            "  @Dense(units = 3) Layer out;",
            "}"),
        "[Network/Pad] pool: pad must be 0 with padding = SAME, which pads by itself, but was 1;"
            + " use one of the two",
        "pad = 1");
    // Annotation values near the int limit: the padded input is counted without overflow.
    assertOnlyError(
        source("Waldo",
            "@Network(input = {1, 4, 4}, loss = Loss.MSE)",
            "abstract class Waldo {",
            "  @MaxPool2d(stride = 1, pad = 1073741820,",
            "      size = 2147483647) Layer pool;",
            "  @Flatten Layer flat;",
            "  @Dense(units = 3) Layer out;",
            "}"),
        "[Network/KernelTooLarge] pool: a 2147483647x2147483647 window must fit its 1x4x4 input,"
            + " but does not (input gives 1x4x4); use a window of at most 2147483644 with pad ="
            + " 1073741820, or padding = SAME",
        "size = 2147483647");
    // Where 4 + 2 x 1073741823 overflowed an int, the window was refused with a negative size.
    Compilation huge = compile(source("Fred",
        "@Network(input = {1, 4, 4}, loss = Loss.MSE)",
        "abstract class Fred {",
        "  @MaxPool2d(size = 2147483646, stride = 1, pad = 1073741823) Layer pool;",
        "  @Flatten Layer flat;",
        "  @Dense(units = 3) Layer out;",
        "}"));
    assertThat(huge).succeededWithoutWarnings();
    assertThat(huge).generatedSourceFile("test.Net_Fred").contentsAsUtf8String()
        .contains("pool=MaxPool2d(1x4x4->1x5x5,k2147483646,s1,pad1073741823)");
    // An average over a window of 65536 x 65536 (2^32 pixels, padded): its factor counted in a
    // long (an int made it 1 / 0, and the processor failed).
    Compilation wide = compile(source("Plugh",
        "@Network(input = {1, 2, 2}, loss = Loss.MSE)",
        "abstract class Plugh {",
        "  @AvgPool2d(size = 65536, pad = 32768) Layer pool;",
        "  @Flatten Layer flat;",
        "  @Dense(units = 3) Layer out;",
        "}"));
    assertThat(wide).succeededWithoutWarnings();
    assertThat(wide).generatedSourceFile("test.Net_Plugh").contentsAsUtf8String()
        .contains("float scale = 2.3283064e-10f");
    // SAME takes any window, as Keras: ceil(7 / 3) = 3 by ceil(5 / 3) = 2.
    Compilation same = compile(source("Garply",
        "@Network(input = {2, 7, 5}, loss = Loss.MSE)",
        "abstract class Garply {",
        "  @MaxPool2d(size = 9, stride = 3, padding = Padding.SAME) Layer pool;",
        "  @Flatten Layer flat;",
        "  @Dense(units = 3) Layer out;",
        "}"));
    assertThat(same).succeededWithoutWarnings();
    assertThat(same).generatedSourceFile("test.Net_Garply").contentsAsUtf8String()
        .contains("pool=MaxPool2d(2x7x5->2x3x2,k9,s3,same)");
  }

  @Test
  void dropoutRate() {
    assertOnlyError(
        source("Foo",
            "@Network(inputs = 10, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Dense(units = 8) Layer hidden;",
            "  @Dropout(rate = 1f) Layer drop;",
            "  @Dense(units = 3) Layer out;",
            "}"),
        "[Network/DropoutRate] drop: rate must be in [0, 1) (the probability of dropping a"
            + " value), but was 1.0; use for example rate = 0.5f",
        "rate = 1f");
  }

  @Test
  void batchNormValue() {
    assertOnlyError(
        source("Foo",
            "@Network(inputs = 10, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @BatchNorm(momentum = 0f) Layer norm;",
            "  @Dense(units = 3) Layer out;",
            "}"),
        "[Network/BatchNormValue] norm: momentum must be in (0, 1], but was 0.0; PyTorch's"
            + " default is 0.1 (for its momentum=None, write cumulativeAverage = true)",
        "momentum = 0f");
  }

  @Test
  void momentumWithCumulativeAverage() {
    assertOnlyError(
        source("Foo",
            "@Network(inputs = 10, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @BatchNorm(cumulativeAverage = true, momentum = 0.2) Layer norm;",
            "  @Dense(units = 3) Layer out;",
            "}"),
        "[Network/MomentumWithCumulativeAverage] norm: momentum must not be given with"
            + " cumulativeAverage = true, which weighs the k-th batch 1/k instead (PyTorch's"
            + " momentum=None), but momentum = 0.2 was given; remove one of the two",
        "momentum = 0.2");
    // Alone, whatever the momentum: no KerasMomentum warning, no BatchNormValue error.
    for (String momentum : new String[] {"0.99", "0"}) {
      JavaFileObject file = source("Foo",
          "@Network(inputs = 10, loss = Loss.MSE)",
          "abstract class Foo {",
          "  @BatchNorm(momentum = " + momentum + ", cumulativeAverage = true) Layer norm;",
          "  @Dense(units = 3) Layer out;",
          "}");
      assertTrue(compile(file).warnings().stream()
          .noneMatch(w -> w.getMessage(null).contains("KerasMomentum")), momentum);
      assertOnlyError(file,
          "[Network/MomentumWithCumulativeAverage] norm: momentum must not be given with"
              + " cumulativeAverage = true, which weighs the k-th batch 1/k instead (PyTorch's"
              + " momentum=None), but momentum = " + (momentum.equals("0") ? "0.0" : momentum)
              + " was given; remove one of the two",
          "momentum = " + momentum);
    }
  }

  @Test
  void afterOutput() {
    assertOnlyError(
        source("Foo",
            "@Network(inputs = 10, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Dense(units = 3) Layer out;",
            "  @BatchNorm Layer norm;",
            "}"),
        "[Network/AfterOutput] norm: BatchNorm must not follow the output layer out, but did;"
            + " the loss reads the last @Dense layer's output, so move norm before out or remove"
            + " it (or, if out is a hidden layer, add the output @Dense layer after norm)",
        "@BatchNorm");
    // A SOFTMAX output followed by dropout: one mistake, one error (not also SoftmaxNotLast).
    assertOnlyError(
        source("Bar",
            "@Network(inputs = 10, loss = Loss.MSE)",
            "abstract class Bar {",
            "  @Dense(units = 3, activation = Activation.SOFTMAX) Layer out;",
            "  @Dropout(rate = 0.2) Layer drop;",
            "}"),
        "[Network/AfterOutput] drop: Dropout must not follow the output layer out, but did;",
        "@Dropout");
  }

  /**
   * A layer after the last @Dense: that may be a hidden layer whose output layer was left out, so
   * its loss and size checks (which would ask for a LINEAR activation or other units) are not run.
   */
  @Test
  void afterOutputAloneWhereTheOutputLayerMayBeMissing() {
    assertOnlyError(
        source("Foo",
            "@Network(inputs = 4, outputs = 1, loss = Loss.BINARY_CROSS_ENTROPY)",
            "abstract class Foo {",
            "  @Dense(units = 16, activation = Activation.RELU) Layer hidden;",
            "  @Dropout(rate = 0.5) Layer drop;",
            "}"),
        "[Network/AfterOutput] drop: Dropout must not follow the output layer hidden, but did;"
            + " the loss reads the last @Dense layer's output, so move drop before hidden or"
            + " remove it (or, if hidden is a hidden layer, add the output @Dense layer after"
            + " drop)",
        "@Dropout");
  }

  /** A mistake in the sizes before the output layer hides none of the output layer's checks. */
  @Test
  void anEarlierSizeMistakeLeavesTheOutputChecks() {
    JavaFileObject file =
        source("Foo",
            "@Network(input = {1, 8, 8}, loss = Loss.SOFTMAX_CROSS_ENTROPY, outputs = 4)",
            "abstract class Foo {",
            "  @Conv2d(filters = 2, kernel = 3, stride = 0) Layer c;",
            "  @Flatten Layer f;",
            "  @Dense(units = 1) Layer out;",
            "}");
    Compilation compilation = compile(file);
    assertThat(compilation).hadErrorContaining("[Network/NotPositive] c:")
        .inFile(file).onLineContaining("stride = 0");
    assertThat(compilation).hadErrorContaining("[Network/TooFewClasses] out:")
        .inFile(file).onLineContaining("units = 1");
    assertThat(compilation).hadErrorContaining("[Network/OutputsMismatch] Foo:")
        .inFile(file).onLineContaining("outputs = 4");
    assertThat(compilation).hadErrorCount(3);
  }

  @Test
  void outputNotDense() {
    assertOnlyError(
        source("Foo",
            "@Network(input = {1, 4, 4}, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @MaxPool2d(size = 2) Layer pool;",
            "  @Flatten Layer flat;",
            "}"),
        "[Network/OutputNotDense] Foo: the last layer must be @Dense (the output layer), but flat"
            + " was Flatten; end with @Dense(units = <outputs>) Layer output; (after @Flatten for"
            + " images)",
        "@Flatten");
  }

  @Test
  void layerOutsideNetwork_imageLayer() {
    assertOnlyError(
        source("Foo",
            "abstract class Foo {",
            "  @MaxPool2d(size = 2) Layer pool;",
            "}"),
        "[Network/LayerOutsideNetwork] pool: @MaxPool2d must be on a field of a @Network class,"
            + " but Foo has no @Network",
        "@MaxPool2d");
  }

  @Test
  void summaryShowsImageShapes() throws IOException {
    Compilation compilation =
        Compiler.javac()
            .withProcessors(new NetworkProcessor())
            .withOptions("-Aganglion.summary=true")
            .compile(
                source("Cnn",
                    "@Network(input = {1, 28, 28}, loss = Loss.SOFTMAX_CROSS_ENTROPY)",
                    "abstract class Cnn {",
                    "  @Conv2d(filters = 16, kernel = 3, padding = Padding.SAME,",
                    "      activation = Activation.RELU) Layer conv1;",
                    "  @BatchNorm Layer norm1;",
                    "  @MaxPool2d(size = 2) Layer pool1;",
                    "  @Conv2d(filters = 32, kernel = 3, activation = Activation.RELU)",
                    "  Layer conv2;",
                    "  @AvgPool2d(size = 4, stride = 2) Layer pool2;",
                    "  @Flatten Layer flat;",
                    "  @Dropout(rate = 0.5f) Layer drop;",
                    "  @Dense(units = 10) Layer logits;",
                    "}"));
    assertThat(compilation).succeededWithoutWarnings();
    String note = compilation.notes().get(0).getMessage(null);
    String table = String.join("\n",
        "Cnn (SOFTMAX_CROSS_ENTROPY loss)",
        "Layer    Kind             Output    Activation  Params  Mult-adds",
        "(input)  Input            1x28x28",
        "conv1    Conv2d 3x3 same  16x28x28  RELU           160    112,896",
        "norm1    BatchNorm        16x28x28                  32     12,544",
        "pool1    MaxPool2d 2x2    16x14x14                   0          0",
        "conv2    Conv2d 3x3       32x12x12  RELU         4,640    663,552",
        "pool2    AvgPool2d 4x4/2  32x5x5                     0     12,800",
        "flat     Flatten          800                        0          0",
        "drop     Dropout 0.5      800                        0          0",
        "logits   Dense            10        LINEAR       8,010      8,000",
        "Total                                           12,842    809,792",
        "Multiply-adds are per sample, forward pass.");
    // javac indents the lines of a note after the first.
    assertThat(note).isEqualTo("Net_Cnn:\n" + table.replaceAll("(?m)^", "  "));
  }

  @Test
  void summaryShowsAPoolingStrideOfOneAndHidesTheDefault() {
    Compilation compilation =
        Compiler.javac()
            .withProcessors(new NetworkProcessor())
            .withOptions("-Aganglion.summary=true")
            .compile(
                source("Pools",
                    "@Network(input = {1, 8, 8}, loss = Loss.SOFTMAX_CROSS_ENTROPY)",
                    "abstract class Pools {",
                    "  @MaxPool2d(size = 3, stride = 1) Layer slide;",
                    "  @AvgPool2d(size = 2) Layer halve;",
                    "  @Flatten Layer flat;",
                    "  @Dense(units = 2) Layer logits;",
                    "}"));
    assertThat(compilation).succeededWithoutWarnings();
    String note = compilation.notes().get(0).getMessage(null);
    assertThat(note).contains("slide    MaxPool2d 3x3/1  1x6x6");
    assertThat(note).contains("halve    AvgPool2d 2x2    1x3x3");
  }

  @Test
  void decimalValuesMayBeWrittenAsDoubles() {
    Compilation compilation =
        Compiler.javac()
            .withProcessors(new NetworkProcessor())
            .withOptions("-Aganglion.summary=true")
            .compile(
                source("Doubles",
                    "@Network(inputs = 6, loss = Loss.SOFTMAX_CROSS_ENTROPY)",
                    "abstract class Doubles {",
                    "  @Dense(units = 4, init = Init.CONSTANT, initValue = 0.25) Layer hidden;",
                    "  @BatchNorm(momentum = 0.2, epsilon = 1e-3) Layer norm;",
                    "  @Dropout(rate = 0.3) Layer drop;",
                    "  @Dense(units = 2) Layer logits;",
                    "}"));
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation.notes().get(0).getMessage(null)).contains("Dropout 0.3 ");
    assertThat(compilation).generatedSourceFile("test.Net_Doubles").contentsAsUtf8String()
        .contains("0.2f");
  }

  @Test
  void aDoubleRateWhoseFloatIsOneIsRefused() {
    Compilation compilation = compile(
        source("Foo",
            "@Network(inputs = 6, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Dropout(rate = 0.99999999) Layer drop;",
            "  @Dense(units = 2) Layer out;",
            "}"));
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadErrorContaining("rate must be in [0, 1) (the probability of"
        + " dropping a value), but was 0.99999999, which is 1.0 as a float");
  }
}
