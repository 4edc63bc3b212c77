package io.ganglion.train;

import io.ganglion.Model;
import io.ganglion.Parameter;
import io.ganglion.optim.Optimizer;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Data-parallel gradients over persistent worker threads. Each batch is split into contiguous
 * slices, one per worker; worker 0 is the calling thread on the model itself, the others run on
 * {@link Model#replica() replicas} that share the parameter values but have their own buffers and
 * gradients. The replicas' gradients are then added into the model's in a fixed order (each
 * parameter row summed as worker 0 + 1 + 2 ...), with the rows split among the workers, so the same
 * data and thread count give bit-identical results.
 *
 * <p>Workers wait by spinning briefly, then parking; nothing is allocated per step. {@link
 * Trainer#threads(int)} uses it; a custom training loop can too:
 *
 * <pre>{@code
 * try (ParallelGradients parallel = ParallelGradients.of(net, 2)) {
 *   double lossSum = parallel.computeGradients(x, 0, labels, null, batch);
 *   parallel.step(optimizer);             // or optimizer.step(net.parameters())
 * }
 * }</pre>
 *
 * <p>Call it from one thread at a time.
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

  private final Model model;
  private final Model[] replicas;
  private final Thread[] threads;
  private final float[][] rows;
  private final float[][][] replicaRows;
  private final double[] losses;
  private final int workers;
  private volatile Thread caller;

  private volatile int generation;
  private volatile boolean closed;
  private final AtomicInteger finished = new AtomicInteger();
  private volatile Throwable failure;

  private float[] inputs;
  private int[] labels;
  private float[] targets;
  private int offset;
  /** What the workers do in the current phase: gradients, their reduction, or the update. */
  private int phase;
  private static final int GRADIENTS = 0;
  private static final int REDUCE = 1;
  private static final int UPDATE = 2;
  private Optimizer optimizer;
  private int count;

  /** Starts {@code workers - 1} threads beside the caller's, each with a replica of the model. */
  public static ParallelGradients of(Model model, int workers) {
    if (model == null) {
      throw new IllegalArgumentException("model must not be null");
    }
    return new ParallelGradients(model, workers);
  }

  ParallelGradients(Model model, int workers) {
    if (workers < 2) {
      throw new IllegalArgumentException("workers must be at least 2, but was " + workers);
    }
    this.model = model;
    this.workers = workers;
    this.replicas = new Model[workers];
    this.losses = new double[workers];
    replicas[0] = model;
    for (int w = 1; w < workers; w++) {
      replicas[w] = model.replica();
    }
    List<Parameter> parameters = model.parameters();
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
    threads = new Thread[workers];
    for (int w = 1; w < workers; w++) {
      int worker = w;
      Thread thread = new Thread(() -> loop(worker), "ganglion-trainer-" + w);
      thread.setDaemon(true);
      threads[w] = thread;
      thread.start();
    }
  }

  /** Like {@link #computeGradients(float[], int, int[], float[], int)} from sample 0. */
  double computeGradients(float[] inputs, int[] labels, float[] targets, int count) {
    return computeGradients(inputs, 0, labels, targets, count);
  }

  /**
   * Computes the mean-loss gradient of {@code count} samples starting at sample {@code offset}
   * (inputs, labels and targets indexed as in {@link Model#forwardBackward}) into the model's
   * parameters and returns the sum of the per-sample losses.
   */
  public double computeGradients(
      float[] inputs, int offset, int[] labels, float[] targets, int count) {
    if (closed) {
      throw new IllegalStateException("computeGradients must not be called after close()");
    }
    this.caller = Thread.currentThread();
    this.offset = offset;
    this.inputs = inputs;
    this.labels = labels;
    this.targets = targets;
    this.count = count;
    phase = GRADIENTS;
    runPhase();
    phase = REDUCE;
    runPhase();
    double sum = 0;
    for (int w = 0; w < workers; w++) {
      sum += losses[w];
    }
    return sum;
  }

  private void runPhase() {
    failure = null;
    finished.set(0);
    generation++;
    for (int w = 1; w < workers; w++) {
      LockSupport.unpark(threads[w]);
    }
    work(0);
    long start = System.nanoTime();
    while (finished.get() < workers - 1) {
      pause(start);
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
   * Applies {@code optimizer}'s update to the model's parameters, each worker on the parameter rows
   * it reduced: those rows are still in its core's cache, which a single-threaded update would have
   * to fetch (on mnist-mlp with vector kernels the update took 6x longer after a parallel
   * reduction than after a serial one). The same as {@code optimizer.step(model.parameters())}.
   */
  public void step(Optimizer optimizer) {
    if (closed) {
      throw new IllegalStateException("step must not be called after close()");
    }
    optimizer.beginSharedStep(model.parameters());
    this.caller = Thread.currentThread();
    this.optimizer = optimizer;
    phase = UPDATE;
    runPhase();
  }

  private void work(int w) {
    if (phase == REDUCE) {
      reduce(w);
      return;
    }
    if (phase == UPDATE) {
      optimizer.updateRows(
          (int) ((long) rows.length * w / workers), (int) ((long) rows.length * (w + 1) / workers));
      return;
    }
    int from = (int) ((long) count * w / workers);
    int to = (int) ((long) count * (w + 1) / workers);
    if (to > from) {
      losses[w] =
          replicas[w].forwardBackward(
              inputs, offset + from, labels, targets, to - from, 1f / count);
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
    int first = (int) ((long) rows.length * w / workers);
    int last = (int) ((long) rows.length * (w + 1) / workers);
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
      try {
        work(w);
      } catch (Throwable t) {
        failure = t;
      }
      if (finished.incrementAndGet() == workers - 1) {
        LockSupport.unpark(caller);
      }
    }
  }

  private void pause(long start) {
    long waited = System.nanoTime() - start;
    if (waited < SPIN_NANOS) {
      Thread.onSpinWait();
    } else if (waited < YIELD_NANOS) {
      Thread.yield();
    } else {
      LockSupport.park(this);
    }
  }

  /** Stops the worker threads. */
  @Override
  public void close() {
    closed = true;
    for (int w = 1; w < workers; w++) {
      LockSupport.unpark(threads[w]);
    }
  }
}
