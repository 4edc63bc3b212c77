package io.ganglion.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ganglion.Layer;
import io.ganglion.Model;
import io.ganglion.Parameter;
import io.ganglion.internal.SplitNetwork;
import io.ganglion.optim.Optimizer;
import io.ganglion.optim.Sgd;
import io.ganglion.train.ParallelGradients;
import io.ganglion.train.ParallelGradients.Split;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Dense networks split by weight rows among workers ({@link SplitNetwork}): every gradient, loss
 * and update equals one thread's to float rounding, for odd sizes, batches smaller than the
 * workers, layers without bias, softmax outputs, targets instead of labels, and the vector kernels'
 * edges; the same thread count repeats bit for bit.
 */
class SplitGradientsTest {

  static List<Arguments> cases() {
    List<LongFunction<Model>> byRows =
        List.of(
            Net_Networks_WideSoftmaxTanhSigmoid::new,
            Net_Networks_WideBinaryLeakyRelu::new,
            Net_Networks_WideMseSoftmaxOutput::new,
            Net_Networks_WideMseRegression::new,
            Net_Networks_VectorEdges::new,
            Net_Networks_Medium::new,
            Net_Networks_NarrowVectorOnly::new,
            Net_Networks_WideSmoothActivations::new,
            Net_Networks_WideInputDerivatives::new,
            Net_Networks_TenDense::new,
            Net_Networks_FortyDense::new);
    // Small layers are written unrolled and not split by rows: these split the batch.
    List<LongFunction<Model>> byBatch =
        List.of(Net_Networks_SoftmaxTanhSigmoid::new, Net_Networks_MseSoftmaxOutput::new,
            Net_Networks_SmoothActivations::new, Net_Networks_InputDerivatives::new);
    List<Arguments> cases = new ArrayList<>();
    for (boolean rows : new boolean[] {true, false}) {
      for (LongFunction<Model> network : rows ? byRows : byBatch) {
        for (int workers : new int[] {2, 3, 5}) {
          for (int batch : new int[] {1, 3, 13, 40}) {
            // A network that can be split by rows is tested split both ways (AUTO splits these
            // small ones by batch); the others by batch, all they allow.
            for (Split how : rows ? List.of(Split.ROWS, Split.AUTO) : List.of(Split.AUTO)) {
              cases.add(Arguments.of(network, rows, how, workers, batch));
            }
          }
        }
      }
    }
    return cases;
  }

  @ParameterizedTest(name = "{index}: splittable by rows {1}, {2}, {3} workers, batch {4}")
  @MethodSource("cases")
  void gradientsLossAndUpdateMatchOneThread(
      LongFunction<Model> network, boolean rowsSplittable, Split how, int workers, int batch) {
    Model serial = network.apply(5);
    Model split = network.apply(5);
    assertEquals(rowsSplittable, split instanceof SplitNetwork, split.name()
        + (rowsSplittable ? " should" : " should not") + " be able to split by weight rows");
    RandomBatch data = new RandomBatch(serial, 50, 21);
    int offset = 50 - batch - 2;
    double serialLoss =
        serial.forwardBackward(data.x, offset, data.labels, data.targets, batch, 1f / batch);
    try (ParallelGradients parallel = ParallelGradients.of(split, workers, how)) {
      // Every network here has far fewer parameters than AUTO's threshold for rows.
      assertEquals(how == Split.ROWS, parallel.splitsByRows(), how + " on " + split.name());
      double splitLoss =
          parallel.computeGradients(data.x, offset, data.labels, data.targets, batch);
      assertEquals(serialLoss, splitLoss, 1e-5 * Math.max(1, Math.abs(serialLoss)), "loss");
      assertGradientsClose(serial, split);

      // SGD with momentum: its update is linear in the gradient, so rounding differences stay
      // small (Adam's first step is about lr * sign(g), which rounding can flip where g ~ 0).
      Optimizer one = Sgd.of(0.1, 0.9);
      Optimizer shared = Sgd.of(0.1, 0.9);
      for (int step = 0; step < 2; step++) {
        one.step(serial.parameters());
        parallel.step(shared);
      }
      for (int k = 0; k < serial.parameters().size(); k++) {
        float[] expected = serial.parameters().get(k).toArray();
        float[] actual = split.parameters().get(k).toArray();
        for (int e = 0; e < expected.length; e++) {
          assertEquals(expected[e], actual[e], 1e-5,
              serial.parameters().get(k).name() + "[" + e + "] after the update");
        }
      }
    }
  }

