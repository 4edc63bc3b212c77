package io.ganglion.benchmarks;

import io.ganglion.train.ParallelGradients;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Locale;

/**
 * Runs one standard workload of BENCHMARKS.md and prints one line of results:
 *
 * <pre>
 * java -jar benchmarks/target/ganglion-benchmarks.jar WORKLOAD THREADS
 *     [--peer ganglion|baseline|fused|reference] [--busy N]
 * </pre>
 *
 * <p>{@code --busy N} starts N threads that spin from the start to the end of the run, as another
 * program would load the machine; the line then says {@code busy=N}. It is no standard workload:
 * it shows how training on several threads copes with cores taken by something else.
 *
 * <p>Before timing, the data, the initial weights and the loss before training are checked against
 * BENCHMARKS.md's table; a mismatch stops the run. Training runs the warm-up epochs and the timed
 * chunks without reset; the median chunk is reported. Nothing here loads a JMH class.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    String workloadName = null;
    Integer threads = null;
    String peerName = "ganglion";
    boolean peerGiven = false;
    int busy = -1;
    for (int k = 0; k < args.length; k++) {
      if (args[k].equals("-h") || args[k].equals("--help")) {
        usage(null);
      } else if (args[k].equals("--busy") && k + 1 < args.length) {
        if (busy >= 0) {
          usage("--busy must be given once, but was given twice");
        }
        busy = parseCount("--busy", args[++k], 0);
      } else if (args[k].equals("--peer") && k + 1 < args.length) {
        if (peerGiven) {
          usage("--peer must be given once, but was given twice");
        }
        peerGiven = true;
        peerName = args[++k];
        if (!peerName.equals("ganglion") && !peerName.equals("baseline")
            && !peerName.equals("fused") && !peerName.equals("reference")) {
          usage("unknown peer '" + peerName + "'; the peers are ganglion, baseline, fused"
              + " (xor only) and reference (training only)");
        }
      } else if (workloadName == null) {
        workloadName = args[k];
      } else if (threads == null) {
        threads = parseCount("THREADS", args[k], 1);
      } else {
        usage("unexpected argument '" + args[k] + "'");
      }
    }
    if (workloadName == null || threads == null) {
      usage("WORKLOAD and THREADS are required");
    }
    Workload workload;
    try {
      workload = Workload.named(workloadName);
    } catch (IllegalArgumentException e) {
      usage(e.getMessage());
      return;
    }
    startBusyThreads(busy);
    Data data = Data.of(workload);
    Peer peer;
    try {
      peer = newPeer(peerName, workload, data, threads);
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      System.err.println("ganglion-benchmarks: " + e.getMessage());
      System.exit(2);
      return;
    }
    try {
      StartChecks.verify(workload, data, peer);
    } catch (IllegalStateException e) {
      // The data, weights or loss before training are not BENCHMARKS.md's: no figure is printed.
      System.err.println("ganglion-benchmarks: " + e.getMessage());
      System.exit(1);
      return;
    }
    String line =
        workload.isInference() ? runInference(workload, data, peer) : runTraining(workload, data, peer);
    System.out.println(
        String.format(Locale.ROOT, "peer=%s workload=%s threads=%d ", peer.name(),
            workload.name(), threads) + (busy > 0 ? "busy=" + busy + " " : "") + line);
  }

  /** What the busy threads write, so that their loops are not removed. */
  static volatile long busySink;

  /** Starts {@code count} daemon threads that spin until the program ends. */
  private static void startBusyThreads(int count) {
    for (int t = 0; t < count; t++) {
      Thread thread = new Thread(() -> {
        long n = 0;
        while (true) {
          if ((++n & 0xFFFFFF) == 0) {
            busySink = n;
          }
        }
      }, "busy-" + t);
      thread.setDaemon(true);
      thread.start();
    }
  }

  static Peer newPeer(String peerName, Workload workload, Data data, int threads) {
    switch (peerName) {
      case "ganglion":
        return new GanglionPeer(workload, data, threads);
      case "baseline":
        return new BaselineMlp(workload, data, threads);
      case "fused":
        return new FusedXor(workload, data, threads);
      case "reference":
        return new ReferenceMlp(workload, data, threads);
      default:
        throw new IllegalArgumentException("unknown peer '" + peerName
            + "'; the peers are ganglion, baseline, fused and reference");
    }
  }

  /** The training workloads: warm-up epochs, then timed chunks of epochs, then the final loss. */
  static String runTraining(Workload workload, Data data, Peer peer) {
    int n = workload.samples();
    for (int e = 0; e < workload.warmup(); e++) {
      epoch(peer, n, workload.batch());
    }
    double[] secondsPerEpoch = new double[workload.chunks()];
    for (int c = 0; c < workload.chunks(); c++) {
      long start = System.nanoTime();
      for (int e = 0; e < workload.perChunk(); e++) {
        epoch(peer, n, workload.batch());
      }
      secondsPerEpoch[c] = (System.nanoTime() - start) * 1e-9 / workload.perChunk();
    }
    double epochSeconds = median(secondsPerEpoch);
    double finalLoss = peer.meanLoss(data.count());
    double samplesPerSecond = n / epochSeconds;
    double gflops = workload.flopsPerSample() * samplesPerSecond * 1e-9;
    if (workload.batch() == 1) {
      // xor: a step is one sample, so steps/s equals samples/s
      double stepsPerSecond = Math.ceil((double) n / workload.batch()) / epochSeconds;
      return String.format(Locale.ROOT,
          "samples_per_s=%.1f steps_per_s=%.1f gflops=%.4f final_loss=%.6f",
          samplesPerSecond, stepsPerSecond, gflops, finalLoss);
    }
    return String.format(Locale.ROOT,
        "samples_per_s=%.1f ms_per_epoch=%.3f gflops=%.3f final_loss=%.6f",
        samplesPerSecond, epochSeconds * 1e3, gflops, finalLoss);
  }

  /** One epoch: consecutive batches, the last one partial, no shuffling. */
  static void epoch(Peer peer, int samples, int batch) {
    for (int offset = 0; offset < samples; offset += batch) {
      peer.trainStep(offset, Math.min(batch, samples - offset));
    }
  }

  /**
   * The inference workloads: chunks of calls on the freshly initialized network, cycling through
   * the samples; {@code ns_per_prediction} is per sample (a call of infer-batch predicts 256).
   * {@code final_loss} is the mean {@code -log p[y]} of the predicted probabilities over the
   * workload's samples, computed after the timing, which checks the prediction path.
   */
  static String runInference(Workload workload, Data data, Peer peer) {
    int n = workload.samples();
    int batch = workload.batch();
    int classes = workload.classes();
    float[] out = new float[batch * classes];
    int[] next = {0};
    for (int c = 0; c < workload.warmup(); c++) {
      inferChunk(workload, peer, out, next);
    }
    double[] nsPerPrediction = new double[workload.chunks()];
    for (int c = 0; c < workload.chunks(); c++) {
      long start = System.nanoTime();
      inferChunk(workload, peer, out, next);
      nsPerPrediction[c] = (double) (System.nanoTime() - start) / (workload.perChunk() * batch);
    }
    double ns = median(nsPerPrediction);
    double samplesPerSecond = 1e9 / ns;
    double gflops = workload.flopsPerSample() * samplesPerSecond * 1e-9;
    double finalLoss = predictedLoss(peer, data.labels(), n, batch, classes);
    return String.format(Locale.ROOT,
        "samples_per_s=%.1f ns_per_prediction=%.1f gflops=%.3f final_loss=%.6f",
        samplesPerSecond, ns, gflops, finalLoss);
  }

  private static void inferChunk(Workload workload, Peer peer, float[] out, int[] next) {
    int n = workload.samples();
    int batch = workload.batch();
    for (int call = 0; call < workload.perChunk(); call++) {
      if (batch == 1) {
        peer.predict(next[0], out);
      } else {
        peer.predictBatch(next[0], batch, out);
      }
      next[0] = (next[0] + batch) % n;
    }
  }

  private static double predictedLoss(Peer peer, int[] labels, int n, int batch, int classes) {
    float[] out = new float[batch * classes];
    double sum = 0;
    for (int offset = 0; offset < n; offset += batch) {
      if (batch == 1) {
        peer.predict(offset, out);
      } else {
        peer.predictBatch(offset, batch, out);
      }
      for (int s = 0; s < batch; s++) {
        sum -= Math.log(out[s * classes + labels[offset + s]]);
      }
    }
    return sum / n;
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int m = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
  }

  /**
   * {@code text} as a whole number from {@code min} to {@link ParallelGradients#MAX_WORKERS}; a
   * usage message that names it {@code name} otherwise.
   */
  private static int parseCount(String name, String text, int min) {
    // Digits only (no sign): checked by hand, as a regular expression is more start-up work
    // right before xor's few milliseconds of timing.
    boolean digits = !text.isEmpty();
    for (int i = 0; i < text.length(); i++) {
      digits &= text.charAt(i) >= '0' && text.charAt(i) <= '9';
    }
    if (!digits) {
      usage(name + " must be a number, but was '" + text + "'");
    }
    try {
      int count = Integer.parseInt(text);
      if (count < min || count > ParallelGradients.MAX_WORKERS) {
        usage(name + " must be from " + min + " to " + ParallelGradients.MAX_WORKERS
            + ", but was " + count);
      }
      return count;
    } catch (NumberFormatException e) {
      usage(name + " must be from " + min + " to " + ParallelGradients.MAX_WORKERS + ", but was "
          + text);
      return 0;
    }
  }

  /** Prints the problem (none for --help) and the usage, and exits: 2 for a problem, else 0. */
  private static void usage(String problem) {
    PrintStream out = problem != null ? System.err : System.out;
    if (problem != null) {
      out.println("ganglion-benchmarks: " + problem);
    }
    out.println(
        "usage: java -jar ganglion-benchmarks.jar WORKLOAD THREADS"
            + " [--peer ganglion|baseline|fused|reference] [--busy N]");
    StringBuilder names = new StringBuilder();
    for (Workload w : Workload.ALL) {
      names.append(' ').append(w.name());
    }
    out.println("workloads:" + names);
    System.exit(problem != null ? 2 : 0);
  }
}
