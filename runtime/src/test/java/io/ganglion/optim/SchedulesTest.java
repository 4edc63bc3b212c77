package io.ganglion.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each learning-rate schedule's values over epochs. */
final class SchedulesTest {
  private static double[] rates(LearningRateSchedule schedule, int epochs, double initial) {
    double[] out = new double[epochs];
    for (int e = 0; e < epochs; e++) {
      out[e] = schedule.learningRate(e, initial);
    }
    return out;
  }

  private static void assertRates(double[] expected, double[] actual) {
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-12, "epoch " + i);
    }
  }

  @Test
  void constant() {
    assertRates(new double[] {0.1, 0.1, 0.1}, rates(LearningRateSchedule.constant(), 3, 0.1));
  }

  @Test
  void stepDecaysEveryStepSizeEpochs() {
    assertRates(new double[] {1, 1, 0.5, 0.5, 0.25, 0.25, 0.125},
        rates(LearningRateSchedule.step(2, 0.5), 7, 1));
  }

  @Test
  void exponential() {
    assertRates(new double[] {2, 1.8, 1.62, 1.458},
        rates(LearningRateSchedule.exponential(0.9), 4, 2));
  }

  @Test
  void cosineAnnealsToTheMinimumAndStaysThere() {
    double[] r = rates(LearningRateSchedule.cosine(4, 0.1), 7, 1.1);
    double half = Math.sqrt(0.5);
    assertRates(new double[] {1.1, 0.1 + (1 + half) / 2, 0.6, 0.1 + (1 - half) / 2, 0.1, 0.1, 0.1},
        r);
  }

  @Test
  void warmupRampsLinearlyThenHandsOver() {
    LearningRateSchedule s =
        LearningRateSchedule.warmup(4, 0.2, LearningRateSchedule.exponential(0.5));
    assertRates(new double[] {0.2, 0.4, 0.6, 0.8, 1, 0.5, 0.25}, rates(s, 7, 1));
  }

  @Test
  void reduceOnPlateauWaitsPatienceEpochsThenReduces() {
    ReduceOnPlateau s = ReduceOnPlateau.of(0.5, 2).minDelta(0.01).minimum(0.15);
    double[] valLoss = {1.0, 0.9, 0.895, 0.89, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7};
    // 0.895 and 0.89 are within min delta of the best 0.9: two bad epochs, reduce after epoch 3.
    double[] expected = {1, 1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.15, 0.15};
    double[] actual = new double[valLoss.length];
    for (int e = 0; e < valLoss.length; e++) {
      actual[e] = s.learningRate(e, 1);
      s.epochEnded(e, Map.of("loss", 5.0, "val_loss", valLoss[e]));
    }
    assertRates(expected, actual);
    s.reset();
    assertEquals(1, s.learningRate(0, 1));
  }

  @Test
  void reduceOnPlateauCoolsDownAndWatchesAccuracyUpwards() {
    ReduceOnPlateau s = ReduceOnPlateau.of(0.1, 1).monitor("val_accuracy").cooldown(2);
    double[] accuracy = {0.5, 0.6, 0.6, 0.6, 0.6, 0.6, 0.7};
    // Reduced after epoch 2; the cooldown counts down from the next check, as Keras's does, so
    // epoch 3 is ignored and epoch 4 is the next bad one.
    double[] expected = {1, 1, 1, 0.1, 0.1, 0.01, 0.01};
    for (int e = 0; e < accuracy.length; e++) {
      assertEquals(expected[e], s.learningRate(e, 1), 1e-12, "epoch " + e);
      s.epochEnded(e, Map.of("val_accuracy", accuracy[e]));
    }
  }

  @Test
  void reduceOnPlateauFallsBackToTrainingLossWithoutValidation() {
    ReduceOnPlateau s = ReduceOnPlateau.of(0.5, 0);
    s.learningRate(0, 1);
    s.epochEnded(0, Map.of("loss", 1.0));
    s.epochEnded(1, Map.of("loss", 1.0));
    assertEquals(0.5, s.learningRate(2, 1), 1e-12);
    ReduceOnPlateau accuracy = ReduceOnPlateau.of(0.5, 0).monitor("val_accuracy");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> accuracy.epochEnded(0, Map.of("loss", 1.0)));
    assertEquals("ReduceOnPlateau must monitor a metric that training reports, but"
        + " 'val_accuracy' is not among [loss]", e.getMessage());
  }
}