  /**
   * The switches over the layer index of a network deeper than one switch holds (they dispatch on
   * ranges of 32 layers) answer for every layer, in the order of the declaration, and refuse the
   * indices on either side, in the first range and outside every range. (The per-stage switches
   * run in {@link #gradientsLossAndUpdateMatchOneThread}.)
   */
  @Test
  void aDeepNetworksSwitchesAnswerForEveryLayer() {
    Net_Networks_FortyDense net = new Net_Networks_FortyDense(3);
    SplitNetwork split = net;
    List<Layer> layers = net.layers();
    assertEquals(40, layers.size());
    assertEquals(40, split.splitLayers());
    for (int k = 0; k < 40; k++) {
      Layer layer = layers.get(k);
      assertEquals(k < 39 ? "dense" + k : "logits", layer.name());
      assertEquals(layer.inputs(), split.splitInputs(k), layer.name());
      assertEquals(layer.units(), split.splitUnits(k), layer.name());
      assertSame(layer.weight(), net.parameters().get(split.splitWeightIndex(k)), layer.name());
      assertEquals(layer.hasBias(), split.splitHasBias(k), layer.name());
    }
    assertFalse(split.splitHasBias(3));
    assertFalse(split.splitHasBias(35));
    List<IntConsumer> lookups = List.of(split::splitInputs, split::splitUnits,
        split::splitWeightIndex, split::splitHasBias, split::splitPartial, split::splitDelta);
    for (int k : new int[] {Integer.MIN_VALUE, -33, -32, -1, 40, 63, 64, Integer.MAX_VALUE}) {
      for (IntConsumer lookup : lookups) {
        IllegalArgumentException e =
            assertThrows(IllegalArgumentException.class, () -> lookup.accept(k));
        assertEquals("no dense layer " + k, e.getMessage());
      }
    }
  }

  /**
   * Networks whose weight gradients the passes write rather than add to, through every kernel
   * that does: vector blocks and tails, plain row loops, the by-unit copy, and the rows split's
   * ranges of a deep network.
   */
  private static final List<LongFunction<Model>> WRITING_NETWORKS = List.of(
      Net_Networks_VectorEdges::new, Net_Networks_Medium::new,
      Net_Networks_WideSoftmaxTanhSigmoid::new, Net_Networks_FortyDense::new);

  /**
   * A training pass leaves exactly the gradients a first pass on its batch leaves, whatever the
   * pass before it left: the vector kernels and the plain loops write the weight gradients rather
   * than add to them, and must cover every row and column (VectorEdges' sizes leave narrow blocks
   * and tails, and its logits take the plain by-unit loops), on one thread for batches of whole
   * blocks of four samples and a tail, and of fewer than four, and split by rows (each worker's
   * rows, including a last share of one row).
   */
  @Test
  void aPassReplacesTheGradientsOfThePassBefore() {
    for (LongFunction<Model> network : WRITING_NETWORKS) {
      RandomBatch first = new RandomBatch(network.apply(9), 40, 1);
      RandomBatch second = new RandomBatch(network.apply(9), 40, 2);
      for (int count : new int[] {13, 3, 1}) {
        Model fresh = network.apply(9);
        Model used = network.apply(9);
        fresh.forwardBackward(second.x, 0, second.labels, second.targets, count, 1f / count);
        used.forwardBackward(first.x, 0, first.labels, first.targets, 40, 1f / 40);
        used.forwardBackward(second.x, 0, second.labels, second.targets, count, 1f / count);
        assertSameGradients(fresh, used);
      }
      Model used = network.apply(9);
      try (ParallelGradients parallel = ParallelGradients.of(used, 3, Split.ROWS)) {
        Model serial = network.apply(9);
        serial.forwardBackward(first.x, 0, first.labels, first.targets, 40, 1f / 40);
        parallel.computeGradients(second.x, 0, second.labels, second.targets, 40);
        parallel.computeGradients(first.x, 0, first.labels, first.targets, 40);
        assertGradientsClose(serial, used);
      }
    }
  }

