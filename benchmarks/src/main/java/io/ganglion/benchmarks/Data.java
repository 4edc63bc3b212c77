package io.ganglion.benchmarks;

import io.ganglion.internal.SplitMix;

/**
 * A workload's data, generated as BENCHMARKS.md specifies: inputs {@code X[n][j] = u01(n*D + j)}
 * from SplitMix64 stream 1, labels {@code y[n] = floor(u01(n) * C)} from stream 2; xor's four
 * samples with float targets.
 *
 * @param inputs row-major, {@code count * width} values
 * @param rows the same samples, one array per sample (for single-sample prediction and the
 *     baseline)
 * @param labels class indexes, or {@code null} for xor
 * @param targets float targets, one per sample, for xor; otherwise {@code null}
 */
record Data(int count, int width, float[] inputs, float[][] rows, int[] labels, float[] targets) {

  static final long INPUT_STREAM = 1;
  static final long LABEL_STREAM = 2;

  static Data of(Workload workload) {
    int d = workload.inputs();
    int n = workload.dataSamples();
    if (workload.tanhSigmoidMse()) {
      float[] x = {0, 0, 0, 1, 1, 0, 1, 1};
      return new Data(4, 2, x, split(x, 4, 2), null, new float[] {0, 1, 1, 0});
    }
    float[] x = new float[n * d];
    for (int k = 0; k < x.length; k++) {
      x[k] = (float) SplitMix.uniform(INPUT_STREAM, k);
    }
    int[] y = new int[n];
    int c = workload.classes();
    for (int k = 0; k < n; k++) {
      y[k] = (int) Math.floor(SplitMix.uniform(LABEL_STREAM, k) * c);
    }
    return new Data(n, d, x, split(x, n, d), y, null);
  }

  private static float[][] split(float[] x, int n, int d) {
    float[][] rows = new float[n][d];
    for (int s = 0; s < n; s++) {
      System.arraycopy(x, s * d, rows[s], 0, d);
    }
    return rows;
  }

  double sumInputs() {
    double sum = 0;
    for (float v : inputs) {
      sum += v;
    }
    return sum;
  }

  long sumLabels() {
    if (labels == null) {
      return -1;
    }
    long sum = 0;
    for (int v : labels) {
      sum += v;
    }
    return sum;
  }
}
