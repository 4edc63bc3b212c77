package io.ganglion.internal;

/**
 * Per-sample losses on the last layer's output row {@code y[0..n)}. Each returns the sample's loss
 * and writes {@code scale} times its gradient with respect to {@code y} into {@code d}. Element-wise
 * losses are averaged over the {@code n} outputs, as PyTorch's {@code reduction="mean"} does.
 */
public final class Losses {
  private Losses() {}

  /** {@code logsumexp(y) - y[label]}; gradient {@code softmax(y) - onehot(label)}. */
  public static float softmaxCrossEntropy(
      float[] y, int n, int label, int sample, float[] d, float scale) {
    checkLabel(label, n, sample);
    float max = Activations.max(y, n);
    double sum = Activations.shiftedExps(y, n, max, d, 0);
    float inv = (float) (scale / sum);
    for (int j = 0; j < n; j++) {
      d[j] *= inv;
    }
    d[label] -= scale;
    return (float) (Math.log(sum) + max - y[label]);
  }

  /**
   * Cross-entropy of {@code softmax(y)} against probability targets {@code t[toff..toff+n)} (for
   * example one-hot rows): {@code -sum_j t_j log softmax(y)_j}; gradient {@code softmax(y) sum(t) -
   * t}.
   */
  public static float softmaxCrossEntropy(
      float[] y, int n, float[] t, int toff, float[] d, float scale) {
    float max = Activations.max(y, n);
    double sum = Activations.shiftedExps(y, n, max, d, 0);
    double logSum = Math.log(sum) + max;
    double loss = 0;
    double mass = 0;
    for (int j = 0; j < n; j++) {
      float target = t[toff + j];
      mass += target;
      if (target != 0f) {
        loss += target * (logSum - y[j]);
      }
    }
    float inv = (float) (scale * mass / sum);
    for (int j = 0; j < n; j++) {
      d[j] = d[j] * inv - scale * t[toff + j];
    }
    return (float) loss;
  }

  /** Softmax cross-entropy loss only, against probability targets. */
  public static float softmaxCrossEntropy(float[] y, int n, float[] t, int toff) {
    double logSum = Activations.logSumExp(y, n);
    double loss = 0;
    for (int j = 0; j < n; j++) {
      float target = t[toff + j];
      if (target != 0f) {
        loss += target * (logSum - y[j]);
      }
    }
    return (float) loss;
  }

  /** Softmax cross-entropy loss only. */
  public static float softmaxCrossEntropy(float[] y, int n, int label, int sample) {
    checkLabel(label, n, sample);
    return (float) (Activations.logSumExp(y, n) - y[label]);
  }

  /**
   * Sigmoid cross-entropy on logits, {@code mean_j max(y,0) - y t + log(1 + e^-|y|)}; gradient
   * {@code (sigmoid(y) - t) / n}. Targets are {@code t[toff..toff+n)}.
   */
  public static float binaryCrossEntropy(
      float[] y, int n, float[] t, int toff, float[] d, float scale) {
    double loss = 0;
    float g = scale / n;
    for (int j = 0; j < n; j++) {
      float z = y[j];
      float target = t[toff + j];
      loss += bce(z, target);
      d[j] = g * (Activations.sigmoid(z) - target);
    }
    return (float) (loss / n);
  }

  /** Binary cross-entropy loss only. */
  public static float binaryCrossEntropy(float[] y, int n, float[] t, int toff) {
    double loss = 0;
    for (int j = 0; j < n; j++) {
      loss += bce(y[j], t[toff + j]);
    }
    return (float) (loss / n);
  }

  /** Binary cross-entropy with a class label as target (one-hot, or the value for one output). */
  public static float binaryCrossEntropy(
      float[] y, int n, int label, int sample, float[] d, float scale) {
    checkLabel(label, n == 1 ? 2 : n, sample);
    double loss = 0;
    float g = scale / n;
    for (int j = 0; j < n; j++) {
      float target = target(label, j, n);
      loss += bce(y[j], target);
      d[j] = g * (Activations.sigmoid(y[j]) - target);
    }
    return (float) (loss / n);
  }

  /** Binary cross-entropy loss only, with a class label as target. */
  public static float binaryCrossEntropy(float[] y, int n, int label, int sample) {
    checkLabel(label, n == 1 ? 2 : n, sample);
    double loss = 0;
    for (int j = 0; j < n; j++) {
      loss += bce(y[j], target(label, j, n));
    }
    return (float) (loss / n);
  }

  /** {@code mean_j (y - t)^2}; gradient {@code 2 (y - t) / n}. */
  public static float meanSquaredError(
      float[] y, int n, float[] t, int toff, float[] d, float scale) {
    double loss = 0;
    float g = 2f * scale / n;
    for (int j = 0; j < n; j++) {
      float e = y[j] - t[toff + j];
      loss += (double) e * e;
      d[j] = g * e;
    }
    return (float) (loss / n);
  }

