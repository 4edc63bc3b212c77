package io.ganglion.train;

import io.ganglion.Model;
import io.ganglion.Parameter;
import io.ganglion.internal.Checks;
import io.ganglion.io.DType;
import io.ganglion.io.ModelFiles;
import io.ganglion.io.ModelFormatException;
import io.ganglion.io.SafeTensors;
import io.ganglion.io.SafeTensorsReader;
import io.ganglion.io.Tensor;
import io.ganglion.io.TensorInfo;
import io.ganglion.optim.LearningRateSchedule;
import io.ganglion.optim.Optimizer;
import io.ganglion.optim.OptimizerState;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything {@link Trainer} needs to continue a run exactly, in one safetensors file:
 *
 * <ul>
 *   <li>tensors {@code <parameter>} (F32): the model's parameters, named as {@link ModelFiles}
 *       names them;
 *   <li>{@code optimizer.<parameter>.<slot>} (F32): the optimizer's state, such as {@code
 *       optimizer.hidden1.weight.exp_avg};
 *   <li>{@code best.<parameter>} and {@code best.<buffer>} (F32): the parameters and buffers of
 *       the best epoch so far, once there is one;
 *   <li>{@code history.<metric>} (F64, one value per epoch): the {@link History} so far;
 *   <li>metadata: Ganglion's model metadata, {@code ganglion.checkpoint_version}, {@code
 *       ganglion.epoch} (epochs completed), {@code ganglion.seed}, {@code ganglion.initial_lr},
 *       {@code ganglion.optimizer} (kind), {@code .steps}, {@code .lr}, {@code .slots}, {@code
 *       ganglion.schedule} ({@code none} or {@code set}) with the schedule's state as {@code
 *       ganglion.schedule.<name>}, the monitored metric's tracking ({@code ganglion.monitor},
 *       {@code best_value}, {@code best_epoch}, {@code wait}, {@code stopped_epoch}), keep-best's
 *       ({@code ganglion.keep_best.monitor}, {@code .value}), the metric names in order ({@code
 *       ganglion.history}), the model's random state ({@code ganglion.random_state}) and, when
 *       worker threads trained on replicas, theirs ({@code ganglion.worker_random_states},
 *       separated by semicolons) and the settings {@code ganglion.epochs} (for information), {@code
 *       batch_size}, {@code shuffle}, {@code l2}, {@code optimizer.settings}, {@code
 *       early_stopping}, {@code class_weights} and {@code gradient_accumulation} (a resumed run
 *       must have the same).
 * </ul>
 *
 * <p>Numbers in the metadata are decimal strings that parse back to the same {@code double}, so a
 * resumed run sees exactly the values the interrupted one had.
 */
