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
 * One xor training step (2-8-1, batch 1, SGD 0.01) once the JIT has compiled everything. The
 * command-line xor workload times steps 1,000 to 8,000 of a fresh JVM, mostly before C2 has
 * compiled the code (a C2 compilation takes longer than the whole timed run), so it measures
 * warm-up; this measures the steady state.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class XorStepBenchmark {
  @Param({"ganglion", "baseline"})
  public String peer;

  private Peer training;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    Workload workload = Workload.named("xor");
    Data data = Data.of(workload);
    training = Main.newPeer(peer, workload, data, 1);
    StartChecks.verify(workload, data, training);
  }

  /** One step on the next of the four samples. */
  @Benchmark
  public void step() {
    training.trainStep(next, 1);
    next = (next + 1) & 3;
  }
}
