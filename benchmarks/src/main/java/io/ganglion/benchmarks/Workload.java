package io.ganglion.benchmarks;

import java.util.List;
import java.util.Locale;

/**
 * One standard workload of BENCHMARKS.md: the layer sizes, the data, the batch size, how long to
 * warm up and to time, and the figures every run checks before it starts.
 *
 * @param name the name on the command line
 * @param sizes layer widths, input first: {@code 784, 128, 10}
 * @param tanhSigmoidMse whether the hidden layers use tanh and the output sigmoid + MSE (xor);
 *     otherwise ReLU hidden layers and softmax cross-entropy on linear logits
 * @param samples samples per epoch {@code N}
 * @param dataSamples samples generated (and checked): {@code N}, or the 10,000 of mnist for the
 *     inference workloads, which use a prefix
 * @param batch samples per training step, or per inference call
 * @param warmup warm-up epochs (training) or chunks (inference)
 * @param chunks timed chunks; the median chunk is reported
 * @param perChunk epochs per chunk (training) or calls per chunk (inference)
 * @param expected the start-up checks
 */
record Workload(
    String name,
    int[] sizes,
    boolean tanhSigmoidMse,
    int samples,
    int dataSamples,
    int batch,
    int warmup,
    int chunks,
    int perChunk,
    Expected expected) {

  /**
   * The check figures of BENCHMARKS.md's table.
   *
   * @param sumX sum of every input value
   * @param sumW sum of each layer's initial weight matrix
   * @param sumY sum of the labels, or {@code -1} when there are none (xor)
   * @param initialLoss mean per-sample loss of the initial network over the data
   */
  record Expected(double sumX, double[] sumW, long sumY, double initialLoss) {}

  private static final Expected XOR_CHECKS =
      new Expected(4, new double[] {0.056701, -1.307181}, -1, 0.260647);
  private static final Expected IRIS_CHECKS =
      new Expected(291.831159, new double[] {1.296635, -0.877114}, 155, 1.166532);
  private static final Expected MNIST_CHECKS =
      new Expected(3919405.618466, new double[] {-33.109847, -2.132803}, 44999, 2.565198);
  private static final Expected DEEP_CHECKS =
      new Expected(
          3919405.618466, new double[] {-5.065172, -5.619950, -1.417904}, 44999, 2.483053);
  private static final Expected WIDE_CHECKS =
      new Expected(
          2097122.053993, new double[] {-14.982568, -13.837563, 4.811219}, 18497, 2.485670);

  static final List<Workload> ALL =
      List.of(
          new Workload("xor", new int[] {2, 8, 1}, true, 4, 4, 1, 250, 7, 250, XOR_CHECKS),
          new Workload("iris", new int[] {4, 16, 3}, false, 150, 150, 8, 20, 7, 20, IRIS_CHECKS),
          new Workload(
              "mnist-mlp", new int[] {784, 128, 10}, false, 10_000, 10_000, 64, 1, 5, 1,
              MNIST_CHECKS),
          new Workload(
              "mnist-deep", new int[] {784, 256, 128, 10}, false, 10_000, 10_000, 64, 1, 5, 1,
              DEEP_CHECKS),
          new Workload(
              "wide", new int[] {1024, 1024, 1024, 10}, false, 4096, 4096, 128, 1, 3, 1,
              WIDE_CHECKS),
          new Workload(
              "infer-mnist", new int[] {784, 128, 10}, false, 10_000, 10_000, 1, 1, 9, 1000,
              MNIST_CHECKS),
          new Workload(
              "infer-batch", new int[] {784, 128, 10}, false, 9984, 10_000, 256, 1, 9, 39,
              MNIST_CHECKS));

  /** The workload with this name. */
  static Workload named(String name) {
    for (Workload w : ALL) {
      if (w.name.equals(name)) {
        return w;
      }
    }
    StringBuilder names = new StringBuilder();
    for (Workload w : ALL) {
      names.append(names.length() == 0 ? "" : ", ").append(w.name);
    }
    throw new IllegalArgumentException(
        String.format(Locale.ROOT, "unknown workload '%s'; the workloads are %s", name, names));
  }

  boolean isInference() {
    return name.startsWith("infer-");
  }

  int inputs() {
    return sizes[0];
  }

  int classes() {
    return sizes[sizes.length - 1];
  }

  int layerCount() {
    return sizes.length - 1;
  }

  /** Multiply-adds of the forward pass of one sample. */
  long forwardMultiplyAdds() {
    long sum = 0;
    for (int l = 0; l < layerCount(); l++) {
      sum += (long) sizes[l] * sizes[l + 1];
    }
    return sum;
  }

  /**
   * Floating-point operations counted per sample, 2 per multiply-add: the forward pass, and when
   * training also the weight gradients of every layer and the input gradients of every layer but
   * the first.
   */
  long flopsPerSample() {
    long forward = forwardMultiplyAdds();
    if (isInference()) {
      return 2 * forward;
    }
    long firstLayer = (long) sizes[0] * sizes[1];
    return 2 * (forward + forward + (forward - firstLayer));
  }
}
