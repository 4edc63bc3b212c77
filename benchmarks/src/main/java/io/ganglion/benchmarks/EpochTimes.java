package io.ganglion.benchmarks;

import java.util.Locale;

/**
 * The time of every epoch of a training workload in one JVM, from the first: where the
 * command-line figure (the median of a few epochs after one warm-up epoch) hides when the JIT's
 * compiles land, and what the steady state is. Ganglion's peer, on {@code THREADS} threads, for
 * {@code EPOCHS} epochs (30 by default); {@code --add-modules jdk.incubator.vector} for the vector
 * kernels, {@code -Dganglion.split=rows|batch} to pick the two-thread split.
 *
 * <pre>
 * java -cp benchmarks/target/ganglion-benchmarks.jar io.ganglion.benchmarks.EpochTimes \
 *     mnist-mlp 2 30
 * </pre>
 */
public final class EpochTimes {
  private EpochTimes() {}

  public static void main(String[] args) {
    if (args.length < 2 || args.length > 3) {
      System.err.println("usage: EpochTimes WORKLOAD THREADS [EPOCHS]");
      System.exit(2);
    }
    Workload workload;
    int threads;
    int epochs;
    try {
      workload = Workload.named(args[0]);
      threads = Integer.parseInt(args[1]);
      epochs = args.length > 2 ? Integer.parseInt(args[2]) : 30;
    } catch (IllegalArgumentException e) { // also NumberFormatException
      System.err.println("EpochTimes: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (workload.isInference() || epochs < 1 || threads < 1) {
      System.err.println("EpochTimes: needs a training workload, at least 1 thread and 1 epoch,"
          + " but was " + String.join(" ", args));
      System.exit(2);
    }
    Data data = Data.of(workload);
    Peer peer = Main.newPeer("ganglion", workload, data, threads);
    StringBuilder line = new StringBuilder("workload=" + workload.name() + " threads=" + threads
        + " ms_per_epoch=");
    for (int e = 0; e < epochs; e++) {
      long start = System.nanoTime();
      Main.epoch(peer, workload.samples(), workload.batch());
      line.append(e == 0 ? "" : ",")
          .append(String.format(Locale.ROOT, "%.3f", (System.nanoTime() - start) * 1e-6));
    }
    System.out.println(line);
    System.exit(0);
  }
}
