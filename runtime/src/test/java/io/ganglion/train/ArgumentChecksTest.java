package io.ganglion.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ganglion.Loss;
import io.ganglion.Parameter;
import io.ganglion.data.Csv;
import io.ganglion.data.Dataset;
import io.ganglion.data.Idx;
import io.ganglion.io.Npy;
import io.ganglion.io.SafeTensors;
import io.ganglion.io.SafeTensorsReader;
import io.ganglion.io.Tensor;
import io.ganglion.optim.GradientClipping;
import io.ganglion.optim.ReduceOnPlateau;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Public methods given bad arguments (found by a misuse audit): each names what was wrong and
 * what was expected, where a bare NullPointerException, an index out of bounds, an overflowed size
 * or silent acceptance came before.
 */
class ArgumentChecksTest {
  @TempDir Path dir;

  private static String message(Class<? extends Throwable> type, Runnable call) {
    return assertThrows(type, call::run).getMessage();
  }

  @Test
  void parameterShapes() {
    assertEquals("shape of w must not have a negative dimension, but was [-1]",
        message(IllegalArgumentException.class, () -> Parameter.flat("w", -1)));
    assertEquals("shape of w must not have a negative dimension, but was [3, -2]",
        message(IllegalArgumentException.class, () -> Parameter.transposed("w", 3, -2)));
    assertEquals("shape of w must hold at most 2147483639 elements (a Java array), but was"
            + " [65536, 65536]",
        message(IllegalArgumentException.class, () -> Parameter.flat("w", 65536, 65536)));
    assertEquals("shape of w must not be null",
        message(IllegalArgumentException.class, () -> Parameter.flat("w", (int[]) null)));
    assertEquals("name must not be null or empty",
        message(IllegalArgumentException.class, () -> Parameter.flat("", 2)));
    // No values, but 3 * 2^30 rows (a bare NegativeArraySizeException), or 2^32 (none at all).
    for (int last : new int[] {3, 4}) {
      assertEquals("shape of h must give a transposed parameter at most 2147483639 rows (one per"
              + " index of the dimensions after the first), but was [0, 1073741824, " + last + "]",
          message(IllegalArgumentException.class,
              () -> Parameter.transposed("h", 0, 1 << 30, last)));
    }
  }

