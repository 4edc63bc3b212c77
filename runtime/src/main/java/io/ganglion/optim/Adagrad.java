package io.ganglion.optim;

import java.util.List;

/**
 * Adagrad, as PyTorch's {@code torch.optim.Adagrad}. At step {@code t}, with gradient {@code g}:
 *
 * <pre>
 * clr = lr / (1 + (t - 1) * lr_decay)
 * g = g + wd * p
 * s = s + g^2
 * p = p - clr * g / (sqrt(s) + eps)
 * </pre>
 *
 * Defaults: learning-rate decay 0, weight decay 0, initial accumulator 0, eps 1e-10 (PyTorch's
 * default learning rate is 1e-2). State: {@code sum} ({@code s}).
 */
public final class Adagrad extends Optimizer {
  private double learningRateDecay;
  private double weightDecay;
  private double initialAccumulator;
  private double epsilon = 1e-10;
  private float clr;

  private Adagrad(double learningRate) {
    super("Adagrad", learningRate);
  }

  /** Adagrad with the given learning rate. */
  public static Adagrad of(double learningRate) {
    return new Adagrad(learningRate);
  }

  @Override
  public Adagrad clipNorm(double maxNorm) {
    super.clipNorm(maxNorm);
    return this;
  }

  @Override
  public Adagrad clipValue(double maxValue) {
    super.clipValue(maxValue);
    return this;
  }

  /** The decay of the learning rate per step; 0 by default. */
  public Adagrad learningRateDecay(double decay) {
    this.learningRateDecay = checkNonNegative("learning rate decay", decay);
    return this;
  }

  /** L2 weight decay added to the gradient; 0 by default. */
  public Adagrad weightDecay(double weightDecay) {
    this.weightDecay = checkNonNegative("weight decay", weightDecay);
    return this;
  }

  /** The value the squared-gradient sums start at; 0 by default. Set before the first step. */
  public Adagrad initialAccumulator(double value) {
    checkNotStarted("initial accumulator");
    this.initialAccumulator = checkNonNegative("initial accumulator", value);
    return this;
  }

  /** The term added to the denominator; 1e-10 by default. */
  public Adagrad epsilon(double epsilon) {
    this.epsilon = checkPositive("epsilon", epsilon);
    return this;
  }

  @Override
  String ownSettings() {
    return "lr_decay=" + number(learningRateDecay) + ", weight_decay=" + number(weightDecay)
        + ", initial_accumulator_value=" + number(initialAccumulator) + ", eps=" + number(epsilon);
  }

  @Override
  List<String> slotNamesForConfiguration() {
    return List.of("sum");
  }

  @Override
  float initialValue(int slot) {
    return (float) initialAccumulator;
  }

  @Override
  void beginStep(long step) {
    clr = (float) (learningRate() / (1 + (step - 1) * learningRateDecay));
  }

  @Override
  void update(float[] w, float[] g, int k, int r) {
    float wd = (float) weightDecay;
    float eps = (float) epsilon;
    float[] s = slot(0, k, r);
    for (int j = 0; j < w.length; j++) {
      float gj = g[j] + wd * w[j];
      float sj = s[j] + gj * gj;
      s[j] = sj;
      w[j] -= clr * gj / ((float) Math.sqrt(sj) + eps);
    }
  }
}
