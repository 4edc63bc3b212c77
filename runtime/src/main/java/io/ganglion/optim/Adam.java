package io.ganglion.optim;

import java.util.List;

/**
 * Adam, as PyTorch's {@code torch.optim.Adam} (without AMSGrad). At step {@code t}, with gradient
 * {@code g}:
 *
 * <pre>
 * g = g + wd * p                     (L2 weight decay, coupled to the gradient)
 * m = beta1 * m + (1 - beta1) * g
 * v = beta2 * v + (1 - beta2) * g^2
 * p = p - lr * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps)
 * </pre>
 *
 * Defaults: betas (0.9, 0.999), eps 1e-8, weight decay 0. State: {@code exp_avg} ({@code m}) and
 * {@code exp_avg_sq} ({@code v}). For decoupled weight decay use {@link AdamW}.
 */
public final class Adam extends Optimizer {
  private double beta1 = 0.9;
  private double beta2 = 0.999;
  private double epsilon = 1e-8;
  private double weightDecay;
  private float stepSize;
  private float biasCorrection2Sqrt;

  private Adam(double learningRate) {
    super("Adam", learningRate);
  }

  /** Adam with the given learning rate (PyTorch's default is 1e-3). */
  public static Adam of(double learningRate) {
    return new Adam(learningRate);
  }

  @Override
  public Adam clipNorm(double maxNorm) {
    super.clipNorm(maxNorm);
    return this;
  }

  @Override
  public Adam clipValue(double maxValue) {
    super.clipValue(maxValue);
    return this;
  }

  /** The decay rates of the first and second moments, each in [0, 1). */
  public Adam betas(double beta1, double beta2) {
    checkUnit("beta1", beta1);
    this.beta2 = checkUnit("beta2", beta2); // both checked before either changes
    this.beta1 = beta1;
    return this;
  }

  /** The term added to the denominator; 1e-8 by default. */
  public Adam epsilon(double epsilon) {
    this.epsilon = checkPositive("epsilon", epsilon);
    return this;
  }

  /** L2 weight decay added to the gradient; 0 by default. */
  public Adam weightDecay(double weightDecay) {
    this.weightDecay = checkNonNegative("weight decay", weightDecay);
    return this;
  }

  @Override
  String ownSettings() {
    return "betas=(" + number(beta1) + ", " + number(beta2) + "), eps=" + number(epsilon)
        + ", weight_decay=" + number(weightDecay);
  }

  @Override
  List<String> slotNamesForConfiguration() {
    return List.of("exp_avg", "exp_avg_sq");
  }

  @Override
  void beginStep(long step) {
    stepSize = (float) (learningRate() / (1 - Math.pow(beta1, step)));
    biasCorrection2Sqrt = (float) Math.sqrt(1 - Math.pow(beta2, step));
  }

  @Override
  void update(float[] w, float[] g, int k, int r) {
    adam(w, g, slot(0, k, r), slot(1, k, r), (float) beta1, (float) beta2, (float) epsilon,
        (float) weightDecay, stepSize, biasCorrection2Sqrt);
  }

  /** The Adam update of one row; {@code wd} is the coupled (L2) weight decay. */
  static void adam(float[] w, float[] g, float[] m, float[] v, float beta1, float beta2,
      float epsilon, float wd, float stepSize, float biasCorrection2Sqrt) {
    float keep1 = 1f - beta1;
    float keep2 = 1f - beta2;
    for (int j = 0; j < w.length; j++) {
      float gj = g[j] + wd * w[j];
      float mj = beta1 * m[j] + keep1 * gj;
      float vj = beta2 * v[j] + keep2 * gj * gj;
      m[j] = mj;
      v[j] = vj;
      w[j] -= stepSize * mj / ((float) Math.sqrt(vj) / biasCorrection2Sqrt + epsilon);
    }
  }
}
