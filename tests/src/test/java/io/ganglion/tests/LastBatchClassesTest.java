package io.ganglion.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ganglion.Model;
import io.ganglion.Parameter;
import io.ganglion.internal.SplitNetwork;
import io.ganglion.train.ParallelGradients;
import io.ganglion.train.ParallelGradients.Split;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code lastBatchClasses}: the classes of the last training pass's own forward pass, which
 * {@code Trainer} reports as training accuracy. Without dropout or batch norm they equal what
 * {@code classifyBatch} gives on the same weights, on one thread, split by weight rows and split
 * by batch (with an empty slice).
 */
class LastBatchClassesTest {

  @Test
  void oneThreadGivesTheClassesOfItsForwardPass() {
    Model net = new Net_Networks_Medium(4);
    assertEquals(0, net.lastBatchClasses(new int[0], 0), "before any training pass");
    RandomBatch data = new RandomBatch(net, 30, 1);
    int[] expected = new int[13];
    net.classifyBatch(data.x, 7, 13, expected);
    net.forwardBackward(data.x, 7, data.labels, null, 13, 1f / 13);
    int[] actual = new int[15];
    Arrays.fill(actual, -1);
    assertEquals(13, net.lastBatchClasses(actual, 2));
    assertArrayEquals(expected, Arrays.copyOfRange(actual, 2, 15));
    assertEquals(-1, actual[0]);
    // An inference call reuses the buffers: the training pass's classes are gone, and said so.
    net.classify(Arrays.copyOf(data.x, net.inputSize()));
    assertEquals(-1, net.lastBatchClasses(actual, 0));
  }

