package io.ganglion.train;

import io.ganglion.Activation;
import io.ganglion.Layer;
import io.ganglion.Model;
import io.ganglion.Parameter;
import io.ganglion.internal.Checks;
import io.ganglion.internal.SplitMix;
import io.ganglion.internal.SplitNetwork;
import io.ganglion.optim.Optimizer;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Gradients over persistent worker threads; worker 0 is the calling thread. Two ways to divide
 * the work ({@link Split}):
 *
 * <ul>
 *   <li>{@linkplain Split#BATCH By batch}: each worker takes a contiguous slice of every batch;
 *       the workers other than 0 run on {@link Model#replica() replicas} that share the parameter
 *       values but have their own buffers and gradients, which are then added into the model's in
 *       a fixed order (each parameter row summed as worker 0 + 1 + 2 ...), with the rows split
 *       among the workers. Any network.
 *   <li>{@linkplain Split#ROWS By weight rows}, for networks made only of dense layers of more
 *       than 64 weights each, with element-wise hidden activations: each worker computes its
 *       rows' share of every layer's output for the whole batch, their weight gradient and their
 *       input gradient, and updates them. Its weights and gradients stay in its core's cache;
 *       only partial sums and deltas (batch x units per layer) cross between cores. See {@link
 *       SplitNetwork}.
 * </ul>
 *
 * <p>By default ({@link Split#AUTO}) a network that can be split by rows is, when it has at least
 * {@value #ROWS_MIN_PARAMETERS} parameters; smaller ones are split by batch.
 *
 * <p>Either way every sum runs in a fixed order, so the same data and thread count give
 * bit-identical results. Different thread counts agree to float rounding for networks without
 * dropout or batch normalization; with them they train differently, as PyTorch's {@code
 * DataParallel} does: each worker draws its own dropout masks, and batch statistics are those of
 * a worker's slice.
 *
 * <p>Workers wait by spinning briefly, then parking; nothing is allocated per step. The calling
 * thread, done with its share of a phase, takes the share of any worker that has not started it
 * (its core busy with the JIT or another process), so a busy machine slows a step to about one
 * thread's pace rather than holding it for the scheduler's time slices. {@link
 * Trainer#threads(int)} uses it; a custom training loop can too:
 *
 * <pre>{@code
 * try (ParallelGradients parallel = ParallelGradients.of(net, 2)) {
 *   double lossSum = parallel.computeGradients(x, 0, labels, null, batch);
 *   parallel.step(optimizer);             // or optimizer.step(net.parameters())
 * }
 * }</pre>
 *
 * <p>Call it from one thread at a time (a call while another thread's runs is refused).
 */
public final class ParallelGradients implements AutoCloseable {
  /**
   * A waiting thread spins this long, then yields this long, then parks. Spinning covers the usual
   * gap between two steps (gathering the batch, the optimizer's update) without the cost of waking
   * a parked thread; yielding lets the other thread have the core when the machine is busier than
   * its cores; parking ends the wait when training pauses or stops.
   */
  private static final long SPIN_NANOS = 100_000L;

  private static final long YIELD_NANOS = 2_000_000L;

  /**
   * How long the caller, done with its own slot of a phase, waits before it takes the slots no
   * worker has started. A running worker takes its slot within a microsecond of the phase's start
   * (it spins on the phase counter); one whose core is taken may not run for a scheduler's time
   * slice (1.5 ms on a two-core Linux machine, five times a two-thread mnist-mlp step). With a
   * busy thread beside two-thread mnist-mlp training on two cores, an epoch took 172-238 ms
   * without taking slots, 90-101 ms after 10 us, 102-121 after 25 and 86-98 at once (one thread:
   * 78-98); in the command-line workload, on an idle machine, the four were within noise.
   */
  private static final long TAKE_NANOS = 10_000L;

  /**
   * How a batch's work is divided among the workers. {@code -Dganglion.split=rows} or {@code
   * =batch} (in any case; other values are ignored) makes {@link #AUTO} choose that split
   * wherever it can (to compare the two).
   */
  public enum Split {
    /**
     * {@link #ROWS} for a network that it can split with at least {@value
     * ParallelGradients#ROWS_MIN_PARAMETERS} parameters, else {@link #BATCH}.
     */
    AUTO,
    /** Each worker a slice of the batch, on a replica of the model (as PyTorch's DataParallel). */
    BATCH,
    /**
     * Each worker a share of every dense layer's weight rows, for the whole batch; only for
     * networks made of dense layers of more than 64 weights each (smaller ones are written out one
     * statement per weight), with element-wise hidden activations.
     */
    ROWS
  }

  /**
   * The fewest parameters for which {@link Split#AUTO} splits a dense network by rows. Measured on
   * the two-core machines of the benchmarks on 2026-11-27 (command-line rounds of each split
   * against one thread; the README's Performance section has the figures): the batch split was
   * ahead or level on mnist-mlp (101,770 parameters) and mnist-deep (235,146), and about 10%
   * faster in the 15-epoch Fashion-MNIST job on the plain kernels (its MLP has 235,146 too; level
   * on the vector ones); the rows split was ahead on wide (2,109,450) by 0.3-0.5x of one thread:
   * there the batch split's extra gradients and their sum no longer fit in the caches.
   */
  public static final int ROWS_MIN_PARAMETERS = 1_000_000;

  /** {@code -Dganglion.split}: the split {@link Split#AUTO} takes where it can, or null. */
  private static final Split FORCED = forcedSplit(System.getProperty("ganglion.split"));

  private static Split forcedSplit(String value) {
    if (value == null) {
      return null;
    }
    switch (value.toLowerCase(Locale.ROOT)) {
      case "rows":
        return Split.ROWS;
      case "batch":
      case "false": // its meaning before the two were named
        return Split.BATCH;
      default:
        return null;
    }
  }

  private final Model model;
  /** Whether the model has buffers (batch statistics), which its training pass moves. */
  private final boolean hasBuffers;
  /** Whether a call that runs the workers has not returned yet (see {@link #enter}). */
  private final AtomicBoolean inUse = new AtomicBoolean();
  private final Model[] replicas;
  /** The workers' views of a dense network split by weight rows, or null for data parallelism. */
  private final SplitNetwork[] split;
  /** {@code bounds[layer][w]}: the first weight row of worker {@code w} (and {@code [workers]}). */
  private final int[][] bounds;
  /** {@code partials[layer][w]}: worker {@code w}'s partial sums of the layer. */
  private final float[][][][] partials;
  /** {@code updates[w]}: pairs of {@link Optimizer#updateRows} bounds worker {@code w} updates. */
  private final int[][] updates;
  /** The step of a split pass: 0..layers-1 forward, layers..2*layers-1 backward. */
  private int stage;
  private final Thread[] threads;
  /** Batch split: the model's gradient rows and each replica's, in reduction order. */
  private final float[][] rows;
  private final float[][][] replicaRows;
  private final double[] losses;
  private final int workers;
  private volatile Thread caller;

  private volatile int generation;
  /** {@code claims[w]}: the last phase ({@link #generation}) whose slot {@code w} a thread took. */
  private final AtomicIntegerArray claims;
  private volatile boolean closed;
  /** See {@link #holdWorkers}. */
  private volatile boolean workersHeld;
  /** See {@link #callerTakes}. */
  private volatile boolean callerTakes = true;
  /** Slots of workers that the caller ran (see {@link #takenSlots()}). */
  private int takenSlots;
  /** The slots of the current phase that have finished. */
  private final AtomicInteger finished = new AtomicInteger();
  private volatile Throwable failure;

  private float[] inputs;
  private int[] labels;
  private float[] targets;
  private float[] weights;
  private int offset;
  /** What the workers do in the current phase: gradients, their reduction, or the update. */
  private int phase;
  private static final int GRADIENTS = 0;
  private static final int REDUCE = 1;
  private static final int UPDATE = 2;
  private static final int EVALUATE = 3;
  private float[] outputs;
  private int[] classes;
  /** Each worker's outputs and classes of an evaluation slice; grown with the largest slice. */
  private final float[][] sliceOutputs;
  private final int[][] sliceClasses;
  private Optimizer optimizer;
  private int count;
  /**
   * The fewest samples a worker trains on when the batch has that many: 2 for batch normalization
   * over vectors, as each worker normalizes its own slice (and the first worker's slice moves the
   * running statistics), else 1.
   */
  private final int minimumSlice;

  /** Parks of the calling thread while it waited for the workers: see {@link #parks()}. */
  private int parks;

  /**
   * Starts {@code workers - 1} threads beside the caller's (so {@code workers} from 2 to {@link
   * #MAX_WORKERS}; one worker is the model itself, without this class), each with a replica of
   * the model, or with its share of the weight rows of a network of dense layers: {@link
   * Split#AUTO}.
   */
  public static ParallelGradients of(Model model, int workers) {
    return of(model, workers, Split.AUTO);
  }

  /**
   * As {@link #of(Model, int)}, dividing the work as {@code split} says. {@link Split#ROWS} is
   * refused, naming the layer in the way, for a network it cannot split (see {@link
   * Split#ROWS}).
   */
  public static ParallelGradients of(Model model, int workers, Split split) {
    if (model == null) {
      throw new IllegalArgumentException("model must not be null");
    }
    return new ParallelGradients(model, workers, split);
  }

  /** Whether {@code split} divides {@code model}'s work by weight rows (else by batch). */
  static boolean byRows(Model model, Split split) {
    if (split == null) {
      throw new IllegalArgumentException("split must not be null");
    }
    boolean dense = model instanceof SplitNetwork;
    switch (split) {
      case ROWS:
        if (!dense) {
          throw new IllegalArgumentException("the rows split needs a network made only of dense"
              + " layers of more than " + UNROLLED_WEIGHTS + " weights each, with element-wise"
              + " hidden activations, but " + whyNotByRows(model) + ": use Split.BATCH or"
              + " Split.AUTO");
        }
        return true;
      case BATCH:
        return false;
      default:
        if (!dense) {
          return false;
        }
        if (FORCED != null) {
          return FORCED == Split.ROWS;
        }
        long parameters = 0;
        for (Parameter p : model.parameters()) {
          parameters += p.size();
        }
        return parameters >= ROWS_MIN_PARAMETERS;
    }
  }

  /**
   * The most weights of a dense layer that the generated code writes out one statement each
   * rather than in rows (the processor's {@code SmallDenseWriter.MAX_MULTIPLY_ADDS}): such a layer
   * cannot be split by rows, nor the network that holds it.
   */
  private static final int UNROLLED_WEIGHTS = 64;

  /** The first layer of {@code model} that keeps it from the rows split, as a clause. */
  private static String whyNotByRows(Model model) {
    List<Layer> layers = model.layers();
    if (layers == null) { // a hand-written model may describe no layers
      return model.name() + " is not a generated network of such layers";
    }
    for (int k = 0; k < layers.size(); k++) {
      Layer layer = layers.get(k);
      if (!layer.kind().equals("Dense")) {
        return model.name() + "'s layer " + layer.name() + " is a " + layer.kind() + " layer";
      }
      long weights = (long) layer.inputs() * layer.units();
      if (weights <= UNROLLED_WEIGHTS) {
        return model.name() + "'s layer " + layer.name() + " has " + weights
            + (weights == 1 ? " weight (" : " weights (") + layer.inputs() + " x "
            + layer.units() + "), which generated code writes out one statement each";
      }
      if (k < layers.size() - 1 && layer.activation() == Activation.SOFTMAX) {
        return model.name() + "'s hidden layer " + layer.name() + " has a SOFTMAX activation,"
            + " which is not element-wise";
      }
    }
    return model.name() + " is not a generated network of such layers";
  }

  /** Whether this divides the work by weight rows ({@link Split#ROWS}) rather than by batch. */
  public boolean splitsByRows() {
    return split != null;
  }

  /** The most workers: far more threads than cores only adds waiting (and may exhaust them). */
  public static final int MAX_WORKERS = 256;

  ParallelGradients(Model model, int workers) {
    this(model, workers, Split.AUTO);
  }

  ParallelGradients(Model model, int workers, Split how) {
    if (workers < 2 || workers > MAX_WORKERS) {
      throw new IllegalArgumentException("workers must be from 2 to " + MAX_WORKERS + ", but was "
          + workers);
    }
    this.model = model;
    this.hasBuffers = !model.buffers().isEmpty();
    this.workers = workers;
    this.claims = new AtomicIntegerArray(workers);
    // Batch norm over vectors normalizes each worker's slice: a slice of one sample has no
    // variance, and passes no gradient below the norm.
    this.minimumSlice = Trainer.batchNormOfOneValue(model) != null ? 2 : 1;
    this.replicas = new Model[workers];
    this.losses = new double[workers];
    this.sliceOutputs = new float[workers][0];
    this.sliceClasses = new int[workers][0];
    List<Parameter> parameters = model.parameters();
    if (byRows(model, how)) {
      SplitNetwork network = (SplitNetwork) model;
      split = new SplitNetwork[workers];
      split[0] = network;
      for (int w = 1; w < workers; w++) {
        split[w] = network.splitWorker();
      }
      int layers = network.splitLayers();
      bounds = new int[layers][];
      partials = new float[layers][workers][][];
      for (int l = 0; l < layers; l++) {
        bounds[l] = splitRows(network.splitInputs(l), workers, l == 0 ? 4 : 16);
      }
      updates = updateRanges(network, parameters, bounds, workers);
    } else {
      split = null;
      bounds = null;
      partials = null;
      updates = null;
    }
    replicas[0] = model;
    long[] modelState = model.randomState();
    try {
      for (int w = 1; w < workers; w++) {
        replicas[w] = split != null ? null : checkedReplica(model, model.replica(), w);
      }
    } catch (IllegalArgumentException e) {
      model.setRandomState(modelState); // as it was: making replicas counts them
      throw e;
    }
    if (split == null && modelState.length == 3) {
      // A generated network with dropout ({seed, dropout steps, replicas}): each worker's masks
      // follow from the model's seed and steps and the worker's index, not from how many
      // replicas were made before (a serving replica made earlier shifted them), and making the
      // workers leaves the model's own state as it was.
      model.setRandomState(modelState);
      long stream = SplitMix.at(modelState[0], modelState[1]);
      for (int w = 1; w < workers; w++) {
        replicas[w].setRandomState(new long[] {SplitMix.at(stream, w), 0, 0});
      }
    }
    if (split != null) {
      rows = null;
      replicaRows = null;
    } else {
      int total = 0;
      for (Parameter p : parameters) {
        total += p.grad().length;
      }
      rows = new float[total][];
      replicaRows = new float[workers][total][];
      int r = 0;
      for (int k = 0; k < parameters.size(); k++) {
        float[][] grad = parameters.get(k).grad();
        for (int i = 0; i < grad.length; i++, r++) {
          rows[r] = grad[i];
          for (int w = 1; w < workers; w++) {
            replicaRows[w][r] = replicas[w].parameters().get(k).grad()[i];
          }
        }
      }
    }
    threads = new Thread[workers];
    for (int w = 1; w < workers; w++) {
      int worker = w;
      Thread thread = new Thread(() -> loop(worker), "ganglion-trainer-" + w);
      thread.setDaemon(true);
      threads[w] = thread;
      thread.start();
    }
  }

  /**
   * {@code replica} as {@link Model#replica()} must be, else an error that says what is wrong: a
   * hand-written model's mistake would otherwise train wrong weights without a word (a replica
   * that is the model itself adds every gradient twice, in an order that varies by run).
   */
  private Model checkedReplica(Model model, Model replica, int w) {
    String problem = null;
    if (replica == null) {
      problem = "it returned null";
    } else if (replica == model) {
      problem = "it returned the model itself";
    } else {
      for (int v = 1; v < w && problem == null; v++) {
        if (replicas[v] == replica) {
          problem = "it returned one model twice";
        }
      }
      List<Parameter> own = model.parameters();
      List<Parameter> theirs = replica.parameters();
      if (problem == null && (theirs == null || theirs.size() != own.size())) {
        problem = "its parameters() held " + (theirs == null ? "null" : theirs.size() + "")
            + " where the model's hold " + own.size();
      }
      for (int k = 0; problem == null && k < own.size(); k++) {
        float[][] data = own.get(k).data();
        float[][] grad = own.get(k).grad();
        Parameter p = theirs.get(k);
        if (p == null || p.data().length != data.length) {
          problem = "its parameter " + k + " was not the model's " + own.get(k).name();
          break;
        }
        for (int i = 0; i < data.length && problem == null; i++) {
          if (p.data()[i] != data[i]) {
            problem = "its parameter " + p.name() + " did not share the model's values";
          } else if (p.grad()[i] == grad[i]) {
            problem = "its parameter " + p.name() + " shared the model's gradient";
          }
        }
      }
    }
    if (problem != null) {
      throw new IllegalArgumentException("replica() of " + model.name() + " must return a new"
          + " model whose parameters share the model's values, each with its own gradient (see"
          + " Parameter.withOwnGradient), but " + problem);
    }
    return replica;
  }

  /**
   * Computes the mean-loss gradient of {@code count} samples starting at sample {@code offset}
   * (inputs, labels and targets indexed as in {@link Model#forwardBackward}) into the model's
   * parameters and returns the sum of the per-sample losses.
   */
  public double computeGradients(
      float[] inputs, int offset, int[] labels, float[] targets, int count) {
    return computeGradients(inputs, offset, labels, targets, null, count);
  }

  /** Like {@link #computeGradients(float[], int, int[], float[], float[], int)} from sample 0. */
  double computeGradients(
      float[] inputs, int[] labels, float[] targets, float[] weights, int count) {
    return computeGradients(inputs, 0, labels, targets, weights, count);
  }

  /**
   * {@link #computeGradients(float[], int, int[], float[], int)} with sample weights, as {@link
   * Model#forwardBackward(float[], int, int[], float[], float[], int, float)} takes them: returns
   * the weighted sum of the per-sample losses.
   */
  public double computeGradients(float[] inputs, int offset, int[] labels, float[] targets,
      float[] weights, int count) {
    enter("computeGradients");
    try {
      begin("computeGradients", inputs, offset, labels, targets, weights, count, true);
      if (split != null) {
        return splitGradients();
      }
      phase = GRADIENTS;
      runPhase();
      phase = REDUCE;
      runPhase();
      return lossTotal();
    } finally {
      inUse.set(false);
    }
  }

  /**
   * Marks a call that runs the workers, refusing a second one on another thread while it runs:
   * the two would share the workers' phases, and one would wait for the other forever.
   */
  private void enter(String method) {
    if (!inUse.compareAndSet(false, true)) {
      throw new IllegalStateException(method + " must be called by one thread at a time and not"
          + " from inside another call, but a call had not returned");
    }
  }

  /**
   * Takes a batch for the workers, from the calling thread, unless closed: for a training pass at
   * least one sample, else any number. Everything is checked before anything is taken, so that a
   * refused batch leaves the last pass's results (lastBatchClasses) as they were.
   */
  private void begin(String method, float[] inputs, int offset, int[] labels, float[] targets,
      float[] weights, int count, boolean training) {
    if (closed) {
      throw new IllegalStateException(method + " must not be called after close()");
    }
    // Checked here, in the caller's terms: a worker would name only its own slice of the batch,
    // and one refusing its slice's labels would do so after the others had run theirs (moving
    // batch statistics and random streams). The labels as the model's loss checks them: class
    // indexes, except the values of a one-output value loss.
    Checks.batch(inputs, offset, count, model.inputSize(), labels, targets, model.outputSize(),
        training ? 1 : 0);
    if (!(model.loss().comparesValues() && model.outputSize() == 1)) {
      Checks.labels(labels, offset, count, Math.max(model.outputSize(), 2));
    }
    Checks.weights(weights, offset, count);
    if (hasBuffers && training) {
      // A training pass moves the batch statistics, as on one thread (see Checks.finiteInputs).
      Checks.finiteInputs(inputs, offset, count, model.inputSize());
    }
    this.caller = Thread.currentThread();
    this.inputs = inputs;
    this.offset = offset;
    this.labels = labels;
    this.targets = targets;
    this.weights = weights;
    this.count = count;
  }

  /** The workers' loss sums, added in worker order. */
  private double lossTotal() {
    double sum = 0;
    for (int w = 0; w < workers; w++) {
      sum += losses[w];
    }
    return sum;
  }

  /**
   * Where worker {@code w}'s share of {@code total} items (samples or rows) starts. Shares differ
   * by at most one, the larger ones first: worker 0, whose batch norm moves the running
   * statistics, gets a rounded-up share (as {@code torch.chunk} gives DataParallel's first
   * device), so an odd batch moves them from its larger part and a batch of one sample at all.
   */
  private int share(int total, int w) {
    return start(total, w, workers);
  }

  /** The start of part {@code w} of {@code total} split in {@code parts}, larger parts first. */
  private static int start(int total, int w, int parts) {
    return w * (total / parts) + Math.min(w, total % parts);
  }

  /**
   * Where worker {@code w}'s slice of a training batch of {@code total} samples starts: as {@link
   * #share}, but a short batch goes to as many workers as can have {@link #minimumSlice} samples
   * each (the first ones; the others get none). With a minimum of 1 that is {@link #share}: the
   * workers past the samples get none there too.
   */
  private int sampleShare(int total, int w) {
    int active = Math.max(1, Math.min(workers, total / minimumSlice));
    return w >= active ? total : start(total, w, active);
  }

  /**
   * Runs {@link #work} for every worker's slot of a new phase and waits until all have finished.
   * The caller runs slot 0, then (after {@link #TAKE_NANOS}) every slot no worker has started: a
   * worker whose core is taken by another thread (the JIT compiling, another process) does not
   * hold the phase up for the scheduler's time slice. A slot's work depends only on the slot, never
   * on the thread that runs it, so results stay the same.
   */
  private void runPhase() {
    failure = null;
    finished.set(0);
    int g = ++generation;
    for (int w = 1; w < workers; w++) {
      LockSupport.unpark(threads[w]);
    }
    runSlot(0, g);
    long start = System.nanoTime();
    // An interrupted caller's park returns at once: the flag is taken while waiting (which would
    // otherwise spin) and set again after.
    boolean interrupted = false;
    // Until it has taken the slots no worker started, the caller only spins: parked, it would
    // wait for a worker that may not run for a while (or, held, never).
    boolean taken = !callerTakes;
    while (finished.get() < workers) {
      if (!taken) {
        if (System.nanoTime() - start >= TAKE_NANOS) {
          takenSlots += takeOthers(g);
          taken = true;
        } else {
          Thread.onSpinWait();
        }
        continue;
      }
      parks += pause(start) ? 1 : 0;
      interrupted |= Thread.interrupted();
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    Throwable t = failure;
    if (t != null) {
      if (t instanceof RuntimeException) {
        throw (RuntimeException) t;
      }
      if (t instanceof Error) {
        throw (Error) t;
      }
      throw new IllegalStateException("a training worker failed", t);
    }
  }

  /**
   * Runs slot {@code w} of phase {@code g} unless another thread has taken it; whether it did.
   * Every slot was taken in phase {@code g - 1} before phase {@code g} began, so one
   * compare-and-set takes it.
   */
  private boolean runSlot(int w, int g) {
    if (claims.get(w) == g - 1 && claims.compareAndSet(w, g - 1, g)) {
      try {
        work(w);
      } catch (Throwable e) {
        failed(e); // the other slots still run this phase: the caller waits for them first
      }
      if (finished.incrementAndGet() == workers && Thread.currentThread() != caller) {
        LockSupport.unpark(caller);
      }
      return true;
    }
    return false;
  }

  /**
   * Runs the slots of phase {@code g} that no thread has taken yet. A method apart from the own
   * slot's call: its calls of {@link #work} seldom run, so C2 compiles them out of line rather
   * than inlining the phases' work a second time.
   */
  private int takeOthers(int g) {
    int taken = 0;
    for (int s = 0; s < workers; s++) {
      if (runSlot(s, g)) {
        taken++;
      }
    }
    return taken;
  }

  /** Keeps the first failure of a phase, the others suppressed in it. */
  private void failed(Throwable e) {
    synchronized (claims) {
      if (failure == null) {
        failure = e;
      } else if (failure != e) {
        failure.addSuppressed(e);
      }
    }
  }

  /**
   * {@link Model#evaluateBatch} with the samples split among the workers, each on its own buffers
   * over the shared parameters (inference mode: nothing is written to the parameters). The loss
   * sums are added in worker order, so the result does not depend on timing.
   */
  public double evaluateBatch(float[] inputs, int offset, int[] labels, float[] targets,
      int count, float[] outputs, int[] classes) {
    enter("evaluateBatch");
    try {
      return evaluateBatchOnce(inputs, offset, labels, targets, count, outputs, classes);
    } finally {
      inUse.set(false);
    }
  }

  private double evaluateBatchOnce(float[] inputs, int offset, int[] labels, float[] targets,
      int count, float[] outputs, int[] classes) {
    begin("evaluateBatch", inputs, offset, labels, targets, null, count, false);
    if (outputs != null) {
      Checks.batchOutputs(outputs, count, model.outputSize());
    }
    if (classes != null) {
      Checks.batchClasses(classes, count);
    }
    this.outputs = outputs;
    this.classes = classes;
    int slice = (count + workers - 1) / workers;
    for (int w = 0; w < workers; w++) {
      if (outputs != null && sliceOutputs[w].length < slice * model.outputSize()) {
        sliceOutputs[w] = new float[slice * model.outputSize()];
      }
      if (classes != null && sliceClasses[w].length < slice) {
        sliceClasses[w] = new int[slice];
      }
    }
    phase = EVALUATE;
    try {
      runPhase();
    } finally {
      this.outputs = null;
      this.classes = null;
    }
    return lossTotal();
  }

  /** Worker {@code w}'s slice of an {@link #evaluateBatch}. */
  private void evaluateSlice(int w) {
    int from = share(count, w);
    int to = share(count, w + 1);
    losses[w] = 0;
    if (to == from) {
      return;
    }
    Model worker = split != null ? (Model) split[w] : replicas[w];
    // evaluateBatch writes from index 0: each worker fills its own arrays, then copies them to
    // its part of the caller's.
    losses[w] = worker.evaluateBatch(inputs, offset + from, labels, targets, to - from,
        outputs == null ? null : sliceOutputs[w], classes == null ? null : sliceClasses[w]);
    int width = model.outputSize();
    if (outputs != null) {
      System.arraycopy(sliceOutputs[w], 0, outputs, from * width, (to - from) * width);
    }
    if (classes != null) {
      System.arraycopy(sliceClasses[w], 0, classes, from, to - from);
    }
  }

  /**
   * The random states ({@link Model#randomState()}) of the replicas of workers 1 on, for
   * checkpoints; none when the workers split a network by rows (they share the model).
   */
  long[][] replicaRandomStates() {
    if (split != null) {
      return new long[0][];
    }
    long[][] states = new long[replicas.length - 1][];
    for (int w = 1; w < replicas.length; w++) {
      states[w - 1] = replicas[w].randomState();
    }
    return states;
  }

  /**
   * Restores the replicas' random states from a checkpoint written with as many workers; returns
   * false, changing nothing, when the number of states does not match.
   */
  boolean setReplicaRandomStates(long[][] states) {
    if (split != null || states.length != replicas.length - 1) {
      return false;
    }
    for (int w = 1; w < replicas.length; w++) {
      replicas[w].setRandomState(states[w - 1]);
    }
    return true;
  }

  /**
   * Like {@link Model#lastBatchClasses}: the classes that the last {@link #computeGradients}
   * call's forward pass gave its samples, into {@code classes[0..count)}; returns the count, or -1
   * if the model does not keep them.
   */
  public int lastBatchClasses(int[] classes) {
    if (closed) {
      throw new IllegalStateException("lastBatchClasses must not be called after close()");
    }
    if (split != null) {
      return model.lastBatchClasses(classes, 0);
    }
    Checks.classesAt(classes, 0, count);
    int total = 0;
    for (int w = 0; w < workers; w++) {
      int from = sampleShare(count, w);
      int to = sampleShare(count, w + 1);
      if (to > from) {
        int n = replicas[w].lastBatchClasses(classes, from);
        if (n < 0) {
          return -1;
        }
        total += n;
      }
    }
    return total;
  }

  /**
   * Like {@link Model#lastBatchOutputs}: the outputs that the last {@link #computeGradients}
   * call's forward pass gave its samples, into {@code outputs[0..count x outputSize())}; returns
   * the count, or -1 if the model does not keep them.
   */
  public int lastBatchOutputs(float[] outputs) {
    if (closed) {
      throw new IllegalStateException("lastBatchOutputs must not be called after close()");
    }
    if (split != null) {
      return model.lastBatchOutputs(outputs, 0);
    }
    int perSample = model.outputSize();
    Checks.outputsAt(outputs, 0, count, perSample);
    int total = 0;
    for (int w = 0; w < workers; w++) {
      int from = sampleShare(count, w);
      int to = sampleShare(count, w + 1);
      if (to > from) {
        int n = replicas[w].lastBatchOutputs(outputs, from * perSample);
        if (n < 0) {
          return -1;
        }
        total += n;
      }
    }
    return total;
  }

  /**
   * Applies {@code optimizer}'s update to the model's parameters, each worker on the parameter rows
   * whose gradient it computed (split by weight rows) or reduced (data parallel): those rows are
   * still in its core's cache, which a single-threaded update would have to fetch (on mnist-mlp
   * with vector kernels the update took 6x longer after a parallel reduction than after a serial
   * one). The same as {@code optimizer.step(model.parameters())}.
   */
  public void step(Optimizer optimizer) {
    enter("step");
    try {
      if (closed) {
        throw new IllegalStateException("step must not be called after close()");
      }
      if (optimizer == null) {
        throw new IllegalArgumentException("optimizer must not be null");
      }
      optimizer.beginSharedStep(model.parameters());
      this.caller = Thread.currentThread();
      this.optimizer = optimizer;
      phase = UPDATE;
      runPhase();
    } finally {
      inUse.set(false);
    }
  }

  /**
   * Row boundaries splitting {@code rows} among the workers as evenly as a multiple of {@code
   * align} allows (whole cache lines of the columns each worker owns, whole 4-row blocks of the
   * weight gradient), when the rows are many enough for that.
   */
  static int[] splitRows(int rows, int workers, int align) {
    int a = rows >= 2 * align * workers ? align : rows >= 8 * workers ? 4 : 1;
    int[] bounds = new int[workers + 1];
    for (int w = 1; w < workers; w++) {
      int even = (int) ((long) rows * w / workers);
      bounds[w] = Math.max(bounds[w - 1], Math.min(rows, (even + a / 2) / a * a));
    }
    bounds[workers] = rows;
    return bounds;
  }

  /**
   * The optimizer rows each worker updates: its rows of every weight, and the biases of the layers
   * whose index modulo the workers is its own (it computed their gradients).
   */
  private static int[][] updateRanges(
      SplitNetwork network, List<Parameter> parameters, int[][] bounds, int workers) {
    int[] rowStart = new int[parameters.size()];
    for (int k = 1; k < rowStart.length; k++) {
      rowStart[k] = rowStart[k - 1] + parameters.get(k - 1).data().length;
    }
    int[][] ranges = new int[workers][];
    for (int w = 0; w < workers; w++) {
      int[] r = new int[4 * bounds.length];
      int n = 0;
      for (int l = 0; l < bounds.length; l++) {
        int weight = rowStart[network.splitWeightIndex(l)];
        r[n++] = weight + bounds[l][w];
        r[n++] = weight + bounds[l][w + 1];
        if (network.splitHasBias(l) && l % workers == w) {
          int bias = rowStart[network.splitWeightIndex(l) + 1];
          r[n++] = bias;
          r[n++] = bias + 1;
        }
      }
      ranges[w] = Arrays.copyOf(r, n);
    }
    return ranges;
  }

  /** A step of a network split by weight rows: one phase per layer forwards and backwards. */
  private double splitGradients() {
    // Worker 0 is the model itself: another thread's predict on it meanwhile is refused, as on
    // one thread (the other workers are this object's own).
    split[0].splitEnter("computeGradients");
    try {
      for (SplitNetwork network : split) {
        network.splitPrepare(inputs, offset, labels, targets, count);
      }
      collectPartials();
      phase = GRADIENTS;
      for (stage = 0; stage < 2 * bounds.length; stage++) {
        runPhase();
      }
      return losses[0];
    } finally {
      split[0].splitExit();
    }
  }

  /**
   * Points {@link #partials} at the workers' partial sums, which a larger batch may have grown (in
   * a method of its own: inside {@link #splitGradients} this loop's hoisted checks failed once C2
   * had compiled it, which then compiled that method twice, while the timed epochs ran).
   */
  private void collectPartials() {
    for (int l = 0; l < bounds.length; l++) {
      for (int w = 0; w < workers; w++) {
        partials[l][w] = split[w].splitPartial(l);
      }
    }
  }

  /**
   * Worker {@code w}'s share of the current stage of a split step. Each of the network's methods
   * is called from one place: C2 compiles this method after a few hundred steps, while training
   * runs on both cores, and inlining the activation at two call sites made that compile take
   * 60-80 ms instead of 40.
   */
  private void splitWork(int w) {
    SplitNetwork network = split[w];
    int layers = bounds.length;
    boolean forward = stage < layers;
    int l = forward ? stage : 2 * layers - 1 - stage;
    // A forward stage after the first activates the previous layer's columns this worker owns;
    // the first backward stage activates the whole output, for the loss.
    int activated = forward ? l - 1 : l == layers - 1 ? l : -1;
    if (activated >= 0) {
      int from = forward ? bounds[l][w] : 0;
      int to = forward ? bounds[l][w + 1] : network.splitUnits(l);
      network.splitActivate(activated, partials[activated], count, from, to);
    }
    if (forward) {
      network.splitForward(l, inputs, offset, count, bounds[l][w], bounds[l][w + 1]);
      return;
    }
    if (l == layers - 1) {
      losses[w] = network.splitLoss(labels, targets, weights, offset, count, 1f / count);
    } else {
      gatherDeltas(w, l);
    }
    network.splitBackward(l, inputs, offset, count, bounds[l][w], bounds[l][w + 1],
        network.splitHasBias(l) && l % workers == w);
  }

  /** Copies the other workers' columns of layer {@code l}'s delta into worker {@code w}'s. */
  private void gatherDeltas(int w, int l) {
    int[] columns = bounds[l + 1];
    float[][] mine = split[w].splitDelta(l);
    for (int v = 0; v < workers; v++) {
      int from = columns[v];
      int length = columns[v + 1] - from;
      if (v == w || length == 0) {
        continue;
      }
      float[][] theirs = split[v].splitDelta(l);
      for (int n = 0; n < count; n++) {
        System.arraycopy(theirs[n], from, mine[n], from, length);
      }
    }
  }

  private void work(int w) {
    if (phase == EVALUATE) {
      evaluateSlice(w);
      return;
    }
    if (split != null && phase == GRADIENTS) {
      splitWork(w);
      return;
    }
    if (split != null && phase == UPDATE) {
      int[] ranges = updates[w];
      for (int k = 0; k < ranges.length; k += 2) {
        optimizer.updateRows(ranges[k], ranges[k + 1]);
      }
      return;
    }
    if (phase == REDUCE) {
      reduce(w);
      return;
    }
    if (phase == UPDATE) {
      optimizer.updateRows(share(rows.length, w), share(rows.length, w + 1));
      return;
    }
    int from = sampleShare(count, w);
    int to = sampleShare(count, w + 1);
    if (to > from) {
      losses[w] =
          replicas[w].forwardBackward(
              inputs, offset + from, labels, targets, weights, to - from, 1f / count);
    } else {
      losses[w] = 0;
      zero(w);
    }
  }

  /**
   * Adds the replicas' gradients into the model's, in worker order, for worker {@code w}'s share
   * of the parameter rows: every row is summed by one thread in the same order, so the result does
   * not depend on timing.
   */
  private void reduce(int w) {
    int first = share(rows.length, w);
    int last = share(rows.length, w + 1);
    for (int r = first; r < last; r++) {
      float[] sum = rows[r];
      for (int other = 1; other < workers; other++) {
        float[] add = replicaRows[other][r];
        for (int j = 0; j < sum.length; j++) {
          sum[j] += add[j];
        }
      }
    }
  }

  /** A worker whose slice is empty (batch smaller than the workers) contributes zero. */
  private void zero(int w) {
    for (Parameter p : replicas[w].parameters()) {
      p.zeroGradient();
    }
  }

  private void loop(int w) {
    int seen = 0;
    while (true) {
      long start = System.nanoTime();
      while (generation == seen && !closed) {
        pause(start);
      }
      if (closed) {
        return;
      }
      seen = generation;
      if (!workersHeld) {
        runSlot(w, seen);
      }
    }
  }

  /** Waits a little, more the longer it has waited since {@code start}; whether it parked. */
  private boolean pause(long start) {
    long waited = System.nanoTime() - start;
    if (waited < SPIN_NANOS) {
      Thread.onSpinWait();
    } else if (waited < YIELD_NANOS) {
      Thread.yield();
    } else {
      LockSupport.park(this);
      return true;
    }
    return false;
  }

  /**
   * Holds the worker threads out of the phases (for tests): the calling thread then runs every
   * slot, as when the workers' cores are taken.
   */
  void holdWorkers(boolean held) {
    workersHeld = held;
  }

  /**
   * Whether the caller takes the slots no worker has started (for tests: false makes the workers
   * run every slot but the caller's own). True by default.
   */
  void callerTakes(boolean takes) {
    callerTakes = takes;
  }

  /** How many slots of workers the caller has run (for tests). */
  int takenSlots() {
    return takenSlots;
  }

  /** How many times the caller has parked waiting for the workers (for tests). */
  int parks() {
    return parks;
  }

  /**
   * Stops the worker threads. Refused (IllegalStateException) while another thread's call runs;
   * a call after it is refused as after close.
   */
  @Override
  public void close() {
    enter("close");
    // Closed before the guard is released: a call on another thread then sees it closed.
    closed = true;
    inUse.set(false);
    for (int w = 1; w < workers; w++) {
      LockSupport.unpark(threads[w]);
    }
  }
}
