package io.ganglion.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ganglion.Activation;
import io.ganglion.Loss;
import io.ganglion.Model;
import io.ganglion.Parameter;
import io.ganglion.data.Dataset;
import io.ganglion.optim.Adam;
import io.ganglion.optim.LearningRateSchedule;
import io.ganglion.optim.Sgd;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The training loop on hand-written softmax and linear regression models. */
final class TrainerTest {
  private static final Dataset BLOBS = Synthetic.blobs(300, 4, 3, 0.15, 1);
  private static final Dataset BLOBS_VALIDATION = Synthetic.blobs(90, 4, 3, 0.15, 1, 2);

  private static LinearModel softmax(long seed) {
    return LinearModel.create(4, 3, Loss.SOFTMAX_CROSS_ENTROPY, seed);
  }

  @Test
  void softmaxRegressionLearnsTheBlobs() {
    LinearModel model = softmax(7);
    History history = Trainer.of(model).optimizer(Adam.of(0.05)).batchSize(16).epochs(10)
        .validation(BLOBS_VALIDATION).topK(2).trainingAccuracy(true).verbose(0).fit(BLOBS);
    assertEquals(10, history.epochs());
    assertEquals(List.of("loss", "accuracy", "val_loss", "val_accuracy", "val_top2_accuracy", "lr"),
        history.metricNames());
    List<Double> loss = history.loss();
    assertTrue(loss.get(9) < 0.5 * loss.get(0), "loss must fall, but was " + loss);
    assertTrue(history.metric("val_accuracy").get(9) > 0.95, history.toString());
    assertTrue(history.metric("accuracy").get(9) > 0.9, history.toString());
    assertTrue(history.metric("val_top2_accuracy").get(9) >= history.metric("val_accuracy").get(9));
    assertEquals(-1, history.stoppedEpoch());
  }

  @Test
  void linearRegressionReportsRegressionMetrics() {
    Dataset line = Synthetic.line(200, 3, 2);
    LinearModel model = LinearModel.create(3, 1, Loss.MSE, 3);
    History history = Trainer.of(model).optimizer(Sgd.of(0.1, 0.9)).batchSize(20).epochs(30)
        .validationSplit(0.2).verbose(0).fit(line);
    assertEquals(List.of("loss", "val_loss", "val_mse", "val_mae", "lr"), history.metricNames());
    assertTrue(history.metric("val_mse").get(29) < 1e-3, history.toString());
    Evaluation evaluation = Trainer.of(model).evaluate(line);
    assertFalse(evaluation.hasClasses());
    // For one output the loss is the MSE itself.
    assertEquals(evaluation.loss(), evaluation.mse(), 1e-6);
    assertTrue(evaluation.mae() < 0.03, evaluation.toString());
  }

  @Test
  void integerLabelsOfAOneOutputMseModelAreValuesAndGetRegressionMetrics() {
    // t = 2 x0 + x1 + 4 over x in {0..3}^2: labels 4..13, target values rather than classes.
    float[] x = new float[2 * 160];
    int[] t = new int[160];
    for (int s = 0; s < t.length; s++) {
      x[2 * s] = s % 4;
      x[2 * s + 1] = (s / 4) % 4;
      t[s] = (int) (2 * x[2 * s] + x[2 * s + 1] + 4);
    }
    Dataset counts = Dataset.ofLabels(x, 2, t);
    LinearModel model = LinearModel.create(2, 1, Loss.MSE, 3);
    History history = Trainer.of(model).optimizer(Sgd.of(0.02, 0.9)).batchSize(16).epochs(40)
        .trainingAccuracy(true).validation(counts).verbose(0).fit(counts);
    assertEquals(List.of("loss", "mse", "mae", "val_loss", "val_mse", "val_mae", "lr"),
        history.metricNames());
    assertTrue(history.metric("val_mae").get(39) < 0.1, history.toString());
    assertTrue(history.metric("mae").get(39) < 0.1, history.toString());
    // MSE's loss is the mean squared error: the training mse is the loss of the same passes.
    for (int e = 0; e < 40; e++) {
      double loss = history.metric("loss").get(e);
      assertEquals(loss, history.metric("mse").get(e), 1e-5 * (1 + loss), "epoch " + e);
    }
    Evaluation evaluation = Trainer.of(model).evaluate(counts);
    assertFalse(evaluation.hasClasses());
    assertEquals(evaluation.loss(), evaluation.mse(), 1e-6);
    assertEquals(history.metric("val_mse").get(39), evaluation.mse(), 1e-9);
    IllegalStateException wrongMonitor =
        assertThrows(IllegalStateException.class,
            () -> Trainer.of(model).epochs(1).validation(counts)
                .earlyStopping(EarlyStopping.monitor("val_accuracy")).verbose(0).fit(counts));
    assertTrue(wrongMonitor.getMessage().contains("[loss, val_loss, val_mse, val_mae, lr]"),
        wrongMonitor.getMessage());
    // The model decides, not the data: labels that happen to be 0 and 1 are values for it too.
    int[] binary = new int[t.length];
    for (int s = 0; s < t.length; s++) {
      binary[s] = t[s] >= 9 ? 1 : 0;
    }
    assertFalse(Trainer.of(model).evaluate(Dataset.ofLabels(x, 2, binary)).hasClasses());
    // A sigmoid output is a binary classifier: accuracy, and labels other than 0 and 1 refused.
    LinearModel sigmoid = LinearModel.create(2, 1, Loss.MSE, 3, Activation.SIGMOID);
    assertTrue(Trainer.of(sigmoid).evaluate(Dataset.ofLabels(x, 2, binary)).hasClasses());
    IllegalArgumentException notAClass =
        assertThrows(IllegalArgumentException.class, () -> Trainer.of(sigmoid).evaluate(counts));
    assertTrue(notAClass.getMessage().startsWith(
        "data: label of sample 0 must be a class index in [0, 2)"), notAClass.getMessage());
  }

  @Test
  void theL2PenaltyIsInEveryReportedLossAsInKeras() {
    LinearModel model = softmax(4);
    double lambda = 0.05;
    History history = Trainer.of(model).optimizer(Sgd.of(0.1)).l2(lambda).batchSize(16)
        .epochs(2).validation(BLOBS).verbose(0).fit(BLOBS);
    double squares = 0;
    for (float w : model.parameter("linear.weight").toArray()) {
      squares += (double) w * w;
    }
    double plain = Trainer.of(model).evaluate(BLOBS).loss();
    double penalized = Trainer.of(model).l2(lambda).evaluate(BLOBS).loss();
    assertEquals(plain + (float) lambda * squares, penalized, 1e-9);
    assertEquals(penalized, history.metric("val_loss").get(1), 1e-9);
  }

  @Test
  void aModelWrittenByHandNeedNotListItsLayers() {
    for (Loss loss : new Loss[] {Loss.SOFTMAX_CROSS_ENTROPY, Loss.MSE}) {
      Model model = new PoisonedModel(LinearModel.create(4, loss == Loss.MSE ? 1 : 3, loss, 2),
          -1, false);
      Dataset data = loss == Loss.MSE ? Dataset.ofLabels(BLOBS.features(), 4, BLOBS.labels())
          : BLOBS;
      History history = Trainer.of(model).epochs(2).threads(2).validation(data).verbose(0)
          .fit(data);
      assertEquals(2, history.epochs());
      Trainer.of(model).l2(0.01).epochs(1).verbose(0).fit(data);
      assertTrue(Double.isFinite(Trainer.of(model).evaluate(data).loss()));
    }
  }

