package io.ganglion.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ganglion.Model;
import io.ganglion.Parameter;
import io.ganglion.data.Dataset;
import io.ganglion.io.ModelFormatException;
import io.ganglion.io.SafeTensors;
import io.ganglion.io.Tensor;
import io.ganglion.optim.Adam;
import io.ganglion.optim.LearningRateSchedule;
import io.ganglion.optim.Optimizer;
import io.ganglion.optim.ReduceOnPlateau;
import io.ganglion.optim.Sgd;
import io.ganglion.train.EarlyStopping;
import io.ganglion.train.History;
import io.ganglion.train.Trainer;
import io.ganglion.train.TrainingListener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training interrupted after 3 epochs and resumed from its checkpoint, by a new model, optimizer
 * and trainer, ends with bit-identical weights and history to 6 uninterrupted epochs.
 */
class CheckpointTest {
  private static final Dataset DATA = LearningTest.blobs(240, 4);

  @TempDir Path dir;

  @Test
  void sgdWithMomentumAndAStepSchedule() throws Exception {
    assertResumeEqualsUninterrupted(
        () -> Sgd.of(0.05, 0.9), () -> LearningRateSchedule.step(2, 0.5),
        EarlyStopping.monitor("val_loss").patience(5), 1);
  }

  @Test
  void adamWithReduceOnPlateauAndBestWeights() throws Exception {
    assertResumeEqualsUninterrupted(
        () -> Adam.of(0.02), () -> ReduceOnPlateau.of(0.5, 0).monitor("val_accuracy"),
        EarlyStopping.monitor("val_loss").patience(5).restoreBestWeights(true), 1);
  }

  @Test
  void adamOnTwoThreads() throws Exception {
    assertResumeEqualsUninterrupted(
        () -> Adam.of(0.02), () -> ReduceOnPlateau.of(0.5, 0).monitor("val_accuracy"),
        EarlyStopping.monitor("val_loss").patience(5).restoreBestWeights(true), 2);
  }

  @Test
  void dropoutAndBatchNormOnOneTwoAndThreeThreads() throws Exception {
    for (int threads = 1; threads <= 3; threads++) {
      assertResumeEqualsUninterrupted(Net_Networks_BlobsRegularized::new,
          () -> Sgd.of(0.1, 0.9), () -> null,
          EarlyStopping.monitor("val_loss").patience(5).restoreBestWeights(true), threads);
    }
  }

  @Test
  void theBestWeightsIncludeTheBatchNormStatistics() {
    Net_Networks_BlobsRegularized net = new Net_Networks_BlobsRegularized(4);
    // A learning rate high enough that later epochs are worse than the best one.
    History history = Trainer.of(net).optimizer(Sgd.of(0.8, 0.9)).batchSize(8).epochs(12).seed(3)
        .validationSplit(0.3).verbose(0)
        .earlyStopping(EarlyStopping.monitor("val_loss").patience(12).restoreBestWeights(true))
        .fit(DATA);
    assertTrue(history.bestEpoch() < history.epochs() - 1, "the best epoch must not be the last");
    // What the best epoch reported is what the restored model gives on the same validation set.
    Dataset validation = DATA.split(0.3, 3).validation();
    double restored = Trainer.of(net).evaluate(validation).loss();
    assertEquals(history.metric("val_loss").get(history.bestEpoch()), restored, 1e-6);
  }

  /** Version 1 had no best.<buffer> tensors: the checkpoint's own buffers stand in for them. */
  @Test
  void aVersionOneCheckpointWithoutBestBuffersStillResumes() throws Exception {
    EarlyStopping stopping = EarlyStopping.monitor("val_loss").patience(5).restoreBestWeights(true);
    Path file = regularizedCheckpoint("v1.ckpt.safetensors", stopping, 1, 2);
    SafeTensors written = SafeTensors.read(file);
    assertTrue(written.tensors().stream().anyMatch(t -> t.name().equals("best.norm.running_var")));
    Map<String, String> meta = new LinkedHashMap<>(written.metadata());
    meta.put("ganglion.checkpoint_version", "1");
    List<Tensor> tensors = new ArrayList<>();
    for (Tensor t : written.tensors()) {
      if (!List.of("best.norm.running_mean", "best.norm.running_var",
          "best.norm.num_batches_tracked").contains(t.name())) {
        tensors.add(t);
      }
    }
    SafeTensors.of(meta, tensors).write(file);
    Model resumed = new Net_Networks_BlobsRegularized(9);
    History history = configure(Trainer.of(resumed), Sgd.of(0.1, 0.9), null, stopping, 1)
        .resumeFrom(file).fit(DATA);
    assertEquals(6, history.epochs());
  }

