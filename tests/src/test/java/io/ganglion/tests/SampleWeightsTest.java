package io.ganglion.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ganglion.Model;
import io.ganglion.Parameter;
import io.ganglion.internal.SplitNetwork;
import io.ganglion.train.ParallelGradients;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code forwardBackward} with sample weights: the gradient is the weighted sum of the samples'
 * own gradients and the loss their weighted sum, on every loss and layer kind; null weights are
 * the unweighted pass bit for bit; worker threads agree with one; bad weights change nothing.
 */
class SampleWeightsTest {
  private static final int BATCH = 7;

  static List<LongFunction<Model>> networks() {
    return List.of(
        Net_Networks_SoftmaxTanhSigmoid::new, // small layers, written unrolled
        Net_Networks_BinaryLeakyRelu::new,
        Net_Networks_MseRegression::new,
        Net_Networks_MaeRegression::new,
        Net_Networks_HuberRegression::new,
        Net_Networks_Medium::new, // loops (and vector kernels when compiled with them)
        Net_Networks_WideMseSoftmaxOutput::new,
        Net_Networks_ConvValidMaxPool::new,
        Net_Networks_ConvStridedAvgPool::new);
  }

  @ParameterizedTest
  @MethodSource("networks")
  void theGradientIsTheWeightedSumOfTheSamplesGradients(LongFunction<Model> network) {
    Model net = network.apply(3);
    RandomBatch data = new RandomBatch(net, BATCH + 2, 11);
    float[] weights = weights(BATCH + 2, 5);
    weights[4] = 0; // a sample left out
    int offset = 2;
    float scale = 1f / BATCH;
    double[] expected = new double[size(net)];
    double expectedLoss = 0;
    for (int i = 0; i < BATCH; i++) {
      double loss =
          net.forwardBackward(data.x, offset + i, data.labels, data.targets, 1, scale);
      expectedLoss += weights[offset + i] * loss;
      float[] g = gradients(net);
      for (int e = 0; e < g.length; e++) {
        expected[e] += weights[offset + i] * (double) g[e];
      }
    }
    double loss = net.forwardBackward(
        data.x, offset, data.labels, data.targets, weights, BATCH, scale);
    assertEquals(expectedLoss, loss, 1e-5 * Math.max(1, Math.abs(expectedLoss)), "loss");
    float[] actual = gradients(net);
    for (int e = 0; e < actual.length; e++) {
      assertEquals(expected[e], actual[e], 1e-5 + 1e-4 * Math.abs(expected[e]),
          net.name() + " gradient element " + e);
    }
  }

  @ParameterizedTest
  @MethodSource("networks")
  void nullWeightsAndWeightsOfOneAreTheUnweightedPassBitForBit(LongFunction<Model> network) {
    Model net = network.apply(4);
    RandomBatch data = new RandomBatch(net, BATCH, 12);
    double plain = net.forwardBackward(data.x, 0, data.labels, data.targets, BATCH, 0.25f);
    float[] expected = gradients(net);
    float[] ones = new float[BATCH];
    Arrays.fill(ones, 1f);
    for (float[] w : new float[][] {null, ones}) {
      double loss = net.forwardBackward(data.x, 0, data.labels, data.targets, w, BATCH, 0.25f);
      assertEquals(plain, loss, 0.0);
      assertArrayEquals(expected, gradients(net));
    }
  }

  @Test
  void batchNormScalesWithTheWeightsExactly() {
    // Batch statistics couple the samples, so no per-sample sum: doubling every weight doubles
    // the loss and every gradient, exactly (scaling by 2 rounds nothing).
    Model plain = new Net_Networks_BatchNormActivations(6);
    Model weighted = new Net_Networks_BatchNormActivations(6);
    RandomBatch data = new RandomBatch(plain, BATCH, 13);
    float[] twos = new float[BATCH];
    Arrays.fill(twos, 2f);
    double loss = plain.forwardBackward(data.x, 0, data.labels, null, BATCH, 1f / BATCH);
    double doubled =
        weighted.forwardBackward(data.x, 0, data.labels, null, twos, BATCH, 1f / BATCH);
    assertEquals(2 * loss, doubled, 0.0);
    float[] g = gradients(plain);
    float[] g2 = gradients(weighted);
    for (int e = 0; e < g.length; e++) {
      assertEquals(2 * g[e], g2[e], 0f, "gradient element " + e);
    }
  }

