package io.ganglion.benchmarks;

import io.ganglion.Model;
import io.ganglion.Parameter;
import io.ganglion.internal.Vectors;
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
 * One training step of the Fashion-MNIST CNN (batch 64, SGD 0.01, one thread) on 28x28 inputs,
 * walking the 156 full batches of the mnist-mlp workload's data (uniform pixels, labels 0-9):
 * {@code ganglion} and {@code baseline} ({@link BaselineCnn}) run {@link Networks.Cnn} (no
 * dropout, no batch norm) from the same weights; {@code ganglion-full} runs the examples'
 * network with its batch norm and dropout ({@link Networks.FashionCnn}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CnnTrainStepBenchmark {
  private static final int BATCH = 64;
  private static final float LEARNING_RATE = 0.01f;

  @Param({"ganglion", "ganglion-full", "baseline"})
  public String peer;

  private Data data;
  private Model model;
  private List<Parameter> parameters;
  private BaselineCnn baseline;
  private final Sgd sgd = Sgd.of(LEARNING_RATE);
  private int batches;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    Workload workload = Workload.named("mnist-mlp");
    data = Data.of(workload);
    batches = workload.samples() / BATCH;
    switch (peer) {
      case "ganglion":
        model = new Net_Networks_Cnn(Networks.SEED);
        break;
      case "ganglion-full":
        model = new Net_Networks_FashionCnn(Networks.SEED);
        break;
      case "baseline":
        baseline = new BaselineCnn();
        baseline.copyWeightsFrom(new Net_Networks_Cnn(Networks.SEED));
        break;
      default:
        throw new IllegalArgumentException("peer must be ganglion, ganglion-full or baseline,"
            + " but was " + peer);
    }
    parameters = model == null ? null : model.parameters();
    System.out.println("kernels: " + (Vectors.ENABLED ? "Vector API" : "plain Java"));
  }

  private int nextOffset() {
    int offset = next * BATCH;
    next = next + 1 == batches ? 0 : next + 1;
    return offset;
  }

  /** The whole step: gradients of one batch, then the SGD update; returns the batch's loss sum. */
  @Benchmark
  public double step() {
    int offset = nextOffset();
    if (baseline != null) {
      return baseline.trainStep(data.inputs(), offset, data.labels(), BATCH, LEARNING_RATE);
    }
    double loss = model.forwardBackward(data.inputs(), offset, data.labels(), null, BATCH,
        1f / BATCH);
    sgd.step(parameters);
    return loss;
  }
}
