package io.ganglion.optim;

import java.util.ArrayList;
import java.util.List;

/**
 * RMSprop, as PyTorch's {@code torch.optim.RMSprop}. With gradient {@code g}:
 *
 * <pre>
 * g = g + wd * p
 * v = alpha * v + (1 - alpha) * g^2
 * if centered: a = alpha * a + (1 - alpha) * g;  d = sqrt(v - a^2) + eps
 * else:                                           d = sqrt(v) + eps
 * if mu != 0: b = mu * b + g / d;  p = p - lr * b
 * else:       p = p - lr * g / d
 * </pre>
 *
 * Defaults: alpha 0.99, eps 1e-8, weight decay 0, momentum 0, not centered (PyTorch's default
 * learning rate is 1e-2). State: {@code square_avg}, plus {@code momentum_buffer} with momentum
 * and {@code grad_avg} when centered.
 */
public final class RmsProp extends Optimizer {
  private double alpha = 0.99;
  private double epsilon = 1e-8;
  private double weightDecay;
  private double momentum;
  private boolean centered;
  private float lr;

  private RmsProp(double learningRate) {
    super("RmsProp", learningRate);
  }

  /** RMSprop with the given learning rate. */
  public static RmsProp of(double learningRate) {
    return new RmsProp(learningRate);
  }

  @Override
  public RmsProp clipNorm(double maxNorm) {
    super.clipNorm(maxNorm);
    return this;
  }

  @Override
  public RmsProp clipValue(double maxValue) {
    super.clipValue(maxValue);
    return this;
  }

  /** The smoothing constant of the squared-gradient average, in [0, 1); 0.99 by default. */
  public RmsProp alpha(double alpha) {
    this.alpha = checkUnit("alpha", alpha);
    return this;
  }

  /** The term added to the denominator; 1e-8 by default. */
  public RmsProp epsilon(double epsilon) {
    this.epsilon = checkPositive("epsilon", epsilon);
    return this;
  }

  /** L2 weight decay added to the gradient; 0 by default. */
  public RmsProp weightDecay(double weightDecay) {
    this.weightDecay = checkNonNegative("weight decay", weightDecay);
    return this;
  }

  /** Momentum in [0, 1); 0 by default. Set before the first step. */
  public RmsProp momentum(double momentum) {
    checkNotStarted("momentum");
    this.momentum = checkUnit("momentum", momentum);
    return this;
  }

  /** Whether to normalize by the gradient's estimated variance; false by default. */
  public RmsProp centered(boolean centered) {
    checkNotStarted("centered");
    this.centered = centered;
    return this;
  }

  @Override
  String ownSettings() {
    return "alpha=" + number(alpha) + ", eps=" + number(epsilon) + ", weight_decay="
        + number(weightDecay) + ", momentum=" + number(momentum) + ", centered=" + centered;
  }

  @Override
  List<String> slotNamesForConfiguration() {
    List<String> names = new ArrayList<>(List.of("square_avg"));
    if (momentum != 0) {
      names.add("momentum_buffer");
    }
    if (centered) {
      names.add("grad_avg");
    }
    return names;
  }

  @Override
  void beginStep(long step) {
    lr = (float) learningRate();
  }

  @Override
  void update(float[] w, float[] g, int k, int r) {
    float a = (float) alpha;
    float keep = 1f - a;
    float eps = (float) epsilon;
    float wd = (float) weightDecay;
    float mu = (float) momentum;
    float[] v = slot(0, k, r);
    float[] b = momentum != 0 ? slot(1, k, r) : null;
    float[] avg = centered ? slot(momentum != 0 ? 2 : 1, k, r) : null;
    for (int j = 0; j < w.length; j++) {
      float gj = g[j] + wd * w[j];
      float vj = a * v[j] + keep * gj * gj;
      v[j] = vj;
      float d;
      if (avg != null) {
        float aj = a * avg[j] + keep * gj;
        avg[j] = aj;
        d = (float) Math.sqrt(vj - aj * aj) + eps;
      } else {
        d = (float) Math.sqrt(vj) + eps;
      }
      if (b != null) {
        float bj = mu * b[j] + gj / d;
        b[j] = bj;
        w[j] -= lr * bj;
      } else {
        w[j] -= lr * gj / d;
      }
    }
  }
}