  /**
   * A gradient sum whose products are all -0 (a zero input, or a dead ReLU unit's output, times
   * negative deltas) is +0, as in the sums that start from zero (the vector kernels, the by-unit
   * copy, the small layers' locals, PyTorch's), on one thread and split by rows.
   */
  @Test
  void aGradientOfZeroIsPositiveZero() {
    int zeros = 0;
    for (LongFunction<Model> network : WRITING_NETWORKS) {
      for (int count : new int[] {1, 3, 5, 13}) {
        Model model = network.apply(3);
        RandomBatch batch = new RandomBatch(model, count, 4);
        for (int n = 0; n < count; n++) {
          batch.x[n * model.inputSize()] = 0f; // so that input 0's gradient row is all zeros
        }
        model.forwardBackward(batch.x, 0, batch.labels, batch.targets, count, 1f / count);
        zeros += assertNoNegativeZero(model, "one thread, " + count + " samples");
        if (count == 13) {
          try (ParallelGradients parallel = ParallelGradients.of(model, 3, Split.ROWS)) {
            parallel.computeGradients(batch.x, 0, batch.labels, batch.targets, count);
          }
          zeros += assertNoNegativeZero(model, "split by rows, " + count + " samples");
        }
      }
    }
    assertTrue(zeros > 100, "the inputs of zero should leave gradients of zero, but left " + zeros);
  }

