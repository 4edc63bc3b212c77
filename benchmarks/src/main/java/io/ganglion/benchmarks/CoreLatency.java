package io.ganglion.benchmarks;

import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How long two spinning threads take to hand a value back and forth, in nanoseconds per round trip
 * (the median of 5 rounds of 200,000 trips). It is no workload: it says how far apart the cores
 * that the operating system gives two threads are, which decides what training on two threads can
 * gain. On the two-vCPU VMs of the benchmarks it flips from minute to minute between about 50 ns
 * (cores that share a cache) and about 380 ns (cores that do not), and the two-thread
 * figures with it; {@code benchmarks/run-threads.sh} prints it beside each round.
 *
 * <pre>
 * java -cp benchmarks/target/ganglion-benchmarks.jar io.ganglion.benchmarks.CoreLatency
 * </pre>
 */
public final class CoreLatency {
  private static final int TRIPS = 200_000;
  private static final int ROUNDS = 5;

  private CoreLatency() {}

  public static void main(String[] args) throws InterruptedException {
    System.out.printf(Locale.ROOT, "core_round_trip_ns=%.0f%n", measure());
  }

  /** The median round trip in nanoseconds, after a warm-up round. */
  static double measure() throws InterruptedException {
    AtomicInteger ball = new AtomicInteger();
    int total = (ROUNDS + 1) * TRIPS;
    Thread other = new Thread(() -> {
      for (int i = 0; i < total; i++) {
        while (ball.get() != 2 * i + 1) {
          Thread.onSpinWait();
        }
        ball.set(2 * i + 2);
      }
    }, "core-latency");
    other.setDaemon(true);
    other.start();
    double[] nanos = new double[ROUNDS];
    for (int r = -1; r < ROUNDS; r++) {
      int first = (r + 1) * TRIPS;
      long start = System.nanoTime();
      for (int i = first; i < first + TRIPS; i++) {
        while (ball.get() != 2 * i) {
          Thread.onSpinWait();
        }
        ball.set(2 * i + 1);
      }
      if (r >= 0) {
        nanos[r] = (double) (System.nanoTime() - start) / TRIPS;
      }
    }
    other.join();
    Arrays.sort(nanos);
    return nanos[ROUNDS / 2];
  }
}