record Checkpoint(
    int epoch,
    long seed,
    double initialRate,
    OptimizerState optimizer,
    Map<String, Double> schedule,
    String monitor,
    double bestValue,
    int bestEpoch,
    int waited,
    int stoppedEpoch,
    String keepBestMonitor,
    double keepBestValue,
    Map<String, double[]> history,
    float[][] parameters,
    float[][] buffers,
    long[] randomState,
    long[][] workerRandomStates,
    float[][] best,
    Settings settings) {

  static final String VERSION_KEY = "ganglion.checkpoint_version";
  /** 2 added {@code best.<buffer>}; a version-1 checkpoint's own buffers stand in for them. */
  static final int VERSION = 2;
  static final String OPTIMIZER = "optimizer.";
  static final String BEST = "best.";
  static final String HISTORY = "history.";
  private static final String META = "ganglion.";

  /**
   * The training settings a checkpoint records: a resumed run must have the same batch size,
   * shuffling, l2, optimizer settings ({@link Optimizer#settings()}), early stopping and class
   * weights and gradient accumulation (the epochs may grow). The last four are null in a
   * checkpoint written before they were recorded; early stopping and class weights are {@code
   * none} when there are none, gradient accumulation is its steps.
   */
  record Settings(int epochs, int batchSize, boolean shuffle, double l2, String optimizer,
      String earlyStopping, String classWeights, String accumulation) {}

  private static String numbers(long[] values) {
    StringBuilder text = new StringBuilder();
    for (long v : values) {
      text.append(text.length() == 0 ? "" : ",").append(v);
    }
    return text.toString();
  }

  /** Writes this checkpoint of {@code model}'s training to {@code file}, atomically. */
  void write(Model model, Path file) throws IOException {
    Map<String, String> meta = new LinkedHashMap<>(ModelFiles.metadata(model));
    meta.put(VERSION_KEY, Integer.toString(VERSION));
    meta.put(META + "epoch", Integer.toString(epoch));
    meta.put(META + "epochs", Integer.toString(settings.epochs()));
    meta.put(META + "seed", Long.toString(seed));
    meta.put(META + "batch_size", Integer.toString(settings.batchSize()));
    meta.put(META + "shuffle", Boolean.toString(settings.shuffle()));
    meta.put(META + "l2", Double.toString(settings.l2()));
    meta.put(META + "optimizer.settings", settings.optimizer());
    meta.put(META + "early_stopping", settings.earlyStopping());
    meta.put(META + "class_weights", settings.classWeights());
    meta.put(META + "gradient_accumulation", settings.accumulation());
    meta.put(META + "initial_lr", Double.toString(initialRate));
    meta.put(META + "optimizer", optimizer.optimizer());
    meta.put(META + "optimizer.steps", Long.toString(optimizer.steps()));
    meta.put(META + "optimizer.lr", Double.toString(optimizer.learningRate()));
    meta.put(META + "schedule", schedule == null ? "none" : "set");
    if (schedule != null) {
      for (Map.Entry<String, Double> e : schedule.entrySet()) {
        meta.put(META + "schedule." + e.getKey(), Double.toString(e.getValue()));
      }
    }
    meta.put(META + "monitor", monitor);
    meta.put(META + "best_value", Double.toString(bestValue));
    meta.put(META + "best_epoch", Integer.toString(bestEpoch));
    meta.put(META + "wait", Integer.toString(waited));
    meta.put(META + "stopped_epoch", Integer.toString(stoppedEpoch));
    if (keepBestMonitor != null) {
      meta.put(META + "keep_best.monitor", keepBestMonitor);
      meta.put(META + "keep_best.value", Double.toString(keepBestValue));
    }
    meta.put(META + "history", String.join(",", history.keySet()));
    meta.put(META + "random_state", numbers(randomState));
    if (workerRandomStates.length > 0) {
      StringBuilder workers = new StringBuilder();
      for (long[] state : workerRandomStates) {
        workers.append(workers.length() == 0 ? "" : ";").append(numbers(state));
      }
      meta.put(META + "worker_random_states", workers.toString());
    }

    List<Parameter> params = model.parameters();
    List<Tensor> tensors = new ArrayList<>();
    for (int k = 0; k < params.size(); k++) {
      tensors.add(Tensor.of(params.get(k).name(), params.get(k).shape(), parameters[k]));
    }
    List<Parameter> bufferList = model.buffers();
    for (int k = 0; k < bufferList.size(); k++) {
      tensors.add(buffer(bufferList.get(k).name(), bufferList.get(k), buffers[k]));
    }
    meta.put(META + "optimizer.slots", String.join(",", slotsOf(optimizer)));
    for (Map.Entry<String, float[]> e : optimizer.tensors().entrySet()) {
      String parameter = e.getKey().substring(0, e.getKey().lastIndexOf('.'));
      tensors.add(Tensor.of(
          OPTIMIZER + e.getKey(), model.parameter(parameter).shape(), e.getValue()));
    }
    if (best != null) {
      for (int k = 0; k < params.size(); k++) {
        tensors.add(Tensor.of(BEST + params.get(k).name(), params.get(k).shape(), best[k]));
      }
      for (int k = 0; k < bufferList.size(); k++) {
        Parameter b = bufferList.get(k);
        tensors.add(buffer(BEST + b.name(), b, best[params.size() + k]));
      }
    }
    for (Map.Entry<String, double[]> e : history.entrySet()) {
      tensors.add(Tensor.ofDoubles(
          HISTORY + e.getKey(), new int[] {e.getValue().length}, e.getValue()));
    }
    SafeTensors.of(meta, tensors).write(file);
  }

  /**
   * A buffer's tensor: a batch counter as I64, as in model files and PyTorch; others F32. A buffer
   * that resuming would refuse (set by hand) is refused here, as a model file's is.
   */
  private static Tensor buffer(String name, Parameter buffer, float[] values) {
    boolean counter = buffer.name().endsWith(".num_batches_tracked");
    ModelFiles.checkStorable(buffer.name(), values, counter ? DType.I64 : DType.F32);
    return counter ? Tensor.of(name, DType.I64, buffer.shape(), values)
        : Tensor.of(name, buffer.shape(), values);
  }

  /** The slot names of a state's tensors ({@code <parameter>.<slot>}; slots have no dot). */
  private static Set<String> slotsOf(OptimizerState state) {
    Set<String> slots = new LinkedHashSet<>();
    for (String name : state.tensors().keySet()) {
      slots.add(name.substring(name.lastIndexOf('.') + 1));
    }
    return slots;
  }

  /**
   * Reads and checks a checkpoint of {@code model}'s training: a Ganglion checkpoint of a version
   * this runtime reads, from the same network (class and spec), with exactly the tensors the
   * layout above names, each with its parameter's shape. Throws {@link ModelFormatException}
   * naming the file and what mismatched; changes nothing.
   */
  static Checkpoint read(Model model, Path file) throws IOException {
    try (SafeTensorsReader reader = SafeTensorsReader.open(file)) {
      return new Reader(model, file, reader).read();
    }
  }

  /**
   * Checks that the trainer about to resume is configured as the one that wrote the checkpoint
   * where it matters for continuing: the kind of optimizer and its state slots, whether there is
   * a schedule and the state it keeps, and the metric that early stopping and the best weights
   * follow.
   */
  void checkResumableBy(
      Path file, Optimizer configured, LearningRateSchedule configuredSchedule,
      String configuredMonitor, String configuredKeepBest, Settings configuredSettings)
      throws ModelFormatException {
    if (settings != null) {
      // The epochs may grow (training on is what resuming is for); the rest shapes the run. (The
      // batch size is checked by fit, which knows how many samples a batch can hold.)
      String was = settings.shuffle() != configuredSettings.shuffle()
          ? "shuffle " + settings.shuffle() + ", but the trainer has "
              + configuredSettings.shuffle()
          : Double.compare(settings.l2() + 0.0, configuredSettings.l2() + 0.0) != 0
              ? "l2 " + settings.l2() + ", but the trainer has " + configuredSettings.l2()
              : null;
      if (was != null) {
        throw new ModelFormatException(file, null, settingsMessage(was));
      }
    }
    if (!configured.kind().equals(optimizer.optimizer())) {
      throw new ModelFormatException(file, null, "optimizer must be " + optimizer.optimizer()
          + " as in the checkpoint, but the trainer has " + configured.kind()
          + "; configure the trainer as when the checkpoint was written");
    }
    Set<String> slots = new LinkedHashSet<>(configured.slotNames());
    if (optimizer.steps() > 0 && !slotsOf(optimizer).equals(slots)) {
      throw new ModelFormatException(file, null, "optimizer state must have the slots " + slots
          + " of the trainer's " + configured.kind() + ", but the checkpoint has "
          + slotsOf(optimizer) + "; was the optimizer configured differently (momentum, ...)?");
    }
    if ((schedule == null) != (configuredSchedule == null)) {
      throw new ModelFormatException(file, null, "learning-rate schedule must be "
          + (schedule == null ? "absent" : "set") + " as in the checkpoint, but the trainer "
          + (configuredSchedule == null ? "has none" : "has one"));
    }
    if (schedule != null && !configuredSchedule.state().keySet().equals(schedule.keySet())) {
      throw new ModelFormatException(file, null, "learning-rate schedule must keep the state "
          + schedule.keySet() + " as in the checkpoint, but the trainer's keeps "
          + configuredSchedule.state().keySet() + "; is it another kind of schedule?");
    }
    if (!monitor.equals(configuredMonitor)) {
      throw new ModelFormatException(file, null, "monitored metric must be '" + monitor
          + "' as in the checkpoint, but the trainer monitors '" + configuredMonitor
          + "' (set by early stopping, or val_loss with validation data, else loss)");
    }
    if (keepBestMonitor != null && configuredKeepBest != null
        && !keepBestMonitor.equals(configuredKeepBest)) {
      throw new ModelFormatException(file, null, "keep-best metric must be '" + keepBestMonitor
          + "' as in the checkpoint, but the trainer keeps the best '" + configuredKeepBest + "'");
    }
    // After the checks above, which name the likelier differences more plainly.
    if (settings != null && differs(settings.optimizer(), configured.settings())) {
      throw new ModelFormatException(file, null, settingsMessage(configured.kind() + " with "
          + settings.optimizer() + ", but the trainer's has " + configured.settings()));
    }
    if (settings != null
        && differs(settings.earlyStopping(), configuredSettings.earlyStopping())) {
      throw new ModelFormatException(file, null, settingsMessage("early stopping "
          + settings.earlyStopping() + ", but the trainer has "
          + configuredSettings.earlyStopping()));
    }
    if (settings != null
        && differs(settings.classWeights(), configuredSettings.classWeights())) {
      throw new ModelFormatException(file, null, settingsMessage("class weights "
          + settings.classWeights() + ", but the trainer has "
          + configuredSettings.classWeights()));
    }
    if (settings != null
        && differs(settings.accumulation(), configuredSettings.accumulation())) {
      throw new ModelFormatException(file, null, settingsMessage("gradient accumulation over "
          + settings.accumulation() + " batches, but the trainer has "
          + configuredSettings.accumulation()));
    }
  }

  /**
   * Why a run on {@code samples} training samples with {@code configured}'s batch size is not the
   * run this checkpoint continues, or null if it is: the batches it draws, {@code min(batch
   * size, samples)} samples each, must be the same.
   */
  String batchMismatch(Settings configured, int samples) {
    if (settings == null || Math.min(settings.batchSize(), samples)
        == Math.min(configured.batchSize(), samples)) {
      return null;
    }
    return settingsMessage("batch size " + settings.batchSize() + ", but the trainer has "
        + configured.batchSize());
  }

  /** Whether a recorded setting (null in older checkpoints, which are not checked) differs. */
  private static boolean differs(String recorded, String configured) {
    return recorded != null && !recorded.equals(configured);
  }

  private static String settingsMessage(String was) {
    return "a resumed run must have the settings of the run it continues, which had " + was
        + "; to train on with other settings, take the weights"
        + " (ModelFiles.loadIgnoringUnexpected) and fit anew";
  }

  /** Reads one file; one instance per call of {@link #read}. */
  private static final class Reader {
    private final Model model;
    private final Path file;
    private final SafeTensorsReader reader;
    private final Map<String, String> meta;

    Reader(Model model, Path file, SafeTensorsReader reader) {
      this.model = model;
      this.file = file;
      this.reader = reader;
      this.meta = reader.metadata();
    }

    Checkpoint read() throws IOException {
      String version = meta.get(VERSION_KEY);
      if (version == null) {
        throw new ModelFormatException(file, null, "file must be a Ganglion checkpoint (with "
            + VERSION_KEY + "), but was not"
            + (meta.containsKey(ModelFiles.NETWORK_KEY)
                ? "; it looks like a model file: load it with Model.load"
                : "; was it written by another tool?"));
      }
      int v = integer(VERSION_KEY);
      if (v < 1 || v > VERSION) {
        throw new ModelFormatException(file, null, VERSION_KEY + " must be between 1 and "
            + VERSION + " (the newest this runtime reads), but was " + v
            + "; a newer Ganglion wrote it");
      }
      String network = meta.get(ModelFiles.NETWORK_KEY);
      String spec = meta.get(ModelFiles.SPEC_KEY);
      if (!model.name().equals(network) || !model.spec().equals(spec)) {
        throw new ModelFormatException(file, null, "checkpoint must come from network "
            + model.name() + " (" + model.spec() + "), but came from " + network + " ("
            + spec + ")");
      }
      int epoch = integer(META + "epoch");
      if (epoch < 1) {
        throw new ModelFormatException(file, null,
            META + "epoch must be at least 1, but was " + epoch);
      }
      List<Parameter> params = model.parameters();
      Set<String> expected = new LinkedHashSet<>();
      float[][] parameters = new float[params.size()][];
      for (int k = 0; k < params.size(); k++) {
        parameters[k] = values(params.get(k).name(), params.get(k), expected);
      }
      List<Parameter> bufferList = model.buffers();
      float[][] buffers = new float[bufferList.size()][];
      for (int k = 0; k < bufferList.size(); k++) {
        buffers[k] = values(bufferList.get(k).name(), bufferList.get(k), expected);
      }

      String kind = required(META + "optimizer");
      long steps = longValue(META + "optimizer.steps");
      double rate = number(META + "optimizer.lr");
      String slotList = required(META + "optimizer.slots");
      List<String> slots = slotList.isEmpty() ? List.of() : Arrays.asList(slotList.split(","));
      Map<String, float[]> slotTensors = new LinkedHashMap<>();
      if (steps > 0) {
        for (Parameter p : params) {
          for (String slot : slots) {
            String name = p.name() + "." + slot;
            // Checked by the optimizer's loadState, which allows an overflowed sum of squares.
            slotTensors.put(name, values(OPTIMIZER + name, p, expected, false));
          }
        }
      }
      double initialRate = number(META + "initial_lr");
      if (steps < 0 || steps > 1L << 53 || !(rate >= 0) || Double.isInfinite(rate)
          || !(initialRate >= 0) || Double.isInfinite(initialRate)) {
        throw new ModelFormatException(file, null, "optimizer steps must be from 0 to 2^53 and"
            + " the learning rates non-negative and finite, but " + META + "optimizer.steps was "
            + steps + ", " + META + "optimizer.lr " + rate + " and " + META + "initial_lr "
            + initialRate);
      }
      OptimizerState optimizer = new OptimizerState(kind, steps, rate, slotTensors);

      Map<String, Double> schedule = null;
      String scheduleKind = required(META + "schedule");
      if (scheduleKind.equals("set")) {
        schedule = new LinkedHashMap<>();
        String prefix = META + "schedule.";
        for (String key : meta.keySet()) {
          if (key.startsWith(prefix)) {
            schedule.put(key.substring(prefix.length()), number(key));
          }
        }
      } else if (!scheduleKind.equals("none")) {
        throw new ModelFormatException(file, null,
            META + "schedule must be 'none' or 'set', but was '" + scheduleKind + "'");
      }

      String monitor = required(META + "monitor");
      double bestValue = number(META + "best_value");
      int bestEpoch = integer(META + "best_epoch");
      int wait = integer(META + "wait");
      int stoppedEpoch = integer(META + "stopped_epoch");
      if (bestEpoch < -1 || bestEpoch >= epoch || wait < 0 || stoppedEpoch < -1
          || stoppedEpoch >= epoch) {
        throw new ModelFormatException(file, null, "best epoch, wait and stopped epoch must fit"
            + " the " + epoch + " epochs completed, but were " + bestEpoch + ", " + wait + " and "
            + stoppedEpoch);
      }
      String keepBestMonitor = meta.get(META + "keep_best.monitor");
      double keepBestValue =
          keepBestMonitor == null ? Double.NaN : number(META + "keep_best.value");

      float[][] best = null;
      if (bestEpoch >= 0) {
        best = new float[params.size() + bufferList.size()][];
        for (int k = 0; k < params.size(); k++) {
          best[k] = values(BEST + params.get(k).name(), params.get(k), expected);
        }
        for (int k = 0; k < bufferList.size(); k++) {
          Parameter b = bufferList.get(k);
          best[params.size() + k] =
              v >= 2 ? values(BEST + b.name(), b, expected) : buffers[k];
        }
      }

      Map<String, double[]> history = new LinkedHashMap<>();
      String metrics = required(META + "history");
      for (String metric : metrics.isEmpty() ? new String[0] : metrics.split(",")) {
        String name = HISTORY + metric;
        TensorInfo info = present(name);
        if (info.dtype() != DType.F64 || !Arrays.equals(info.shape(), new int[] {epoch})) {
          throw new ModelFormatException(file, name, "history must be F64 of shape [" + epoch
              + "] (one value per epoch completed), but was " + info.dtypeName()
              + Arrays.toString(info.shape()));
        }
        expected.add(name);
        history.put(metric, reader.read(info).doubles());
      }
      if (history.isEmpty()) {
        throw new ModelFormatException(file, null,
            META + "history must name the metrics recorded, but was empty");
      }

      List<String> unexpected = new ArrayList<>();
      for (TensorInfo t : reader.tensors()) {
        if (!expected.contains(t.name())) {
          unexpected.add(t.name());
        }
      }
      if (!unexpected.isEmpty()) {
        throw new ModelFormatException(file, unexpected.get(0), "tensors must be the ones of a"
            + " checkpoint of " + model.name() + " " + expected + ", but the file also has "
            + unexpected);
      }
      return new Checkpoint(epoch, longValue(META + "seed"), initialRate,
          optimizer, schedule, monitor, bestValue, bestEpoch, wait, stoppedEpoch, keepBestMonitor,
          keepBestValue, history, parameters, buffers,
          randomState(META + "random_state", required(META + "random_state")),
          workerRandomStates(), best, settings());
    }

    /** The settings the run was written with, or null if a file lacks any of them. */
    private Settings settings() throws ModelFormatException {
      for (String key : List.of("epochs", "batch_size", "shuffle", "l2")) {
        if (!meta.containsKey(META + key)) {
          return null;
        }
      }
      String shuffle = meta.get(META + "shuffle");
      if (!shuffle.equals("true") && !shuffle.equals("false")) {
        throw new ModelFormatException(file, null,
            META + "shuffle must be true or false, but was '" + shuffle + "'");
      }
      return new Settings(integer(META + "epochs"), integer(META + "batch_size"),
          Boolean.parseBoolean(shuffle), number(META + "l2"), meta.get(META + "optimizer.settings"),
          meta.get(META + "early_stopping"), meta.get(META + "class_weights"),
          meta.get(META + "gradient_accumulation"));
    }

    /**
     * The random states of the replicas that worker threads trained on (worker 1 on), separated
     * by semicolons; none for a run on one thread or on a network split by rows.
     */
    private long[][] workerRandomStates() throws ModelFormatException {
      String key = META + "worker_random_states";
      String text = meta.get(key);
      if (text == null) {
        return new long[0][];
      }
      int count = 1;
      for (int i = 0; i < text.length(); i++) {
        if (text.charAt(i) == ';' && ++count > ParallelGradients.MAX_WORKERS - 1) {
          // Counted before splitting: a header of semicolons must not become millions of states.
          throw new ModelFormatException(file, null, key + " must hold one state per worker"
              + " thread past the first, at most " + (ParallelGradients.MAX_WORKERS - 1)
              + ", but held more");
        }
      }
      String[] workers = text.split(";", -1);
      long[][] states = new long[workers.length][];
      for (int w = 0; w < workers.length; w++) {
        states[w] = randomState(key, workers[w]);
      }
      return states;
    }

    /** A random state ({@link Model#randomState()}) of the model: as many numbers as it has. */
    private long[] randomState(String key, String text) throws ModelFormatException {
      String[] parts = text.isEmpty() ? new String[0] : text.split(",", -1);
      int expected = model.randomState().length;
      if (parts.length != expected) {
        throw new ModelFormatException(file, null, key + " must hold " + expected
            + " numbers per state for " + model.name() + ", but had '" + text + "'");
      }
      long[] state = new long[parts.length];
      for (int k = 0; k < parts.length; k++) {
        try {
          state[k] = Long.parseLong(parts[k]);
        } catch (NumberFormatException e) {
          throw new ModelFormatException(file, null,
              key + " must be integers, but was '" + text + "'");
        }
      }
      if (state.length == 3) {
        // A generated model's {seed, dropout steps, replicas}: refused here, before resumeFrom
        // changes anything, rather than by setRandomState after the weights were copied.
        try {
          Checks.randomState(state);
        } catch (IllegalArgumentException e) {
          throw new ModelFormatException(file, null, key + ": " + e.getMessage(), e);
        }
      }
      return state;
    }

    /** The values of tensor {@code name}, which must have the shape of {@code p} and be finite. */
    private float[] values(String name, Parameter p, Set<String> expected) throws IOException {
      return values(name, p, expected, true);
    }

    private float[] values(String name, Parameter p, Set<String> expected, boolean finite)
        throws IOException {
      TensorInfo info = present(name);
      if (!Arrays.equals(info.shape(), p.shape())) {
        throw new ModelFormatException(file, name, "shape must be " + Arrays.toString(p.shape())
            + " as " + p.name() + " in " + model.name() + ", but was "
            + Arrays.toString(info.shape()));
      }
      expected.add(name);
      float[] values = reader.read(info).values();
      if (finite) {
        ModelFiles.checkFinite(file, name, info.dtype(), values);
      }
      return values;
    }

    private TensorInfo present(String name) throws ModelFormatException {
      TensorInfo info = reader.tensor(name);
      if (info == null) {
        throw new ModelFormatException(file, name,
            "tensor must be in a checkpoint of " + model.name() + ", but is missing");
      }
      return info;
    }

    private String required(String key) throws ModelFormatException {
      String value = meta.get(key);
      if (value == null) {
        throw new ModelFormatException(file, null,
            "metadata must have " + key + " in a checkpoint, but had none");
      }
      return value;
    }

    private double number(String key) throws ModelFormatException {
      String value = required(key);
      try {
        return Double.parseDouble(value);
      } catch (NumberFormatException e) {
        throw new ModelFormatException(file, null,
            key + " must be a number, but was '" + value + "'");
      }
    }

    private long longValue(String key) throws ModelFormatException {
      String value = required(key);
      try {
        return Long.parseLong(value);
      } catch (NumberFormatException e) {
        throw new ModelFormatException(file, null,
            key + " must be an integer, but was '" + value + "'");
      }
    }

    private int integer(String key) throws ModelFormatException {
      long value = longValue(key);
      if (value != (int) value) {
        throw new ModelFormatException(file, null,
            key + " must be a 32-bit integer, but was " + value);
      }
      return (int) value;
    }
  }
}