  @Test
  void topKRanksAnInfiniteOutputAsThePredictedClassDoes() {
    // Linear outputs (MSE, three classes) of {inf, 1, 2} for x = 1: classify picks class 0.
    LinearModel model = LinearModel.create(1, 3, Loss.MSE, 1);
    model.parameters().get(0).copyFrom(new float[] {Float.POSITIVE_INFINITY, 1, 2});
    Dataset data = Dataset.ofLabels(new float[] {1, 1, 1}, 1, new int[] {0, 1, 2});
    Evaluation one = Trainer.of(model).topK(1).evaluate(data);
    assertEquals(1.0 / 3, one.accuracy(), 1e-12);
    assertEquals(one.accuracy(), one.topKAccuracy(), 1e-12);
    // Then class 2, then class 1.
    assertEquals(2.0 / 3, Trainer.of(model).topK(2).evaluate(data).topKAccuracy(), 1e-12);
  }

  @Test
  void topKNeverCountsARowWithANaNOutput() {
    LinearModel model = LinearModel.create(1, 3, Loss.SOFTMAX_CROSS_ENTROPY, 1);
    model.parameters().get(0).copyFrom(new float[] {Float.NaN, 0, 0});
    Evaluation e = Trainer.of(model).topK(2).evaluate(
        Dataset.ofLabels(new float[] {1, 1, 1}, 1, new int[] {0, 1, 2}));
    assertEquals(0, e.topKAccuracy(), 1e-12);
    // A NaN row has no class (classify refuses it): a miss, not class 0, and in no cell.
    assertEquals(0, e.accuracy(), 1e-12);
    assertEquals(0, java.util.Arrays.stream(e.confusionMatrix()).flatMapToInt(
        java.util.Arrays::stream).sum());
  }

  @Test
  void binaryCrossEntropyTargetsGetBinaryAccuracyAsKeras() {
    // Outputs sigmoid(2) = 0.88 and sigmoid(-2) = 0.12 for every sample (multi-label).
    LinearModel model = LinearModel.create(1, 2, Loss.BINARY_CROSS_ENTROPY, 1);
    model.parameters().get(0).copyFrom(new float[2]);
    model.parameters().get(1).copyFrom(new float[] {2, -2});
    Dataset data = Dataset.ofTargets(new float[] {1, 1, 1, 1}, 1,
        new float[] {1, 0, 0, 0, 1, 1, 0.7f, 0.2f}, 2);
    Evaluation e = Trainer.of(model).evaluate(data);
    // Same side of 0.5: 2 + 1 + 1 + 2 of 8 values.
    assertEquals(0.75, e.accuracy(), 1e-12);
    assertEquals(List.of("loss", "accuracy", "mse", "mae"), List.copyOf(e.metrics().keySet()));
    History h = Trainer.of(model).optimizer(Sgd.of(0)).epochs(1).validation(data).verbose(0)
        .earlyStopping(EarlyStopping.monitor("val_accuracy")).fit(data);
    assertEquals(List.of(0.75), h.metric("val_accuracy"));
  }

  @Test
  void topKRanksTiedOutputsByIndexAsThePredictedClassIs() {
    // Logits {120, 10, 0}: the probabilities of classes 1 and 2 both round to 0 as floats.
    LinearModel model = LinearModel.create(1, 3, Loss.SOFTMAX_CROSS_ENTROPY, 1);
    model.parameters().get(0).copyFrom(new float[3]);
    model.parameters().get(1).copyFrom(new float[] {120, 10, 0});
    float[] x = {1, 1, 1, 1};
    Evaluation last = Trainer.of(model).topK(2).evaluate(
        Dataset.ofLabels(x, 1, new int[] {2, 2, 2, 2}));
    assertEquals(0, last.topKAccuracy(), 1e-12); // third of three, as torch.topk on the logits
    Evaluation second = Trainer.of(model).topK(2).evaluate(
        Dataset.ofLabels(x, 1, new int[] {1, 1, 1, 1}));
    assertEquals(1, second.topKAccuracy(), 1e-12);
    // Top-1 is the accuracy, ties and all.
    Evaluation one = Trainer.of(model).topK(1).evaluate(
        Dataset.ofLabels(x, 1, new int[] {0, 1, 2, 0}));
    assertEquals(one.accuracy(), one.topKAccuracy(), 1e-12);
  }

  @Test
  void aMetricAnEpochDidNotReportIsNaNThereSoEveryListHasOneValuePerEpoch() {
    History history = new History();
    history.addEpoch(Map.of("loss", 1.0, "accuracy", 0.5));
    history.addEpoch(Map.of("loss", 0.9));
    assertEquals(List.of(0.5, Double.NaN), history.metric("accuracy"));
    assertEquals(2, history.epochs());
    // A metric first reported later (a run resumed with trainingAccuracy) takes its place in the
    // progress line's order, NaN before.
    History resumed = new History();
    resumed.addEpoch(orderedMetrics("loss", 1.0, "val_loss", 1.1, "lr", 0.1));
    resumed.addEpoch(orderedMetrics("loss", 0.9, "accuracy", 0.6, "val_loss", 1.0,
        "val_top2_accuracy", 0.9, "lr", 0.1));
    assertEquals(List.of("loss", "accuracy", "val_loss", "val_top2_accuracy", "lr"),
        resumed.metricNames());
    assertEquals(List.of(Double.NaN, 0.6), resumed.metric("accuracy"));
  }

