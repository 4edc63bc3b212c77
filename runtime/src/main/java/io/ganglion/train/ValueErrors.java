package io.ganglion.train;

/**
 * Sums of the errors of output values against their targets, for the mse, mae and binary
 * accuracy that training ({@code mse}) and evaluation ({@code val_mse}) report alike.
 */
final class ValueErrors {
  private double squared;
  private double absolute;
  private long sameSide;
  private long values;

  /** Starts over. */
  void reset() {
    squared = 0;
    absolute = 0;
    sameSide = 0;
    values = 0;
  }

  /**
   * Adds {@code outputs[0..n)} against labels from {@code labels[labelsFrom]} (values of a
   * one-output network) when {@code labels} is not null, else targets from {@code
   * targets[targetsFrom]}.
   */
  void add(float[] outputs, int n, int[] labels, int labelsFrom, float[] targets,
      int targetsFrom) {
    for (int i = 0; i < n; i++) {
      double target = labels != null ? labels[labelsFrom + i] : targets[targetsFrom + i];
      double e = (double) outputs[i] - target;
      squared += e * e;
      absolute += Math.abs(e);
      // A NaN output is on neither side.
      sameSide += !Float.isNaN(outputs[i]) && (outputs[i] > 0.5f) == (target > 0.5) ? 1 : 0;
    }
    values += n;
  }

  double mse() {
    return squared / values;
  }

  double mae() {
    return absolute / values;
  }

  /** The share of values on their target's side of 0.5, as Keras's {@code binary_accuracy}. */
  double binaryAccuracy() {
    return (double) sameSide / values;
  }
}
