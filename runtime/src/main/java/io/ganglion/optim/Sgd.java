package io.ganglion.optim;

import java.util.List;

/**
 * Stochastic gradient descent, as PyTorch's {@code torch.optim.SGD}. At step {@code t}, with
 * gradient {@code g}, learning rate {@code lr}, weight decay {@code wd}, momentum {@code mu} and
 * dampening {@code d}:
 *
 * <pre>
 * g = g + wd * p
 * if mu != 0:
 *   b = g                          if t == 1
 *   b = mu * b + (1 - d) * g       otherwise
 *   g = g + mu * b                 with Nesterov, else g = b
 * p = p - lr * g
 * </pre>
 *
 * Defaults: momentum 0, dampening 0, weight decay 0, no Nesterov. State: {@code
 * momentum_buffer} when momentum is non-zero.
 */
public final class Sgd extends Optimizer {
  private final double momentum;
  private double dampening;
  private double weightDecay;
  private boolean nesterov;
  private float lr;
  private boolean first;

  private Sgd(double learningRate, double momentum) {
    super("Sgd", learningRate);
    this.momentum = checkUnit("momentum", momentum);
  }

  /** Plain SGD with the given learning rate. */
  public static Sgd of(double learningRate) {
    return new Sgd(learningRate, 0);
  }

  /** SGD with momentum in [0, 1). */
  public static Sgd of(double learningRate, double momentum) {
    return new Sgd(learningRate, momentum);
  }

  @Override
  public Sgd clipNorm(double maxNorm) {
    super.clipNorm(maxNorm);
    return this;
  }

  @Override
  public Sgd clipValue(double maxValue) {
    super.clipValue(maxValue);
    return this;
  }

  /** Uses Nesterov momentum; needs a non-zero momentum and zero dampening, as in PyTorch. */
  public Sgd nesterov(boolean nesterov) {
    if (nesterov && (momentum == 0 || dampening != 0)) {
      throw new IllegalArgumentException(
          "Nesterov momentum must have a non-zero momentum and zero dampening, but momentum was "
              + momentum + " and dampening " + dampening);
    }
    this.nesterov = nesterov;
    return this;
  }

  /** The dampening of the momentum in [0, 1); 0 by default. */
  public Sgd dampening(double dampening) {
    checkUnit("dampening", dampening);
    if (nesterov && dampening != 0) {
      throw new IllegalArgumentException(
          "dampening must be 0 with Nesterov momentum, but was " + dampening);
    }
    this.dampening = dampening;
    return this;
  }

  /** L2 weight decay added to the gradient ({@code g + wd * p}); 0 by default. */
  public Sgd weightDecay(double weightDecay) {
    this.weightDecay = checkNonNegative("weight decay", weightDecay);
    return this;
  }

  @Override
  String ownSettings() {
    return "momentum=" + number(momentum) + ", dampening=" + number(dampening)
        + ", weight_decay=" + number(weightDecay) + ", nesterov=" + nesterov;
  }

  @Override
  List<String> slotNamesForConfiguration() {
    return momentum == 0 ? List.of() : List.of("momentum_buffer");
  }

  @Override
  void beginStep(long step) {
    lr = (float) learningRate();
    first = step == 1;
  }

  /**
   * One rule per method: a short job (see {@code Checks.batch}) waits in the interpreter until the
   * JIT has compiled the update it uses, and only that one is compiled.
   */
  @Override
  void update(float[] w, float[] g, int k, int r) {
    if (momentum != 0) {
      momentumUpdate(w, g, slot(0, k, r));
    } else if (weightDecay != 0) {
      decayUpdate(w, g);
    } else {
      plainUpdate(w, g);
    }
  }

  private void plainUpdate(float[] w, float[] g) {
    float lr = this.lr;
    for (int j = 0; j < w.length; j++) {
      w[j] -= lr * g[j];
    }
  }

  private void decayUpdate(float[] w, float[] g) {
    float lr = this.lr;
    float wd = (float) weightDecay;
    for (int j = 0; j < w.length; j++) {
      w[j] -= lr * (g[j] + wd * w[j]);
    }
  }

  private void momentumUpdate(float[] w, float[] g, float[] b) {
    float lr = this.lr;
    float wd = (float) weightDecay;
    float mu = (float) momentum;
    float keep = (float) (1 - dampening);
    for (int j = 0; j < w.length; j++) {
      float gj = g[j] + wd * w[j];
      float bj = first ? gj : mu * b[j] + keep * gj;
      b[j] = bj;
      w[j] -= lr * (nesterov ? gj + mu * bj : bj);
    }
  }
}
