package io.ganglion.train;

import io.ganglion.Layer;
import io.ganglion.Loss;
import io.ganglion.Model;
import io.ganglion.Parameter;
import io.ganglion.data.Dataset;
import io.ganglion.internal.Checks;
import io.ganglion.internal.SplitMix;
import io.ganglion.io.AtomicFiles;
import io.ganglion.io.DType;
import io.ganglion.io.ModelFiles;
import io.ganglion.io.ModelFormatException;
import io.ganglion.optim.LearningRateSchedule;
import io.ganglion.optim.Optimizer;
import io.ganglion.optim.OptimizerState;
import io.ganglion.optim.Sgd;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The training loop every model shares, Keras style: each epoch shuffles the samples (seeded),
 * gathers mini-batches into contiguous buffers, runs the generated forward and backward pass, adds
 * the L2 penalty's gradient and lets the optimizer update the parameters; then it evaluates the
 * validation data, records the metrics in a {@link History}, drives the learning-rate schedule,
 * early stopping, listeners and the progress line.
 *
 * <pre>{@code
 * History h = Trainer.of(net)
 *     .optimizer(Adam.of(1e-3)).batchSize(64).epochs(20).seed(42)
 *     .validationSplit(0.1)
 *     .earlyStopping(EarlyStopping.monitor("val_loss").patience(3).restoreBestWeights(true))
 *     .fit(train);
 * }</pre>
 *
 * <p>A NaN or infinite batch loss stops training with a {@link TrainingDivergedException}, after
 * putting back the best weights seen so far (the optimizer keeps the state of its last step: give
 * the next attempt a new optimizer). The same seed and settings give bit-identical
 * results. Steps allocate nothing once the buffers exist.
 *
 * <p>Checkpoints: {@link #checkpoint(Path)} writes everything training needs to continue (weights,
 * optimizer state, epoch, schedule, early-stopping and best-weight tracking, history) to one
 * safetensors file after every epoch; {@link #resumeFrom(Path)} on a trainer configured the same
 * way continues from it, and the result is bit-identical to an uninterrupted run:
 *
 * <pre>{@code
 * Trainer.of(net).optimizer(Adam.of(1e-3)).epochs(20).checkpoint(ckpt).fit(train); // interrupted
 * // later, in a new JVM: the same configuration, then resume and fit the remaining epochs
 * Trainer.of(new Net_Mlp()).optimizer(Adam.of(1e-3)).epochs(20).checkpoint(ckpt)
 *     .resumeFrom(ckpt).fit(train);
 * }</pre>
 *
 * <p>A trainer, like its model and optimizer, is used from one thread at a time; {@link #fit}
 * runs its own worker threads ({@link #threads}).
 */
public final class Trainer {
  /** A top-k metric's name, training's or validation's (which training does not report). */
  private static final Pattern TOP_K_METRIC =
      Pattern.compile("(?:val_)?top([1-9][0-9]{0,8})_accuracy");

  private final Model model;
  private Optimizer optimizer = Sgd.of(0.01);
  private int batchSize = 32;
  private int accumulation = 1;
  private int epochs = 1;
  private long seed = 0;
  private boolean shuffle = true;
  private Dataset validation;
  private double validationSplit;
  private LearningRateSchedule schedule;
  private EarlyStopping earlyStopping;
  private double l2;
  private float[] classWeights;
  private int topK;
  private boolean trainingAccuracy;
  private final List<TrainingListener> listeners = new ArrayList<>();
  private int verbose = 1;
  private PrintStream out;
  private boolean live;
  private volatile boolean stopRequested;
  private int threads;
  private ParallelGradients.Split split = ParallelGradients.Split.AUTO;
  private Path checkpointFile;
  private int checkpointEvery = 1;
  private Path keepBestFile;
  private String keepBestMonitor;
  /** A checkpoint loaded by {@link #resumeFrom} that the next {@link #fit} continues from. */
  private Checkpoint resumed;
  private Optimizer resumedOptimizer;
  private Path resumedFile;
  /** What {@link #resumeFrom} replaced, put back if {@link #fit} refuses the resume. */
  private ResumeUndo undoResume;

  private Trainer(Model model) {
    this.model = model;
  }

  /** A trainer for {@code model}. */
  public static Trainer of(Model model) {
    if (model == null) {
      throw new IllegalArgumentException("model must not be null");
    }
    // Refuses a null parameters() or buffers() now, not deep inside a run. (No parameters at all
    // can still be evaluated: a fixed rule, say.)
    ModelFiles.state(model);
    return new Trainer(model);
  }

  /** The optimizer; {@code Sgd.of(0.01)} by default. */
  public Trainer optimizer(Optimizer optimizer) {
    if (optimizer == null) {
      throw new IllegalArgumentException("optimizer must not be null");
    }
    this.optimizer = optimizer;
    return this;
  }

  /** Samples per mini-batch; 32 by default. */
  public Trainer batchSize(int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be at least 1, but was " + batchSize);
    }
    this.batchSize = batchSize;
    return this;
  }

  /**
   * Sums the gradients of {@code steps} consecutive batches and updates the weights once, with
   * their mean (Keras 3's {@code gradient_accumulation_steps}; in PyTorch, dividing each batch's
   * loss by {@code steps} and stepping every {@code steps} backward passes): an update then sees
   * {@code steps x batchSize} samples while training holds one batch. Groups do not cross epochs:
   * an epoch's last group averages the batches it has. Gradient clipping applies to the mean, and
   * the optimizer counts updates, not batches. 1 (every batch updates) by default.
   */
  public Trainer gradientAccumulation(int steps) {
    if (steps < 1) {
      throw new IllegalArgumentException(
          "gradient accumulation steps must be at least 1 (1: every batch updates), but was "
              + steps);
    }
    this.accumulation = steps;
    return this;
  }

  /** Passes over the training data; 1 by default. */
  public Trainer epochs(int epochs) {
    if (epochs < 1) {
      throw new IllegalArgumentException("epochs must be at least 1, but was " + epochs);
    }
    this.epochs = epochs;
    return this;
  }

  /**
   * Seed of the shuffling and of the validation split; 0 by default. Epoch {@code e} visits the
   * samples in an order that depends only on the seed and {@code e}.
   */
  public Trainer seed(long seed) {
    this.seed = seed;
    return this;
  }

  /** Whether to shuffle the samples every epoch; true by default. */
  public Trainer shuffle(boolean shuffle) {
    this.shuffle = shuffle;
    return this;
  }

  /** Data to evaluate after every epoch (metrics named {@code val_*}); none by default. */
  public Trainer validation(Dataset validation) {
    if (validation == null) {
      throw new IllegalArgumentException("validation data must not be null");
    }
    this.validation = validation;
    return this;
  }

  /**
   * Holds out this fraction of the training data for validation, in (0, 1); stratified by class
   * for labelled data and seeded by {@link #seed}. Exclusive with {@link #validation}.
   */
  public Trainer validationSplit(double fraction) {
    if (!(fraction > 0 && fraction < 1)) {
      throw new IllegalArgumentException(
          "validation split must be in (0, 1), but was " + fraction);
    }
    this.validationSplit = fraction;
    return this;
  }

  /** The learning rate per epoch, from the optimizer's rate at the start of {@code fit}. */
  public Trainer schedule(LearningRateSchedule schedule) {
    if (schedule == null) {
      throw new IllegalArgumentException("schedule must not be null");
    }
    this.schedule = schedule;
    return this;
  }

  /** Stops when a metric stops improving; off by default. */
  public Trainer earlyStopping(EarlyStopping earlyStopping) {
    if (earlyStopping == null) {
      throw new IllegalArgumentException("early stopping must not be null");
    }
    this.earlyStopping = earlyStopping;
    return this;
  }

  /**
   * L2 regularization of the weights (the {@code *.weight} parameters of dense and convolution
   * layers; not biases, nor batch normalization's scale), as Keras's {@code
   * kernel_regularizer=l2(lambda)}: adds {@code lambda * sum(w^2)} to each batch's mean loss and
   * {@code 2 lambda w} to the gradient. As in Keras, the penalty is part of every reported loss:
   * {@code loss}, {@code val_loss} and {@link #evaluate}'s (with the weights at the time). 0 (off)
   * by default.
   */
  public Trainer l2(double lambda) {
    if (!(lambda >= 0) || Double.isInfinite(lambda)) {
      throw new IllegalArgumentException(
          "L2 factor must be non-negative and finite, but was " + lambda);
    }
    this.l2 = lambda;
    return this;
  }

  /**
   * Weighs each training sample's loss by the weight of its class, as Keras's {@code
   * class_weight}: {@code weights[c]} for class {@code c}, one weight per class of the model (its
   * outputs, or 2 for one output), each finite and at least 0, not all 0. A batch's loss is then
   * {@code sum(w_i loss_i) / batch size}, as in Keras, and so is the reported {@code loss};
   * validation, {@link #evaluate} and the accuracies stay unweighted. Needs training data with
   * labels ({@link Dataset#ofLabels}). {@link Dataset#balancedClassWeights} gives weights that
   * make every class weigh alike. No argument, or null, turns it off (the default).
   */
  public Trainer classWeights(double... weights) {
    if (weights == null || weights.length == 0) {
      this.classWeights = null;
      return this;
    }
    float[] checked = new float[weights.length];
    boolean any = false;
    for (int c = 0; c < weights.length; c++) {
      float w = (float) weights[c];
      if (!(w >= 0 && w <= Float.MAX_VALUE)) {
        throw new IllegalArgumentException("class weight " + c + " must be a number of at least 0"
            + " that a float holds (at most " + Float.MAX_VALUE + "), but was " + weights[c]);
      }
      checked[c] = w;
      any |= w > 0;
    }
    if (!any) {
      throw new IllegalArgumentException("class weights must not all be 0, but were "
          + Arrays.toString(weights) + "; such a loss teaches nothing");
    }
    this.classWeights = checked;
    return this;
  }

  /** Also measures top-{@code k} accuracy on labelled validation data; off (0) by default. */
  public Trainer topK(int k) {
    if (k < 0) {
      throw new IllegalArgumentException("top-k must not be negative, but was " + k);
    }
    if (k > 0 && model.outputSize() < 2) {
      throw new IllegalArgumentException("top-k needs a classifier with one output per class,"
          + " but " + model.name() + " has one output");
    }
    if (k > model.outputSize()) {
      throw new IllegalArgumentException("top-k must be at most the " + model.outputSize()
          + " classes of " + model.name() + ", but was " + k);
    }
    this.topK = k;
    return this;
  }

  /**
   * Whether to measure the training metrics during each epoch, the ones validation reports with
   * {@code val_}: {@code accuracy} where the training data has classes (labels, or targets of a
   * softmax classifier), else {@code mse} and {@code mae} (and {@code accuracy}, Keras's binary
   * accuracy, for binary cross-entropy targets). As Keras reports them, from each batch's own
   * training forward pass (dropout applied, batch statistics), on the weights before the batch's
   * step. Costs no extra forward pass (except for a model written by hand, which is run again);
   * off by default.
   */
  public Trainer trainingAccuracy(boolean measure) {
    this.trainingAccuracy = measure;
    return this;
  }

  /** Adds a listener called at epoch start, batch end and epoch end. */
  public Trainer listener(TrainingListener listener) {
    if (listener == null) {
      throw new IllegalArgumentException("listener must not be null");
    }
    listeners.add(listener);
    return this;
  }

  /**
   * How much progress to print, as in Keras: 0 silent, 1 a progress bar line per epoch (redrawn
   * live on a terminal), 2 one plain line per epoch. 1 by default.
   */
  public Trainer verbose(int level) {
    if (level < 0 || level > 2) {
      throw new IllegalArgumentException("verbose must be 0, 1 or 2, but was " + level);
    }
    this.verbose = level;
    return this;
  }

  /**
   * Prints progress to {@code out} instead of {@code System.out}, as plain lines; see {@link
   * #progress(PrintStream, boolean)}.
   */
  public Trainer progress(PrintStream out) {
    return progress(out, false);
  }

  /**
   * Prints progress to {@code out}; {@code live} redraws the verbose-1 line in place with {@code
   * \r} as on a terminal. By default progress goes to {@code System.out}, live when a console is
   * attached, {@code CI} is unset and {@code TERM} is not {@code dumb}.
   */
  public Trainer progress(PrintStream out, boolean live) {
    if (out == null) {
      throw new IllegalArgumentException("progress stream must not be null");
    }
    this.out = out;
    this.live = live;
    return this;
  }

  /**
   * Writes a checkpoint to {@code file} after every epoch (or every {@link #checkpointEvery} epochs
   * and after the last one), replacing it atomically: a crash leaves the previous checkpoint. It
   * holds the weights, the optimizer's state, the epoch, the schedule's and early stopping's
   * state, the best weights so far and the history; {@link #resumeFrom} continues from it. Off by
   * default.
   */
  public Trainer checkpoint(Path file) {
    if (file == null) {
      throw new IllegalArgumentException("checkpoint file must not be null");
    }
    this.checkpointFile = file;
    return this;
  }

  /**
   * Writes the {@link #checkpoint} only every {@code epochs} epochs (and always after the last
   * epoch of a run, including one ended by early stopping or {@link #requestStop}); 1 by default.
   */
  public Trainer checkpointEvery(int epochs) {
    if (epochs < 1) {
      throw new IllegalArgumentException(
          "checkpoint interval must be at least 1 epoch, but was " + epochs);
    }
    this.checkpointEvery = epochs;
    return this;
  }

  /**
   * Saves the model's weights to {@code file} (as {@link Model#save}, loadable by {@link
   * Model#load} and PyTorch) after every epoch whose {@code monitor} metric (such as {@code
   * "val_loss"} or {@code "val_accuracy"}) is the best so far, as Keras's {@code
   * ModelCheckpoint(save_best_only=True)}. Off by default.
   */
  public Trainer keepBest(Path file, String monitor) {
    if (file == null) {
      throw new IllegalArgumentException("keep-best file must not be null");
    }
    if (monitor == null || monitor.isEmpty()) {
      throw new IllegalArgumentException("keep-best metric must be a metric name, but was "
          + (monitor == null ? "null" : "empty"));
    }
    this.keepBestFile = file;
    this.keepBestMonitor = monitor;
    return this;
  }

  /**
   * Continues training from a {@link #checkpoint}: the next {@link #fit} runs the epochs after the
   * checkpoint's up to {@link #epochs} (none if early stopping had ended the run) and returns the
   * whole history, and the weights it ends with are bit-identical to those of a run that was never
   * interrupted. Call it last, on a trainer configured as the one that wrote the checkpoint (same
   * optimizer with the same settings, schedule, early stopping, batch size, threads and their
   * {@linkplain #parallelSplit split}, l2, shuffling and data); the seed is taken from the
   * checkpoint. (The default split of a small dense network changed from rows to batch on
   * 2026-11-27: such a checkpoint of two threads from before resumes bit for bit with {@code
   * parallelSplit(ROWS)}, and to float rounding without.)
   *
   * <p>Loads the weights into the model and the optimizer's state (moments, step count, learning
   * rate) into the optimizer at once. Everything is checked first: a file that is not a checkpoint
   * of this network, or one written with another shuffling, l2, kind of optimizer, optimizer
   * slots, schedule or monitored metric, throws {@link ModelFormatException} naming the file and
   * the mismatch, and changes nothing. {@code fit} checks the rest before the first step: the
   * batch size (one that draws other batches from its data is refused), and that nothing the
   * checkpoint recorded was changed after this call (the optimizer, its settings, the seed, fewer
   * epochs than the checkpoint completed); refusing, it puts back the weights, buffers,
   * optimizer state, schedule and seed this call replaced, as they were before it.
   */
  public Trainer resumeFrom(Path file) throws IOException {
    if (file == null) {
      throw new IllegalArgumentException("checkpoint file must not be null");
    }
    Checkpoint c = Checkpoint.read(model, file);
    c.checkResumableBy(file, optimizer, schedule, monitor(), keepBestMonitor, settings());
    // The schedule's state is small: kept, to be put back if the optimizer's state is refused.
    Map<String, Double> scheduleBefore = schedule != null ? schedule.state() : null;
    if (schedule != null) {
      try {
        schedule.reset();
        schedule.loadState(c.schedule());
      } catch (IllegalArgumentException e) {
        restoreSchedule(schedule, scheduleBefore);
        throw new ModelFormatException(file, null, e.getMessage(), e);
      }
    }
    List<Parameter> parameters = model.parameters();
    OptimizerState optimizerBefore = optimizer.state();
    try {
      optimizer.loadState(parameters, c.optimizer());
    } catch (IllegalArgumentException e) {
      restoreSchedule(schedule, scheduleBefore);
      throw new ModelFormatException(file, null, e.getMessage(), e);
    }
    if (undoResume == null) {
      // The model as the first of several resumeFrom calls found it: a refusal puts it back as
      // the user had it.
      undoResume = new ResumeUndo(parameters);
    }
    undoResume.loaded(optimizer, optimizerBefore, schedule, scheduleBefore);
    // Nothing can fail past this point: every array has its parameter's size.
    for (int k = 0; k < parameters.size(); k++) {
      parameters.get(k).copyFrom(c.parameters()[k]);
    }
    List<Parameter> buffers = model.buffers();
    for (int k = 0; k < buffers.size(); k++) {
      buffers.get(k).copyFrom(c.buffers()[k]);
    }
    model.setRandomState(c.randomState());
    this.seed = c.seed();
    this.resumed = c;
    this.resumedOptimizer = optimizer;
    this.resumedFile = file;
    return this;
  }

  /**
   * What {@link #resumeFrom} calls replaced since the last fit: the weights, buffers, random state
   * and seed as the first call found them, and the state of every optimizer and schedule a call
   * loaded into as it was before the first call that did (an optimizer set between two calls is
   * put back too).
   */
  private final class ResumeUndo {
    private final List<Parameter> parameters;
    private final WeightSnapshot weights;
    private final WeightSnapshot buffers;
    private final long[] randomState;
    private final long seedBefore;
    private final Map<Optimizer, OptimizerState> optimizers = new IdentityHashMap<>();
    private final Map<LearningRateSchedule, Map<String, Double>> schedules =
        new IdentityHashMap<>();

    ResumeUndo(List<Parameter> parameters) {
      this.parameters = parameters;
      weights = new WeightSnapshot(parameters);
      weights.save();
      buffers = new WeightSnapshot(model.buffers());
      buffers.save();
      randomState = model.randomState();
      seedBefore = seed;
    }

    /** Records the states a call replaced, unless an earlier call replaced them first. */
    void loaded(Optimizer optimizer, OptimizerState optimizerBefore,
        LearningRateSchedule schedule, Map<String, Double> scheduleBefore) {
      optimizers.putIfAbsent(optimizer, optimizerBefore);
      if (schedule != null) {
        schedules.putIfAbsent(schedule, scheduleBefore);
      }
    }

    void run() {
      weights.restore();
      buffers.restore();
      model.setRandomState(randomState);
      seed = seedBefore;
      optimizers.forEach((optimizer, state) -> optimizer.loadState(parameters, state));
      schedules.forEach(Trainer::restoreSchedule);
    }
  }

  /** Puts {@code state} back into {@code schedule}, if there is one. */
  private static void restoreSchedule(LearningRateSchedule schedule, Map<String, Double> state) {
    if (schedule != null) {
      schedule.reset();
      schedule.loadState(state);
    }
  }

  /** The settings a checkpoint records, which a resumed run must repeat (the epochs apart). */
  private Checkpoint.Settings settings() {
    return new Checkpoint.Settings(epochs, batchSize, shuffle, l2, optimizer.settings(),
        earlyStopping == null ? "none" : earlyStopping.settings(),
        classWeights == null ? "none" : Arrays.toString(classWeights),
        Integer.toString(accumulation));
  }

  /** The metric that early stopping and the best weights follow. */
  private String monitor() {
    if (earlyStopping != null) {
      return earlyStopping.metric();
    }
    return validation != null || validationSplit > 0 ? "val_loss" : "loss";
  }

  /**
   * Asks a running {@link #fit} to stop after the current epoch: from a listener, or from another
   * thread (interrupting the training thread stops it sooner, see {@link #fit}).
   */
  public void requestStop() {
    stopRequested = true;
  }

  /** The optimizer, whose {@link Optimizer#state()} a checkpoint saves. */
  public Optimizer optimizer() {
    return optimizer;
  }

  /** The model being trained. */
  public Model model() {
    return model;
  }

  /**
   * Worker threads. Each batch's work is divided among them as {@link #parallelSplit} says: by
   * default a large network of dense layers has every layer's weight rows split among them (each
   * keeps its rows, their gradients and their optimizer state, and only partial sums and deltas
   * cross between threads), and any other network splits each batch (data-parallel, each worker
   * on a {@link Model#replica()}). Every sum runs in a fixed order, so the same seed, thread count
   * and split give bit-identical results. By default (or with 0) Ganglion uses every available
   * processor when a batch holds enough work (batch size x multiply-adds per sample of at least
   * {@value #PARALLEL_WORK}), else one thread.
   */
  public Trainer threads(int threads) {
    if (threads < 0 || threads > ParallelGradients.MAX_WORKERS) {
      throw new IllegalArgumentException("threads must be from 1 to "
          + ParallelGradients.MAX_WORKERS + ", or 0 for the default, but was " + threads);
    }
    this.threads = threads;
    return this;
  }

  /**
   * How worker threads divide a batch's work ({@link #threads}). {@link
   * ParallelGradients.Split#AUTO AUTO} (the default) splits a network that can be split by weight
   * rows that way when it has at least {@value ParallelGradients#ROWS_MIN_PARAMETERS} parameters,
   * and any other by batch; {@code BATCH} and {@code ROWS} insist on one ({@code ROWS} only for a
   * network made of dense layers of more than 64 weights each with element-wise hidden
   * activations: refused here, naming the layer in the way, for another).
   */
  public Trainer parallelSplit(ParallelGradients.Split split) {
    ParallelGradients.byRows(model, split); // refuses null, and ROWS for a network it cannot split
    this.split = split;
    return this;
  }

  /** Multiply-adds per batch below which a second thread costs more than it saves. */
  static final long PARALLEL_WORK = 2_000_000;

  /**
   * The number of workers {@link #fit} uses for batches of {@code batch} samples. A network with
   * batch normalization over vectors gives each worker at least two samples, since a worker
   * normalizes its own slice and one sample has no variance.
   */
  int workers(int batch) {
    int wanted = threads;
    if (wanted == 0) {
      boolean enoughWork = (long) batch * model.multiplyAdds() >= PARALLEL_WORK;
      wanted = enoughWork ? Runtime.getRuntime().availableProcessors() : 1;
    }
    int most = batchNormOfOneValue() != null ? batch / 2 : batch;
    return Math.max(1, Math.min(wanted, most));
  }

  /**
   * The model's first batch normalization layer that sees one value per channel in each sample
   * (over vectors, or over 1x1 images), so that it needs two samples per batch; or null.
   */
  private Layer batchNormOfOneValue() {
    return batchNormOfOneValue(model);
  }

  /** {@link #batchNormOfOneValue()} of {@code model}. */
  static Layer batchNormOfOneValue(Model model) {
    List<Layer> layers = model.layers();
    List<Parameter> buffers = model.buffers();
    if (buffers == null || buffers.isEmpty() || layers == null) {
      return null; // no batch norm (and a model written by hand need not describe its layers)
    }
    for (Layer layer : layers) {
      int[] shape = layer.inputShape();
      int perChannel = 1;
      for (int d = 1; d < shape.length; d++) {
        perChannel *= shape[d];
      }
      if (layer.kind().equals("BatchNorm") && perChannel == 1) {
        return layer;
      }
    }
    return null;
  }

  /** The model's layers, or none for a model written by hand that does not list them. */
  private List<Layer> layers() {
    List<Layer> layers = model.layers();
    return layers != null ? layers : List.of();
  }

  /**
   * Trains on {@code data} and returns the metrics per epoch. Each call starts at epoch 0: the
   * schedule runs from the optimizer's learning rate at the call, and the shuffling draws the same
   * orders as a first call would (the optimizer's moments and step count carry over). To continue
   * one run across calls or processes, use {@link #checkpoint} and {@link #resumeFrom}.
   *
   * <p>Interrupting the thread that runs it ({@code Future.cancel(true)}, {@code
   * ExecutorService.shutdownNow()}) stops training before the next batch with a {@link
   * java.util.concurrent.CancellationException} that says where (after an epoch's last batch:
   * before its validation and checkpoint); the weights are those of the last update, the
   * interrupt stays set (models still save and load on that thread), and a checkpoint of an
   * earlier epoch resumes the run. {@link #requestStop} instead ends it after the current epoch.
   */
  public History fit(Dataset data) {
    if (model.parameters().isEmpty()) {
      throw new IllegalStateException("model " + model.name() + " must have parameters to fit,"
          + " but its parameters() is empty; a model without any can be evaluated only");
    }
    checkData(data, "training data");
    checkClassWeights(data);
    Dataset train = data;
    Dataset held = validation;
    if (validationSplit > 0) {
      if (validation != null) {
        throw new IllegalStateException(
            "validation data and a validation split must not both be set, but both were");
      }
      Dataset.Split split = data.split(validationSplit, seed);
      train = split.train();
      held = split.validation();
    }
    if (held != null) {
      checkData(held, "validation data");
    }
    Layer norm = batchNormOfOneValue();
    if (norm != null && Math.min(batchSize, train.size()) < 2) {
      throw new IllegalArgumentException("batch norm layer " + norm.name() + " normalizes each"
          + " unit over the batch, so training needs at least 2 samples per batch, but "
          + (batchSize < 2 ? "batches have 1; use batchSize(2) or more"
              : "the training data holds 1 sample" + (validationSplit > 0
                  ? " after the validation split" : ""))
          + " (PyTorch refuses such batches too)");
    }
    Checkpoint from = resumed;
    if (from != null) {
      try {
        checkResume(from, train);
      } catch (IllegalStateException | IllegalArgumentException e) {
        // Refused as a whole: the model is as it was before resumeFrom, not half resumed.
        undoResume.run();
        undoResume = null;
        resumed = null;
        resumedOptimizer = null;
        resumedFile = null;
        String message = e.getMessage() + "; the model, optimizer and schedule are as they were"
            + " before resumeFrom";
        throw e instanceof IllegalStateException
            ? new IllegalStateException(message, e) : new IllegalArgumentException(message, e);
      }
      // The resume is used up when training starts (Run.fitEpochs), not before: a fit refused
      // by a later check (a file that cannot be saved) leaves the trainer ready to resume.
    }
    return new Run(train, held, from).fit();
  }

  /** What {@link #fit} checks of a resume, which needs the data or came after resumeFrom. */
  private void checkResume(Checkpoint from, Dataset train) {
    if (optimizer != resumedOptimizer) {
      throw new IllegalStateException("the optimizer must be set before resumeFrom, which"
          + " loaded its state, but another one was set after it");
    }
    try {
      from.checkResumableBy(
          resumedFile, optimizer, schedule, monitor(), keepBestMonitor, settings());
    } catch (ModelFormatException e) {
      throw new IllegalStateException("the trainer must be configured before resumeFrom and"
          + " not changed after it: " + e.getMessage(), e);
    }
    if (seed != from.seed()) {
      throw new IllegalStateException("the seed must not be changed after resumeFrom, which"
          + " set the checkpoint's seed " + from.seed() + ", but it was set to " + seed
          + "; a resumed run shuffles as the run it continues");
    }
    if (epochs < from.epoch()) {
      throw new IllegalArgumentException(resumedFile + ": the checkpoint has completed "
          + from.epoch() + " epochs, more than the trainer's epochs(" + epochs + "), so there"
          + " is nothing to resume; epochs counts from the start of the run, as when the"
          + " checkpoint was written: set epochs(" + (from.epoch() + 1) + ") or more to train"
          + " on");
    }
    String batch = from.batchMismatch(settings(), train.size());
    if (batch != null) {
      throw new IllegalArgumentException(resumedFile + ": " + batch);
    }
  }

  /**
   * The model's metrics on {@code data}: loss, and accuracy and more for labelled data (for a
   * one-output MSE, MAE or HUBER model only when its last layer is a sigmoid, a binary classifier;
   * otherwise its labels are target values and get mse and mae, as targets do).
   */
  public Evaluation evaluate(Dataset data) {
    checkData(data, "data");
    return new Evaluator(model, batchSize, topK).evaluate(data, model::evaluateBatch,
        l2Penalty(regularizedWeights(), l2));
  }

  /**
   * The weights that {@link #l2} penalizes (none when it is off): parameters named {@code
   * *.weight}, except those of batch normalization layers (its scale, gamma), which Keras's kernel
   * regularizer leaves alone.
   */
  private Parameter[] regularizedWeights() {
    if (l2 == 0) {
      return new Parameter[0];
    }
    List<Parameter> scales = new ArrayList<>();
    for (Layer layer : layers()) {
      if (layer.kind().equals("BatchNorm")) {
        scales.addAll(layer.parameters());
      }
    }
    List<Parameter> weights = new ArrayList<>();
    for (Parameter p : model.parameters()) {
      if (p.name().endsWith(".weight") && scales.stream().noneMatch(q -> q == p)) {
        weights.add(p);
      }
    }
    return weights.toArray(new Parameter[0]);
  }

  /** The L2 penalty {@code lambda sum(w^2)} of the current weights, 0 when L2 is off. */
  private static double l2Penalty(Parameter[] weights, double lambda) {
    if (lambda == 0) {
      return 0;
    }
    double sum = 0;
    for (Parameter p : weights) {
      for (float[] w : p.data()) {
        for (float v : w) {
          sum += (double) v * v;
        }
      }
    }
    return (float) lambda * sum;
  }

  /**
   * Forward and backward pass over one gathered batch: overwrites every parameter's gradient with
   * the batch's mean gradient and returns the sum of the per-sample losses. The one step a
   * data-parallel trainer replaces (replicas on slices, gradients reduced in a fixed order).
   */
  private double computeGradients(float[] x, int[] y, float[] t, float[] w, int count) {
    return model.forwardBackward(x, 0, y, t, w, count, 1f / count);
  }

  /** Adds {@code 2 l2 w} to the weights' gradients; returns the penalty {@code l2 sum(w^2)}. */
  private static double applyL2(Parameter[] weights, float lambda) {
    double sum = 0;
    float twice = 2 * lambda;
    for (Parameter p : weights) {
      float[][] data = p.data();
      float[][] grad = p.grad();
      for (int r = 0; r < data.length; r++) {
        float[] w = data[r];
        float[] g = grad[r];
        for (int j = 0; j < w.length; j++) {
          sum += (double) w[j] * w[j];
          g[j] += twice * w[j];
        }
      }
    }
    return lambda * sum;
  }

  /** Checks the class weights, if any, against the training data and the model's classes. */
  private void checkClassWeights(Dataset data) {
    if (classWeights == null) {
      return;
    }
    if (!data.hasLabels() || Evaluator.labelsAreValues(model)) {
      throw new IllegalArgumentException("class weights must weigh classes given as labels, but "
          + (data.hasLabels() ? model.name() + "'s labels are target values (a one-output "
              + model.loss() + " model)" : "the training data has targets")
          + "; use Dataset.ofLabels for classes, or train without classWeights");
    }
    int classes = Math.max(model.outputSize(), 2);
    if (classWeights.length != classes) {
      throw new IllegalArgumentException("class weights must give one weight to each of the "
          + classes + " classes of " + model.name() + ", but gave " + classWeights.length);
    }
  }

  private void checkData(Dataset data, String what) {
    if (data == null) {
      throw new IllegalArgumentException(what + " must not be null");
    }
    if (data.size() == 0) {
      throw new IllegalArgumentException(what + " must hold at least one sample, but was empty");
    }
    if (data.featureSize() != model.inputSize()) {
      throw new IllegalArgumentException(
          what + " must have " + model.inputSize()
              + (model.inputSize() == 1 ? " feature" : " features") + " per sample, the inputs of "
              + model.name() + ", but had " + data.featureSize());
    }
    if (!data.hasLabels() && data.targetSize() != model.outputSize()) {
      throw new IllegalArgumentException(
          what + " must have " + model.outputSize()
              + (model.outputSize() == 1 ? " target" : " targets") + " per sample, the outputs of "
              + model.name() + ", but had " + data.targetSize());
    }
    // Checked here, before any step changes the weights, and again although Dataset checked them:
    // its arrays are live, so they may have changed since.
    boolean labelIsValue = Evaluator.labelsAreValues(model);
    if (data.hasLabels() && !labelIsValue) {
      // (A one-output MSE, MAE or HUBER model whose last layer is not a sigmoid takes a label as
      // the target value itself, as trainStep does.)
      int classes = Math.max(model.outputSize(), 2);
      List<String> names = data.classNames();
      if (names.size() > classes) {
        throw new IllegalArgumentException(what + " must name at most the " + classes
            + " classes of " + model.name() + ", but named " + names.size() + ": " + names);
      }
      int[] labels = data.labels();
      for (int i = 0; i < labels.length; i++) {
        if (labels[i] < 0 || labels[i] >= classes) {
          throw new IllegalArgumentException(what + ": label of sample " + i
              + " must be a class index in [0, " + classes + "), the classes of " + model.name()
              + ", but was " + labels[i] + (model.loss().comparesValues()
                  ? "; for regression, give the values as targets (Dataset.ofTargets, or Csv's"
                      + " targetColumns)" : ""));
        }
      }
    } else if (!data.hasLabels()) {
      checkFinite(data.targets(), data.targetSize(), what, "target");
      if (model.loss() == Loss.SOFTMAX_CROSS_ENTROPY) {
        checkProbabilityRows(data.targets(), data.targetSize(), what);
      } else if (model.loss() == Loss.BINARY_CROSS_ENTROPY) {
        checkProbabilities(data.targets(), data.targetSize(), what);
      }
    }
    checkFinite(data.features(), data.featureSize(), what, "feature");
  }

  /** Softmax cross-entropy's float targets are distributions: non-negative, summing to 1. */
  private static void checkProbabilityRows(float[] targets, int classes, String what) {
    for (int s = 0; s * classes < targets.length; s++) {
      double sum = 0;
      for (int j = 0; j < classes; j++) {
        float t = targets[s * classes + j];
        if (t < 0) {
          throw new IllegalArgumentException(what + ": target " + j + " of sample " + s
              + " must be a probability (not negative) for SOFTMAX_CROSS_ENTROPY, but was " + t);
        }
        sum += t;
      }
      if (Math.abs(sum - 1) > 1e-3) {
        throw new IllegalArgumentException(what + ": the targets of sample " + s + " must sum to"
            + " 1 for SOFTMAX_CROSS_ENTROPY (a probability row), but summed to " + sum);
      }
    }
  }

  /** Binary cross-entropy's float targets are probabilities, each in [0, 1]. */
  private static void checkProbabilities(float[] targets, int outputs, String what) {
    for (int i = 0; i < targets.length; i++) {
      if (!(targets[i] >= 0 && targets[i] <= 1)) {
        throw new IllegalArgumentException(what + ": target " + i % outputs + " of sample "
            + i / outputs + " must be a probability in [0, 1] for BINARY_CROSS_ENTROPY, but was "
            + targets[i]);
      }
    }
  }

  private static void checkFinite(float[] values, int perSample, String what, String value) {
    try {
      Checks.finite(values, perSample, value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
    }
  }

  /** One call of {@link #fit}: its buffers and the state that lasts across epochs. */
  private final class Run {
    private final Dataset train;
    private final Dataset held;
    private final int samples;
    private final int batch;
    private final List<Parameter> parameters = model.parameters();
    /**
     * The parameters, then the buffers (batch normalization's running statistics): what the best
     * weights and the weights before training hold, as Keras keeps the non-trainable weights with
     * the trainable ones.
     */
    private final List<Parameter> state = ModelFiles.state(model);
    private final Parameter[] weights;
    private final float[] x;
    private final int[] y;
    private final float[] t;
    /** The class weights as fit began (else null), and each batch sample's. */
    private final float[] weightOfClass = classWeights;
    private final float[] w;
    private final int[] predicted;
    /** The batch's own outputs, for the training mse and mae of values (else null). */
    private final float[] predictedValues;
    private final ValueErrors valueErrors = new ValueErrors();
    private final int[] order;
    private ParallelGradients parallel;
    private final Evaluator evaluator;
    private final WeightSnapshot best;
    private final String monitor;
    private final History history = new History();
    private final Progress progress;
    /** An array, not the list: iterating a list allocates an iterator on every batch. */
    private final TrainingListener[] callbacks = listeners.toArray(new TrainingListener[0]);
    private final Checkpoint from;
    /** With gradient accumulation, the sum of the group's gradients so far; else null. */
    private final float[][][] accumulated;
    /** The model's gradient rows, parameter by parameter (with gradient accumulation). */
    private final float[][][] gradients;
    /** The best {@link #state} in logical order, for checkpoints; null without checkpoints. */
    private final float[][] bestValues;
    private double bestValue = Double.NaN;
    private int bestEpoch = -1;
    private int wait;
    private double keepBestValue = Double.NaN;
    private double initialRate;

    Run(Dataset train, Dataset held, Checkpoint from) {
      this.train = train;
      this.held = held;
      this.from = from;
      this.samples = train.size();
      this.batch = Math.min(batchSize, samples);
      this.weights = regularizedWeights();
      this.x = new float[batch * model.inputSize()];
      this.y = train.hasLabels() ? new int[batch] : null;
      this.t = train.hasLabels() ? null : new float[batch * model.outputSize()];
      this.w = weightOfClass != null ? new float[batch] : null;
      this.predicted =
          trainingAccuracy && Evaluator.reportsClasses(model, train) ? new int[batch] : null;
      this.predictedValues = trainingAccuracy && !Evaluator.reportsClasses(model, train)
          ? new float[batch * model.outputSize()] : null;
      this.order = new int[samples];
      for (int i = 0; i < samples; i++) {
        order[i] = i;
      }
      this.evaluator = held == null ? null : new Evaluator(model, batch, topK);
      if (accumulation > 1) {
        gradients = new float[parameters.size()][][];
        accumulated = new float[parameters.size()][][];
        for (int k = 0; k < gradients.length; k++) {
          gradients[k] = parameters.get(k).grad();
          accumulated[k] = new float[gradients[k].length][];
          for (int r = 0; r < gradients[k].length; r++) {
            accumulated[k][r] = new float[gradients[k][r].length];
          }
        }
      } else {
        gradients = null;
        accumulated = null;
      }
      this.best = new WeightSnapshot(state);
      this.monitor = monitor();
      if (checkpointFile != null) {
        this.bestValues = new float[state.size()][];
        for (int k = 0; k < bestValues.length; k++) {
          bestValues[k] = new float[state.get(k).size()];
        }
      } else {
        this.bestValues = null;
      }
      this.progress = new Progress(out != null ? out : System.out, verbose,
          out != null ? live : Progress.isTerminal(), epochs, samples, schedule != null);
    }

    History fit() {
      int workers = workers(batch);
      parallel = workers > 1 ? new ParallelGradients(model, workers, split) : null;
      try {
        return fitEpochs();
      } finally {
        if (parallel != null) {
          parallel.close();
        }
      }
    }

    /** Validation runs on the training workers when there are several. */
    private Evaluator.Pass validationPass() {
      return parallel != null ? parallel::evaluateBatch : model::evaluateBatch;
    }

    private History fitEpochs() {
      checkMonitors();
      checkSavable("checkpoint", checkpointFile);
      checkSavable("keepBest", keepBestFile);
      if (checkpointFile != null || keepBestFile != null) {
        // Buffers set by hand to what no file may hold fail now, not after the first epoch.
        for (Parameter b : model.buffers()) {
          try {
            ModelFiles.checkStorable(b.name(), b.toArray(), DType.F32);
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException((checkpointFile != null ? "checkpoint "
                + checkpointFile : "keepBest " + keepBestFile) + " could not be written: "
                + e.getMessage(), e);
          }
        }
      }
      if (checkpointFile != null && keepBestFile != null
          && AtomicFiles.sameTarget(checkpointFile, keepBestFile)) {
        throw new IllegalArgumentException("checkpoint and keepBest must write different files,"
            + " but both write " + keepBestFile + ": each would overwrite the other");
      }
      stopRequested = false;
      best.save();
      initialRate = optimizer.learningRate();
      if (schedule != null) {
        schedule.reset();
      }
      int start = 0;
      int stoppedEpoch = -1;
      if (from != null) {
        resumed = null;
        undoResume = null;
        start = restore(from);
      }
      for (int epoch = start; epoch < epochs; epoch++) {
        double scheduled = Double.NaN;
        if (schedule != null) {
          scheduled = schedule.learningRate(epoch, initialRate);
          if (!(scheduled >= 0) || Double.isInfinite(scheduled)) {
            progress.aborted();
            throw new IllegalStateException(String.format(Locale.ROOT, "the learning-rate"
                + " schedule must give a non-negative finite rate, but gave %s for epoch %d/%d"
                + " (initial rate %s); the weights are those %s", scheduled, epoch + 1, epochs,
                initialRate, epoch == 0 ? "from before training" : "after epoch " + epoch));
          }
          optimizer.setLearningRate(scheduled);
        }
        for (TrainingListener listener : callbacks) {
          listener.epochStarted(epoch);
        }
        // After the listeners: one that sets the rate at the start of an epoch (as Keras's
        // LearningRateScheduler does) sets the rate this epoch trains with.
        double rate = optimizer.learningRate();
        progress.epochStarted(epoch);
        Map<String, Double> metrics = runEpoch(epoch);
        metrics.put("lr", rate);
        history.addEpoch(metrics);
        boolean stop = track(epoch, metrics);
        keepBest(metrics);
        // The rate a schedule that watches a metric cuts to as this epoch ends, or NaN.
        double cutTo = Double.NaN;
        if (schedule != null) {
          boolean watches = schedule.monitor() != null;
          double before = watches ? schedule.learningRate(epoch + 1, initialRate) : 0;
          schedule.epochEnded(epoch, metrics);
          double after = watches ? schedule.learningRate(epoch + 1, initialRate) : 0;
          cutTo = after != before ? after : Double.NaN;
        }
        // The epoch's progress line first, then what listeners print (as in tf.keras 2, whose
        // progress bar is the first of its callbacks; Keras 3 appends it last).
        progress.epochEnded(metrics);
        Map<String, Double> view = Collections.unmodifiableMap(metrics);
        for (TrainingListener listener : callbacks) {
          listener.epochEnded(epoch, view);
        }
        if (stop) {
          history.stoppedAt(epoch);
          stoppedEpoch = epoch;
        }
        boolean last = stop || stopRequested || epoch == epochs - 1;
        if (last && cutTo >= 0 && !Double.isInfinite(cutTo)
            && optimizer.learningRate() == scheduled) {
          // As Keras's ReduceLROnPlateau and PyTorch's cut the rate when an epoch ends, a cut
          // after the last epoch reaches the optimizer (and its checkpoint), so that a following
          // fit starts from it; not over a rate a listener set, which the schedule does not know.
          optimizer.setLearningRate(cutTo);
        }
        if (checkpointFile != null && (last || (epoch + 1) % checkpointEvery == 0)) {
          writeCheckpoint(epoch);
        }
        if (last) {
          break;
        }
      }
      // In Keras 3's order: the stop, then the restore.
      if (stoppedEpoch >= 0 && earlyStopping.verbose()) {
        progress.note("Epoch " + (stoppedEpoch + 1) + ": early stopping");
      }
      if (earlyStopping != null && earlyStopping.restoresBestWeights() && bestEpoch >= 0) {
        if (earlyStopping.verbose()) {
          progress.note("Restoring model weights from the end of the best epoch: "
              + (bestEpoch + 1) + ".");
        }
        best.restore();
      }
      return history;
    }

    /**
     * Puts back the state of a checkpoint (the model and optimizer were loaded by resumeFrom);
     * returns the first epoch to run, past the last one if the run had stopped early.
     */
    private int restore(Checkpoint c) {
      initialRate = c.initialRate();
      if (parallel != null && parallel.setReplicaRandomStates(c.workerRandomStates())) {
        // A model written by hand may have advanced its state while its replicas were made (a
        // generated one keeps it: ParallelGradients seeds the workers itself): put it back too.
        model.setRandomState(c.randomState());
      }
      if (schedule != null) {
        schedule.loadState(c.schedule());
      }
      bestValue = c.bestValue();
      bestEpoch = c.bestEpoch();
      wait = c.waited();
      if (keepBestMonitor != null && keepBestMonitor.equals(c.keepBestMonitor())) {
        keepBestValue = c.keepBestValue();
      }
      int epochsDone = c.epoch();
      for (int e = 0; e < epochsDone; e++) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (Map.Entry<String, double[]> m : c.history().entrySet()) {
          metrics.put(m.getKey(), m.getValue()[e]);
        }
        history.addEpoch(metrics);
      }
      if (bestEpoch >= 0) {
        history.bestAt(bestEpoch);
        // The snapshot copies the model's storage: pass the best weights through it.
        for (int k = 0; k < state.size(); k++) {
          state.get(k).copyFrom(c.best()[k]);
        }
        best.save();
        int p = parameters.size();
        for (int k = 0; k < state.size(); k++) {
          state.get(k).copyFrom(k < p ? c.parameters()[k] : c.buffers()[k - p]);
          if (bestValues != null) {
            System.arraycopy(c.best()[k], 0, bestValues[k], 0, bestValues[k].length);
          }
        }
      }
      if (c.stoppedEpoch() >= 0) {
        history.stoppedAt(c.stoppedEpoch());
        return Integer.MAX_VALUE;
      }
      return epochsDone;
    }

    /** Saves the weights to the keep-best file when the watched metric is the best so far. */
    private void keepBest(Map<String, Double> metrics) {
      if (keepBestFile == null) {
        return;
      }
      Double value = metrics.get(keepBestMonitor);
      if (value != null && EarlyStopping.improves(keepBestMonitor, value, keepBestValue, 0)) {
        keepBestValue = value;
        try {
          ModelFiles.save(model, keepBestFile);
        } catch (IOException e) {
          throw new UncheckedIOException("could not save the best weights to " + keepBestFile, e);
        }
      }
    }

    private void writeCheckpoint(int epoch) {
      float[][] current = new float[parameters.size()][];
      for (int k = 0; k < current.length; k++) {
        current[k] = parameters.get(k).toArray();
      }
      Map<String, double[]> metrics = new LinkedHashMap<>();
      for (String name : history.metricNames()) {
        List<Double> values = history.metric(name);
        double[] array = new double[values.size()];
        for (int e = 0; e < array.length; e++) {
          array[e] = values.get(e);
        }
        metrics.put(name, array);
      }
      Checkpoint c = new Checkpoint(epoch + 1, seed, initialRate, optimizer.state(),
          schedule == null ? null : schedule.state(), monitor, bestValue, bestEpoch, wait,
          history.stoppedEpoch(), keepBestMonitor, keepBestValue, metrics, current,
          bufferValues(), model.randomState(),
          parallel != null ? parallel.replicaRandomStates() : new long[0][],
          bestEpoch >= 0 ? bestValues : null, settings());
      try {
        c.write(model, checkpointFile);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "could not write the checkpoint of epoch " + (epoch + 1) + " to " + checkpointFile, e);
      }
    }

    /** The model's buffers (batch normalization's running statistics) as they are now. */
    private float[][] bufferValues() {
      List<Parameter> buffers = model.buffers();
      float[][] values = new float[buffers.size()][];
      for (int k = 0; k < values.length; k++) {
        values[k] = buffers.get(k).toArray();
      }
      return values;
    }

    private Map<String, Double> runEpoch(int epoch) {
      if (shuffle) {
        // The order depends on (seed, epoch) alone, so that a resumed run shuffles as the
        // interrupted one would have: start from the identity, shuffle with the epoch's stream.
        for (int i = 0; i < samples; i++) {
          order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(SplitMix.at(seed, epoch));
        for (int i = samples - 1; i > 0; i--) {
          int j = random.nextInt(i + 1);
          int tmp = order[i];
          order[i] = order[j];
          order[j] = tmp;
        }
      }
      float lambda = (float) l2;
      double lossSum = 0;
      long correct = 0;
      valueErrors.reset();
      int steps = (samples + batch - 1) / batch;
      for (int step = 0, from = 0; from < samples; step++, from += batch) {
        if (Thread.currentThread().isInterrupted()) {
          throw interrupted(epoch, step, steps);
        }
        int count = Math.min(batch, samples - from);
        train.gather(order, from, count, x, y, t);
        if (w != null) {
          for (int i = 0; i < count; i++) {
            int c = y[i];
            // A label out of range (changed since fit checked them) is refused by the model.
            w[i] = c >= 0 && c < weightOfClass.length ? weightOfClass[c] : 1f;
          }
        }
        double batchLoss =
            parallel != null
                ? parallel.computeGradients(x, y, t, w, count)
                : computeGradients(x, y, t, w, count);
        if (predicted != null) {
          int kept =
              parallel != null
                  ? parallel.lastBatchClasses(predicted)
                  : model.lastBatchClasses(predicted, 0);
          if (kept < 0) {
            // A model written by hand: classify again, still on the weights before the step.
            model.classifyBatch(x, 0, count, predicted);
          }
          int outputs = model.outputSize();
          for (int i = 0; i < count; i++) {
            int label = y != null ? y[i] : Evaluator.targetClass(t, i * outputs, outputs);
            correct += predicted[i] == label ? 1 : 0;
          }
        }
        if (predictedValues != null) {
          int kept =
              parallel != null
                  ? parallel.lastBatchOutputs(predictedValues)
                  : model.lastBatchOutputs(predictedValues, 0);
          if (kept < 0) {
            // A model written by hand: predict again, still on the weights before the step.
            model.predictBatch(x, 0, count, predictedValues);
          }
          // As Evaluator sums them for val_mse and val_mae (and val_accuracy of binary targets).
          valueErrors.add(predictedValues, count * model.outputSize(), y, 0, t, 0);
        }
        if (lambda > 0) {
          batchLoss += count * applyL2(weights, lambda);
        }
        if (!Double.isFinite(batchLoss)) {
          throw diverged(epoch, step, steps, batchLoss);
        }
        // With accumulation, a group's last batch (or the epoch's) updates with the group's mean.
        int inGroup = step % accumulation + 1;
        if (accumulated == null || accumulate(inGroup, from + count >= samples)) {
          if (parallel != null) {
            parallel.step(optimizer);
          } else {
            optimizer.step(parameters);
          }
        }
        lossSum += batchLoss;
        for (TrainingListener listener : callbacks) {
          listener.batchEnded(epoch, step, batchLoss / count);
        }
        progress.batchEnded(from + count, lossSum / (from + count));
      }
      if (Thread.currentThread().isInterrupted()) {
        // After the last batch: stopped before the epoch's validation and checkpoint as well.
        throw interrupted(epoch, steps, steps);
      }
      Map<String, Double> metrics = new LinkedHashMap<>();
      metrics.put("loss", lossSum / samples);
      if (predicted != null) {
        metrics.put("accuracy", (double) correct / samples);
      }
      if (predictedValues != null) {
        if (model.loss() == Loss.BINARY_CROSS_ENTROPY) {
          metrics.put("accuracy", valueErrors.binaryAccuracy());
        }
        metrics.put("mse", valueErrors.mse());
        metrics.put("mae", valueErrors.mae());
      }
      if (held != null) {
        Evaluation scores = evaluator.evaluate(held, validationPass(), l2Penalty(weights, l2));
        for (Map.Entry<String, Double> e : scores.metrics().entrySet()) {
          metrics.put("val_" + e.getKey(), e.getValue());
        }
      }
      return metrics;
    }

    /**
     * What makes training report {@code metric}, when some setting would: the fewest changes
     * among measuring training accuracy, the top-k and validation data (else "").
     */
    private String howToReport(String metric) {
      boolean measure = trainingAccuracy || List.of("accuracy", "mse", "mae").contains(metric);
      int k = topK;
      Matcher top = TOP_K_METRIC.matcher(metric);
      if (top.matches()) {
        k = Integer.parseInt(top.group(1));
        if (model.outputSize() < 2 || k > model.outputSize()) {
          return "";
        }
      }
      // A validation split holds data of the training data's kind.
      Dataset validation = held != null ? held : metric.startsWith("val_") ? train : null;
      if (!reportable(measure, k, validation).contains(metric)) {
        return "";
      }
      List<String> changes = new ArrayList<>();
      if (measure != trainingAccuracy) {
        changes.add("trainingAccuracy(true)");
      }
      if (k != topK) {
        changes.add("topK(" + k + ")");
      }
      if (validation != held) {
        changes.add("validation data or a validation split");
      }
      return "; it is reported with " + String.join(" and ", changes);
    }

    /**
     * The metrics that training reports when it measures training accuracy or not, with top-k
     * {@code k} (0 for none) and the {@code validation} data (null for none).
     */
    private List<String> reportable(boolean measure, int k, Dataset validation) {
      List<String> reported = new ArrayList<>(List.of("loss"));
      if (measure && Evaluator.reportsClasses(model, train)) {
        reported.add("accuracy");
      } else if (measure) {
        if (model.loss() == Loss.BINARY_CROSS_ENTROPY) {
          reported.add("accuracy");
        }
        reported.add("mse");
        reported.add("mae");
      }
      if (validation != null) {
        reported.add("val_loss");
        if (Evaluator.reportsClasses(model, validation)) {
          reported.add("val_accuracy");
          if (k > 0) {
            reported.add("val_top" + k + "_accuracy");
          }
        } else {
          if (model.loss() == Loss.BINARY_CROSS_ENTROPY) {
            reported.add("val_accuracy");
          }
          reported.add("val_mse");
          reported.add("val_mae");
        }
      }
      reported.add("lr");
      return reported;
    }

    /** Fails before the first epoch if early stopping or the schedule watch a missing metric. */
    private void checkMonitors() {
      List<String> reported = reportable(trainingAccuracy, topK, held);
      if (keepBestMonitor != null && !reported.contains(keepBestMonitor)) {
        throw new IllegalStateException("keepBest must watch a metric that training reports "
            + reported + ", but was '" + keepBestMonitor + "'" + howToReport(keepBestMonitor));
      }
      if (!reported.contains(monitor)) {
        throw new IllegalStateException("early stopping must monitor a metric that training"
            + " reports " + reported + ", but was '" + monitor + "'" + howToReport(monitor));
      }
      String watched = schedule != null ? schedule.monitor() : null;
      if (watched != null) {
        String fallback = schedule.fallbackMonitor();
        if (!reported.contains(watched) && !(fallback != null && reported.contains(fallback))) {
          throw new IllegalStateException("ReduceOnPlateau must monitor a metric that training"
              + " reports " + reported + ", but was '" + watched + "'" + howToReport(watched));
        }
      }
    }

    /**
     * Fails before the first epoch if a file the run writes could not be saved (a missing
     * directory, a directory in its place), rather than after an epoch has changed the weights.
     */
    private void checkSavable(String option, Path file) {
      if (file == null) {
        return;
      }
      try {
        ModelFiles.checkSavable(file);
      } catch (IOException e) {
        throw new UncheckedIOException(option + " file " + e.getMessage(), e);
      }
    }

    /** Tracks the monitored metric and the best weights; returns whether to stop early. */
    private boolean track(int epoch, Map<String, Double> metrics) {
      Double value = metrics.get(monitor);
      if (value == null) {
        throw new IllegalStateException(
            "early stopping must monitor a metric that training reports " + metrics.keySet()
                + ", but was '" + monitor + "'");
      }
      if (earlyStopping != null && epoch < earlyStopping.startFromEpoch()) {
        return false; // a warm-up epoch: not watched
      }
      double delta = earlyStopping != null ? earlyStopping.minDelta() : 0;
      if (EarlyStopping.improves(monitor, value, bestValue, delta)) {
        bestValue = value;
        bestEpoch = epoch;
        history.bestAt(epoch);
        best.save();
        if (bestValues != null) {
          for (int k = 0; k < bestValues.length; k++) {
            state.get(k).copyTo(bestValues[k]);
          }
        }
        // As Keras 3: the wait restarts only on beating the baseline too, and an improving
        // epoch never stops training.
        double baseline = earlyStopping != null ? earlyStopping.baseline() : Double.NaN;
        if (Double.isNaN(baseline) || EarlyStopping.improves(monitor, value, baseline, delta)) {
          wait = 0;
        } else {
          wait++;
        }
        return false;
      }
      wait++;
      return earlyStopping != null && wait >= earlyStopping.patience();
    }

    /**
     * Adds the batch's gradients, the {@code inGroup}-th of a group, to the group's sum; at the
     * group's last batch ({@code accumulation}-th, or the epoch's {@code last}) puts the mean in
     * the gradients for the update, and returns whether it did.
     */
    private boolean accumulate(int inGroup, boolean last) {
      boolean update = inGroup == accumulation || last;
      float scale = 1f / inGroup;
      for (int k = 0; k < gradients.length; k++) {
        for (int r = 0; r < gradients[k].length; r++) {
          float[] g = gradients[k][r];
          float[] sum = accumulated[k][r];
          for (int j = 0; j < g.length; j++) {
            float s = inGroup == 1 ? g[j] : sum[j] + g[j];
            if (update) {
              g[j] = s * scale;
            } else {
              sum[j] = s;
            }
          }
        }
      }
      return update;
    }

    /** The thread was interrupted: training stops where it is (the flag stays set). */
    private CancellationException interrupted(int epoch, int step, int steps) {
      progress.aborted();
      return new CancellationException(String.format(Locale.ROOT,
          "training was interrupted in epoch %d/%d %s; the weights are those of the last"
              + " update%s", epoch + 1, epochs, step < steps
              ? String.format(Locale.ROOT, "before step %d/%d", step + 1, steps)
              : "after its last step, before its end (metrics, checkpoint)",
          checkpointFile != null ? "; the checkpoint " + checkpointFile + ", if an epoch wrote"
              + " it, resumes the run" : ""));
    }

    private TrainingDivergedException diverged(int epoch, int step, int steps, double loss) {
      best.restore();
      progress.aborted();
      String restored = bestEpoch < 0
          ? "restored the weights from before training"
          : String.format(Locale.ROOT, "restored the weights of epoch %d (best %s %s)",
              bestEpoch + 1, monitor, Progress.number(bestValue));
      String message = String.format(Locale.ROOT,
          "training diverged in epoch %d/%d at step %d/%d: the loss was %s; %s; try a learning"
              + " rate lower than %.4g",
          epoch + 1, epochs, step + 1, steps, Double.isNaN(loss) ? "NaN" : "infinite", restored,
          optimizer.learningRate());
      return new TrainingDivergedException(message, epoch, step, history);
    }
  }
}