  /** Mean squared error only. */
  public static float meanSquaredError(float[] y, int n, float[] t, int toff) {
    double loss = 0;
    for (int j = 0; j < n; j++) {
      float e = y[j] - t[toff + j];
      loss += (double) e * e;
    }
    return (float) (loss / n);
  }

  /**
   * Mean squared error against a class label: one-hot over several outputs (the label must be one
   * of them), or the label's value for one output.
   */
  public static float meanSquaredError(
      float[] y, int n, int label, int sample, float[] d, float scale) {
    if (n > 1) {
      checkLabel(label, n, sample);
    }
    double loss = 0;
    float g = 2f * scale / n;
    for (int j = 0; j < n; j++) {
      float e = y[j] - target(label, j, n);
      loss += (double) e * e;
      d[j] = g * e;
    }
    return (float) (loss / n);
  }

  /** Mean squared error only, against a class label. */
  public static float meanSquaredError(float[] y, int n, int label, int sample) {
    if (n > 1) {
      checkLabel(label, n, sample);
    }
    double loss = 0;
    for (int j = 0; j < n; j++) {
      float e = y[j] - target(label, j, n);
      loss += (double) e * e;
    }
    return (float) (loss / n);
  }

  /**
   * Mean absolute error against float targets; writes {@code scale} times its gradient into
   * {@code d} ({@code sign(e) / n}, 0 where the output equals its target, as PyTorch's L1Loss).
   */
  public static float meanAbsoluteError(
      float[] y, int n, float[] t, int toff, float[] d, float scale) {
    return valueLoss(ABSOLUTE, y, n, t, toff, 0, d, scale);
  }

  /** Mean absolute error only. */
  public static float meanAbsoluteError(float[] y, int n, float[] t, int toff) {
    return valueLoss(ABSOLUTE, y, n, t, toff, 0, null, 0f);
  }

  /** Mean absolute error against a label, taken as {@link #meanSquaredError} takes it. */
  public static float meanAbsoluteError(
      float[] y, int n, int label, int sample, float[] d, float scale) {
    if (n > 1) {
      checkLabel(label, n, sample);
    }
    return valueLoss(ABSOLUTE, y, n, null, 0, label, d, scale);
  }

  /** Mean absolute error only, against a label. */
  public static float meanAbsoluteError(float[] y, int n, int label, int sample) {
    return meanAbsoluteError(y, n, label, sample, null, 0f);
  }

  /**
   * Huber loss (delta 1) against float targets; writes {@code scale} times its gradient into
   * {@code d} ({@code e / n} where {@code |e| <= 1}, else {@code sign(e) / n}).
   */
  public static float huber(float[] y, int n, float[] t, int toff, float[] d, float scale) {
    return valueLoss(HUBER, y, n, t, toff, 0, d, scale);
  }

  /** Huber loss only. */
  public static float huber(float[] y, int n, float[] t, int toff) {
    return valueLoss(HUBER, y, n, t, toff, 0, null, 0f);
  }

  /** Huber loss against a label, taken as {@link #meanSquaredError} takes it. */
  public static float huber(float[] y, int n, int label, int sample, float[] d, float scale) {
    if (n > 1) {
      checkLabel(label, n, sample);
    }
    return valueLoss(HUBER, y, n, null, 0, label, d, scale);
  }

  /** Huber loss only, against a label. */
  public static float huber(float[] y, int n, int label, int sample) {
    return huber(y, n, label, sample, null, 0f);
  }

  private static final int ABSOLUTE = 0;
  private static final int HUBER = 1;

  /**
   * The mean over {@code n} outputs of an absolute or Huber loss, against {@code t[toff..]} or,
   * when {@code t} is null, against {@code label}; the gradient into {@code d} unless it is null.
   */
  private static float valueLoss(int kind, float[] y, int n, float[] t, int toff, int label,
      float[] d, float scale) {
    double loss = 0;
    float g = scale / n;
    for (int j = 0; j < n; j++) {
      float e = y[j] - (t != null ? t[toff + j] : target(label, j, n));
      float a = Math.abs(e);
      boolean linear = kind == ABSOLUTE || a > 1f;
      loss += linear ? a - (kind == HUBER ? 0.5 : 0.0) : 0.5 * e * e;
      if (d != null) {
        d[j] = g * (linear ? Math.signum(e) : e);
      }
    }
    return (float) (loss / n);
  }

  private static float target(int label, int j, int n) {
    if (n == 1) {
      return label;
    }
    return label == j ? 1f : 0f;
  }

  private static double bce(float z, float t) {
    return Math.max(z, 0f) - (double) z * t + Math.log1p(Math.exp(-Math.abs(z)));
  }

  private static void checkLabel(int label, int classes, int sample) {
    if (label < 0 || label >= classes) {
      throw new IllegalArgumentException(
          "label of sample " + sample + " must be a class index in [0, " + classes
              + "), but was " + label);
    }
  }
}
