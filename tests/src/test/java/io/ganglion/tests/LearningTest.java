package io.ganglion.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ganglion.Model;
import io.ganglion.Parameter;
import io.ganglion.data.Dataset;
import io.ganglion.optim.Sgd;
import io.ganglion.train.History;
import io.ganglion.train.Trainer;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Generated networks learn: XOR, a 3-class problem on held-out data, bit-identical reruns. */
class LearningTest {

  @Test
  void xorIsLearnedExactly() {
    float[] x = {0, 0, 0, 1, 1, 0, 1, 1};
    int[] y = {0, 1, 1, 0};
    Net_Networks_Xor net = new Net_Networks_Xor(42);
    History history =
        Trainer.of(net)
            .optimizer(Sgd.of(0.5, 0.9))
            .batchSize(4)
            .epochs(500)
            .verbose(0)
            .fit(Dataset.ofLabels(x, 2, y));
    List<Double> loss = history.loss();
    assertTrue(loss.get(loss.size() - 1) < 0.05, "final loss " + loss.get(loss.size() - 1));
    assertTrue(loss.get(loss.size() - 1) < loss.get(0) / 10, "loss did not fall: " + loss);
    for (int s = 0; s < 4; s++) {
      float[] input = {x[2 * s], x[2 * s + 1]};
      assertEquals(y[s], net.classify(input), "sample " + s);
      float p = net.predict(input)[0];
      assertTrue(y[s] == 1 ? p > 0.9f : p < 0.1f, "probability " + p + " for sample " + s);
    }
  }

  @Test
  void threeClassesAreSeparatedOnHeldOutData() {
    Dataset train = blobs(600, 1);
    Dataset test = blobs(300, 2);
    Net_Networks_Blobs net = new Net_Networks_Blobs(3);
    History history =
        Trainer.of(net).optimizer(Sgd.of(0.05, 0.9)).batchSize(16).epochs(30).seed(5)
            .verbose(0).fit(train);
    assertTrue(
        history.loss().get(history.epochs() - 1) < history.loss().get(0),
        "loss did not fall: " + history.loss());
    int[] predicted = net.classifyBatch(test.features());
    int correct = 0;
    for (int n = 0; n < test.size(); n++) {
      if (predicted[n] == test.labels()[n]) {
        correct++;
      }
    }
    double accuracy = correct / (double) test.size();
    assertTrue(accuracy > 0.95, "held-out accuracy " + accuracy);
  }

  @Test
  void l2PenalizesDenseWeightsButNotBatchNormsScale() {
    float[] x = new float[16 * 5];
    float[] t = new float[16 * 2];
    for (int k = 0; k < x.length; k++) {
      x[k] = (float) Math.sin(0.7 * k);
    }
    for (int k = 0; k < t.length; k++) {
      t[k] = (float) Math.cos(0.3 * k);
    }
    Dataset data = Dataset.ofTargets(x, 5, t, 2);
    float[][] plain = trainBatchNormFirst(data, 0);
    float[][] penalized = trainBatchNormFirst(data, 0.5);
    // Parameters in state_dict order: norm.weight, norm.bias, hidden.weight, ...
    assertArrayEquals(plain[0], penalized[0], "batch norm's scale is not a kernel");
    assertArrayEquals(plain[1], penalized[1], "nor is its shift");
    assertFalse(Arrays.equals(plain[2], penalized[2]), "a dense layer's weight is");
  }

  private static float[][] trainBatchNormFirst(Dataset data, double l2) {
    Net_Networks_BatchNormFirst net = new Net_Networks_BatchNormFirst(3);
    Trainer.of(net).optimizer(Sgd.of(0.1)).l2(l2).batchSize(16).epochs(1).shuffle(false)
        .verbose(0).fit(data);
    return net.parameters().stream().map(Parameter::toArray).toArray(float[][]::new);
  }

  @Test
  void sameSeedGivesBitIdenticalWeights() {
    float[][] first = trainMedium();
    float[][] second = trainMedium();
    for (int k = 0; k < first.length; k++) {
      assertArrayEquals(first[k], second[k], "parameter " + k);
    }
  }

  @Test
  void differentSeedsGiveDifferentWeights() {
    Net_Networks_Medium a = new Net_Networks_Medium(1);
    Net_Networks_Medium b = new Net_Networks_Medium(2);
    assertTrue(a.hidden1.weight(0, 0) != b.hidden1.weight(0, 0));
  }

  private static float[][] trainMedium() {
    SplittableRandom random = new SplittableRandom(9);
    int n = 200;
    float[] x = new float[n * 64];
    int[] y = new int[n];
    for (int k = 0; k < x.length; k++) {
      x[k] = (float) random.nextDouble();
    }
    for (int k = 0; k < n; k++) {
      y[k] = random.nextInt(10);
    }
    Net_Networks_Medium net = new Net_Networks_Medium(17);
    Trainer.of(net).optimizer(Sgd.of(0.1, 0.5)).batchSize(32).epochs(3).seed(4).verbose(0)
        .fit(Dataset.ofLabels(x, 64, y));
    List<Parameter> parameters = net.parameters();
    float[][] values = new float[parameters.size()][];
    for (int k = 0; k < values.length; k++) {
      values[k] = parameters.get(k).toArray();
    }
    return values;
  }

  /** Three Gaussian blobs in the plane, centers on a circle of radius 2, standard deviation 0.5. */
  static Dataset blobs(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] x = new float[2 * n];
    int[] y = new int[n];
    for (int s = 0; s < n; s++) {
      int c = s % 3;
      double angle = 2 * Math.PI * c / 3;
      y[s] = c;
      x[2 * s] = (float) (2 * Math.cos(angle) + 0.5 * gaussian(random));
      x[2 * s + 1] = (float) (2 * Math.sin(angle) + 0.5 * gaussian(random));
    }
    return Dataset.ofLabels(x, 2, y);
  }

  private static double gaussian(SplittableRandom random) {
    double u1 = 1 - random.nextDouble();
    double u2 = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
}