  /** A training call refused for a bad label changes nothing, not even batch statistics. */
  @Test
  void aRefusedTrainingPassChangesNothing() {
    Net_Networks_BlobsRegularized net = new Net_Networks_BlobsRegularized(2);
    float[] mean = net.buffers().get(0).toArray();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> net.forwardBackward(new float[] {1, 2, 3, 4}, 0, new int[] {0, 7}, null, 2, 0.5f));
    assertEquals("label of sample 1 must be a class index in [0, 3), but was 7", e.getMessage());
    assertArrayEquals(mean, net.buffers().get(0).toArray());
    assertEquals(0f, net.buffers().get(2).toArray()[0], "num_batches_tracked");
    e = assertThrows(IllegalArgumentException.class, () -> net.predictBatch(null));
    assertEquals("inputs must not be null", e.getMessage());
  }

  /**
   * On several workers too, a bad label in a later worker's slice, or a non-finite input, is
   * refused before any worker has moved the batch statistics or the dropout stream.
   */
  @Test
  void aRefusedParallelPassChangesNothing() {
    Net_Networks_DropoutBatchNorm net = new Net_Networks_DropoutBatchNorm(2);
    RandomBatch data = new RandomBatch(net, 8, 5);
    int[] bad = data.labels.clone();
    bad[7] = 9; // in worker 1's half
    float[] nan = data.x.clone();
    nan[net.inputSize() * 6 + 3] = Float.NaN;
    List<float[]> before = new ArrayList<>();
    for (Parameter b : net.buffers()) {
      before.add(b.toArray());
    }
    long[] random = net.randomState();
    try (ParallelGradients parallel = ParallelGradients.of(net, 2)) {
      Net_Networks_DropoutBatchNorm twin = new Net_Networks_DropoutBatchNorm(2);
      try (ParallelGradients other = ParallelGradients.of(twin, 2)) {
        // A refused batch (of another size) leaves the last pass's classes as they were.
        other.computeGradients(data.x, 0, data.labels, null, 8);
        int[] kept = new int[8];
        assertEquals(8, other.lastBatchClasses(kept));
        float[] early = data.x.clone();
        early[net.inputSize() + 2] = Float.POSITIVE_INFINITY;
        assertThrows(IllegalArgumentException.class,
            () -> other.computeGradients(early, 0, data.labels, null, 4));
        int[] after = new int[8];
        assertEquals(8, other.lastBatchClasses(after));
        assertArrayEquals(kept, after);
      }
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> parallel.computeGradients(data.x, 0, bad, null, 8));
      assertEquals("label of sample 7 must be a class index in [0, 3), but was 9", e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> parallel.computeGradients(nan, 0, data.labels, null, 8));
      assertTrue(e.getMessage().startsWith("input 3 of sample 6 must be finite, but was NaN"),
          e.getMessage());
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> net.forwardBackward(nan, 0, data.labels, null, 8, 0.125f));
    assertTrue(e.getMessage().startsWith("input 3 of sample 6 must be finite"), e.getMessage());
    for (int k = 0; k < before.size(); k++) {
      assertArrayEquals(before.get(k), net.buffers().get(k).toArray(), net.buffers().get(k).name());
    }
    assertArrayEquals(random, net.randomState());
  }

  /**
   * A pass refused for a bad label has overwritten the outputs already: it reports no classes,
   * rather than the outputs it left under the previous pass's count.
   */
  @ParameterizedTest
  @EnumSource(value = Split.class, names = {"ROWS", "BATCH"})
  void aPassRefusedForItsLabelsReportsNoClasses(Split how) {
    Model net = new Net_Networks_Medium(4);
    RandomBatch data = new RandomBatch(net, 10, 1);
    net.forwardBackward(data.x, 0, data.labels, null, 4, 0.25f);
    int[] bad = data.labels.clone();
    bad[7] = 99;
    assertThrows(IllegalArgumentException.class,
        () -> net.forwardBackward(data.x, 4, bad, null, 4, 0.25f));
    assertEquals(-1, net.lastBatchClasses(new int[4], 0));
    try (ParallelGradients parallel = ParallelGradients.of(net, 2, how)) {
      parallel.computeGradients(data.x, 0, data.labels, null, 4);
      assertEquals(4, parallel.lastBatchClasses(new int[4]));
      int[] kept = new int[4];
      parallel.lastBatchClasses(kept);
      assertThrows(IllegalArgumentException.class,
          () -> parallel.computeGradients(data.x, 4, bad, null, 4));
      // On workers the labels are checked before any worker runs: the refused call changed
      // nothing, and the classes are still those of the pass before.
      int[] after = new int[4];
      assertEquals(4, parallel.lastBatchClasses(after), how.toString());
      assertArrayEquals(kept, after);
      assertNextStepIsWhole(parallel, net, new Net_Networks_Medium(4), data, 2, 8);
    }
  }

  /**
   * Split by batch, a bad label in the calling thread's own slice throws there while the other
   * worker still runs its slice: the call waits for it, so the next step starts clean.
   */
  @Test
  void aFailureOnTheCallingThreadWaitsForTheOtherWorkers() {
    Model net = new Net_Networks_ConvValidMaxPool(6);
    RandomBatch data = new RandomBatch(net, 16, 3);
    int[] bad = data.labels.clone();
    bad[1] = 99; // in worker 0's half of samples [0, 8)
    try (ParallelGradients parallel = ParallelGradients.of(net, 2)) {
      for (int attempt = 0; attempt < 3; attempt++) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> parallel.computeGradients(data.x, 0, bad, null, 8));
        assertTrue(e.getMessage().contains("99"), e.getMessage());
      }
      assertNextStepIsWhole(parallel, net, new Net_Networks_ConvValidMaxPool(6), data, 8, 8);
    }
  }

  @Test
  void splitByWeightRowsGivesTheSameClasses() {
    for (int workers : new int[] {2, 3}) {
      Model net = new Net_Networks_Medium(5);
      assertParallelClassesMatch(net, workers, 11);
    }
  }

  @Test
  void splitByBatchGivesTheSameClassesWithAnEmptySlice() {
    Model net = new Net_Networks_ConvValidMaxPool(6);
    assertParallelClassesMatch(net, 3, 2);
    assertParallelClassesMatch(net, 2, 9);
  }

  @Test
  void tooSmallAnArrayIsAClearError() {
    Model net = new Net_Networks_Medium(4);
    RandomBatch data = new RandomBatch(net, 10, 2);
    net.forwardBackward(data.x, 0, data.labels, null, 10, 0.1f);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> net.lastBatchClasses(new int[12], 3));
    assertEquals("classes must have room for 10 values from index 3, but had 12", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> net.lastBatchClasses(new int[12], -1));
    assertEquals("at (where the classes go) must not be negative, but was -1", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> net.lastBatchOutputs(new float[100], -2));
    assertEquals("at (where the outputs go) must not be negative, but was -2", e.getMessage());
  }

  /**
   * {@code lastBatchOutputs}: the outputs of the training pass, which {@code Trainer} reports as
   * the training mse and mae, equal to what {@code predictBatch} gives on the same weights.
   */
  @Test
  void lastBatchOutputsAreThoseOfTheForwardPass() {
    Model net = new Net_Networks_WideMseRegression(4);
    assertEquals(0, net.lastBatchOutputs(new float[0], 0), "before any training pass");
    RandomBatch data = new RandomBatch(net, 30, 1);
    int outputs = net.outputSize();
    float[] expected = new float[13 * outputs];
    net.predictBatch(data.x, 7, 13, expected);
    net.forwardBackward(data.x, 7, null, data.targets, 13, 1f / 13);
    float[] actual = new float[15 * outputs];
    Arrays.fill(actual, -1f);
    assertEquals(13, net.lastBatchOutputs(actual, 2 * outputs));
    assertArrayEquals(expected, Arrays.copyOfRange(actual, 2 * outputs, 15 * outputs));
    assertEquals(-1f, actual[2 * outputs - 1]);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> net.lastBatchOutputs(new float[13 * outputs], 1));
    assertEquals("outputs must have room for 13 samples of " + outputs + " values from index 1,"
        + " but had " + 13 * outputs, e.getMessage());
    net.predict(Arrays.copyOf(data.x, net.inputSize()));
    assertEquals(-1, net.lastBatchOutputs(actual, 0), "after an inference call");
  }

  @Test
  void lastBatchOutputsSplitByWeightRowsAndByBatch() {
    assertParallelOutputsMatch(new Net_Networks_WideMseRegression(5), 2, 11);
    assertParallelOutputsMatch(new Net_Networks_WideMseRegression(5), 3, 7);
    assertParallelOutputsMatch(new Net_Networks_ConvValidMaxPool(6), 3, 2);
    assertParallelOutputsMatch(new Net_Networks_ConvValidMaxPool(6), 2, 9);
  }

  private static void assertParallelOutputsMatch(Model net, int workers, int count) {
    RandomBatch data = new RandomBatch(net, 40, workers);
    for (Split how : splits(net)) {
      float[] expected = new float[count * net.outputSize()];
      net.predictBatch(data.x, 5, count, expected);
      try (ParallelGradients parallel = ParallelGradients.of(net, workers, how)) {
        parallel.computeGradients(data.x, 5, data.labels, data.targets, count);
        float[] actual = new float[count * net.outputSize()];
        assertEquals(count, parallel.lastBatchOutputs(actual));
        // Split by rows, the partial sums add up in another order: the last bit may differ.
        assertArrayEquals(expected, actual, 1e-6f,
            how + ", " + workers + " workers, " + count + " samples");
      }
    }
  }

  /** Both splits for a network that can be split by weight rows, else the batch split. */
  private static List<Split> splits(Model net) {
    return net instanceof SplitNetwork ? List.of(Split.ROWS, Split.BATCH) : List.of(Split.BATCH);
  }

  /**
   * After refused steps, the next step of {@code parallel} over {@code net} gives the loss and
   * gradient that a new model {@code fresh}, equal to {@code net}, gives on two workers.
   */
  private static void assertNextStepIsWhole(ParallelGradients parallel, Model net, Model fresh,
      RandomBatch data, int offset, int count) {
    double loss = parallel.computeGradients(data.x, offset, data.labels, null, count);
    float[] gradient = new float[net.parameters().get(0).size()];
    net.parameters().get(0).copyGradientTo(gradient);
    Split how = parallel.splitsByRows() ? Split.ROWS : Split.BATCH;
    try (ParallelGradients other = ParallelGradients.of(fresh, 2, how)) {
      assertEquals(other.computeGradients(data.x, offset, data.labels, null, count), loss);
      float[] expected = new float[gradient.length];
      fresh.parameters().get(0).copyGradientTo(expected);
      assertArrayEquals(expected, gradient);
    }
  }

  private static void assertParallelClassesMatch(Model net, int workers, int count) {
    RandomBatch data = new RandomBatch(net, 40, workers);
    for (Split how : splits(net)) {
      int[] expected = new int[count];
      net.classifyBatch(data.x, 5, count, expected);
      try (ParallelGradients parallel = ParallelGradients.of(net, workers, how)) {
        parallel.computeGradients(data.x, 5, data.labels, null, count);
        int[] actual = new int[count];
        assertEquals(count, parallel.lastBatchClasses(actual));
        assertArrayEquals(expected, actual,
            how + ", " + workers + " workers, " + count + " samples");
      }
    }
  }
}
