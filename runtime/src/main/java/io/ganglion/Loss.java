package io.ganglion;

/**
 * The loss a {@link Network} is trained on. Every loss is averaged over the samples of a batch; the
 * element-wise losses are also averaged over the outputs of a sample, as PyTorch's {@code
 * reduction="mean"} does.
 */
public enum Loss {
  /**
   * Mean squared error between the last layer's output and float targets: {@code mean_k (y_k -
   * t_k)^2}. Integer labels are turned into one-hot targets (or used as the value itself for a
   * single output).
   */
  MSE,
  /**
   * Softmax fused with cross-entropy on integer class labels: the last layer produces logits
   * (keep it {@link Activation#LINEAR}); computed as {@code logsumexp(z) - z_label}, stable for
   * any logits. {@link Model#predict} returns the softmax probabilities.
   */
  SOFTMAX_CROSS_ENTROPY,
  /**
   * Sigmoid fused with binary cross-entropy, per output, on targets in [0, 1]: the last layer
   * produces logits (keep it {@link Activation#LINEAR}); computed as {@code max(z,0) - z t +
   * log(1 + e^-|z|)}, stable for any logits. {@link Model#predict} returns the sigmoid
   * probabilities.
   */
  BINARY_CROSS_ENTROPY,
  /**
   * Mean absolute error ({@code L1Loss} in PyTorch, {@code mae} in Keras): {@code mean_k |y_k -
   * t_k|}, less swayed by outliers than MSE. Labels are taken as for {@link #MSE}.
   */
  MAE,
  /**
   * Huber loss with delta 1 ({@code HuberLoss()} in PyTorch, {@code Huber()} in Keras): per value
   * {@code e^2 / 2} where {@code |e| <= 1}, else {@code |e| - 1/2}, averaged as {@link #MSE}:
   * quadratic near the target, linear for outliers. Labels are taken as for {@link #MSE}.
   */
  HUBER;

  /**
   * Whether this loss is a choice among classes, trained on integer class labels (softmax
   * cross-entropy; it also takes probability rows as float targets, such as one-hot or smoothed
   * labels).
   */
  public boolean takesLabels() {
    return this == SOFTMAX_CROSS_ENTROPY;
  }

  /**
   * Whether this loss compares output values with target values ({@link #MSE}, {@link #MAE},
   * {@link #HUBER}): the last layer's output is the prediction, and with one output an integer
   * label is the target value itself.
   */
  public boolean comparesValues() {
    return this == MSE || this == MAE || this == HUBER;
  }
}