  @ParameterizedTest
  @MethodSource("networks")
  void workerThreadsAgreeWithOne(LongFunction<Model> network) {
    List<ParallelGradients.Split> splits = network.apply(5) instanceof SplitNetwork
        ? List.of(ParallelGradients.Split.ROWS, ParallelGradients.Split.BATCH)
        : List.of(ParallelGradients.Split.BATCH);
    for (ParallelGradients.Split how : splits) {
      Model serial = network.apply(5);
      Model shared = network.apply(5);
      RandomBatch data = new RandomBatch(serial, 30, 14);
      float[] weights = weights(30, 6);
      double loss = serial.forwardBackward(
          data.x, 3, data.labels, data.targets, weights, 25, 1f / 25);
      try (ParallelGradients parallel = ParallelGradients.of(shared, 3, how)) {
        double parallelLoss =
            parallel.computeGradients(data.x, 3, data.labels, data.targets, weights, 25);
        assertEquals(loss, parallelLoss, 1e-5 * Math.max(1, Math.abs(loss)), how + " loss");
      }
      float[] expected = gradients(serial);
      float[] actual = gradients(shared);
      for (int e = 0; e < expected.length; e++) {
        assertEquals(expected[e], actual[e], 1e-5 + 1e-4 * Math.abs(expected[e]),
            serial.name() + ", " + how + ", gradient element " + e);
      }
    }
  }

  @Test
  void badWeightsAreRefusedBeforeAnythingChanges() {
    Model net = new Net_Networks_BatchNormActivations(7);
    RandomBatch data = new RandomBatch(net, BATCH, 15);
    float[] buffers = net.buffers().get(0).toArray();
    float[] short3 = new float[3];
    float[] negative = weights(BATCH, 1);
    negative[2] = -1;
    float[] nan = weights(BATCH, 1);
    nan[5] = Float.NaN;
    float[] infinite = weights(BATCH, 1);
    infinite[0] = Float.POSITIVE_INFINITY;
    String[] messages = {
      "weights must hold a weight for each of samples [0, 7), but has 3 values",
      "weight of sample 2 must be a finite number of at least 0, but was -1.0",
      "weight of sample 5 must be a finite number of at least 0, but was NaN",
      "weight of sample 0 must be a finite number of at least 0, but was Infinity"
    };
    float[][] bad = {short3, negative, nan, infinite};
    for (int k = 0; k < bad.length; k++) {
      float[] w = bad[k];
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> net.forwardBackward(data.x, 0, data.labels, null, w, BATCH, 1f / BATCH));
      assertEquals(messages[k], e.getMessage());
      try (ParallelGradients parallel = ParallelGradients.of(net, 2)) {
        e = assertThrows(IllegalArgumentException.class,
            () -> parallel.computeGradients(data.x, 0, data.labels, null, w, BATCH));
        assertEquals(messages[k], e.getMessage());
      }
    }
    // The running statistics did not move.
    assertArrayEquals(buffers, net.buffers().get(0).toArray());
  }

  private static float[] weights(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] w = new float[n];
    for (int i = 0; i < n; i++) {
      w[i] = (float) random.nextDouble(0.1, 3);
    }
    return w;
  }

  private static int size(Model net) {
    int size = 0;
    for (Parameter p : net.parameters()) {
      size += p.size();
    }
    return size;
  }

  /** Every parameter's gradient, in order, as one array. */
  private static float[] gradients(Model net) {
    float[] out = new float[size(net)];
    int at = 0;
    for (Parameter p : net.parameters()) {
      for (int e = 0; e < p.size(); e++) {
        out[at++] = p.gradient(e);
      }
    }
    return out;
  }
}
