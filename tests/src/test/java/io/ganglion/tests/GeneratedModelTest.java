package io.ganglion.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ganglion.Activation;
import io.ganglion.Layer;
import io.ganglion.Model;
import io.ganglion.Parameter;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The generated class's surface: shapes, views, predictions, replicas, errors, allocation. */
class GeneratedModelTest {

  @Test
  void layersAreInSourceOrderWithViewsAssigned() {
    Net_Networks_MseRegression net = new Net_Networks_MseRegression(1);
    List<Layer> layers = net.layers();
    assertEquals(List.of("zeta", "alpha", "mid"), layers.stream().map(Layer::name).toList());
    assertSame(layers.get(0), net.zeta);
    assertEquals(Activation.LEAKY_RELU, net.alpha.activation());
    assertArrayEquals(new int[] {12}, net.alpha.inputShape());
    assertArrayEquals(new int[] {4}, net.alpha.outputShape());
    assertEquals(
        List.of("zeta.weight", "alpha.weight", "alpha.bias", "mid.weight"),
        net.parameters().stream().map(Parameter::name).toList());
    assertArrayEquals(new int[] {12, 6}, net.parameter("zeta.weight").shape());
    assertEquals(6 * 12 + 12 * 4 + 4 + 4 * 2, net.parameterCount());
    // Multiply-adds count the weights, not the biases: 6 * 12 + 12 * 4 + 4 * 2 (the summary's).
    assertEquals(6 * 12 + 12 * 4 + 4 * 2, net.multiplyAdds());
    assertEquals(net.parameter("zeta.weight").get(3 * 6 + 5), net.zeta.weight(3, 5));
    assertEquals(0f, net.zeta.bias(0));
    assertTrue(net.summary().contains("zeta"), net.summary());
    assertTrue(net.summary().indexOf("zeta") < net.summary().indexOf("alpha"));
  }

  @Test
  void smallLayersKeepTheirWeightsInOneRowWithTheSameNamesAndShapes() {
    Net_Networks_Boundary net = new Net_Networks_Boundary(3);
    // a (64 weights) and d (5) are written without loops and stored [out][in] in one row; b (104)
    // and c (65) keep the loops' rows by input. The logical view is the same for all four.
    for (String name : List.of("a", "b", "c", "d")) {
      Parameter w = net.parameter(name + ".weight");
      boolean small = name.equals("a") || name.equals("d");
      assertEquals(!small, w.isTransposed(), name);
      assertEquals(small ? 1 : w.shape()[1], w.data().length, name);
    }
    assertArrayEquals(new int[] {8, 8}, net.parameter("a.weight").shape());
    assertArrayEquals(new int[] {1, 5}, net.parameter("d.weight").shape());
    float[] x = new float[8];
    for (int i = 0; i < x.length; i++) {
      x[i] = (i - 3) / 4f;
    }
    double[] a = dense(net.a, toDouble(x));
    for (int j = 0; j < a.length; j++) {
      a[j] = Math.max(a[j], 0);
    }
    double[] b = dense(net.b, a);
    for (int j = 0; j < b.length; j++) {
      b[j] = Math.tanh(b[j]);
    }
    double[] c = dense(net.c, b);
    for (int j = 0; j < c.length; j++) {
      c[j] = 1 / (1 + Math.exp(-c[j]));
    }
    assertEquals(dense(net.d, c)[0], net.predict(x)[0], 1e-6);
  }

  /**
   * A training pass replaces the last pass's gradients rather than adding to them, in every layer
   * of a deep network (each backward pass zeroes the gradients it sums into), and as a first pass
   * on the same batch would have left them.
   */
  @Test
  void aTrainingPassReplacesTheGradientsOfEveryLayer() {
    Net_Networks_Deep net = new Net_Networks_Deep(4);
    float[] x = new float[5 * 16];
    float[] other = new float[5 * 16];
    for (int k = 0; k < x.length; k++) {
      x[k] = (float) Math.sin(k);
      other[k] = (float) Math.cos(3 * k);
    }
    int[] labels = {0, 1, 2, 1, 0};
    net.forwardBackward(x, 0, labels, null, 5, 0.2f);
    List<float[]> first = new ArrayList<>();
    for (Parameter p : net.parameters()) {
      first.add(FiniteDifferences.gradientOf(p));
    }
    net.forwardBackward(other, 0, labels, null, 5, 0.2f);
    net.forwardBackward(x, 0, labels, null, 5, 0.2f);
    int nonZero = 0;
    for (int k = 0; k < first.size(); k++) {
      Parameter p = net.parameters().get(k);
      assertArrayEquals(first.get(k), FiniteDifferences.gradientOf(p), p.name());
      for (float g : first.get(k)) {
        nonZero += g != 0 ? 1 : 0;
      }
    }
    assertEquals(65 * 2 + 8 * 2, first.size());
    assertTrue(nonZero > first.size() * 8, "only " + nonZero + " gradient elements are not zero");
  }

