package io.ganglion.benchmarks;

import io.ganglion.Model;
import io.ganglion.Parameter;
import io.ganglion.optim.Sgd;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One mnist-mlp training step (784-128-10, batch 64, SGD 0.01) on Ganglion and on the baseline,
 * walking the 156 full batches of the workload's data in order. The {@code ganglion*} parts split
 * Ganglion's step into forward only, forward + backward, and the SGD update.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TrainStepBenchmark {
  private static final int BATCH = 64;

  @Param({"ganglion", "baseline"})
  public String peer;

  private Workload workload;
  private Data data;
  private Peer training;
  private Model model;
  private List<Parameter> parameters;
  private final Sgd sgd = Sgd.of(GanglionPeer.LEARNING_RATE);
  private int batches;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    workload = Workload.named("mnist-mlp");
    data = Data.of(workload);
    training = Main.newPeer(peer, workload, data, 1);
    StartChecks.verify(workload, data, training);
    model = training instanceof GanglionPeer ? ((GanglionPeer) training).model() : null;
    parameters = model == null ? null : model.parameters();
    batches = workload.samples() / BATCH;
  }

  private int nextOffset() {
    int offset = next * BATCH;
    next = next + 1 == batches ? 0 : next + 1;
    return offset;
  }

  /** The whole step: gradients of one batch, then the update. */
  @Benchmark
  public void step() {
    training.trainStep(nextOffset(), BATCH);
  }

  /** Ganglion's forward pass and loss on one batch, no gradients. */
  @Benchmark
  public double ganglionForward() {
    return model == null ? 0 : model.lossSum(data.inputs(), nextOffset(), data.labels(), null,
        BATCH);
  }

  /** Ganglion's forward and backward pass on one batch, no update. */
  @Benchmark
  public double ganglionForwardBackward() {
    return model == null ? 0 : model.forwardBackward(data.inputs(), nextOffset(), data.labels(),
        null, BATCH, 1f / BATCH);
  }

  /** Ganglion's SGD update of the 101,770 parameters. */
  @Benchmark
  public void ganglionSgd() {
    if (model != null) {
      sgd.step(parameters);
    }
  }
}
