package io.ganglion.benchmarks;

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
 * infer-mnist: one prediction (forward pass and softmax) of the freshly initialized 784-128-10
 * network, cycling through the 10,000 samples; and infer-batch's call of 256 samples.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PredictBenchmark {
  private static final int BATCH = 256;

  @Param({"ganglion", "baseline"})
  public String peer;

  private Data data;
  private Peer predicting;
  private final float[] out = new float[10];
  private final float[] outs = new float[BATCH * 10];
  private int next;
  private int nextBatch;

  @Setup(Level.Trial)
  public void setUp() {
    Workload workload = Workload.named("infer-mnist");
    data = Data.of(workload);
    predicting = Main.newPeer(peer, workload, data, 1);
    StartChecks.verify(workload, data, predicting);
  }

  /** One sample. */
  @Benchmark
  public float[] predict() {
    predicting.predict(next, out);
    next = next + 1 == data.count() ? 0 : next + 1;
    return out;
  }

  /** 256 samples in one call (divide by 256 for the time per sample). */
  @Benchmark
  public float[] predictBatch() {
    predicting.predictBatch(nextBatch * BATCH, BATCH, outs);
    nextBatch = nextBatch + 1 == 39 ? 0 : nextBatch + 1;
    return outs;
  }
}