  /** Fails if a gradient of {@code model} holds -0; returns how many hold +0. */
  private static int assertNoNegativeZero(Model model, String how) {
    int zeros = 0;
    for (Parameter p : model.parameters()) {
      float[] g = gradient(p);
      for (int k = 0; k < g.length; k++) {
        assertNotEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(g[k]),
            () -> model.name() + " " + p.name() + " " + how + ": a gradient of -0");
        zeros += g[k] == 0f ? 1 : 0;
      }
    }
    return zeros;
  }

  private static void assertSameGradients(Model expected, Model actual) {
    for (int k = 0; k < expected.parameters().size(); k++) {
      Parameter p = expected.parameters().get(k);
      assertArrayEquals(gradient(p), gradient(actual.parameters().get(k)),
          actual.name() + " " + p.name());
    }
  }

  @Test
  void theSameThreadCountRepeatsBitForBit() {
    for (Split how : Split.values()) {
      float[][] first = trainSteps(3, how);
      float[][] second = trainSteps(3, how);
      for (int k = 0; k < first.length; k++) {
        assertArrayEquals(first[k], second[k], how + ": parameter " + k);
      }
    }
  }

  @Test
  void autoSplitsDenseNetworksOfAMillionParametersOrMoreByRows() {
    Model over = new Net_Networks_MillionParameters(1);
    Model under = new Net_Networks_UnderAMillionParameters(1);
    assertEquals(1_003_933, parameterCount(over));
    assertEquals(999_929, parameterCount(under));
    assertTrue(over instanceof SplitNetwork && under instanceof SplitNetwork);
    try (ParallelGradients rows = ParallelGradients.of(over, 2);
        ParallelGradients batch = ParallelGradients.of(under, 2)) {
      assertTrue(rows.splitsByRows(), over.name());
      assertFalse(batch.splitsByRows(), under.name());
    }
    // Either way the result is one thread's, to rounding.
    Model serial = new Net_Networks_MillionParameters(1);
    RandomBatch data = new RandomBatch(serial, 8, 3);
    double loss = serial.forwardBackward(data.x, 0, data.labels, null, 8, 1f / 8);
    try (ParallelGradients rows = ParallelGradients.of(over, 2)) {
      assertEquals(loss, rows.computeGradients(data.x, 0, data.labels, null, 8), 1e-5);
    }
    assertGradientsClose(serial, over);
  }

  private static long parameterCount(Model net) {
    long n = 0;
    for (Parameter p : net.parameters()) {
      n += p.size();
    }
    return n;
  }

  @Test
  void rowsAreRefusedForANetworkThatCannotSplitByThem() {
    Model small = new Net_Networks_SoftmaxTanhSigmoid(1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ParallelGradients.of(small, 2, Split.ROWS));
    assertEquals("the rows split needs a network made only of dense layers of more than 64"
        + " weights each, with element-wise hidden activations, but " + small.name()
        + "'s layer hidden2 has 60 weights (10 x 6), which generated code writes out one"
        + " statement each: use"
        + " Split.BATCH or Split.AUTO", e.getMessage());
    Model conv = new Net_Networks_ConvValidMaxPool(1);
    IllegalArgumentException image = assertThrows(IllegalArgumentException.class,
        () -> ParallelGradients.of(conv, 2, Split.ROWS));
    assertTrue(image.getMessage().contains(
        "but " + conv.name() + "'s layer conv1 is a Conv2d layer: use"), image.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> io.ganglion.train.Trainer.of(small).parallelSplit(Split.ROWS));
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
        () -> ParallelGradients.of(small, 2, null));
    assertEquals("split must not be null", none.getMessage());
    try (ParallelGradients batch = ParallelGradients.of(small, 2, Split.BATCH)) {
      assertFalse(batch.splitsByRows());
    }
  }

  @ParameterizedTest
  @EnumSource(value = Split.class, names = {"ROWS", "BATCH"})
  void aBadBatchIsRejectedBeforeAnyWorkerRuns(Split how) {
    Model net = new Net_Networks_Medium(3);
    float[] before = net.parameters().get(0).toArray();
    try (ParallelGradients parallel = ParallelGradients.of(net, 2, how)) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class,
              () -> parallel.computeGradients(new float[64 * 3], 0, new int[3], null, 4));
      assertTrue(e.getMessage().contains("inputs"), e.getMessage());
      assertThrows(IllegalArgumentException.class,
          () -> parallel.computeGradients(new float[64 * 4], 0, new int[] {0, 1, 10, 2}, null, 4));
    }
    assertArrayEquals(before, net.parameters().get(0).toArray());
  }

  /** The batch is checked in the caller's terms, not in those of a worker's slice. */
  @ParameterizedTest
  @EnumSource(value = Split.class, names = {"ROWS", "BATCH"})
  @SuppressWarnings("try") // closes its resource early on purpose, to check what follows
  void aBadBatchIsNamedAsTheCallerGaveIt(Split how) {
    Model net = new Net_Networks_Medium(3);
    int width = net.inputSize();
    for (int workers : new int[] {2, 3}) {
      try (ParallelGradients parallel = ParallelGradients.of(net, workers, how)) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> parallel.computeGradients(new float[4 * width], 0, new int[5], null, 5));
        assertEquals("inputs must hold samples [0, 5) of " + width + " values, i.e. "
            + 5 * width + " values, but held " + 4 * width, e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
            () -> parallel.computeGradients(new float[4 * width], 0, new int[3], null, 4));
        assertEquals("labels must hold samples [0, 4), but held 3", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
            () -> parallel.computeGradients(new float[4 * width], 0, new int[4], null, 0));
        assertEquals("count must be at least 1, but was 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> parallel.evaluateBatch(
            new float[4 * width], 0, new int[4], null, 4, new float[1], null));
        assertEquals("outputs must have room for 4 x " + net.outputSize() + " values, but had 1",
            e.getMessage());
        parallel.close();
        IllegalStateException closed = assertThrows(IllegalStateException.class,
            () -> parallel.lastBatchClasses(new int[4]));
        assertEquals("lastBatchClasses must not be called after close()", closed.getMessage());
      }
    }
  }

  private static float[][] trainSteps(int workers, Split how) {
    Model net = new Net_Networks_VectorEdges(8);
    RandomBatch data = new RandomBatch(net, 60, 4);
    Optimizer sgd = Sgd.of(0.05, 0.9);
    try (ParallelGradients parallel = ParallelGradients.of(net, workers, how)) {
      for (int step = 0; step < 6; step++) {
        parallel.computeGradients(data.x, step * 10, data.labels, data.targets, 10);
        parallel.step(sgd);
      }
    }
    float[][] values = new float[net.parameters().size()][];
    for (int k = 0; k < values.length; k++) {
      values[k] = net.parameters().get(k).toArray();
    }
    return values;
  }

  private static void assertGradientsClose(Model serial, Model split) {
    for (int k = 0; k < serial.parameters().size(); k++) {
      Parameter p = serial.parameters().get(k);
      float[] expected = gradient(p);
      float[] actual = gradient(split.parameters().get(k));
      double scale = 0;
      for (float v : expected) {
        scale = Math.max(scale, Math.abs(v));
      }
      assertTrue(scale > 0, p.name() + "'s gradient is all zero: the check would mean nothing");
      for (int e = 0; e < expected.length; e++) {
        assertEquals(expected[e], actual[e], 1e-5 + 1e-4 * scale, p.name() + " grad[" + e + "]");
      }
    }
  }

  /** The gradient's storage rows, one after another (the same layout for both networks). */
  private static float[] gradient(Parameter p) {
    float[] flat = new float[p.size()];
    int at = 0;
    for (float[] row : p.grad()) {
      System.arraycopy(row, 0, flat, at, row.length);
      at += row.length;
    }
    return flat;
  }
}
