package io.ganglion.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ganglion.Loss;
import io.ganglion.Model;
import io.ganglion.data.Dataset;
import io.ganglion.optim.Adam;
import io.ganglion.train.History;
import io.ganglion.train.Trainer;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** MAE and Huber: the loss a model reports is the formula's, and training lowers it. */
class ValueLossesTest {
  @Test
  void lossSumIsTheFormulaOverThePredictions() {
    for (Model model : List.of(new Net_Networks_MaeRegression(3),
        new Net_Networks_HuberRegression(3))) {
      int n = 9;
      int outputs = model.outputSize();
      SplittableRandom random = new SplittableRandom(5);
      float[] x = FiniteDifferences.inputs(random, n * model.inputSize());
      float[] t = new float[n * outputs];
      for (int k = 0; k < t.length; k++) {
        t[k] = (float) (4 * random.nextDouble() - 2);
      }
      double expected = 0;
      for (int s = 0; s < n; s++) {
        float[] in = java.util.Arrays.copyOfRange(x, s * model.inputSize(),
            (s + 1) * model.inputSize());
        float[] y = model.predict(in);
        double sample = 0;
        for (int j = 0; j < outputs; j++) {
          double e = Math.abs(y[j] - t[s * outputs + j]);
          sample += model.loss() == Loss.MAE || e > 1 ? e - (model.loss() == Loss.HUBER ? 0.5 : 0)
              : 0.5 * e * e;
        }
        expected += sample / outputs;
      }
      assertEquals(expected, model.lossSum(x, 0, null, t, n), 1e-5 * n, model.name());
    }
  }

  @Test
  void trainingLowersTheLossAndReportsMseAndMae() {
    for (Model model : List.of(new Net_Networks_MaeRegression(1),
        new Net_Networks_HuberRegression(1))) {
      int n = 256;
      int in = model.inputSize();
      int out = model.outputSize();
      SplittableRandom random = new SplittableRandom(8);
      float[] x = new float[n * in];
      float[] t = new float[n * out];
      for (int s = 0; s < n; s++) {
        double sum = 0;
        for (int i = 0; i < in; i++) {
          x[s * in + i] = (float) (2 * random.nextDouble() - 1);
          sum += x[s * in + i] * (i % 3 - 1);
        }
        for (int j = 0; j < out; j++) {
          t[s * out + j] = (float) (sum * (j % 2 == 0 ? 1 : -1));
        }
      }
      Dataset data = Dataset.ofTargets(x, in, t, out);
      History h = Trainer.of(model).optimizer(Adam.of(0.01)).epochs(30).batchSize(16)
          .validationSplit(0.25).verbose(0).fit(data);
      List<Double> loss = h.metric("val_loss");
      assertTrue(loss.get(loss.size() - 1) < 0.5 * loss.get(0), model.name() + " " + loss);
      assertTrue(h.metricNames().containsAll(List.of("val_mse", "val_mae")),
          h.metricNames().toString());
    }
  }
}