  /** {@code model} with the answers of some of its methods replaced (a hand-written mistake). */
  private static io.ganglion.Model with(io.ganglion.Model model, Map<String, Object> answers) {
    return (io.ganglion.Model) java.lang.reflect.Proxy.newProxyInstance(
        io.ganglion.Model.class.getClassLoader(), new Class<?>[] {io.ganglion.Model.class},
        (proxy, method, args) -> {
          if (answers.containsKey(method.getName())) {
            return answers.get(method.getName());
          }
          if (method.isDefault()) {
            return java.lang.reflect.InvocationHandler.invokeDefault(proxy, method, args);
          }
          try {
            return method.invoke(model, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  @Test
  void aHandWrittenModelsNullListsAreNamed() {
    LinearModel model = LinearModel.create(2, 3, Loss.SOFTMAX_CROSS_ENTROPY, 1);
    Map<String, Object> nullParameters = new HashMap<>();
    nullParameters.put("parameters", null);
    assertEquals("model Linear's parameters() must not return null; a model without any returns"
        + " an empty list", message(IllegalArgumentException.class,
            () -> Trainer.of(with(model, nullParameters))));
    Map<String, Object> nullBuffers = new HashMap<>();
    nullBuffers.put("buffers", null);
    assertEquals("model Linear's buffers() must not return null; a model without buffers returns"
        + " an empty list", message(IllegalArgumentException.class,
            () -> Trainer.of(with(model, nullBuffers))));
    // A model of no parameters (a fixed rule) is still evaluated, but not fitted.
    Dataset two = Dataset.ofLabels(new float[4], 2, new int[] {0, 1});
    io.ganglion.Model rule = with(model, Map.of("parameters", List.of()));
    Trainer.of(rule).evaluate(two);
    assertEquals("model Linear must have parameters to fit, but its parameters() is empty; a"
        + " model without any can be evaluated only", message(IllegalStateException.class,
            () -> Trainer.of(rule).verbose(0).fit(two)));
    Map<String, Object> nullLayers = new HashMap<>();
    nullLayers.put("layers", null);
    assertEquals("Linear does not list its layers (its layers() returned null), so it has no"
        + " layer to look up", message(IllegalStateException.class,
            () -> with(model, nullLayers).layer("linear")));
    assertEquals("Linear's inputSize() must be at least 1, but was 0",
        message(IllegalStateException.class,
            () -> with(model, Map.of("inputSize", 0)).predictBatch(new float[4])));
  }

  @Test
  void handWrittenModelsAndLayersGetTheChecksOfGeneratedOnes() {
    LinearModel model = LinearModel.create(2, 3, Loss.SOFTMAX_CROSS_ENTROPY, 1);
    // The default trainStep: no samples are no step (it returned NaN).
    assertEquals("count must be at least 1, but was 0", message(IllegalArgumentException.class,
        () -> model.trainStep(new float[2], new int[1], 0)));
    assertEquals("count must be at least 1, but was -1", message(IllegalArgumentException.class,
        () -> model.trainStep(new float[2], new float[3], -1)));
    // Two parameters of one name would share their optimizer state's tensors.
    assertEquals("parameters must have unique names (the optimizer's state names its tensors by"
        + " them), but elements 0 and 1 are both named 'a'",
        message(IllegalArgumentException.class, () -> io.ganglion.optim.Adam.of(0.1)
            .step(List.of(Parameter.flat("a", 2), Parameter.flat("a", 2)))));
    // A weight of no units has no weight(unit, input) to give (it divided by zero).
    io.ganglion.Layer empty = new io.ganglion.Layer("l", "Dense", io.ganglion.Activation.LINEAR,
        new int[] {3}, new int[] {0}, Parameter.transposed("l.weight", 0, 3), null);
    assertEquals("l: weight(unit, input) needs unit in [0, 0) and input in [0, 0), but was (0,"
        + " 0)", message(IndexOutOfBoundsException.class, () -> empty.weight(0, 0)));
    // A scalar weight is one unit (its shape()[0] was an ArrayIndexOutOfBoundsException).
    io.ganglion.Layer scalar = new io.ganglion.Layer("s", "Dense", io.ganglion.Activation.LINEAR,
        new int[] {1}, new int[] {1}, Parameter.flat("s.weight"), Parameter.flat("s.bias", 1));
    assertEquals(0f, scalar.bias(0));
    assertEquals("s: bias(unit) needs unit in [0, 1), but was 1",
        message(IndexOutOfBoundsException.class, () -> scalar.bias(1)));
    // A layer without parameters has no bias to give, as bias() says (bias(0) returned 0).
    io.ganglion.Layer pool = new io.ganglion.Layer("p", "MaxPool2d",
        io.ganglion.Activation.LINEAR, new int[] {1, 4, 4}, new int[] {1, 2, 2}, null, null);
    assertEquals("p: a MaxPool2d layer has no bias",
        message(IllegalStateException.class, () -> pool.bias(0)));
    // A 0 after a large dimension: no rows at all, not too many.
    assertEquals(0, Parameter.transposed("h", 0, 1 << 30, 4, 0).data().length);
    // The default classify(input, output): NaN outputs (here from a NaN input) give no class.
    assertEquals("the output for the input must be a number to give a class, but output 0 was"
        + " NaN: an input value is NaN, or inputs (or weights) so large that the forward pass"
        + " overflowed", message(IllegalArgumentException.class,
            () -> model.classify(new float[] {Float.NaN, 0}, new float[3])));
  }

  @Test
  void tensorsAndFiles() throws IOException {
    Tensor t = Tensor.of("t", new int[] {1}, new float[] {0});
    assertEquals("t: index must be in [0, 1), but was 1",
        message(IndexOutOfBoundsException.class, () -> t.get(1)));
    assertEquals("metadata and tensors must not be null",
        message(IllegalArgumentException.class, () -> SafeTensors.of(null, List.of(t))));
    assertEquals("tensors must not hold null, but element 1 of 2 was",
        message(IllegalArgumentException.class,
            () -> SafeTensors.of(Map.of(), Arrays.asList(t, null))));
    assertEquals("out must not be null", message(IllegalArgumentException.class, () -> {
      try {
        SafeTensors.of(Map.of(), List.of(t)).writeTo((OutputStream) null);
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }));

    Path file = dir.resolve("t.safetensors");
    SafeTensors.of(Map.of(), List.of(t)).write(file);
    SafeTensorsReader reader = SafeTensorsReader.open(file);
    reader.close();
    assertEquals(file + ": read must not be called after close()",
        message(IllegalStateException.class, () -> {
          try {
            reader.read("t");
          } catch (IOException e) {
            throw new AssertionError(e);
          }
        }));
    Path missing = dir.resolve("missing.safetensors");
    assertEquals(missing + ": must be a safetensors file, but does not exist",
        assertThrows(NoSuchFileException.class, () -> SafeTensors.read(missing)).getMessage());

    // 2^64 elements wrapped to 0 in a long, and the header overflowed its two bytes.
    assertEquals("values must number 2147483648 for the shape [65536, 65536, 65536, 65536], but"
            + " were 0", message(IllegalArgumentException.class, () -> {
              try {
                Npy.write(dir.resolve("a.npy"), new int[] {65536, 65536, 65536, 65536},
                    new float[0]);
              } catch (IOException e) {
                throw new AssertionError(e);
              }
            }));
    int[] manyDimensions = new int[30000];
    Arrays.fill(manyDimensions, 1);
    assertEquals("shape must have at most 4096 dimensions for an NPY 1.0 header, but had 30000",
        message(IllegalArgumentException.class, () -> {
          try {
            Npy.write(dir.resolve("b.npy"), manyDimensions, new float[1]);
          } catch (IOException e) {
            throw new AssertionError(e);
          }
        }));
  }

  @Test
  void dataReaders() throws IOException {
    assertEquals(dir + ": must be a CSV file, but is a directory",
        assertThrows(IOException.class, () -> Csv.reader().labelColumn("y").read(dir))
            .getMessage());
    assertEquals(dir + ": must be an IDX file, but is a directory",
        assertThrows(IOException.class, () -> Idx.read(dir)).getMessage());
    Path missing = dir.resolve("missing.csv");
    assertEquals(missing + ": must be a CSV file, but does not exist",
        assertThrows(NoSuchFileException.class,
            () -> Csv.reader().labelColumn("y").read(missing)).getMessage());
    assertEquals("target columns must not hold null, but element 1 of 2 was",
        message(IllegalArgumentException.class, () -> Csv.reader().targetColumns("a", null)));
    assertEquals("values must number 4 for shape [2, 2], but were 1",
        message(IllegalArgumentException.class, () -> new Idx.Tensor(new int[] {2, 2}, 8,
            new float[1])));
    assertEquals("one-hot rows of 65536 samples x 65537 classes must fit in a Java array (at most"
            + " 2147483639 values), but would be 4295032832",
        message(IllegalArgumentException.class, () -> Dataset.oneHot(new int[65536], 65537)));
    // A resample with repeats can be larger than its data set (here 30,000 x 100,000 values).
    Dataset wide = Dataset.ofLabels(new float[100_000], 100_000, new int[1]);
    assertEquals("a subset of 30000 samples x 100000 features must fit in a Java array (at most"
            + " 2147483639 values), but would be 3000000000",
        message(IllegalArgumentException.class, () -> wide.subset(new int[30_000])));
    Dataset tall = Dataset.ofTargets(new float[1], 1, new float[100_000], 100_000);
    assertEquals("a subset of 30000 samples x 100000 targets must fit in a Java array (at most"
            + " 2147483639 values), but would be 3000000000",
        message(IllegalArgumentException.class, () -> tall.subset(new int[30_000])));
    assertEquals("targets must hold 65536 values per sample (4587520000), but held 5",
        message(IllegalArgumentException.class,
            () -> Dataset.ofTargets(new float[70000], 1, new float[5], 65536)));
  }

  @Test
  void clippingAndSchedules() {
    List<Parameter> parameters = List.of(Parameter.flat("b", 2));
    assertEquals("max value must be zero or positive, but was -1.0",
        message(IllegalArgumentException.class,
            () -> GradientClipping.clipValue(parameters, -1)));
    assertEquals("max norm must be zero or positive, but was NaN",
        message(IllegalArgumentException.class,
            () -> GradientClipping.clipNorm(parameters, Double.NaN)));
    assertEquals("parameters must not be null",
        message(IllegalArgumentException.class, () -> GradientClipping.norm(null)));

    ReduceOnPlateau plateau = ReduceOnPlateau.of(0.5, 3);
    Map<String, Double> state = new HashMap<>(plateau.state());
    state.put("best", null);
    assertEquals("ReduceOnPlateau state must hold a value for each of [scale, best, wait,"
            + " cooldown], but held " + state,
        message(IllegalArgumentException.class, () -> plateau.loadState(state)));
    Map<String, Double> waitedTooLong = new HashMap<>(plateau.state());
    waitedTooLong.put("wait", 1e9);
    assertThrows(IllegalArgumentException.class, () -> plateau.loadState(waitedTooLong));
    assertEquals("metrics must not be null",
        message(IllegalArgumentException.class, () -> plateau.epochEnded(0, null)));
  }

  @Test
  void trainerRefusesWhatItCannotMeasureOrLearn() {
    LinearModel classes = LinearModel.create(2, 3, Loss.SOFTMAX_CROSS_ENTROPY, 1);
    assertEquals("top-k must be at most the 3 classes of Linear, but was 5",
        message(IllegalArgumentException.class, () -> Trainer.of(classes).topK(5)));
    LinearModel regression = LinearModel.create(2, 1, Loss.MSE, 1);
    assertEquals("top-k needs a classifier with one output per class, but Linear has one output",
        message(IllegalArgumentException.class, () -> Trainer.of(regression).topK(3)));

    LinearModel binary = LinearModel.create(1, 2, Loss.BINARY_CROSS_ENTROPY, 1);
    float[] before = binary.parameters().get(0).toArray();
    Dataset outOfRange =
        Dataset.ofTargets(new float[] {1, 2}, 1, new float[] {1, 0, 5, -3}, 2);
    assertEquals("training data: target 0 of sample 1 must be a probability in [0, 1] for"
            + " BINARY_CROSS_ENTROPY, but was 5.0",
        message(IllegalArgumentException.class,
            () -> Trainer.of(binary).verbose(0).fit(outOfRange)));
    assertArrayEquals(before, binary.parameters().get(0).toArray());
  }

  @Test
  void aDirectoryIsNotAModelFileToReadNorAFileToWriteInto() throws IOException {
    Path notDirectory = Files.writeString(dir.resolve("m.st"), "x");
    assertEquals(notDirectory + ": must be a directory to write the tensors into, but is a file",
        assertThrows(IOException.class,
            () -> Npy.writeAll(LinearModel.create(1, 2, Loss.MSE, 1), notDirectory))
            .getMessage());
  }
}