  private static Map<String, Double> orderedMetrics(Object... namesAndValues) {
    Map<String, Double> metrics = new java.util.LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      metrics.put((String) namesAndValues[i], (Double) namesAndValues[i + 1]);
    }
    return metrics;
  }

  @Test
  void aPlateauCutAfterTheLastEpochReachesTheOptimizer() {
    // A rate too small to move the loss: every epoch after the first is a plateau (patience 1).
    Sgd sgd = Sgd.of(1e-9);
    History history = Trainer.of(softmax(1)).optimizer(sgd).epochs(3)
        .schedule(io.ganglion.optim.ReduceOnPlateau.of(0.5, 1).monitor("loss"))
        .verbose(0).fit(BLOBS);
    assertEquals(List.of(1e-9, 1e-9, 5e-10), history.metric("lr"));
    // Cut again when epoch 2 ended, as Keras's ReduceLROnPlateau does (it was left at 5e-10).
    assertEquals(2.5e-10, sgd.learningRate(), 1e-24);
  }

  @Test
  void thePlateauCutAfterTheLastEpochIsCheckpointedAndLeavesAListenersRate() throws Exception {
    java.nio.file.Path file = java.nio.file.Files.createTempFile("plateau", ".safetensors");
    try {
      Trainer.of(softmax(1)).optimizer(Sgd.of(1e-9)).epochs(3)
          .schedule(io.ganglion.optim.ReduceOnPlateau.of(0.5, 1).monitor("loss"))
          .checkpoint(file).verbose(0).fit(BLOBS);
      // Resumed from the finished run's checkpoint, nothing is left to run: the rate is the cut
      // one, as after the run itself (the checkpoint was written before the cut).
      Sgd resumed = Sgd.of(1e-9);
      Trainer.of(softmax(1)).optimizer(resumed).epochs(3)
          .schedule(io.ganglion.optim.ReduceOnPlateau.of(0.5, 1).monitor("loss"))
          .resumeFrom(file).verbose(0).fit(BLOBS);
      assertEquals(2.5e-10, resumed.learningRate(), 1e-24);
    } finally {
      java.nio.file.Files.deleteIfExists(file);
    }
    // A listener that sets the rate each epoch keeps it: the schedule's cut is of its own rate.
    Sgd sgd = Sgd.of(1e-9);
    Trainer.of(softmax(1)).optimizer(sgd).epochs(3)
        .schedule(io.ganglion.optim.ReduceOnPlateau.of(0.5, 1).monitor("loss"))
        .listener(new TrainingListener() {
          @Override
          public void epochStarted(int epoch) {
            sgd.setLearningRate(4e-9);
          }
        })
        .verbose(0).fit(BLOBS);
    assertEquals(4e-9, sgd.learningRate(), 1e-24);
  }

  @Test
  void theSameSeedGivesBitIdenticalResults() {
    float[][] weights = new float[3][];
    List<List<Double>> losses = new ArrayList<>();
    long[] seeds = {5, 5, 6};
    for (int run = 0; run < 3; run++) {
      LinearModel model = softmax(11);
      History h = Trainer.of(model).optimizer(Sgd.of(0.1, 0.9).nesterov(true)).batchSize(8)
          .epochs(3).seed(seeds[run]).validationSplit(0.25).verbose(0).fit(BLOBS);
      weights[run] = model.weights();
      losses.add(h.metric("val_loss"));
    }
    assertArrayEquals(weights[0], weights[1]);
    assertEquals(losses.get(0), losses.get(1));
    assertFalse(java.util.Arrays.equals(weights[0], weights[2]),
        "another seed must shuffle differently");
  }

  @Test
  void earlyStoppingStopsAfterPatienceAndRestoresTheBestWeights() {
    LinearModel model = softmax(13);
    float[][] atBest = new float[1][];
    // Learn for three epochs, then scramble the weights once and stop learning: val_loss is best
    // at epoch 2 and worse, and constant, from epoch 3 on.
    TrainingListener scramble = new TrainingListener() {
      @Override
      public void epochStarted(int epoch) {
        if (epoch == 3) {
          for (float[] row : model.parameters().get(0).data()) {
            for (int j = 0; j < row.length; j++) {
              row[j] = (j % 2 == 0 ? 3f : -3f) * (j + 1);
            }
          }
        }
      }

      @Override
      public void epochEnded(int epoch, Map<String, Double> metrics) {
        if (epoch == 2) {
          atBest[0] = model.weights();
        }
      }
    };
    History history = Trainer.of(model).optimizer(Sgd.of(0.5)).batchSize(10).epochs(20)
        .validation(BLOBS_VALIDATION)
        .schedule((epoch, initial) -> epoch < 3 ? initial : 0)
        .earlyStopping(EarlyStopping.monitor("val_loss").patience(3).restoreBestWeights(true))
        .listener(scramble).verbose(0).fit(BLOBS);
    List<Double> val = history.metric("val_loss");
    assertTrue(val.get(0) > val.get(1) && val.get(1) > val.get(2), val.toString());
    assertTrue(val.get(3) > val.get(2), val.toString());
    assertEquals(2, history.bestEpoch());
    assertEquals(5, history.stoppedEpoch());
    assertEquals(6, history.epochs());
    assertArrayEquals(atBest[0], model.weights());
  }

  @Test
  void earlyStoppingWithoutRestoreKeepsTheLastWeights() {
    LinearModel model = softmax(13);
    History history = Trainer.of(model).optimizer(Sgd.of(0.5)).epochs(10)
        .schedule((epoch, initial) -> epoch < 2 ? initial : 0)
        .earlyStopping(EarlyStopping.monitor("loss").minDelta(1e-6).patience(0))
        .verbose(0).fit(BLOBS);
    // Epoch 2 (no learning) measures the weights after epoch 1 and beats epoch 1's running mean;
    // epoch 3 measures the same weights again: no improvement, and patience 0 stops there.
    assertEquals(3, history.stoppedEpoch());
    assertEquals(2, history.bestEpoch());
  }

  @Test
  void verboseEarlyStoppingSaysWhenItStopsAndWhichEpochItRestores() {
    for (boolean verbose : new boolean[] {false, true}) {
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      History history = Trainer.of(softmax(13)).optimizer(Sgd.of(0.5)).epochs(10)
          .schedule((epoch, initial) -> epoch < 2 ? initial : 0)
          .earlyStopping(EarlyStopping.monitor("loss").minDelta(1e-6).patience(0)
              .restoreBestWeights(true).verbose(verbose))
          .verbose(2).progress(new java.io.PrintStream(bytes, true)).fit(BLOBS);
      assertEquals(3, history.stoppedEpoch());
      List<String> lines = List.of(bytes.toString().split("\n"));
      assertEquals(verbose ? 6 : 4, lines.size(), lines.toString());
      assertTrue(lines.get(3).startsWith("Epoch 4/10 - "), lines.toString());
      if (verbose) {
        assertEquals("Epoch 4: early stopping", lines.get(4));
        assertEquals("Restoring model weights from the end of the best epoch: 3.", lines.get(5));
      }
    }
  }

  @Test
  void earlyStoppingStartsFromAnEpochAndWaitsOnlyForImprovementsBeyondTheBaseline() {
    // As above: the loss improves in epochs 0-2 and stays the same from epoch 3 on.
    java.util.function.Function<EarlyStopping, History> run = stopping ->
        Trainer.of(softmax(13)).optimizer(Sgd.of(0.5)).epochs(10)
            .schedule((epoch, initial) -> epoch < 2 ? initial : 0)
            .earlyStopping(stopping).verbose(0).fit(BLOBS);
    // Epochs 0-4 are not watched: epoch 5 is the first (and best), epoch 6 stops (patience 0).
    History late = run.apply(EarlyStopping.monitor("loss").minDelta(1e-6).startFromEpoch(5));
    assertEquals(6, late.stoppedEpoch());
    assertEquals(5, late.bestEpoch());
    // Patience 2: without a baseline (or with one every epoch beats) epochs 3 and 4 do not
    // improve and 4 stops; with a baseline no epoch beats, the improving epochs 0-2 already count.
    EarlyStopping two = EarlyStopping.monitor("loss").minDelta(1e-6).patience(2);
    assertEquals(4, run.apply(two).stoppedEpoch());
    assertEquals(4, run.apply(EarlyStopping.monitor("loss").minDelta(1e-6).patience(2)
        .baseline(100)).stoppedEpoch());
    History unbeaten = run.apply(EarlyStopping.monitor("loss").minDelta(1e-6).patience(2)
        .baseline(0));
    assertEquals(3, unbeaten.stoppedEpoch());
    assertEquals(2, unbeaten.bestEpoch());
    assertThrows(IllegalArgumentException.class,
        () -> EarlyStopping.monitor("loss").baseline(Double.NaN));
    assertThrows(IllegalArgumentException.class,
        () -> EarlyStopping.monitor("loss").startFromEpoch(-1));
  }

  @Test
  void aNanLossStopsTrainingAndRestoresTheBestWeights() {
    LinearModel model = softmax(17);
    float[][] afterFirstEpoch = new float[1][];
    // 300 samples in batches of 100: three steps per epoch; the 5th call is epoch 2, step 2.
    Model poisoned = new PoisonedModel(model, 5);
    TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
        () -> Trainer.of(poisoned).optimizer(Sgd.of(0.1)).batchSize(100).epochs(3)
            .listener(new TrainingListener() {
              @Override
              public void epochEnded(int epoch, Map<String, Double> metrics) {
                afterFirstEpoch[0] = model.weights();
              }
            })
            .verbose(0).fit(BLOBS));
    assertEquals(1, e.epoch());
    assertEquals(1, e.step());
    assertEquals(1, e.history().epochs());
    assertEquals(String.format(java.util.Locale.ROOT,
        "training diverged in epoch 2/3 at step 2/3: the loss was NaN; restored the weights of"
            + " epoch 1 (best loss %.4f); try a learning rate lower than 0.1000",
        e.history().loss().get(0)), e.getMessage());
    assertArrayEquals(afterFirstEpoch[0], model.weights());
  }

  @Test
  void aTooHighLearningRateIsCaughtBeforeTheFirstEpochEnds() {
    LinearModel model = LinearModel.create(3, 1, Loss.MSE, 3);
    float[] initial = model.weights();
    Dataset line = Synthetic.line(200, 3, 2);
    TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
        () -> Trainer.of(model).optimizer(Sgd.of(1e4)).batchSize(4).verbose(0).fit(line));
    assertEquals(0, e.epoch());
    assertTrue(e.getMessage().contains("restored the weights from before training"),
        e.getMessage());
    assertTrue(e.getMessage().contains("try a learning rate lower than 1.000e+04"),
        e.getMessage());
    assertArrayEquals(initial, model.weights());
  }

  @Test
  void listenersHearEpochsAndBatchesInOrder() {
    List<String> events = new ArrayList<>();
    Trainer.of(softmax(1)).batchSize(128).epochs(2).verbose(0).listener(new TrainingListener() {
      @Override
      public void epochStarted(int epoch) {
        events.add("start " + epoch);
      }

      @Override
      public void batchEnded(int epoch, int batch, double loss) {
        events.add("batch " + epoch + "." + batch);
      }

      @Override
      public void epochEnded(int epoch, Map<String, Double> metrics) {
        events.add("end " + epoch + " " + metrics.keySet());
      }
    }).fit(BLOBS);
    assertEquals(List.of("start 0", "batch 0.0", "batch 0.1", "batch 0.2", "end 0 [loss, lr]",
        "start 1", "batch 1.0", "batch 1.1", "batch 1.2", "end 1 [loss, lr]"), events);
  }

  @Test
  void probabilityRowsReportTheClassesOfTheirLargestEntries() {
    Dataset oneHot = BLOBS.withOneHotTargets(3);
    Dataset validation = BLOBS_VALIDATION.withOneHotTargets(3);
    LinearModel model = softmax(5);
    for (int threads : new int[] {2, 1}) {
      History byLabels = Trainer.of(softmax(5)).optimizer(Sgd.of(0.3)).batchSize(16).epochs(3)
          .threads(threads).validation(BLOBS_VALIDATION).topK(2).trainingAccuracy(true)
          .verbose(0).fit(BLOBS);
      model = softmax(5);
      History byRows = Trainer.of(model).optimizer(Sgd.of(0.3)).batchSize(16).epochs(3)
          .threads(threads).validation(validation).topK(2).trainingAccuracy(true)
          .earlyStopping(EarlyStopping.monitor("val_accuracy").patience(5))
          .verbose(0).fit(oneHot);
      // One-hot rows train exactly as their labels (as Keras's categorical accuracy reports
      // them), on one thread or several.
      assertEquals(byLabels.metricNames(), byRows.metricNames());
      for (String name : byLabels.metricNames()) {
        List<Double> expected = byLabels.metric(name);
        List<Double> actual = byRows.metric(name);
        for (int e = 0; e < expected.size(); e++) {
          assertEquals(expected.get(e), actual.get(e), 1e-6,
              name + " in epoch " + e + ", " + threads + " threads");
        }
      }
    }
    Evaluation rows = Trainer.of(model).topK(2).evaluate(validation);
    Evaluation labels = Trainer.of(model).topK(2).evaluate(BLOBS_VALIDATION);
    assertEquals(labels.accuracy(), rows.accuracy());
    assertEquals(labels.topKAccuracy(), rows.topKAccuracy());
    assertArrayEquals(labels.confusionMatrix(), rows.confusionMatrix());
    assertEquals(labels.loss(), rows.loss(), 1e-6);

    // Smoothed rows: the class is the largest entry, here the second of three.
    Dataset smoothed = Dataset.ofTargets(new float[] {0, 0, 0, 0}, 4,
        new float[] {0.25f, 0.5f, 0.25f}, 3);
    Evaluation one = Trainer.of(model).evaluate(smoothed);
    int[][] confusion = one.confusionMatrix();
    int predicted = model.classify(new float[4]);
    assertEquals(1, confusion[1][predicted], java.util.Arrays.deepToString(confusion));
    assertEquals(predicted == 1 ? 1.0 : 0.0, one.accuracy());
  }

  @Test
  void historyRecordsTheRateAListenerSetsAtTheStartOfAnEpoch() {
    Sgd sgd = Sgd.of(0.1);
    List<Double> used = new ArrayList<>();
    History history = Trainer.of(softmax(1)).optimizer(sgd).batchSize(128).epochs(4).verbose(0)
        .listener(new TrainingListener() {
          @Override
          public void epochStarted(int epoch) {
            sgd.setLearningRate(0.1 / (1 + epoch)); // as Keras's LearningRateScheduler
          }

          @Override
          public void batchEnded(int epoch, int batch, double loss) {
            if (batch == 0) {
              used.add(sgd.learningRate());
            }
          }
        }).fit(BLOBS);
    assertEquals(List.of(0.1, 0.05, 0.1 / 3, 0.025), used);
    assertEquals(used, history.metric("lr"));
  }

  @Test
  void aListenerCanStopTraining() {
    Trainer trainer = Trainer.of(softmax(1)).epochs(10).verbose(0);
    trainer.listener(new TrainingListener() {
      @Override
      public void epochEnded(int epoch, Map<String, Double> metrics) {
        if (epoch == 1) {
          trainer.requestStop();
        }
      }
    });
    assertEquals(2, trainer.fit(BLOBS).epochs());
  }

  @Test
  void scheduleSetsTheLearningRateOfEachEpoch() {
    Sgd sgd = Sgd.of(0.4);
    History history = Trainer.of(softmax(1)).optimizer(sgd).epochs(4)
        .schedule(LearningRateSchedule.step(1, 0.5)).verbose(0).fit(BLOBS);
    assertEquals(List.of(0.4, 0.2, 0.1, 0.05), history.metric("lr"));
  }

  @Test
  void aPlateauScheduleInsideAWarmUpIsCheckedBeforeTraining() {
    LinearModel model = softmax(1);
    float[] before = model.parameters().get(0).toArray();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> Trainer.of(model).verbose(0).epochs(5).schedule(LearningRateSchedule.warmup(2,
            0.5, io.ganglion.optim.ReduceOnPlateau.of(0.5, 1).monitor("val_accuracy")))
            .fit(BLOBS));
    assertEquals("ReduceOnPlateau must monitor a metric that training reports [loss, lr], but was"
        + " 'val_accuracy'; it is reported with validation data or a validation split",
        e.getMessage());
    assertArrayEquals(before, model.parameters().get(0).toArray());
  }

  /**
   * Without validation data the default val_loss falls back to loss, as documented; a val_loss
   * chosen with monitor() is refused before training, as early stopping and keepBest refuse it.
   */
  @Test
  void aChosenValLossWithoutValidationIsRefusedButTheDefaultFallsBack() {
    LinearModel model = softmax(1);
    float[] before = model.parameters().get(0).toArray();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> Trainer.of(model).verbose(0).epochs(3)
            .schedule(io.ganglion.optim.ReduceOnPlateau.of(0.5, 1).monitor("val_loss"))
            .fit(BLOBS));
    assertEquals("ReduceOnPlateau must monitor a metric that training reports [loss, lr], but was"
        + " 'val_loss'; it is reported with validation data or a validation split",
        e.getMessage());
    assertArrayEquals(before, model.parameters().get(0).toArray());
    io.ganglion.optim.ReduceOnPlateau byDefault = io.ganglion.optim.ReduceOnPlateau.of(0.5, 1);
    assertEquals("loss", byDefault.fallbackMonitor());
    Trainer.of(model).verbose(0).epochs(2).schedule(LearningRateSchedule.warmup(1, 0.5, byDefault))
        .fit(BLOBS);
    // A schedule of the user's that watches val_loss falls back to loss, as before.
    LearningRateSchedule own = new LearningRateSchedule() {
      @Override
      public double learningRate(int epoch, double initial) {
        return initial;
      }

      @Override
      public String monitor() {
        return "val_loss";
      }
    };
    assertEquals("loss", own.fallbackMonitor());
    Trainer.of(model).verbose(0).epochs(1).schedule(own).fit(BLOBS);
  }

  @Test
  void reduceOnPlateauLowersTheRateWhenValidationLossStalls() {
    // No learning after epoch 0: listeners run after the schedule has set the epoch's rate, and
    // this one notes it and zeroes it, so val_loss stays the same from epoch 0 on.
    Sgd sgd = Sgd.of(0.2);
    List<Double> scheduled = new ArrayList<>();
    History history = Trainer.of(softmax(1)).optimizer(sgd).epochs(6)
        .validation(BLOBS_VALIDATION)
        .schedule(io.ganglion.optim.ReduceOnPlateau.of(0.5, 2))
        .listener(new TrainingListener() {
          @Override
          public void epochStarted(int epoch) {
            scheduled.add(sgd.learningRate());
            if (epoch >= 1) {
              sgd.setLearningRate(0);
            }
          }
        })
        .verbose(0).fit(BLOBS);
    // Epochs 1 and 2 are bad (patience 2): epoch 3 is scheduled at half the rate; epochs 3 and 4
    // are bad again: epoch 5 at a quarter. History records the rate the epochs trained with.
    assertEquals(List.of(0.2, 0.2, 0.2, 0.1, 0.1, 0.05), scheduled);
    assertEquals(List.of(0.2, 0.0, 0.0, 0.0, 0.0, 0.0), history.metric("lr"));
  }

  @Test
  void l2AddsItsPenaltyToTheLossAndItsGradientToTheWeights() {
    LinearModel trained = softmax(19);
    LinearModel reference = softmax(19);
    double lambda = 0.01;
    float lr = 0.1f;
    History history = Trainer.of(trained).optimizer(Sgd.of(lr)).batchSize(300).shuffle(false)
        .l2(lambda).verbose(0).fit(BLOBS);
    // One full batch by hand: w -= lr (mean gradient + 2 lambda w); the bias is not decayed.
    double data = reference.forwardBackward(BLOBS.features(), 0, BLOBS.labels(), null, 300,
        1f / 300) / 300;
    Parameter w = reference.parameters().get(0);
    double penalty = 0;
    for (int r = 0; r < w.data().length; r++) {
      for (int j = 0; j < w.data()[r].length; j++) {
        float v = w.data()[r][j];
        penalty += (double) v * v;
        w.data()[r][j] = v - lr * (w.grad()[r][j] + 2 * (float) lambda * v);
      }
    }
    float[] b = reference.parameters().get(1).data()[0];
    for (int j = 0; j < b.length; j++) {
      b[j] -= lr * reference.parameters().get(1).grad()[0][j];
    }
    assertArrayEquals(reference.weights(), trained.weights(), 1e-6f);
    assertEquals(data + lambda * penalty, history.loss().get(0), 1e-6);
  }

  @Test
  void evaluateGivesAccuracyPerClassAccuracyAndConfusionMatrix() {
    LinearModel model = LinearModel.create(1, 3, Loss.SOFTMAX_CROSS_ENTROPY, 1);
    // Logit of class c is c * x: x > 0 picks class 2, x < 0 picks class 0.
    model.parameters().get(0).copyFrom(new float[] {0, 1, 2});
    Dataset data = Dataset.ofLabels(new float[] {1, 1, -1, 1, -1, -1}, 1,
        new int[] {2, 2, 0, 1, 1, 0});
    Evaluation e = Trainer.of(model).topK(2).evaluate(data);
    assertEquals(6, e.samples());
    assertEquals(4.0 / 6, e.accuracy(), 1e-12);
    assertArrayEquals(new int[][] {{2, 0, 0}, {1, 0, 1}, {0, 0, 2}}, e.confusionMatrix());
    assertArrayEquals(new double[] {1, 0, 1}, e.perClassAccuracy(), 1e-12);
    // Precision by column; class 1 is never predicted. F1 = 2 tp / (2 tp + fp + fn).
    assertArrayEquals(new double[] {2.0 / 3, Double.NaN, 2.0 / 3}, e.perClassPrecision(), 1e-12);
    assertArrayEquals(new double[] {0.8, 0, 0.8}, e.perClassF1(), 1e-12);
    // The report shows (and averages) the undefined precision as 0, as scikit-learn does.
    assertTrue(e.toString().contains(
        "\n           1     0.0000    0.0000    0.0000         2\n"), e.toString());
    // Class 1 is second-best for every sample.
    assertEquals(1, e.topKAccuracy(), 1e-12);
    assertEquals(List.of("loss", "accuracy", "top2_accuracy"), List.copyOf(e.metrics().keySet()));
    assertThrows(IllegalStateException.class, e::mse);
  }

  @Test
  void topKBreaksTiesByIndexAsTheArgmaxDoes() {
    LinearModel model = LinearModel.create(1, 4, Loss.SOFTMAX_CROSS_ENTROPY, 1);
    // Logits (0, x, x, 0): at x = 1 classes 1 and 2 tie for first, 0 and 3 for third. Ranked
    // by index within a tie: 1, 2, 0, 3 (Keras's in_top_k would count 0 and 3 both third).
    model.parameters().get(0).copyFrom(new float[] {0, 1, 1, 0});
    Dataset data = Dataset.ofLabels(new float[] {1, 1, 1, 1}, 1, new int[] {0, 1, 2, 3});
    Evaluation top2 = Trainer.of(model).topK(2).evaluate(data);
    assertEquals(0.5, top2.topKAccuracy(), 1e-12);
    assertEquals(0.25, top2.accuracy(), 1e-12); // the argmax takes the first of a tie: class 1
    assertEquals(0.75, Trainer.of(model).topK(3).evaluate(data).topKAccuracy(), 1e-12);
    assertEquals(0.25, Trainer.of(model).topK(1).evaluate(data).topKAccuracy(), 1e-12);
  }

  @Test
  void aSingleOutputClassifiesByThreshold() {
    LinearModel model = LinearModel.create(1, 1, Loss.MSE, 1, Activation.SIGMOID);
    model.parameters().get(0).copyFrom(new float[] {1});
    // An output of exactly 0.5 is class 0, as Keras's binary_accuracy (y > 0.5) counts it.
    Dataset data = Dataset.ofLabels(
        new float[] {0.9f, 0.2f, 0.6f, 0.4f, 0.5f}, 1, new int[] {1, 0, 0, 1, 0});
    Evaluation e = Trainer.of(model).evaluate(data);
    assertArrayEquals(new int[][] {{2, 1}, {1, 1}}, e.confusionMatrix());
    assertEquals(0.6, e.accuracy(), 1e-12);
  }

  @Test
  void softmaxCrossEntropyTrainsOnProbabilityRowsAsOnLabels() {
    LinearModel onLabels = softmax(3);
    LinearModel onRows = softmax(3);
    Trainer.of(onLabels).verbose(0).epochs(3).batchSize(16).fit(BLOBS);
    History h = Trainer.of(onRows).verbose(0).epochs(3).batchSize(16)
        .fit(BLOBS.withOneHotTargets(3));
    // One-hot rows give the same gradients as their labels; losses agree to rounding.
    for (int k = 0; k < onLabels.parameters().size(); k++) {
      assertArrayEquals(onLabels.parameters().get(k).toArray(),
          onRows.parameters().get(k).toArray(), 1e-6f);
    }
    assertTrue(h.metric("loss").get(2) < h.metric("loss").get(0));
  }

  @Test
  void dataMustFitTheModel() {
    Trainer trainer = Trainer.of(softmax(1)).verbose(0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> trainer.fit(Synthetic.blobs(10, 5, 3, 0.1, 1)));
    assertEquals("training data must have 4 features per sample, the inputs of Linear, but had 5",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> trainer.fit(Dataset.ofTargets(new float[8], 4, new float[4], 2)));
    assertEquals("training data must have 3 targets per sample, the outputs of Linear, but had 2",
        e.getMessage());
    Trainer regression = Trainer.of(LinearModel.create(1, 3, Loss.MSE, 1)).verbose(0);
    e = assertThrows(IllegalArgumentException.class,
        () -> regression.fit(Dataset.ofTargets(new float[4], 2, new float[6], 3)));
    assertEquals("training data must have 1 feature per sample, the inputs of Linear, but had 2",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> regression.fit(Dataset.ofLabels(new float[2], 1, new int[] {1, 5})));
    assertEquals("training data: label of sample 1 must be a class index in [0, 3), the classes"
        + " of Linear, but was 5; for regression, give the values as targets (Dataset.ofTargets,"
        + " or Csv's targetColumns)", e.getMessage());
    IllegalStateException s = assertThrows(IllegalStateException.class,
        () -> Trainer.of(softmax(1)).verbose(0)
            .earlyStopping(EarlyStopping.monitor("val_loss")).fit(BLOBS));
    assertEquals("early stopping must monitor a metric that training reports [loss, lr], but was"
        + " 'val_loss'; it is reported with validation data or a validation split",
        s.getMessage());
    s = assertThrows(IllegalStateException.class,
        () -> Trainer.of(softmax(1)).verbose(0)
            .earlyStopping(EarlyStopping.monitor("accuracy")).fit(BLOBS));
    assertEquals("early stopping must monitor a metric that training reports [loss, lr], but was"
        + " 'accuracy'; it is reported with trainingAccuracy(true)", s.getMessage());
    s = assertThrows(IllegalStateException.class,
        () -> Trainer.of(softmax(1)).verbose(0).validation(BLOBS_VALIDATION)
            .keepBest(java.nio.file.Path.of("unused.safetensors"), "val_top2_accuracy").fit(BLOBS));
    assertEquals("keepBest must watch a metric that training reports [loss, val_loss,"
        + " val_accuracy, lr], but was 'val_top2_accuracy'; it is reported with topK(2)",
        s.getMessage());
    s = assertThrows(IllegalStateException.class,
        () -> Trainer.of(softmax(1)).verbose(0).validation(BLOBS_VALIDATION)
            .schedule(io.ganglion.optim.ReduceOnPlateau.of(0.5, 1).monitor("val_mse"))
            .fit(BLOBS));
    assertEquals("ReduceOnPlateau must monitor a metric that training reports [loss, val_loss,"
        + " val_accuracy, lr], but was 'val_mse'", s.getMessage());
  }

  @Test
  void threadsZeroGoesBackToTheDefault() {
    Trainer trainer = Trainer.of(softmax(1)).threads(3);
    assertEquals(3, trainer.workers(64));
    // A linear 4-3 model has too little work per batch for a second thread by default.
    assertEquals(1, trainer.threads(0).workers(64));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> trainer.threads(-1));
    assertEquals("threads must be from 1 to 256, or 0 for the default, but was -1",
        e.getMessage());
  }

  /**
   * An interrupt stops fit before the next batch, on one thread or two, with a message that says
   * where, keeping the flag: the weights are after 13 steps (10 + 3), between those of one and of
   * two whole epochs, and the same in a second run.
   */
  @Test
  void anInterruptStopsTrainingBeforeTheNextBatch() {
    for (int threads : new int[] {1, 2}) {
      float[][] stopped = new float[2][];
      for (int run = 0; run < 2; run++) {
        LinearModel model = softmax(3);
        Trainer trainer = trainer(model, threads, 5);
        trainer.listener(new TrainingListener() {
          @Override
          public void batchEnded(int epoch, int batch, double loss) {
            if (epoch == 1 && batch == 2) {
              Thread.currentThread().interrupt();
            }
          }
        });
        CancellationException e =
            assertThrows(CancellationException.class, () -> trainer.fit(BLOBS));
        assertTrue(Thread.interrupted(), "the interrupt is kept");
        assertEquals("training was interrupted in epoch 2/5 before step 4/10; the weights are"
            + " those of the last update", e.getMessage());
        stopped[run] = model.weights();
      }
      assertArrayEquals(stopped[0], stopped[1]);
      for (int epochs : new int[] {1, 2}) {
        LinearModel whole = softmax(3);
        trainer(whole, threads, epochs).fit(BLOBS);
        assertFalse(Arrays.equals(stopped[0], whole.weights()), epochs + " epochs");
      }
    }
  }

  private static Trainer trainer(LinearModel model, int threads, int epochs) {
    return Trainer.of(model).optimizer(Sgd.of(0.1)).batchSize(30).epochs(epochs)
        .threads(threads).verbose(0);
  }

  /** Cancelling a fit that runs in an executor ends its thread's work. */
  @Test
  void cancellingAFitInAnExecutorEndsIt() throws Exception {
    ExecutorService executor = Executors.newSingleThreadExecutor();
    try {
      LinearModel model = softmax(3);
      CountDownLatch started = new CountDownLatch(1);
      Trainer trainer = trainer(model, 2, Integer.MAX_VALUE);
      trainer.listener(new TrainingListener() {
        @Override
        public void epochStarted(int epoch) {
          started.countDown();
        }
      });
      Future<History> run = executor.submit(() -> trainer.fit(BLOBS));
      started.await();
      run.cancel(true);
      executor.shutdown();
      assertTrue(executor.awaitTermination(60, TimeUnit.SECONDS), "the fit ended");
    } finally {
      executor.shutdownNow();
    }
  }

  /**
   * Accumulating the gradients of 3 batches of 10 updates as one batch of 30 does: the same
   * samples (the same shuffled order), the mean of equal means, one optimizer step per group; on
   * one thread and two.
   */
  @Test
  void gradientAccumulationUpdatesAsOneLargerBatch() {
    for (int threads : new int[] {1, 2}) {
      LinearModel accumulated = softmax(9);
      LinearModel large = softmax(9);
      Sgd a = Sgd.of(0.2, 0.9);
      Sgd b = Sgd.of(0.2, 0.9);
      History ha = Trainer.of(accumulated).optimizer(a).batchSize(10).gradientAccumulation(3)
          .epochs(4).threads(threads).verbose(0).fit(BLOBS);
      History hb = Trainer.of(large).optimizer(b).batchSize(30).epochs(4).threads(threads)
          .verbose(0).fit(BLOBS);
      assertEquals(40, a.steps(), "an update per 3 batches");
      assertEquals(b.steps(), a.steps());
      float[] wa = accumulated.weights();
      float[] wb = large.weights();
      for (int k = 0; k < wa.length; k++) {
        assertEquals(wb[k], wa[k], 1e-5 * Math.max(1, Math.abs(wb[k])), "weight " + k);
      }
      // The loss of each epoch is the mean over the same samples, on the same weights.
      for (int e = 0; e < 4; e++) {
        assertEquals(hb.loss().get(e), ha.loss().get(e), 1e-5, "epoch " + e);
      }
      assertFalse(Arrays.equals(wa, softmax(9).weights()), "it trained");
    }
  }

  /** An epoch's last group averages the batches it has; groups do not cross epochs. */
  @Test
  void anEpochsLastGroupAveragesTheBatchesItHas() {
    // 300 samples in batches of 40: 7 of 40 and one of 20, so groups of 3, 3 and 2 batches.
    Sgd sgd = Sgd.of(0.1);
    LinearModel model = softmax(2);
    Trainer.of(model).optimizer(sgd).batchSize(40).gradientAccumulation(3).epochs(2)
        .shuffle(false).verbose(0).fit(BLOBS);
    assertEquals(6, sgd.steps());
    // The last group by hand: the mean of the gradients of samples 240-279 and 280-299 (each
    // the mean of its batch), on the weights after the first two groups of the second epoch.
    LinearModel byHand = softmax(2);
    Sgd manual = Sgd.of(0.1);
    int[][] groups = {{0, 40, 80}, {120, 160, 200}, {240, 280}};
    List<float[]> rows = new ArrayList<>();
    for (Parameter p : byHand.parameters()) {
      rows.addAll(List.of(p.grad()));
    }
    for (int epoch = 0; epoch < 2; epoch++) {
      for (int[] group : groups) {
        float[][] sum = new float[rows.size()][];
        for (int from : group) {
          int count = Math.min(40, 300 - from);
          byHand.forwardBackward(BLOBS.features(), from, BLOBS.labels(), null, count,
              1f / count);
          for (int r = 0; r < sum.length; r++) {
            float[] g = rows.get(r);
            if (sum[r] == null) {
              sum[r] = g.clone();
            } else {
              for (int j = 0; j < g.length; j++) {
                sum[r][j] += g[j];
              }
            }
          }
        }
        for (int r = 0; r < sum.length; r++) {
          float[] g = rows.get(r);
          for (int j = 0; j < g.length; j++) {
            g[j] = sum[r][j] * (1f / group.length);
          }
        }
        manual.step(byHand.parameters());
      }
    }
    assertArrayEquals(byHand.weights(), model.weights());
    assertEquals("gradient accumulation steps must be at least 1 (1: every batch updates), but"
        + " was 0", assertThrows(IllegalArgumentException.class,
            () -> Trainer.of(model).gradientAccumulation(0)).getMessage());
  }

  /** A second thread's call while one runs is refused, rather than waiting forever. */
  @Test
  void aSecondThreadsCallWhileOneRunsIsRefused() throws Exception {
    LinearModel.workerEntered = new java.util.concurrent.CountDownLatch(1);
    LinearModel.workerRelease = new java.util.concurrent.CountDownLatch(1);
    try (ParallelGradients parallel = new ParallelGradients(softmax(1), 2)) {
      double[] first = new double[1];
      Thread caller = new Thread(() ->
          first[0] = parallel.computeGradients(BLOBS.features(), 0, BLOBS.labels(), null, 8));
      caller.start();
      LinearModel.workerEntered.await();
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> parallel.computeGradients(BLOBS.features(), 0, BLOBS.labels(), null, 8));
      assertEquals("computeGradients must be called by one thread at a time and not from inside"
          + " another call, but a call had not returned", e.getMessage());
      assertThrows(IllegalStateException.class, () -> parallel.step(Sgd.of(0.1)));
      assertThrows(IllegalStateException.class, parallel::close);
      LinearModel.workerRelease.countDown();
      caller.join();
      assertTrue(first[0] > 0, "the first call completed");
      LinearModel.workerEntered = null;
      // Once it has returned, the next call runs; after close, calls are refused as closed.
      assertEquals(first[0], parallel.computeGradients(BLOBS.features(), 0, BLOBS.labels(), null,
          8));
      parallel.close();
      assertEquals("computeGradients must not be called after close()",
          assertThrows(IllegalStateException.class, () -> parallel.computeGradients(
              BLOBS.features(), 0, BLOBS.labels(), null, 8)).getMessage());
    } finally {
      LinearModel.workerEntered = null;
      LinearModel.workerRelease = null;
    }
  }

  @Test
  void anInterruptedCallerParksWhileTheWorkersFinishAndKeepsItsFlag() {
    // A slow worker: the caller waits 200 ms. Interrupted, its park returned at once, so it
    // parked (spun) thousands of times; now it parks about once.
    double calm;
    try (ParallelGradients parallel = new ParallelGradients(softmax(1), 2)) {
      calm = parallel.computeGradients(BLOBS.features(), 0, BLOBS.labels(), null, 8);
    }
    LinearModel.replicaBegun = false;
    LinearModel.workerSleepMillis = 200;
    try (ParallelGradients parallel = new ParallelGradients(softmax(1), 2)) {
      Thread.currentThread().interrupt();
      double loss;
      try {
        loss = parallel.computeGradients(BLOBS.features(), 0, BLOBS.labels(), null, 8);
      } finally {
        assertTrue(Thread.interrupted(), "the caller's interrupt flag is kept");
      }
      assertTrue(parallel.parks() < 50, "parks: " + parallel.parks());
      assertEquals(calm, loss, "the same step, interrupted or not");
    } finally {
      LinearModel.workerSleepMillis = 0;
    }
  }

  /**
   * A worker thread that does not run (its core taken by another thread) leaves its slot to a
   * thread that does: with the workers held out, the caller runs every slot of every phase, and
   * the results are those of the workers (the other object's caller takes no slot, so there the
   * workers run theirs). Without taking the held workers' slots, the caller would wait for them
   * forever: hence the timeout, on a thread of its own.
   */
  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void theCallerRunsTheSlotsOfWorkersThatDoNotRun() {
    for (int workers : new int[] {2, 3}) {
      LinearModel free = softmax(5);
      LinearModel held = softmax(5);
      try (ParallelGradients a = new ParallelGradients(free, workers);
          ParallelGradients b = new ParallelGradients(held, workers)) {
        a.callerTakes(false);
        Sgd sgdA = Sgd.of(0.1, 0.9);
        Sgd sgdB = Sgd.of(0.1, 0.9);
        for (int step = 0; step < 6; step++) {
          // Held for the even steps only: held and running workers take turns on one object.
          b.holdWorkers(step % 2 == 0);
          int offset = 8 * step;
          double lossA = a.computeGradients(BLOBS.features(), offset, BLOBS.labels(), null, 8);
          double lossB = b.computeGradients(BLOBS.features(), offset, BLOBS.labels(), null, 8);
          assertEquals(lossA, lossB, "step " + step + " with " + workers + " workers");
          a.step(sgdA);
          b.step(sgdB);
          assertArrayEquals(free.weights(), held.weights(),
              "step " + step + " with " + workers + " workers");
        }
        b.holdWorkers(true);
        float[] outA = new float[3 * 20];
        float[] outB = new float[3 * 20];
        int[] classesA = new int[20];
        int[] classesB = new int[20];
        assertEquals(a.evaluateBatch(BLOBS.features(), 0, BLOBS.labels(), null, 20, outA, classesA),
            b.evaluateBatch(BLOBS.features(), 0, BLOBS.labels(), null, 20, outB, classesB));
        assertArrayEquals(outA, outB);
        assertArrayEquals(classesA, classesB);
        assertEquals(0, a.takenSlots(), "the workers ran their slots");
        // Three held steps of three phases (gradients, reduction, update), and the evaluation.
        assertTrue(b.takenSlots() >= (3 * 3 + 1) * (workers - 1), "taken: " + b.takenSlots());
      }
    }
  }

  /**
   * A failure in any slot, run by a worker or taken by the caller, is thrown by the call once
   * every slot has finished, the others' failures suppressed in it; the next call runs as on a
   * fresh object.
   */
  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void everyFailingSlotIsReportedAndTheNextCallRuns() {
    for (boolean hold : new boolean[] {false, true}) {
      for (int workers : new int[] {2, 3, 5}) {
        try (ParallelGradients parallel = new ParallelGradients(softmax(5), workers);
            ParallelGradients fresh = new ParallelGradients(softmax(5), workers)) {
          parallel.holdWorkers(hold);
          LinearModel.failEverySlot = true;
          IllegalStateException e = assertThrows(IllegalStateException.class,
              () -> parallel.computeGradients(BLOBS.features(), 0, BLOBS.labels(), null, 10));
          LinearModel.failEverySlot = false;
          assertTrue(e.getMessage().startsWith("a failing "), e.getMessage());
          assertEquals(workers - 1, e.getSuppressed().length, workers + " workers, held " + hold);
          assertEquals(
              fresh.computeGradients(BLOBS.features(), 0, BLOBS.labels(), null, 10),
              parallel.computeGradients(BLOBS.features(), 0, BLOBS.labels(), null, 10));
        } finally {
          LinearModel.failEverySlot = false;
        }
      }
    }
  }

  @Test
  void aWrongReplicaOfAHandWrittenModelIsNamedBeforeTraining() {
    String[][] cases = {
        {"NULL", "it returned null"},
        {"SELF", "it returned the model itself"},
        {"SAME_PARAMETERS", "its parameter linear.weight shared the model's gradient"},
        {"OWN_VALUES", "its parameter linear.weight did not share the model's values"}};
    for (String[] c : cases) {
      LinearModel model = softmax(1);
      model.replicaKind = LinearModel.Replica.valueOf(c[0]);
      float[] before = model.parameters().get(0).toArray();
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Trainer.of(model).threads(2).batchSize(32).verbose(0).fit(BLOBS), c[0]);
      assertEquals("replica() of Linear must return a new model whose parameters share the"
          + " model's values, each with its own gradient (see Parameter.withOwnGradient), but "
          + c[1], e.getMessage());
      assertArrayEquals(before, model.parameters().get(0).toArray());
    }
  }

  @Test
  void aHintNamesOnlySettingsThatWouldReportTheMetric() {
    // Both settings a validation top-k needs.
    IllegalStateException s = assertThrows(IllegalStateException.class,
        () -> Trainer.of(softmax(1)).verbose(0)
            .earlyStopping(EarlyStopping.monitor("val_top3_accuracy")).fit(BLOBS));
    assertEquals("early stopping must monitor a metric that training reports [loss, lr], but was"
        + " 'val_top3_accuracy'; it is reported with topK(3) and validation data or a validation"
        + " split", s.getMessage());
    // Training never reports top-k, a net of 3 classes no top-4, and no setting a misspelling.
    for (String metric : List.of("top2_accuracy", "val_top4_accuracy", "val_acc", "acc")) {
      s = assertThrows(IllegalStateException.class,
          () -> Trainer.of(softmax(1)).verbose(0)
              .earlyStopping(EarlyStopping.monitor(metric)).fit(BLOBS));
      assertEquals("early stopping must monitor a metric that training reports [loss, lr], but"
          + " was '" + metric + "'", s.getMessage());
    }
    // Values have no accuracy: not even training accuracy would report one.
    Dataset values = Dataset.ofTargets(new float[] {0, 1, 2, 3}, 1, new float[] {0, 1, 2, 3}, 1);
    s = assertThrows(IllegalStateException.class,
        () -> Trainer.of(LinearModel.create(1, 1, Loss.MSE, 1)).verbose(0)
            .earlyStopping(EarlyStopping.monitor("accuracy")).fit(values));
    assertEquals("early stopping must monitor a metric that training reports [loss, lr], but was"
        + " 'accuracy'", s.getMessage());
    s = assertThrows(IllegalStateException.class,
        () -> Trainer.of(LinearModel.create(1, 1, Loss.MSE, 1)).verbose(0)
            .earlyStopping(EarlyStopping.monitor("val_mae")).fit(values));
    assertEquals("early stopping must monitor a metric that training reports [loss, lr], but was"
        + " 'val_mae'; it is reported with validation data or a validation split",
        s.getMessage());
  }

  @Test
  void badLabelsAndValuesAreRejectedBeforeTheFirstStep() {
    float[] x = BLOBS.features().clone();
    int[] y = BLOBS.labels().clone();
    Dataset data = Dataset.ofLabels(x, 4, y);
    LinearModel model = softmax(1);
    float[] before = model.parameters().get(0).toArray();
    y[217] = 3; // the arrays are live: changed after the Dataset checked them
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Trainer.of(model).verbose(0).batchSize(4).shuffle(false).fit(data));
    assertEquals("training data: label of sample 217 must be a class index in [0, 3), the"
        + " classes of Linear, but was 3", e.getMessage());
    y[217] = 0;
    x[4 * 150 + 2] = Float.NaN;
    e = assertThrows(IllegalArgumentException.class, () -> Trainer.of(model).evaluate(data));
    assertEquals("data: feature 2 of sample 150 must be finite, but was NaN", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Trainer.of(model).verbose(0).validation(data).fit(BLOBS));
    assertEquals("validation data: feature 2 of sample 150 must be finite, but was NaN",
        e.getMessage());
    assertArrayEquals(before, model.parameters().get(0).toArray());
  }

  @Test
  void probabilityRowsMustBeDistributions() {
    float[] rows = BLOBS.withOneHotTargets(3).targets().clone();
    rows[3 * 5 + 1] = -0.5f;
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Trainer.of(softmax(1)).verbose(0)
            .fit(Dataset.ofTargets(BLOBS.features(), 4, rows, 3)));
    assertEquals("training data: target 1 of sample 5 must be a probability (not negative) for"
        + " SOFTMAX_CROSS_ENTROPY, but was -0.5", e.getMessage());
    rows[3 * 5 + 1] = 0.5f;
    e = assertThrows(IllegalArgumentException.class,
        () -> Trainer.of(softmax(1)).verbose(0)
            .fit(Dataset.ofTargets(BLOBS.features(), 4, rows, 3)));
    assertTrue(e.getMessage().startsWith("training data: the targets of sample 5 must sum to 1"
        + " for SOFTMAX_CROSS_ENTROPY (a probability row), but summed to 1.5"), e.getMessage());
  }

  @Test
  void aLabelIsTheTargetValueOfOneOutputWithMse() {
    LinearModel model = LinearModel.create(1, 1, Loss.MSE, 1);
    Dataset data = Dataset.ofLabels(new float[] {1, 2, 3, 4}, 1, new int[] {2, 4, 6, 8});
    History h = Trainer.of(model).verbose(0).epochs(20).batchSize(2)
        .optimizer(Sgd.of(0.02)).fit(data);
    assertTrue(h.metric("loss").get(19) < h.metric("loss").get(0));
  }

  @Test
  void aWrongMonitorIsNotMistakenForAnotherMetric() {
    assertNotEquals(EarlyStopping.improves("val_accuracy", 0.5, 0.6, 0),
        EarlyStopping.improves("val_loss", 0.5, 0.6, 0));
  }

  /** Delegates to a model but returns a NaN loss on one call of forwardBackward. */
  private static final class PoisonedModel implements Model {
    private final LinearModel model;
    private final int poisonedCall;
    private final boolean listsLayers;
    private int calls;

    PoisonedModel(LinearModel model, int poisonedCall) {
      this(model, poisonedCall, true);
    }

    /** With {@code listsLayers} false, {@link #layers()} returns null, as a careless one might. */
    PoisonedModel(LinearModel model, int poisonedCall, boolean listsLayers) {
      this.model = model;
      this.poisonedCall = poisonedCall;
      this.listsLayers = listsLayers;
    }

    @Override
    public double forwardBackward(
        float[] x, int offset, int[] labels, float[] targets, int count, float gradScale) {
      double loss = model.forwardBackward(x, offset, labels, targets, count, gradScale);
      return ++calls == poisonedCall ? Double.NaN : loss;
    }

    @Override
    public String name() {
      return model.name();
    }

    @Override
    public int inputSize() {
      return model.inputSize();
    }

    @Override
    public int outputSize() {
      return model.outputSize();
    }

    @Override
    public Loss loss() {
      return model.loss();
    }

    @Override
    public List<io.ganglion.Layer> layers() {
      return listsLayers ? model.layers() : null;
    }

    @Override
    public List<Parameter> parameters() {
      return model.parameters();
    }

    @Override
    public String summary() {
      return model.summary();
    }

    @Override
    public String spec() {
      return model.spec();
    }

    @Override
    public void predict(float[] input, float[] output) {
      model.predict(input, output);
    }

    @Override
    public int classify(float[] input) {
      return model.classify(input);
    }

    @Override
    public void predictBatch(float[] inputs, int offset, int count, float[] outputs) {
      model.predictBatch(inputs, offset, count, outputs);
    }

    @Override
    public void classifyBatch(float[] inputs, int offset, int count, int[] classes) {
      model.classifyBatch(inputs, offset, count, classes);
    }

    @Override
    public double lossSum(float[] inputs, int offset, int[] labels, float[] targets, int count) {
      return model.lossSum(inputs, offset, labels, targets, count);
    }

    @Override
    public Model replica() {
      return model.replica();
    }
  }
}
