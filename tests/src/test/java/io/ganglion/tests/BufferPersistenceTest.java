package io.ganglion.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ganglion.Model;
import io.ganglion.Parameter;
import io.ganglion.data.Dataset;
import io.ganglion.io.DType;
import io.ganglion.io.ModelFiles;
import io.ganglion.io.ModelFormatException;
import io.ganglion.io.SafeTensors;
import io.ganglion.io.SafeTensorsReader;
import io.ganglion.io.Tensor;
import io.ganglion.optim.Adam;
import io.ganglion.train.Trainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batch normalization's running statistics are state: saved and loaded with the model under
 * PyTorch's names ({@code num_batches_tracked} as I64, as PyTorch stores it), and carried by
 * checkpoints so that resumed training stays bit-identical.
 */
class BufferPersistenceTest {
  @TempDir Path dir;

  /**
   * A training batch of one sample gives batch norm over vectors one value per unit: no variance
   * to learn from, so the running statistics stay (they used to move toward a variance of 0) and
   * the batch is not counted.
   */
  @Test
  void aBatchOfOneLeavesVectorRunningStatisticsAlone() {
    Net_Networks_BlobsRegularized net = new Net_Networks_BlobsRegularized(5);
    List<Parameter> buffers = net.buffers();
    float[] x = {0.3f, -1.2f, 0.8f, 0.1f};
    int[] y = {2, 0};
    float[][] before = new float[buffers.size()][];
    for (int k = 0; k < before.length; k++) {
      before[k] = buffers.get(k).toArray();
    }
    net.forwardBackward(x, 0, y, null, 1, 1f);
    assertArrayEquals(before[0], buffers.get(0).toArray(), "running_mean");
    assertArrayEquals(before[1], buffers.get(1).toArray(), "running_var");
    assertEquals(0f, buffers.get(2).toArray()[0],
        "num_batches_tracked counts only the batches the statistics learned from");
    net.forwardBackward(x, 0, y, null, 2, 0.5f);
    assertTrue(before[1][0] != buffers.get(1).toArray()[0], "two samples update running_var");
    assertEquals(1f, buffers.get(2).toArray()[0]);
  }

  /** A convolution of another shape in the file: the message says what declaration fits it. */
  @Test
  void aConvolutionOfAnotherShapeIsDescribed() throws Exception {
    Net_Networks_ConvValidMaxPool net = new Net_Networks_ConvValidMaxPool(1);
    List<Tensor> tensors = new ArrayList<>();
    for (Parameter p : ModelFiles.state(net)) {
      tensors.add(p.name().equals("conv1.weight")
          ? Tensor.of(p.name(), new int[] {6, 2, 5, 5}, new float[300])
          : Tensor.of(p.name(), p.shape(), p.toArray()));
    }
    Path file = dir.resolve("kernel5.safetensors");
    SafeTensors.of(Map.of(), tensors).write(file);
    ModelFormatException e =
        assertThrows(ModelFormatException.class, () -> net.load(file));
    assertTrue(e.getMessage().endsWith("; the file's layer has 6 filters of 5x5 over 2 channels:"
        + " declare conv1 with filters = 6, kernel = 5 to match"), e.getMessage());
  }