  @Test
  void predictMatchesAHandWrittenForwardPass() {
    Net_Networks_SoftmaxTanhSigmoid net = new Net_Networks_SoftmaxTanhSigmoid(5);
    float[] x = new float[9];
    for (int i = 0; i < x.length; i++) {
      x[i] = (i - 4) / 3f;
    }
    double[] h1 = dense(net.hidden1, toDouble(x));
    for (int j = 0; j < h1.length; j++) {
      h1[j] = Math.tanh(h1[j]);
    }
    double[] h2 = dense(net.hidden2, h1);
    for (int j = 0; j < h2.length; j++) {
      h2[j] = 1 / (1 + Math.exp(-h2[j]));
    }
    double[] z = dense(net.logits, h2);
    double sum = 0;
    for (double v : z) {
      sum += Math.exp(v);
    }
    float[] p = net.predict(x);
    for (int j = 0; j < z.length; j++) {
      assertEquals(Math.exp(z[j]) / sum, p[j], 1e-6);
    }
    int argmax = 0;
    for (int j = 1; j < p.length; j++) {
      argmax = p[j] > p[argmax] ? j : argmax;
    }
    assertEquals(argmax, net.classify(x));
  }

  @Test
  void classifyWithOutputsGivesPredictsOutputsAndClassifysClass() {
    List<Model> nets =
        List.of(new Net_Networks_Medium(3), new Net_Networks_SoftmaxTanhSigmoid(3),
            new Net_Networks_Xor(3), new Net_Networks_MseRegression(3),
            new Net_Networks_ConvValidMaxPool(3));
    for (Model net : nets) {
      float[] x = new float[net.inputSize()];
      float[] out = new float[net.outputSize()];
      for (int sample = 0; sample < 40; sample++) {
        for (int i = 0; i < x.length; i++) {
          x[i] = (float) Math.sin(sample * 1.7 + i * 0.31) * (1 + sample % 4);
        }
        int label = net.classify(x, out);
        assertArrayEquals(net.predict(x), out, net.name() + " sample " + sample);
        assertEquals(net.classify(x), label, net.name() + " sample " + sample);
      }
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> net.classify(x, new float[net.outputSize() - 1]));
      assertTrue(e.getMessage().contains("output must have room for " + net.outputSize()),
          e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> net.classify(new float[net.inputSize() + 1], out));
      assertTrue(e.getMessage().contains("input"), e.getMessage());
      // A NaN input has NaN outputs (as in PyTorch), and so no class: refused, not class 0. (An
      // infinite one may saturate a tanh or sigmoid into a number, as in PyTorch, and then has.)
      {
        x[x.length / 2] = Float.NaN;
        assertTrue(Float.isNaN(net.predict(x)[0]), net.name());
        e = assertThrows(IllegalArgumentException.class, () -> net.classify(x), net.name());
        assertTrue(e.getMessage().startsWith("the output for the input must be a number to give"
            + " a class, but output 0 was NaN"), e.getMessage());
        float[] batch = new float[3 * x.length];
        System.arraycopy(x, 0, batch, 2 * x.length, x.length);
        e = assertThrows(IllegalArgumentException.class,
            () -> net.classifyBatch(batch, 1, 2, new int[2]), net.name());
        assertTrue(e.getMessage().startsWith("the output for sample 2 must be a number"),
            e.getMessage());
      }
    }
  }

  @Test
  void batchedPredictionEqualsOneAtATimeAcrossChunks() {
    Net_Networks_Medium net = new Net_Networks_Medium(8);
    int count = 300;
    float[] x = new float[(count + 2) * 64];
    for (int k = 0; k < x.length; k++) {
      x[k] = (float) Math.sin(k * 0.37);
    }
    float[] batch = new float[count * 10];
    net.predictBatch(x, 2, count, batch);
    int[] classes = new int[count];
    net.classifyBatch(x, 2, count, classes);
    float[] one = new float[64];
    for (int n = 0; n < count; n++) {
      System.arraycopy(x, (n + 2) * 64, one, 0, 64);
      float[] p = net.predict(one);
      for (int j = 0; j < 10; j++) {
        assertEquals(p[j], batch[n * 10 + j], 1e-6, "sample " + n);
      }
      assertEquals(net.classify(one), classes[n]);
    }
  }

  /**
   * Infinite logits: classify alone picks the first of them (the largest), but the probabilities
   * that classify(input, output) writes are NaN (softmax subtracts the largest, infinity minus
   * infinity), and it does not answer with them.
   */
  @Test
  void classifyWithProbabilitiesRefusesTheNaNOfInfiniteLogits() {
    Net_Networks_Medium net = new Net_Networks_Medium(3);
    for (io.ganglion.Parameter p : net.parameters()) {
      float[] huge = new float[p.size()];
      java.util.Arrays.fill(huge, 1e20f);
      p.copyFrom(huge);
    }
    float[] x = new float[64];
    java.util.Arrays.fill(x, 1f);
    assertEquals(0, net.classify(x));
    float[] out = new float[10];
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> net.classify(x, out));
    assertTrue(e.getMessage().startsWith("the output for the input must be a number to give a"
        + " class, but output 0 was NaN"), e.getMessage());
  }

  @Test
  void noSamplesGiveNoPredictions() {
    Net_Networks_Medium net = new Net_Networks_Medium(8);
    assertEquals(0, net.predictBatch(new float[0]).length);
    assertEquals(0, net.classifyBatch(new float[0]).length);
    // An empty slice too, as slicing an empty batch in PyTorch; training on none stays an error.
    net.predictBatch(new float[64 * 2], 2, 0, new float[0]);
    net.classifyBatch(new float[64 * 2], 1, 0, new int[0]);
    // Evaluating none sums no losses (Keras's evaluate of an empty slice); the truth must still be
    // given, exactly one kind of it.
    assertEquals(0.0, net.lossSum(new float[64 * 2], 2, new int[2], null, 0));
    assertEquals(0.0, net.evaluateBatch(new float[0], 0, new int[0], null, 0, new float[0],
        new int[0]));
    try (io.ganglion.train.ParallelGradients parallel =
        io.ganglion.train.ParallelGradients.of(net, 2)) {
      assertEquals(0.0, parallel.evaluateBatch(new float[64], 1, new int[1], null, 0,
          new float[0], new int[0]));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> parallel.evaluateBatch(new float[64], 1, null, null, 0, null, null));
      assertEquals("exactly one of labels and targets must be given, but neither was",
          e.getMessage());
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> net.trainStep(new float[64], new int[1], 0));
    assertEquals("count must be at least 1, but was 0", e.getMessage());
  }

  @Test
  void replicaSharesValuesButNotGradients() {
    Net_Networks_Medium net = new Net_Networks_Medium(8);
    Model replica = net.replica();
    Parameter mine = net.parameter("hidden1.weight");
    Parameter theirs = replica.parameter("hidden1.weight");
    assertSame(mine.data(), theirs.data());
    assertTrue(mine.grad() != theirs.grad());
    float[] x = new float[64];
    x[3] = 1;
    assertArrayEquals(net.predict(x), replica.predict(x));
    replica.trainStep(x, new int[] {4}, 1);
    assertEquals(0f, mine.gradient(0));
  }

  @Test
  void badInputsGiveClearErrors() {
    Net_Networks_Medium net = new Net_Networks_Medium(8);
    IllegalArgumentException wrongLength =
        assertThrows(IllegalArgumentException.class, () -> net.predict(new float[63]));
    assertEquals("input must have 64 values, but had 63", wrongLength.getMessage());
    IllegalArgumentException badLabel =
        assertThrows(
            IllegalArgumentException.class,
            () -> net.trainStep(new float[128], new int[] {1, 10}, 2));
    assertEquals(
        "label of sample 1 must be a class index in [0, 10), but was 10", badLabel.getMessage());
    IllegalArgumentException shortBatch =
        assertThrows(
            IllegalArgumentException.class, () -> net.trainStep(new float[64], new int[2], 2));
    assertTrue(shortBatch.getMessage().startsWith("inputs must hold samples [0, 2)"));
    assertThrows(IllegalArgumentException.class, () -> net.predict(null));
    IllegalArgumentException noLayer =
        assertThrows(IllegalArgumentException.class, () -> net.layer("hidden3"));
    assertEquals(
        "Medium has no layer named 'hidden3'; its layers are [hidden1, hidden2, logits]",
        noLayer.getMessage());
  }

  @Test
  void aGradientScaleThatIsNotFiniteIsRefusedBeforeAnyGradientChanges() {
    Net_Networks_Medium net = new Net_Networks_Medium(8);
    float[] x = new float[64];
    x[5] = 1;
    net.forwardBackward(x, 0, new int[] {3}, null, 1, 1f);
    float[] before = new float[net.parameter("hidden1.weight").size()];
    net.parameter("hidden1.weight").copyGradientTo(before);
    for (float scale : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> net.forwardBackward(x, 0, new int[] {4}, null, 1, scale));
      assertEquals(
          "gradScale must be a finite number (usually 1 / count), but was " + scale,
          e.getMessage());
    }
    float[] after = new float[before.length];
    net.parameter("hidden1.weight").copyGradientTo(after);
    assertArrayEquals(before, after);
  }

  @Test
  void aRandomStateWithNegativeCountsIsRefused() {
    Net_Networks_DropoutBatchNorm net = new Net_Networks_DropoutBatchNorm(8);
    long[] state = net.randomState();
    for (long[] bad :
        List.of(
            new long[] {state[0], -1, state[2]},
            new long[] {state[0], state[1], -1},
            new long[] {state[0], state[1], 1L << 31},
            new long[] {state[0], state[1]})) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> net.setRandomState(bad));
      assertTrue(
          e.getMessage().startsWith("random state must be {seed, dropout steps, replicas}"),
          e.getMessage());
    }
    assertArrayEquals(state, net.randomState());
    net.setRandomState(new long[] {state[0], 7, 2});
    assertArrayEquals(new long[] {state[0], 7, 2}, net.randomState());
  }

  @Test
  void trainingAndInferenceAllocateNothingOnceWarm() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    Net_Networks_Medium net = new Net_Networks_Medium(8);
    float[] x = new float[32 * 64];
    int[] y = new int[32];
    float[] one = new float[64];
    float[] out = new float[10];
    for (int warm = 0; warm < 2000; warm++) {
      net.forwardBackward(x, 0, y, null, 32, 1f / 32);
      net.predict(one, out);
      net.classify(one);
      net.classify(one, out);
    }
    // Until C2 has compiled the kernels (slow on a loaded machine), the interpreter allocates;
    // code that allocates in its steady state allocates in every window, so the best window of
    // several must be zero.
    long thread = Thread.currentThread().getId();
    long best = Long.MAX_VALUE;
    for (int window = 0; window < 200 && best > 0; window++) {
      long before = threads.getThreadAllocatedBytes(thread);
      for (int step = 0; step < 100; step++) {
        net.forwardBackward(x, 0, y, null, 32, 1f / 32);
        net.predict(one, out);
        net.classify(one);
        net.classify(one, out);
      }
      best = Math.min(best, threads.getThreadAllocatedBytes(thread) - before);
    }
    assertEquals(0, best, "bytes allocated by 100 steps and predictions, in the best window");
  }

  private static double[] dense(Layer layer, double[] x) {
    double[] y = new double[layer.units()];
    for (int j = 0; j < y.length; j++) {
      double sum = layer.bias(j);
      for (int i = 0; i < x.length; i++) {
        sum += layer.weight(j, i) * x[i];
      }
      y[j] = sum;
    }
    return y;
  }

  private static double[] toDouble(float[] x) {
    double[] d = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      d[i] = x[i];
    }
    return d;
  }
}
