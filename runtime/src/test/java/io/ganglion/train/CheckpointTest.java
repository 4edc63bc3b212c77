package io.ganglion.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ganglion.Loss;
import io.ganglion.data.Dataset;
import io.ganglion.io.ModelFiles;
import io.ganglion.io.ModelFormatException;
import io.ganglion.io.SafeTensors;
import io.ganglion.io.Tensor;
import io.ganglion.optim.Adam;
import io.ganglion.optim.LearningRateSchedule;
import io.ganglion.optim.OptimizerState;
import io.ganglion.optim.ReduceOnPlateau;
import io.ganglion.optim.Sgd;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.stream.IntStream;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checkpoint file: what it holds, when it is written, and what resuming refuses. */
class CheckpointTest {
  private static final Dataset DATA = Synthetic.blobs(60, 4, 3, 0.3, 1);
  /** How fit's refusal of a resume ends: resumeFrom's loading was taken back. */
  private static final String UNDONE =
      "; the model, optimizer and schedule are as they were before resumeFrom";

  @TempDir Path dir;

  private static LinearModel model(long seed) {
    return LinearModel.create(4, 3, Loss.SOFTMAX_CROSS_ENTROPY, seed);
  }

  private static Trainer adam(LinearModel model) {
    return Trainer.of(model).optimizer(Adam.of(0.01)).batchSize(8).epochs(3).seed(4)
        .validationSplit(0.2).verbose(0);
  }

  private Path checkpointOf(Trainer trainer) {
    Path file = dir.resolve("ckpt.safetensors");
    trainer.checkpoint(file).fit(DATA);
    return file;
  }

  @Test
  void holdsWeightsOptimizerStateBestWeightsHistoryAndScalars() throws Exception {
    LinearModel net = model(1);
    Path file = checkpointOf(adam(net).schedule(ReduceOnPlateau.of(0.5, 1)));
    SafeTensors read = SafeTensors.read(file);
    List<String> names = new ArrayList<>();
    for (Tensor t : read.tensors()) {
      names.add(t.name());
    }
    assertEquals(List.of("linear.weight", "linear.bias",
        "optimizer.linear.weight.exp_avg", "optimizer.linear.weight.exp_avg_sq",
        "optimizer.linear.bias.exp_avg", "optimizer.linear.bias.exp_avg_sq",
        "best.linear.weight", "best.linear.bias",
        "history.loss", "history.val_loss", "history.val_accuracy", "history.lr"), names);
    assertArrayEquals(net.parameter("linear.weight").toArray(),
        read.tensor("linear.weight").values());
    Map<String, String> meta = read.metadata();
    assertEquals("3", meta.get("ganglion.epoch"));
    assertEquals("4", meta.get("ganglion.seed"));
    assertEquals("Adam", meta.get("ganglion.optimizer"));
    assertEquals("exp_avg,exp_avg_sq", meta.get("ganglion.optimizer.slots"));
    assertEquals("set", meta.get("ganglion.schedule"));
    assertTrue(meta.containsKey("ganglion.schedule.scale"), meta.toString());
    assertEquals("val_loss", meta.get("ganglion.monitor"));
    assertEquals("2", meta.get("ganglion.checkpoint_version"));
    assertEquals("Linear", meta.get("ganglion.network"));
  }

