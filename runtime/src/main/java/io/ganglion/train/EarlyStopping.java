package io.ganglion.train;

/**
 * Stops training when a monitored metric has stopped improving, as Keras's {@code EarlyStopping}:
 * an epoch improves when its value beats the best so far by more than {@code minDelta} (upwards
 * for metrics whose name contains {@code accuracy}, downwards otherwise); training stops after
 * {@code patience} epochs in a row without improvement. With {@link #restoreBestWeights(boolean)},
 * the weights of the best epoch are put back when training ends. As in Keras 3, {@link
 * #baseline(double)} makes an improvement restart the wait only when it also beats the baseline,
 * and {@link #startFromEpoch(int)} ignores the first epochs altogether (a warm-up in which no
 * improvement is expected; nor is a best epoch taken from them).
 *
 * <pre>{@code
 * Trainer.of(net).earlyStopping(EarlyStopping.monitor("val_loss").patience(3)
 *     .restoreBestWeights(true))
 * }</pre>
 *
 * <p>An instance keeps what it tracks (the best value, the wait) for the trainer it is given to:
 * give each trainer its own, and use it from that trainer's thread.
 */
public final class EarlyStopping {
  private final String monitor;
  private double minDelta;
  private int patience;
  private boolean restoreBestWeights;
  private double baseline = Double.NaN;
  private int startFromEpoch;
  private boolean verbose;

  private EarlyStopping(String monitor) {
    this.monitor = monitor;
  }

  /** Watches {@code metric}, such as {@code "val_loss"} or {@code "val_accuracy"}. */
  public static EarlyStopping monitor(String metric) {
    if (metric == null || metric.isEmpty()) {
      throw new IllegalArgumentException(
          "monitored metric must be a metric name, but was " + (metric == null ? "null" : "empty"));
    }
    return new EarlyStopping(metric);
  }

  /** The least change that counts as an improvement; 0 by default. */
  public EarlyStopping minDelta(double minDelta) {
    if (!(minDelta >= 0) || Double.isInfinite(minDelta)) {
      throw new IllegalArgumentException(
          "min delta must be non-negative and finite, but was " + minDelta);
    }
    this.minDelta = minDelta;
    return this;
  }

  /** Epochs without improvement before stopping; 0 by default (stop at the first one). */
  public EarlyStopping patience(int patience) {
    if (patience < 0) {
      throw new IllegalArgumentException("patience must not be negative, but was " + patience);
    }
    this.patience = patience;
    return this;
  }

  /** Whether to put back the best epoch's weights when training ends; false by default. */
  public EarlyStopping restoreBestWeights(boolean restore) {
    this.restoreBestWeights = restore;
    return this;
  }

  /**
   * A value the metric must beat (by more than {@code minDelta}) for an epoch to restart the
   * wait, as Keras 3's {@code baseline}: an improvement that misses the baseline counts toward
   * the patience, but only an epoch that does not improve stops training. None by default.
   */
  public EarlyStopping baseline(double baseline) {
    if (!Double.isFinite(baseline)) {
      throw new IllegalArgumentException("baseline must be finite, but was " + baseline);
    }
    this.baseline = baseline;
    return this;
  }

  /**
   * Ignores epochs {@code 0..epochs-1} (0-based, as Keras's {@code start_from_epoch}): they
   * neither count toward the patience nor become the best epoch. 0 by default.
   */
  public EarlyStopping startFromEpoch(int epochs) {
    if (epochs < 0) {
      throw new IllegalArgumentException(
          "start-from epoch must not be negative, but was " + epochs);
    }
    this.startFromEpoch = epochs;
    return this;
  }

  /**
   * Whether to say, as Keras's {@code verbose=1} does, when training stops early ({@code Epoch 7:
   * early stopping}) and when the best weights are put back ({@code Restoring model weights from
   * the end of the best epoch: 4.}), on the trainer's progress stream; false by default.
   */
  public EarlyStopping verbose(boolean verbose) {
    this.verbose = verbose;
    return this;
  }

  /** Whether stopping and restoring are reported. */
  public boolean verbose() {
    return verbose;
  }

  /** The baseline, or NaN for none. */
  public double baseline() {
    return baseline;
  }

  /** The first epoch (0-based) that is watched. */
  public int startFromEpoch() {
    return startFromEpoch;
  }

  /** The monitored metric's name. */
  public String metric() {
    return monitor;
  }

  /** The least change that counts as an improvement. */
  public double minDelta() {
    return minDelta;
  }

  /** Epochs without improvement before stopping. */
  public int patience() {
    return patience;
  }

  /** Whether the best weights are restored at the end. */
  public boolean restoresBestWeights() {
    return restoreBestWeights;
  }

  /** The settings that decide when to stop and what to restore (the metric is recorded apart). */
  String settings() {
    // Exactly, as improves() compares in double; -0.0 as 0.0, which compares the same.
    return "patience=" + patience + ", min_delta=" + (minDelta + 0.0) + ", baseline="
        + (baseline + 0.0) + ", start_from_epoch=" + startFromEpoch
        + ", restore_best_weights=" + restoreBestWeights;
  }

  /** Whether {@code value} beats {@code best} of {@code metric} by more than {@code delta}. */
  static boolean improves(String metric, double value, double best, double delta) {
    if (Double.isNaN(value)) {
      return false;
    }
    if (Double.isNaN(best)) {
      return true;
    }
    return metric.contains("accuracy") ? value > best + delta : value < best - delta;
  }
}