  /**
   * Batch statistics that no run writes (a negative running variance makes every prediction NaN;
   * a batch counter is a count) are refused by load and by resume alike, changing nothing.
   */
  @Test
  void impossibleBatchStatisticsAreRefusedLeavingTheModelAsItWas() throws Exception {
    EarlyStopping stopping = EarlyStopping.monitor("val_loss").patience(5);
    Path checkpoint = regularizedCheckpoint("stats.ckpt.safetensors", stopping, 1, 1);
    Path weights = dir.resolve("stats.safetensors");
    new Net_Networks_BlobsRegularized(7).save(weights);
    String[][] cases = {
        {"norm.running_var", "-1", "a running variance must not be negative, but value 0 was -1.0;"
            + " every prediction would be NaN"},
        {"best.norm.running_var", "-0.5", "a running variance must not be negative, but value 0"
            + " was -0.5; every prediction would be NaN"},
        {"norm.num_batches_tracked", "-5", "a batch counter must be a whole number, not negative,"
            + " but was -5.0"},
        {"norm.num_batches_tracked", "2.5", "a batch counter must be a whole number, not negative,"
            + " but was 2.5"}};
    for (String[] c : cases) {
      for (Path file : List.of(weights, checkpoint)) {
        SafeTensors written = SafeTensors.read(file);
        if (written.tensors().stream().noneMatch(t -> t.name().equals(c[0]))) {
          continue; // best.* is a checkpoint's only
        }
        List<Tensor> tensors = new ArrayList<>();
        for (Tensor t : written.tensors()) {
          if (t.name().equals(c[0])) {
            double[] values = new double[t.size()];
            for (int i = 0; i < values.length; i++) {
              values[i] = t.get(i);
            }
            values[0] = Double.parseDouble(c[1]);
            t = Tensor.ofDoubles(t.name(), t.shape(), values);
          }
          tensors.add(t);
        }
        Path bad = dir.resolve("bad.safetensors");
        SafeTensors.of(written.metadata(), tensors).write(bad);
        Model fresh = new Net_Networks_BlobsRegularized(9);
        List<float[]> before = new ArrayList<>();
        for (Parameter p : io.ganglion.io.ModelFiles.state(fresh)) {
          before.add(p.toArray());
        }
        ModelFormatException e = assertThrows(ModelFormatException.class,
            () -> {
              if (file == weights) {
                fresh.load(bad);
              } else {
                configure(Trainer.of(fresh), Sgd.of(0.1, 0.9), null, stopping, 1)
                    .resumeFrom(bad);
              }
            });
        assertEquals(bad + ": tensor '" + c[0] + "': " + c[2], e.getMessage());
        List<Parameter> after = io.ganglion.io.ModelFiles.state(fresh);
        for (int k = 0; k < after.size(); k++) {
          assertArrayEquals(before.get(k), after.get(k).toArray(), after.get(k).name());
        }
      }
    }
  }

  /** A random state that setRandomState would refuse fails the read, before anything changes. */
  @Test
  void aCheckpointWithANegativeRandomStateIsRefusedLeavingTheModelAsItWas() throws Exception {
    EarlyStopping stopping = EarlyStopping.monitor("val_loss").patience(5);
    Path file = regularizedCheckpoint("random.ckpt.safetensors", stopping, 2, 1);
    SafeTensors written = SafeTensors.read(file);
    for (String key : List.of("ganglion.random_state", "ganglion.worker_random_states")) {
      Map<String, String> meta = new LinkedHashMap<>(written.metadata());
      String[] numbers = meta.get(key).split(",", -1);
      numbers[1] = "-" + numbers[1].replace("-", "").replaceFirst("^0$", "1");
      meta.put(key, String.join(",", numbers));
      Path bad = dir.resolve("bad-" + key + ".safetensors");
      SafeTensors.of(meta, written.tensors()).write(bad);
      Model fresh = new Net_Networks_BlobsRegularized(9);
      float[] before = fresh.parameters().get(0).toArray();
      long[] randomBefore = fresh.randomState();
      ModelFormatException e = assertThrows(ModelFormatException.class,
          () -> configure(Trainer.of(fresh), Sgd.of(0.1, 0.9), null, stopping, 2)
              .resumeFrom(bad));
      assertTrue(e.getMessage().contains(key + ": random state must be"), e.getMessage());
      assertArrayEquals(before, fresh.parameters().get(0).toArray());
      assertArrayEquals(randomBefore, fresh.randomState());
    }
  }

