package io.ganglion.optim;

import java.util.List;

/**
 * Adam with decoupled weight decay, as PyTorch's {@code torch.optim.AdamW}: each step first
 * shrinks the parameters, {@code p = p * (1 - lr * wd)}, then applies the {@link Adam} update
 * without any weight decay in the gradient.
 *
 * <p>Defaults: betas (0.9, 0.999), eps 1e-8, weight decay 0.01 (PyTorch's). State: {@code exp_avg}
 * and {@code exp_avg_sq}.
 */
public final class AdamW extends Optimizer {
  private double beta1 = 0.9;
  private double beta2 = 0.999;
  private double epsilon = 1e-8;
  private double weightDecay = 0.01;
  private float stepSize;
  private float biasCorrection2Sqrt;
  private float shrink;

  private AdamW(double learningRate) {
    super("AdamW", learningRate);
  }

  /** AdamW with the given learning rate (PyTorch's default is 1e-3). */
  public static AdamW of(double learningRate) {
    return new AdamW(learningRate);
  }

  @Override
  public AdamW clipNorm(double maxNorm) {
    super.clipNorm(maxNorm);
    return this;
  }

  @Override
  public AdamW clipValue(double maxValue) {
    super.clipValue(maxValue);
    return this;
  }

  /** The decay rates of the first and second moments, each in [0, 1). */
  public AdamW betas(double beta1, double beta2) {
    checkUnit("beta1", beta1);
    this.beta2 = checkUnit("beta2", beta2); // both checked before either changes
    this.beta1 = beta1;
    return this;
  }

  /** The term added to the denominator; 1e-8 by default. */
  public AdamW epsilon(double epsilon) {
    this.epsilon = checkPositive("epsilon", epsilon);
    return this;
  }

  /** The decoupled weight decay; 0.01 by default. */
  public AdamW weightDecay(double weightDecay) {
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
    shrink = (float) (1 - learningRate() * weightDecay);
  }

  @Override
  void update(float[] w, float[] g, int k, int r) {
    for (int j = 0; j < w.length; j++) {
      w[j] *= shrink;
    }
    Adam.adam(w, g, slot(0, k, r), slot(1, k, r), (float) beta1, (float) beta2, (float) epsilon,
        0f, stepSize, biasCorrection2Sqrt);
  }
}
