package io.ganglion.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The checks every run makes before timing anything: the data, the initial weights and the loss
 * before training must be BENCHMARKS.md's, or the figures would measure some other computation.
 */
final class StartChecks {
  /** Absolute tolerance on the six-decimal figures of the table, plus a relative part for sums. */
  static final double ABSOLUTE = 2e-5;
  static final double RELATIVE = 1e-9;

  private StartChecks() {}

  /**
   * Every mismatch between the workload's check figures and this data and freshly initialized
   * peer, as readable lines; empty when all match.
   */
  static List<String> mismatches(Workload workload, Data data, Peer peer) {
    Workload.Expected expected = workload.expected();
    List<String> problems = new ArrayList<>();
    check(problems, "sum of X", expected.sumX(), data.sumInputs());
    if (expected.sumY() >= 0 && expected.sumY() != data.sumLabels()) {
      problems.add(
          String.format(
              Locale.ROOT, "sum of y must be %d, but was %d", expected.sumY(), data.sumLabels()));
    }
    for (int l = 0; l < workload.layerCount(); l++) {
      // The name is built only for a mismatch: the first string concatenation of a JVM spins
      // method handles for ~8 ms, whose compilation would delay the workload's own (xor's timing
      // ends ~10 ms after this).
      double sumW = peer.weightSum(l);
      if (!close(expected.sumW()[l], sumW)) {
        check(problems, String.format(Locale.ROOT, "sum of W%d", l + 1), expected.sumW()[l], sumW);
      }
    }
    check(problems, "loss before training", expected.initialLoss(),
        peer.meanLoss(data.count()));
    return problems;
  }

  /** Fails with every mismatch in the message. */
  static void verify(Workload workload, Data data, Peer peer) {
    List<String> problems = mismatches(workload, data, peer);
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          "peer=" + peer.name() + " workload=" + workload.name()
              + " does not match BENCHMARKS.md: " + String.join("; ", problems));
    }
  }

  private static boolean close(double expected, double actual) {
    return Math.abs(actual - expected) <= ABSOLUTE + RELATIVE * Math.abs(expected);
  }

  private static void check(List<String> problems, String what, double expected, double actual) {
    if (!close(expected, actual)) {
      problems.add(
          String.format(Locale.ROOT, "%s must be %.6f, but was %.6f", what, expected, actual));
    }
  }
}
