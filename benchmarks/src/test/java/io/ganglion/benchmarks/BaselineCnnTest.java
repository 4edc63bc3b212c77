package io.ganglion.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ganglion.Model;
import io.ganglion.Parameter;
import io.ganglion.optim.Sgd;
import org.junit.jupiter.api.Test;

/**
 * The hand-written {@link BaselineCnn} computes what Ganglion's generated {@link Networks.Cnn}
 * computes: from the same weights (copied from Ganglion in PyTorch order), the same loss and
 * gradients on a batch of 64, and the same weights after SGD steps. No timing.
 */
class BaselineCnnTest {
  private static final int BATCH = 64;
  private static final String[] NAMES = {"conv1.weight", "conv1.bias", "conv2.weight",
      "conv2.bias", "hidden.weight", "hidden.bias", "logits.weight", "logits.bias"};

  private final Data data = Data.of(Workload.named("mnist-mlp"));

  @Test
  void sameLossAndGradientsAsGanglionFromTheSameWeights() {
    Model model = new Net_Networks_Cnn(Networks.SEED);
    BaselineCnn baseline = new BaselineCnn();
    baseline.copyWeightsFrom(model);
    for (String name : NAMES) {
      assertClose(model.parameter(name).toArray(), baseline.weights(name), 0, name);
    }

    double ganglionLoss = model.forwardBackward(data.inputs(), BATCH, data.labels(), null, BATCH,
        1f / BATCH) / BATCH;
    double baselineLoss = baseline.forwardBackward(data.inputs(), BATCH, data.labels(), BATCH)
        / BATCH;
    assertTrue(ganglionLoss > 1 && ganglionLoss < 10, "an untrained loss: " + ganglionLoss);
    assertEquals(ganglionLoss, baselineLoss, 1e-5 * ganglionLoss);

    for (String name : NAMES) {
      Parameter p = model.parameter(name);
      float[] ganglion = new float[p.size()];
      p.copyGradientTo(ganglion);
      float[] sum = baseline.gradientSum(name);
      float[] mean = new float[sum.length];
      for (int i = 0; i < sum.length; i++) {
        mean[i] = sum[i] / BATCH;
      }
      assertTrue(maxAbs(ganglion) > 0, name + " has a gradient");
      assertClose(ganglion, mean, 1e-4 * maxAbs(ganglion), name + " gradient");
    }
  }

  @Test
  void sameWeightsAfterTrainingSteps() {
    Model model = new Net_Networks_Cnn(Networks.SEED);
    BaselineCnn baseline = new BaselineCnn();
    baseline.copyWeightsFrom(model);
    Sgd sgd = Sgd.of(0.01);
    for (int step = 0; step < 3; step++) {
      model.forwardBackward(data.inputs(), step * BATCH, data.labels(), null, BATCH,
          1f / BATCH);
      sgd.step(model.parameters());
      baseline.trainStep(data.inputs(), step * BATCH, data.labels(), BATCH, 0.01f);
    }
    for (String name : NAMES) {
      float[] ganglion = model.parameter(name).toArray();
      assertClose(ganglion, baseline.weights(name), 1e-6f + 1e-5f * maxAbs(ganglion), name);
    }
  }

  private static void assertClose(float[] expected, float[] actual, double tolerance,
      String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      int at = i;
      assertTrue(Math.abs(expected[i] - actual[i]) <= tolerance,
          () -> what + "[" + at + "]: ganglion " + expected[at] + ", baseline " + actual[at]
              + ", tolerance " + tolerance);
    }
  }

  private static float maxAbs(float[] values) {
    float max = 0;
    for (float v : values) {
      max = Math.max(max, Math.abs(v));
    }
    return max;
  }
}