  @Test
  void theWeightsLoadFromACheckpointIgnoringTheRest() throws Exception {
    LinearModel net = model(1);
    Path file = checkpointOf(adam(net));
    LinearModel copy = model(2);
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> copy.load(file));
    assertTrue(e.getMessage().endsWith("; it is a training checkpoint (Trainer.checkpoint), which"
        + " also holds the optimizer's state and the history: continue training with"
        + " Trainer.resumeFrom, or load the weights of its last epoch alone with"
        + " ModelFiles.loadIgnoringUnexpected(model, file)"), e.getMessage());
    ModelFiles.loadIgnoringUnexpected(copy, file);
    assertArrayEquals(net.parameter("linear.weight").toArray(),
        copy.parameter("linear.weight").toArray());
  }

  @Test
  void historyRoundTripsExactly() throws Exception {
    Trainer trainer = adam(model(1));
    Path file = dir.resolve("ckpt.safetensors");
    History history = trainer.checkpoint(file).fit(DATA);
    double[] stored = SafeTensors.read(file).tensor("history.val_loss").doubles();
    for (int e = 0; e < stored.length; e++) {
      assertEquals(history.metric("val_loss").get(e), stored[e], 0.0);
    }
  }

  @Test
  void checkpointEveryWritesEveryNthEpochAndTheLast() throws Exception {
    Path file = dir.resolve("every.safetensors");
    List<String> seenAtEpochStart = new ArrayList<>();
    Trainer trainer = adam(model(1)).epochs(5).checkpoint(file).checkpointEvery(2);
    trainer.listener(new TrainingListener() {
      @Override
      public void epochStarted(int epoch) {
        try {
          seenAtEpochStart.add(file.toFile().exists()
              ? SafeTensors.read(file).metadata().get("ganglion.epoch") : "-");
        } catch (java.io.IOException e) {
          throw new AssertionError(e);
        }
      }
    });
    trainer.fit(DATA);
    assertEquals(List.of("-", "-", "2", "2", "4"), seenAtEpochStart);
    assertEquals("5", SafeTensors.read(file).metadata().get("ganglion.epoch"));
  }

  @Test
  void aRunEndedByEarlyStoppingResumesToNothingMore() throws Exception {
    EarlyStopping stopAtOnce = EarlyStopping.monitor("loss").minDelta(10).patience(0);
    Path file = checkpointOf(adam(model(1)).epochs(10).earlyStopping(stopAtOnce));
    LinearModel resumed = model(2);
    List<Integer> epochsRun = new ArrayList<>();
    History history = adam(resumed).epochs(10).earlyStopping(stopAtOnce)
        .listener(new TrainingListener() {
          @Override
          public void epochStarted(int epoch) {
            epochsRun.add(epoch);
          }
        })
        .resumeFrom(file).fit(DATA);
    assertEquals(List.of(), epochsRun);
    assertEquals(2, history.epochs());
    assertEquals(1, history.stoppedEpoch());
  }

  /** A file that could not be written fails the run before the first epoch, not after it. */
  @Test
  void anUnwritableCheckpointOrBestFileFailsBeforeTraining() {
    LinearModel net = model(1);
    float[] before = net.parameter("linear.weight").toArray();
    Path nowhere = dir.resolve("no").resolve("such").resolve("ckpt.safetensors");
    Adam adam = Adam.of(0.01);
    UncheckedIOException e = assertThrows(UncheckedIOException.class,
        () -> adam(net).optimizer(adam).checkpoint(nowhere).fit(DATA));
    assertEquals("checkpoint file " + nowhere + ": could not be saved: its directory "
        + nowhere.getParent() + " does not exist", e.getMessage());
    e = assertThrows(UncheckedIOException.class,
        () -> adam(net).optimizer(adam).keepBest(dir, "val_loss").fit(DATA));
    assertEquals("keepBest file " + dir + ": must be a file to save to, but is a directory",
        e.getMessage());
    assertArrayEquals(before, net.parameter("linear.weight").toArray());
    assertEquals(0, adam.steps());
  }

  @Test
  void refusesAModelFile() throws Exception {
    LinearModel net = model(1);
    Path file = dir.resolve("model.safetensors");
    net.save(file);
    ModelFormatException e =
        assertThrows(ModelFormatException.class, () -> adam(model(2)).resumeFrom(file));
    assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
    assertTrue(e.getMessage().contains("looks like a model file: load it with Model.load"),
        e.getMessage());
  }

  @Test
  void refusesAnotherNetworkAndChangesNothing() throws Exception {
    Path file = checkpointOf(adam(model(1)));
    LinearModel other = LinearModel.create(4, 2, Loss.SOFTMAX_CROSS_ENTROPY, 3);
    float[] before = other.parameter("linear.weight").toArray();
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> Trainer.of(other).optimizer(Adam.of(0.01)).resumeFrom(file));
    assertTrue(e.getMessage().contains("checkpoint must come from network Linear (Linear(4 -> 2,"
        + " SOFTMAX_CROSS_ENTROPY)), but came from Linear (Linear(4 -> 3"), e.getMessage());
    assertArrayEquals(before, other.parameter("linear.weight").toArray());
  }

  @Test
  void refusesAnotherKindOfOptimizerAndChangesNothing() throws Exception {
    Path file = checkpointOf(adam(model(1)));
    LinearModel net = model(2);
    float[] before = net.parameter("linear.weight").toArray();
    Sgd sgd = Sgd.of(0.1, 0.9);
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> adam(net).optimizer(sgd).resumeFrom(file));
    assertTrue(e.getMessage().contains("optimizer must be Adam as in the checkpoint, but the"
        + " trainer has Sgd"), e.getMessage());
    assertArrayEquals(before, net.parameter("linear.weight").toArray());
    assertEquals(0, sgd.steps());
  }

  @Test
  void refusesOtherOptimizerSettingsAndOtherEarlyStopping() throws Exception {
    EarlyStopping patient = EarlyStopping.monitor("val_loss").patience(4);
    Path file = checkpointOf(adam(model(1)).optimizer(Adam.of(0.01).clipNorm(1))
        .earlyStopping(patient));
    LinearModel net = model(2);
    float[] before = net.parameter("linear.weight").toArray();
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> adam(net).optimizer(Adam.of(0.01).betas(0.5, 0.9).clipNorm(1))
            .earlyStopping(patient).resumeFrom(file));
    assertTrue(e.getMessage().endsWith(": a resumed run must have the settings of the run it"
        + " continues, which had Adam with betas=(0.9, 0.999), eps=1.0E-8, weight_decay=0.0,"
        + " clip_norm=1.0, clip_value=0.0, but the trainer's has betas=(0.5, 0.9), eps=1.0E-8,"
        + " weight_decay=0.0, clip_norm=1.0, clip_value=0.0; to train on with other settings,"
        + " take the weights (ModelFiles.loadIgnoringUnexpected) and fit anew"), e.getMessage());
    e = assertThrows(ModelFormatException.class,
        () -> adam(net).optimizer(Adam.of(0.01)).earlyStopping(patient).resumeFrom(file));
    assertTrue(e.getMessage().contains("clip_norm=1.0, clip_value=0.0, but the trainer's has"
        + " betas=(0.9, 0.999), eps=1.0E-8, weight_decay=0.0, clip_norm=0.0"), e.getMessage());
    e = assertThrows(ModelFormatException.class,
        () -> adam(net).optimizer(Adam.of(0.01).clipNorm(1))
            .earlyStopping(EarlyStopping.monitor("val_loss").patience(1)).resumeFrom(file));
    assertTrue(e.getMessage().contains("which had early stopping patience=4, min_delta=0.0,"
        + " baseline=NaN, start_from_epoch=0, restore_best_weights=false, but the trainer has"
        + " patience=1,"), e.getMessage());
    assertArrayEquals(before, net.parameter("linear.weight").toArray());
    // A float is another setting where the update uses the double (Adam's bias corrections
    // with 0.9f would not continue the run bit for bit).
    float beta1 = 0.9f;
    e = assertThrows(ModelFormatException.class,
        () -> adam(net).optimizer(Adam.of(0.01).betas(beta1, 0.999).clipNorm(1))
            .earlyStopping(patient).resumeFrom(file));
    assertTrue(e.getMessage().contains("but the trainer's has betas=(0.8999999761581421, 0.999)"),
        e.getMessage());
    // The same settings resume, also with -0.0 for 0.0; the learning rate is state.
    History h = adam(net).optimizer(Adam.of(0.5).clipNorm(1).weightDecay(-0.0))
        .earlyStopping(EarlyStopping.monitor("val_loss").patience(4).minDelta(-0.0)
            .verbose(true)).epochs(4).l2(-0.0)
        .resumeFrom(file).fit(DATA);
    assertEquals(4, h.epochs());
  }

  @Test
  void refusesOtherOptimizerSlots() throws Exception {
    Path file = checkpointOf(adam(model(1)).optimizer(Sgd.of(0.1, 0.9)));
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> adam(model(2)).optimizer(Sgd.of(0.1)).resumeFrom(file));
    assertTrue(e.getMessage().contains("optimizer state must have the slots [] of the trainer's"
        + " Sgd, but the checkpoint has [momentum_buffer]"), e.getMessage());
  }

  @Test
  void refusesOtherBatchSizeShuffleOrL2AndChangesNothing() throws Exception {
    Path file = checkpointOf(adam(model(1)).l2(1e-3));
    LinearModel net = model(2);
    float[] before = net.parameter("linear.weight").toArray();
    String advice = "; to train on with other settings, take the weights"
        + " (ModelFiles.loadIgnoringUnexpected) and fit anew";
    String[] was = {"shuffle true, but the trainer has false",
        "l2 0.001, but the trainer has 0.002"};
    List<Trainer> trainers = List.of(adam(net).l2(1e-3).shuffle(false), adam(net).l2(2e-3));
    for (int k = 0; k < was.length; k++) {
      Trainer trainer = trainers.get(k);
      ModelFormatException e =
          assertThrows(ModelFormatException.class, () -> trainer.resumeFrom(file));
      assertTrue(e.getMessage().contains("a resumed run must have the settings of the run it"
          + " continues, which had " + was[k] + advice), e.getMessage());
      assertArrayEquals(before, net.parameter("linear.weight").toArray());
    }
    // Another batch size: refused when fit starts, before any step, set before or after; fit
    // then puts back what resumeFrom had loaded.
    for (int k = 0; k < 2; k++) {
      LinearModel fresh = model(2);
      Adam optimizer = Adam.of(0.01);
      Trainer trainer = Trainer.of(fresh).optimizer(optimizer).epochs(3).seed(4)
          .validationSplit(0.2).verbose(0).l2(1e-3);
      trainer = k == 0 ? trainer.batchSize(7).resumeFrom(file)
          : trainer.resumeFrom(file).batchSize(16);
      assertTrue(optimizer.state().steps() > 0, "resumeFrom loads the optimizer's state");
      Trainer refused = trainer;
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> refused.fit(DATA));
      assertTrue(e.getMessage().startsWith(file + ": a resumed run must have the settings of the"
          + " run it continues, which had batch size 8, but the trainer has "), e.getMessage());
      assertTrue(e.getMessage().endsWith(advice + UNDONE), e.getMessage());
      assertArrayEquals(before, fresh.parameter("linear.weight").toArray());
      assertEquals(0, optimizer.state().steps());
      assertTrue(optimizer.state().tensors().values().stream()
          .allMatch(t -> IntStream.range(0, t.length).allMatch(i -> t[i] == 0)));
      // Not resuming any more: a fit trains anew from the weights as they were.
      assertEquals(3, trainer.batchSize(8).fit(DATA).epochs());
    }
    // More epochs is what resuming is for.
    History more = adam(model(2)).l2(1e-3).epochs(5).resumeFrom(file).fit(DATA);
    assertEquals(5, more.epochs());
  }

  /**
   * Gradient accumulation is a setting of the run: resuming with another is refused, resuming
   * with the same continues it bit for bit (groups do not cross the epochs that checkpoints end).
   */
  @Test
  void gradientAccumulationResumesAndOtherStepsAreRefused() throws Exception {
    Path file = checkpointOf(adam(model(1)).gradientAccumulation(3));
    LinearModel net = model(2);
    float[] before = net.parameter("linear.weight").toArray();
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> adam(net).gradientAccumulation(2).resumeFrom(file));
    assertTrue(e.getMessage().contains("a resumed run must have the settings of the run it"
        + " continues, which had gradient accumulation over 3 batches, but the trainer has 2"),
        e.getMessage());
    assertThrows(ModelFormatException.class, () -> adam(net).resumeFrom(file));
    assertArrayEquals(before, net.parameter("linear.weight").toArray());
    LinearModel resumed = model(2);
    History h = adam(resumed).gradientAccumulation(3).epochs(5).resumeFrom(file).fit(DATA);
    LinearModel whole = model(1);
    History w = adam(whole).gradientAccumulation(3).epochs(5).fit(DATA);
    assertEquals(w.loss(), h.loss());
    assertArrayEquals(whole.weights(), resumed.weights());
  }

  /**
   * An interrupt during an epoch's last batch stops training before the epoch's checkpoint, not
   * with an error of the write (a file channel closes at an interrupt); on the interrupted thread
   * the model still saves and loads, and the checkpoint of the epoch before resumes the run.
   */
  @Test
  void anInterruptInAnEpochsLastBatchStopsBeforeItsCheckpoint() throws Exception {
    LinearModel net = model(1);
    Path file = dir.resolve("interrupted.ckpt");
    Trainer trainer = adam(net).epochs(3).checkpoint(file);
    trainer.listener(new TrainingListener() {
      @Override
      public void batchEnded(int epoch, int batch, double loss) {
        if (epoch == 1 && batch == 5) { // 48 training samples in batches of 8: the last
          Thread.currentThread().interrupt();
        }
      }
    });
    try {
      CancellationException e = assertThrows(CancellationException.class, () -> trainer.fit(DATA));
      assertEquals("training was interrupted in epoch 2/3 after its last step, before its end"
          + " (metrics, checkpoint); the weights are those of the last update; the checkpoint "
          + file + ", if an epoch wrote it, resumes the run", e.getMessage());
      assertTrue(Thread.currentThread().isInterrupted());
      Path saved = dir.resolve("after.safetensors");
      net.save(saved);
      LinearModel copy = model(5);
      copy.load(saved);
      assertArrayEquals(net.weights(), copy.weights());
      assertTrue(Thread.currentThread().isInterrupted(), "saving and loading keep the interrupt");
    } finally {
      Thread.interrupted();
    }
    // The checkpoint is the first epoch's: resuming runs epochs 2 and 3 as an uninterrupted run.
    LinearModel resumed = model(2);
    adam(resumed).epochs(3).resumeFrom(file).fit(DATA);
    LinearModel whole = model(1);
    adam(whole).epochs(3).fit(DATA);
    assertArrayEquals(whole.weights(), resumed.weights());
  }

  @Test
  void aBatchSizeBeyondTheDataIsTheSameRun() throws Exception {
    // Every batch holds all the training samples whatever the size beyond them: the same run.
    Path file = checkpointOf(adam(model(1)).batchSize(10_000));
    History more = adam(model(2)).batchSize(20_000).epochs(5).resumeFrom(file).fit(DATA);
    assertEquals(5, more.epochs());
  }

  @Test
  void refusesAnotherScheduleOrMonitor() throws Exception {
    Path file = checkpointOf(adam(model(1)).schedule(ReduceOnPlateau.of(0.5, 1)));
    ModelFormatException none =
        assertThrows(ModelFormatException.class, () -> adam(model(2)).resumeFrom(file));
    assertTrue(none.getMessage().contains("learning-rate schedule must be set as in the"
        + " checkpoint, but the trainer has none"), none.getMessage());
    ModelFormatException step = assertThrows(ModelFormatException.class, () -> adam(model(2))
        .schedule(LearningRateSchedule.step(1, 0.5)).resumeFrom(file));
    assertTrue(step.getMessage().contains("schedule must keep the state [scale, best, wait,"
        + " cooldown] as in the checkpoint, but the trainer's keeps []"), step.getMessage());
    ModelFormatException monitor = assertThrows(ModelFormatException.class, () -> adam(model(2))
        .schedule(ReduceOnPlateau.of(0.5, 1))
        .earlyStopping(EarlyStopping.monitor("val_accuracy")).resumeFrom(file));
    assertTrue(monitor.getMessage().contains("monitored metric must be 'val_loss' as in the"
        + " checkpoint, but the trainer monitors 'val_accuracy'"), monitor.getMessage());
  }

  @Test
  void refusesANewerVersionAndUnexpectedTensors() throws Exception {
    Path file = checkpointOf(adam(model(1)));
    SafeTensors read = SafeTensors.read(file);
    Map<String, String> meta = new LinkedHashMap<>(read.metadata());
    meta.put("ganglion.checkpoint_version", "3");
    Path newer = dir.resolve("newer.safetensors");
    SafeTensors.of(meta, read.tensors()).write(newer);
    ModelFormatException v =
        assertThrows(ModelFormatException.class, () -> adam(model(2)).resumeFrom(newer));
    assertTrue(v.getMessage().contains("ganglion.checkpoint_version must be between 1 and 2"),
        v.getMessage());

    List<Tensor> tensors = new ArrayList<>(read.tensors());
    tensors.add(Tensor.of("extra", new int[] {1}, new float[] {1}));
    Path extra = dir.resolve("extra.safetensors");
    SafeTensors.of(read.metadata(), tensors).write(extra);
    ModelFormatException x =
        assertThrows(ModelFormatException.class, () -> adam(model(2)).resumeFrom(extra));
    assertEquals("extra", x.tensor());
    assertTrue(x.getMessage().contains("but the file also has [extra]"), x.getMessage());
  }

  /**
   * Two resumeFrom calls with another optimizer and schedule set between them: fit's refusal puts
   * back both optimizers and both schedules, each as it was before the call that loaded it.
   */
  @Test
  void aRefusedResumePutsBackEveryOptimizerAndScheduleItLoaded() throws Exception {
    Path file = checkpointOf(adam(model(1)).schedule(ReduceOnPlateau.of(0.5, 1)));
    LinearModel net = model(2);
    Adam first = Adam.of(0.01);
    Adam second = Adam.of(0.01);
    ReduceOnPlateau firstPlateau = ReduceOnPlateau.of(0.5, 1);
    ReduceOnPlateau secondPlateau = ReduceOnPlateau.of(0.5, 1);
    // Both optimizers trained the model before, so that their states differ from a fresh one's.
    adam(net).optimizer(first).epochs(1).fit(DATA);
    adam(net).optimizer(second).epochs(2).fit(DATA);
    OptimizerState firstBefore = first.state();
    OptimizerState secondBefore = second.state();
    Map<String, Double> firstPlateauBefore = firstPlateau.state();
    Map<String, Double> secondPlateauBefore = secondPlateau.state();
    float[] before = net.parameter("linear.weight").toArray();
    Trainer trainer = adam(net).optimizer(first).schedule(firstPlateau).resumeFrom(file)
        .optimizer(second).schedule(secondPlateau).resumeFrom(file).seed(3);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> trainer.fit(DATA));
    assertTrue(e.getMessage().endsWith(UNDONE), e.getMessage());
    assertArrayEquals(before, net.parameter("linear.weight").toArray());
    for (Object[] pair : new Object[][] {{first, firstBefore}, {second, secondBefore}}) {
      OptimizerState now = ((Adam) pair[0]).state();
      OptimizerState then = (OptimizerState) pair[1];
      assertEquals(then.steps(), now.steps());
      assertEquals(then.learningRate(), now.learningRate());
      for (String name : then.tensors().keySet()) {
        assertArrayEquals(then.tensors().get(name), now.tensors().get(name), name);
      }
    }
    assertEquals(firstPlateauBefore, firstPlateau.state());
    assertEquals(secondPlateauBefore, secondPlateau.state());
  }

  @Test
  void anOptimizerSetAfterResumingIsRefused() throws Exception {
    Path file = checkpointOf(adam(model(1)));
    Trainer trainer = adam(model(2)).resumeFrom(file).optimizer(Adam.of(0.01));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> trainer.fit(DATA));
    assertTrue(e.getMessage().contains("optimizer must be set before resumeFrom"),
        e.getMessage());
  }

  @Test
  void aScheduleSetAfterResumingIsRefused() throws Exception {
    Path file = checkpointOf(adam(model(1)));
    Trainer trainer = adam(model(2)).resumeFrom(file).schedule(ReduceOnPlateau.of(0.5, 1));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> trainer.fit(DATA));
    assertEquals("the trainer must be configured before resumeFrom and not changed after it: "
        + file + ": learning-rate schedule must be absent as in the checkpoint, but the trainer"
        + " has one" + UNDONE, e.getMessage());
  }

  /** The checkpoint {@code file} with metadata entries and tensors replaced. */
  private Path altered(Path file, String name, Map<String, String> metadata, Tensor replacement)
      throws Exception {
    SafeTensors read = SafeTensors.read(file);
    Map<String, String> meta = new LinkedHashMap<>(read.metadata());
    meta.putAll(metadata);
    List<Tensor> tensors = new ArrayList<>();
    for (Tensor t : read.tensors()) {
      tensors.add(replacement != null && t.name().equals(replacement.name()) ? replacement : t);
    }
    Path out = dir.resolve(name + ".safetensors");
    SafeTensors.of(meta, tensors).write(out);
    return out;
  }

  @Test
  void refusesDamagedValuesNamingThemAndChangesNothing() throws Exception {
    Path file = checkpointOf(adam(model(1)));
    float[] weights = SafeTensors.read(file).tensor("linear.weight").values();
    float[] nan = weights.clone();
    nan[5] = Float.NaN;
    float[] negative = SafeTensors.read(file).tensor("optimizer.linear.bias.exp_avg_sq").values();
    negative[1] = -1f;
    String bomb = ";".repeat(1_000_000);
    Map<Path, String> cases = new LinkedHashMap<>();
    cases.put(altered(file, "lr_nan", Map.of("ganglion.initial_lr", "NaN"), null),
        "ganglion.initial_lr NaN");
    cases.put(altered(file, "lr_negative", Map.of("ganglion.initial_lr", "-0.5"), null),
        "ganglion.initial_lr -0.5");
    cases.put(altered(file, "lr_infinite", Map.of("ganglion.initial_lr", "Infinity"), null),
        "ganglion.initial_lr Infinity");
    cases.put(altered(file, "steps", Map.of("ganglion.optimizer.steps",
        Long.toString(Long.MAX_VALUE)), null), "ganglion.optimizer.steps was 9223372036854775807");
    cases.put(altered(file, "workers", Map.of("ganglion.worker_random_states", bomb), null),
        "ganglion.worker_random_states must hold one state per worker thread past the first, at"
            + " most 255, but held more");
    cases.put(altered(file, "nan_weight", Map.of(),
        Tensor.of("linear.weight", new int[] {3, 4}, nan)),
        "tensor 'linear.weight': values must be finite, but value 5 was NaN; was the file");
    cases.put(altered(file, "negative_moment", Map.of(),
        Tensor.of("optimizer.linear.bias.exp_avg_sq", new int[] {3}, negative)),
        "state tensor 'linear.bias.exp_avg_sq' must hold non-negative values (exp_avg_sq is a"
            + " running sum of squares), but value 1 was -1.0");
    for (Map.Entry<Path, String> c : cases.entrySet()) {
      LinearModel net = model(2);
      float[] before = net.parameter("linear.weight").toArray();
      Adam adam = Adam.of(0.01);
      Trainer trainer = adam(net).optimizer(adam);
      ModelFormatException e = assertThrows(ModelFormatException.class,
          () -> trainer.resumeFrom(c.getKey()), c.getValue());
      assertTrue(e.getMessage().startsWith(c.getKey() + ": "), e.getMessage());
      assertTrue(e.getMessage().contains(c.getValue()), e.getMessage());
      assertArrayEquals(before, net.parameter("linear.weight").toArray());
      assertEquals(0, adam.steps());
    }
  }

  @Test
  void aRefusedOptimizerStateLeavesTheScheduleAsItWas() throws Exception {
    Path file = checkpointOf(adam(model(1)).schedule(ReduceOnPlateau.of(0.5, 1)));
    float[] negative = SafeTensors.read(file).tensor("optimizer.linear.bias.exp_avg_sq").values();
    negative[0] = -2f;
    Path bad = altered(file, "bad", Map.of(),
        Tensor.of("optimizer.linear.bias.exp_avg_sq", new int[] {3}, negative));
    ReduceOnPlateau plateau = ReduceOnPlateau.of(0.5, 1);
    Map<String, Double> before = plateau.state();
    Trainer trainer = adam(model(2)).schedule(plateau);
    assertThrows(ModelFormatException.class, () -> trainer.resumeFrom(bad));
    assertEquals(before, plateau.state());
    // The good file loads a state other than the fresh one: the test sees a change.
    trainer.resumeFrom(file);
    assertTrue(!before.equals(plateau.state()), plateau.state() + " vs " + before);
  }

  @Test
  void aSeedSetAfterResumingIsRefused() throws Exception {
    Path file = checkpointOf(adam(model(1)));
    LinearModel net = model(2);
    float[] before = net.parameter("linear.weight").toArray();
    Trainer trainer = adam(net).resumeFrom(file).seed(5);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> trainer.fit(DATA));
    assertArrayEquals(before, net.parameter("linear.weight").toArray());
    assertEquals("the seed must not be changed after resumeFrom, which set the checkpoint's"
        + " seed 4, but it was set to 5; a resumed run shuffles as the run it continues" + UNDONE,
        e.getMessage());
  }

  @Test
  void resumingWithFewerEpochsThanCompletedIsRefused() throws Exception {
    Path file = checkpointOf(adam(model(1)));
    Trainer trainer = adam(model(2)).epochs(2).resumeFrom(file);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> trainer.fit(DATA));
    assertTrue(e.getMessage().startsWith(file + ": the checkpoint has completed 3 epochs, more"
        + " than the trainer's epochs(2)"), e.getMessage());
    // As many epochs as completed is a finished run: nothing more to train, the history back.
    assertEquals(3, adam(model(2)).resumeFrom(file).fit(DATA).epochs());
  }

  @Test
  void aFitRefusedBeforeTrainingStillResumes() throws Exception {
    Path file = checkpointOf(adam(model(1)));
    Path copy = dir.resolve("copy.safetensors");
    java.nio.file.Files.copy(file, copy);
    List<Integer> started = new ArrayList<>();
    Trainer trainer = adam(model(2)).epochs(5).checkpoint(copy).keepBest(copy, "val_loss")
        .listener(new TrainingListener() {
          @Override
          public void epochStarted(int epoch) {
            started.add(epoch);
          }
        })
        .resumeFrom(copy);
    assertThrows(IllegalArgumentException.class, () -> trainer.fit(DATA));
    History h = trainer.keepBest(dir.resolve("best.safetensors"), "val_loss").fit(DATA);
    assertEquals(List.of(3, 4), started);
    assertEquals(5, h.epochs());
  }

  @Test
  void theCheckpointAndTheBestWeightsMustBeDifferentFiles() {
    LinearModel net = model(1);
    float[] before = net.parameter("linear.weight").toArray();
    Path file = dir.resolve("same.safetensors");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> adam(net).checkpoint(file).keepBest(dir.resolve(".").resolve("same.safetensors"),
            "val_loss").fit(DATA));
    assertTrue(e.getMessage().startsWith("checkpoint and keepBest must write different files"),
        e.getMessage());
    assertArrayEquals(before, net.parameter("linear.weight").toArray());
  }

  @Test
  void aLinkToTheCheckpointIsTheSameFileBeforeEitherExists() throws Exception {
    LinearModel net = model(1);
    Path file = dir.resolve("written-later.safetensors");
    Path link = java.nio.file.Files.createSymbolicLink(dir.resolve("link.safetensors"), file);
    Path linkedDir = java.nio.file.Files.createSymbolicLink(dir.resolve("linked-dir"), dir);
    for (Path other : List.of(link, linkedDir.resolve("written-later.safetensors"))) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> adam(net).checkpoint(file).keepBest(other, "val_loss").fit(DATA));
      assertTrue(e.getMessage().startsWith("checkpoint and keepBest must write different files"),
          e.getMessage());
    }
    assertFalse(java.nio.file.Files.exists(file));
  }

  @Test
  void aScheduleGivingANonFiniteRateNamesTheEpoch() {
    LinearModel net = model(1);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> adam(net).schedule((epoch, initial) -> epoch == 1 ? Double.NaN : initial)
            .fit(DATA));
    assertEquals("the learning-rate schedule must give a non-negative finite rate, but gave NaN"
        + " for epoch 2/3 (initial rate 0.01); the weights are those after epoch 1",
        e.getMessage());
  }
}