  /**
   * A resume that fit refuses (another batch size, set after resumeFrom) puts back the weights,
   * the batch norm statistics and the dropout stream that resumeFrom had loaded.
   */
  @Test
  void aResumeRefusedByFitLeavesTheModelAsItWas() throws Exception {
    EarlyStopping stopping = EarlyStopping.monitor("val_loss").patience(5);
    Path file = regularizedCheckpoint("refused.ckpt.safetensors", stopping, 1, 2);
    Model fresh = new Net_Networks_BlobsRegularized(9);
    Model copy = new Net_Networks_BlobsRegularized(9);
    long[] randomBefore = fresh.randomState();
    Trainer trainer = configure(Trainer.of(fresh), Sgd.of(0.1, 0.9), null, stopping, 1)
        .resumeFrom(file).batchSize(8);
    assertFalse(Arrays.equals(copy.parameters().get(0).toArray(),
        fresh.parameters().get(0).toArray()), "resumeFrom loads the checkpoint's weights");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> trainer.fit(DATA));
    assertTrue(e.getMessage().contains("batch size 16, but the trainer has 8"), e.getMessage());
    assertParametersEqual(copy, fresh);
    assertArrayEquals(randomBefore, fresh.randomState());
  }

  @Test
  void keepBestSavesTheWeightsOfTheBestEpoch() throws Exception {
    Path best = dir.resolve("best.safetensors");
    Net_Networks_Blobs net = new Net_Networks_Blobs(1);
    History history = Trainer.of(net).optimizer(Adam.of(0.05)).batchSize(16).epochs(8).seed(3)
        .validationSplit(0.2).verbose(0)
        .earlyStopping(EarlyStopping.monitor("val_loss").patience(8).restoreBestWeights(true))
        .keepBest(best, "val_loss")
        .fit(DATA);
    Net_Networks_Blobs loaded = new Net_Networks_Blobs(2);
    loaded.load(best);
    assertTrue(history.bestEpoch() >= 0, history.toString());
    assertParametersEqual(net, loaded);
  }

  private void assertResumeEqualsUninterrupted(
      Supplier<Optimizer> optimizer, Supplier<LearningRateSchedule> schedule,
      EarlyStopping earlyStopping, int threads) throws Exception {
    assertResumeEqualsUninterrupted(
        Net_Networks_Blobs::new, optimizer, schedule, earlyStopping, threads);
  }

  private void assertResumeEqualsUninterrupted(LongFunction<Model> network,
      Supplier<Optimizer> optimizer, Supplier<LearningRateSchedule> schedule,
      EarlyStopping earlyStopping, int threads) throws Exception {
    Model straight = network.apply(7);
    History expected =
        configure(Trainer.of(straight), optimizer.get(), schedule.get(), earlyStopping, threads)
            .fit(DATA);
    assertEquals(6, expected.epochs(), "early stopping must not end the reference run early");

    Path file = dir.resolve("run.ckpt.safetensors");
    Model interrupted = network.apply(7);
    Trainer first =
        configure(Trainer.of(interrupted), optimizer.get(), schedule.get(), earlyStopping, threads)
            .checkpoint(file);
    first.listener(new TrainingListener() {
      @Override
      public void epochEnded(int epoch, Map<String, Double> metrics) {
        if (epoch == 2) {
          first.requestStop(); // as if the process died after the third epoch's checkpoint
        }
      }
    });
    assertEquals(3, first.fit(DATA).epochs());

    Model resumed = network.apply(99); // other initial weights
    Trainer second =
        configure(Trainer.of(resumed), optimizer.get(), schedule.get(), earlyStopping, threads)
            .checkpoint(file)
            .seed(12345) // the checkpoint's seed wins
            .resumeFrom(file);
    assertFalse(sameParameters(straight, resumed), "the test must train past the checkpoint");
    History actual = second.fit(DATA);

    assertParametersEqual(straight, resumed);
    assertEquals(expected.metricNames(), actual.metricNames());
    for (String metric : expected.metricNames()) {
      assertEquals(expected.metric(metric), actual.metric(metric), metric);
    }
    assertEquals(expected.bestEpoch(), actual.bestEpoch());
  }

  /**
   * The checkpoint {@code name} of a BlobsRegularized network (dropout and batch norm) trained
   * {@code epochs} epochs on {@code threads} threads, with SGD and {@code stopping}.
   */
  private Path regularizedCheckpoint(String name, EarlyStopping stopping, int threads,
      int epochs) {
    Path file = dir.resolve(name);
    configure(Trainer.of(new Net_Networks_BlobsRegularized(7)), Sgd.of(0.1, 0.9), null, stopping,
        threads).epochs(epochs).checkpoint(file).fit(DATA);
    return file;
  }

  private static Trainer configure(Trainer trainer, Optimizer optimizer,
      LearningRateSchedule schedule, EarlyStopping earlyStopping, int threads) {
    if (schedule != null) {
      trainer.schedule(schedule);
    }
    return trainer.optimizer(optimizer).earlyStopping(earlyStopping)
        .batchSize(16).epochs(6).seed(5).threads(threads).validationSplit(0.25).verbose(0);
  }

  private static void assertParametersEqual(Model expected, Model actual) {
    for (Parameter p : expected.parameters()) {
      assertArrayEquals(p.toArray(), actual.parameter(p.name()).toArray(), p.name());
    }
    for (int k = 0; k < expected.buffers().size(); k++) {
      Parameter b = expected.buffers().get(k);
      assertArrayEquals(b.toArray(), actual.buffers().get(k).toArray(), b.name());
    }
  }

  private static boolean sameParameters(Model a, Model b) {
    for (Parameter p : a.parameters()) {
      if (!java.util.Arrays.equals(p.toArray(), b.parameter(p.name()).toArray())) {
        return false;
      }
    }
    return true;
  }
}