  /**
   * Files whose names differ from the model's in a way PyTorch users meet (an nn.Sequential's
   * positions, DataParallel's prefix) get a hint, also for a network with batch norm, whose
   * counters a file may leave out.
   */
  @Test
  void positionalAndDataParallelNamesAreRecognizedWithBatchNorm() throws Exception {
    Net_Networks_BlobsRegularized net = new Net_Networks_BlobsRegularized(5);
    java.util.Set<String> layers = new java.util.LinkedHashSet<>();
    for (Parameter p : ModelFiles.state(net)) {
      layers.add(p.name().substring(0, p.name().lastIndexOf('.')));
    }
    Map<String, String> positions = new java.util.LinkedHashMap<>();
    Map<String, String> prefixed = new java.util.LinkedHashMap<>();
    for (String layer : layers) {
      positions.put(layer, String.valueOf(positions.size() * 2));
      prefixed.put(layer, "module." + layer);
    }
    Path sequential = dir.resolve("sequential.safetensors");
    ModelFiles.save(net, sequential, positions);
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> net.load(sequential));
    assertTrue(e.getMessage().endsWith("; its layers are named by position, as in a PyTorch"
        + " nn.Sequential: map them with ModelFiles.load(model, file, Map.of(\"<layer>\", \"0\","
        + " ...))"), e.getMessage());
    Path parallel = dir.resolve("parallel.safetensors");
    ModelFiles.save(net, parallel, prefixed);
    e = assertThrows(ModelFormatException.class, () -> net.load(parallel));
    assertTrue(e.getMessage().endsWith("; its names start with 'module.', as a model wrapped in"
        + " PyTorch's DataParallel saves them: save model.module.state_dict() instead, or map the"
        + " layers with ModelFiles.load(model, file, Map.of(\"<layer>\", \"module.<layer>\","
        + " ...))"), e.getMessage());
    ModelFiles.load(net, parallel, prefixed);
    Map<String, String> both = new java.util.LinkedHashMap<>();
    positions.forEach((layer, position) -> both.put(layer, "module." + position));
    Path parallelSequential = dir.resolve("parallel-sequential.safetensors");
    ModelFiles.save(net, parallelSequential, both);
    e = assertThrows(ModelFormatException.class, () -> net.load(parallelSequential));
    assertTrue(e.getMessage().endsWith("; its names start with 'module.', as a model wrapped in"
        + " PyTorch's DataParallel saves them, and its layers are named by position, as in an"
        + " nn.Sequential: map them with ModelFiles.load(model, file, Map.of(\"<layer>\","
        + " \"module.0\", ...))"), e.getMessage());
  }

  /** A batch counter of shape [1] loads, as in PyTorch; one of two values does not. */
  @Test
  void aCounterOfShapeOneLoads() throws Exception {
    Net_Networks_BlobsRegularized source = new Net_Networks_BlobsRegularized(5);
    Parameter counter = source.buffers().get(2);
    List<Tensor> tensors = new ArrayList<>();
    for (Parameter p : ModelFiles.state(source)) {
      tensors.add(p == counter ? Tensor.of(p.name(), DType.I64, new int[] {1}, new float[] {7})
          : Tensor.of(p.name(), p.shape(), p.toArray()));
    }
    Path file = dir.resolve("counter1.safetensors");
    SafeTensors.of(Map.of(), tensors).write(file);
    Net_Networks_BlobsRegularized net = new Net_Networks_BlobsRegularized(6);
    net.load(file);
    assertEquals(7f, net.buffers().get(2).toArray()[0]);
    tensors.set(ModelFiles.state(source).indexOf(counter), Tensor.of(counter.name(), DType.I64,
        new int[] {2}, new float[] {7, 8}));
    SafeTensors.of(Map.of(), tensors).write(file);
    assertThrows(ModelFormatException.class, () -> net.load(file));
  }

  /** Buffers that a load would refuse are not saved either; the old file stays. */
  @Test
  void buffersALoadRefusesAreNotSaved() throws Exception {
    Net_Networks_BlobsRegularized net = new Net_Networks_BlobsRegularized(5);
    Path file = dir.resolve("kept.safetensors");
    net.save(file);
    byte[] before = java.nio.file.Files.readAllBytes(file);
    net.buffers().get(1).set(0, -0.5f);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.save(file));
    assertTrue(e.getMessage().startsWith("a running variance must not be negative to be saved"),
        e.getMessage());
    net.buffers().get(1).set(0, 1f);
    net.buffers().get(2).set(0, 2.5f);
    e = assertThrows(IllegalArgumentException.class, () -> net.save(file));
    assertTrue(e.getMessage().startsWith("a batch counter must be a whole number"), e.getMessage());
    assertArrayEquals(before, java.nio.file.Files.readAllBytes(file));
    // Nor written into a checkpoint, which resuming would refuse.
    net.buffers().get(2).set(0, 0f);
    net.buffers().get(1).set(0, -500f);
    Path checkpoint = dir.resolve("refused.ckpt");
    Dataset blobs = Dataset.ofLabels(new float[] {0.1f, 0.2f, -0.3f, 0.4f, 0.5f, -0.6f, 0.7f,
        0.8f}, 2, new int[] {0, 1, 2, 0});
    float[] weights = net.parameters().get(0).toArray();
    e = assertThrows(IllegalArgumentException.class, () -> Trainer.of(net).epochs(1).verbose(0)
        .batchSize(4).checkpoint(checkpoint).fit(blobs));
    assertTrue(e.getMessage().startsWith("checkpoint " + checkpoint + " could not be written: a"
        + " running variance must not be negative to be saved"), e.getMessage());
    assertTrue(!java.nio.file.Files.exists(checkpoint));
    assertArrayEquals(weights, net.parameters().get(0).toArray(), "refused before training");
  }

  /** A buffer asked for as a parameter is pointed to buffers(). */
  @Test
  void aBufferIsNotAParameterAndTheMessageSaysWhereItIs() {
    Net_Networks_BlobsRegularized net = new Net_Networks_BlobsRegularized(5);
    String name = net.buffers().get(1).name();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> net.parameter(name));
    assertTrue(e.getMessage().endsWith("; '" + name + "' is a buffer (a statistic, not learned):"
        + " see buffers()"), e.getMessage());
  }

  /** A kernel in Keras's order, [height, width, channels, filters], is named as such. */
  @Test
  void aConvolutionInKerasOrderIsNamed() throws Exception {
    Net_Networks_ConvValidMaxPool net = new Net_Networks_ConvValidMaxPool(1);
    float[][] before = new float[net.parameters().size()][];
    List<Tensor> tensors = new ArrayList<>();
    for (Parameter p : ModelFiles.state(net)) {
      int[] s = p.shape();
      tensors.add(p.name().equals("conv1.weight")
          ? Tensor.of(p.name(), new int[] {s[2], s[3], s[1], s[0]}, new float[p.size()])
          : Tensor.of(p.name(), s, p.toArray()));
    }
    for (int k = 0; k < before.length; k++) {
      before[k] = net.parameters().get(k).toArray();
    }
    Path file = dir.resolve("keras.safetensors");
    SafeTensors.of(Map.of(), tensors).write(file);
    ModelFormatException e =
        assertThrows(ModelFormatException.class, () -> net.load(file));
    assertTrue(e.getMessage().endsWith("; that is this layer's shape in Keras's order: the file"
        + " stores the kernel as [height, width, channels, filters], where PyTorch's nn.Conv2d and"
        + " Ganglion store [filters, channels, height, width]; permute it (axes 3, 2, 0, 1) when"
        + " writing the file"), e.getMessage());
    for (int k = 0; k < before.length; k++) {
      assertArrayEquals(before[k], net.parameters().get(k).toArray());
    }
  }

  /** A batch-norm network trained for {@code epochs} from seed 1, saved to {@code file}. */
  private static Net_Networks_DropoutBatchNorm trainedAndSaved(int epochs, Path file)
      throws IOException {
    Net_Networks_DropoutBatchNorm trained = new Net_Networks_DropoutBatchNorm(1);
    Trainer.of(trained).optimizer(Adam.of(0.01)).batchSize(8).epochs(epochs).verbose(0)
        .fit(data());
    trained.save(file);
    return trained;
  }

  /** A file without the batch counters (older PyTorch, converters) loads, as in PyTorch. */
  @Test
  void aFileWithoutBatchCountersLoadsWithCountersAtZero() throws Exception {
    Path full = dir.resolve("full.safetensors");
    Net_Networks_DropoutBatchNorm trained = trainedAndSaved(1, full);
    List<Tensor> kept = new ArrayList<>();
    for (Tensor t : SafeTensors.read(full).tensors()) {
      if (!t.name().endsWith(".num_batches_tracked")) {
        kept.add(t);
      }
    }
    Path file = dir.resolve("no-counters.safetensors");
    SafeTensors.of(Map.of("format", "pt"), kept).write(file);
    Net_Networks_DropoutBatchNorm loaded = new Net_Networks_DropoutBatchNorm(2);
    loaded.load(file);
    List<Parameter> expected = ModelFiles.state(trained);
    List<Parameter> actual = ModelFiles.state(loaded);
    for (int k = 0; k < actual.size(); k++) {
      Parameter p = actual.get(k);
      assertArrayEquals(p.name().endsWith(".num_batches_tracked")
          ? new float[p.size()] : expected.get(k).toArray(), p.toArray(), p.name());
    }
  }

  @Test
  void runningStatisticsAreSavedAndLoaded() throws Exception {
    Path file = dir.resolve("bn.safetensors");
    Net_Networks_DropoutBatchNorm trained = trainedAndSaved(2, file);

    try (SafeTensorsReader reader = SafeTensorsReader.open(file)) {
      assertEquals(DType.I64, reader.tensor("norm1.num_batches_tracked").dtype());
      assertEquals(DType.F32, reader.tensor("norm1.running_mean").dtype());
      assertTrue(reader.tensor("norm2.running_var") != null);
    }
    Net_Networks_DropoutBatchNorm fresh = new Net_Networks_DropoutBatchNorm(2);
    fresh.load(file);
    assertStateEquals(trained.buffers(), fresh.buffers());
    assertTrue(trained.parameter("norm1.weight") != null);
    float[] x = data().features();
    float[] one = new float[72];
    System.arraycopy(x, 0, one, 0, 72);
    assertArrayEquals(trained.predict(one), fresh.predict(one));
    float tracked = fresh.buffers().stream()
        .filter(b -> b.name().equals("norm1.num_batches_tracked")).findFirst().orElseThrow()
        .get(0);
    assertEquals(2 * 5, tracked, "two epochs of five batches");
  }

  @Test
  void resumedTrainingWithBatchNormIsBitIdentical() throws Exception {
    Model straight = new Net_Networks_DropoutBatchNorm(3);
    configure(Trainer.of(straight), 4).fit(data());

    Path checkpoint = dir.resolve("bn.ckpt.safetensors");
    Model first = new Net_Networks_DropoutBatchNorm(3);
    configure(Trainer.of(first), 2).checkpoint(checkpoint).fit(data());
    // Counters are I64 in checkpoints too, as in model files and PyTorch.
    SafeTensors written = SafeTensors.read(checkpoint);
    for (Tensor t : written.tensors()) {
      assertEquals(t.name().endsWith("num_batches_tracked") ? DType.I64 : t.name()
          .startsWith("history.") ? DType.F64 : DType.F32, t.dtype(), t.name());
    }
    Model resumed = new Net_Networks_DropoutBatchNorm(99);
    configure(Trainer.of(resumed), 4).checkpoint(checkpoint).resumeFrom(checkpoint).fit(data());

    assertStateEquals(straight.parameters(), resumed.parameters());
    assertStateEquals(straight.buffers(), resumed.buffers());
  }

  private static Trainer configure(Trainer trainer, int epochs) {
    return trainer.optimizer(Adam.of(0.01)).batchSize(8).epochs(epochs).seed(5).verbose(0);
  }

  private static void assertStateEquals(List<Parameter> expected, List<Parameter> actual) {
    assertEquals(expected.size(), actual.size());
    assertTrue(expected.size() > 0);
    for (int k = 0; k < expected.size(); k++) {
      assertArrayEquals(expected.get(k).toArray(), actual.get(k).toArray(),
          expected.get(k).name());
    }
  }

  private static Dataset data() {
    SplittableRandom random = new SplittableRandom(12);
    int n = 40;
    float[] x = new float[n * 72];
    int[] y = new int[n];
    for (int k = 0; k < x.length; k++) {
      x[k] = (float) random.nextDouble();
    }
    for (int k = 0; k < n; k++) {
      y[k] = random.nextInt(3);
    }
    return Dataset.ofLabels(x, 72, y);
  }
}
