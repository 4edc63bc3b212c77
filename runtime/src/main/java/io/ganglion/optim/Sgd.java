package io.ganglion.optim;

import io.ganglion.Parameter;
import java.util.List;

/**
 * Stochastic gradient descent with optional momentum, as PyTorch's {@code torch.optim.SGD}: with
 * momentum {@code mu}, {@code v = mu v + g; p -= lr v}; without, {@code p -= lr g}.
 */
public final class Sgd implements Optimizer {
  private double learningRate;
  private final double momentum;
  private List<Parameter> bound;
  private float[][][] velocity;

  private Sgd(double learningRate, double momentum) {
    if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
      throw new IllegalArgumentException(
          "learning rate must be positive and finite, but was " + learningRate);
    }
    if (!(momentum >= 0 && momentum < 1)) {
      throw new IllegalArgumentException("momentum must be in [0, 1), but was " + momentum);
    }
    this.learningRate = learningRate;
    this.momentum = momentum;
  }

  /** Plain SGD with the given learning rate. */
  public static Sgd of(double learningRate) {
    return new Sgd(learningRate, 0);
  }

  /** SGD with momentum. */
  public static Sgd of(double learningRate, double momentum) {
    return new Sgd(learningRate, momentum);
  }

  @Override
  public void step(List<Parameter> parameters) {
    float lr = (float) learningRate;
    if (momentum == 0) {
      for (Parameter p : parameters) {
        float[][] data = p.data();
        float[][] grad = p.grad();
        for (int r = 0; r < data.length; r++) {
          float[] w = data[r];
          float[] g = grad[r];
          for (int j = 0; j < w.length; j++) {
            w[j] -= lr * g[j];
          }
        }
      }
      return;
    }
    bind(parameters);
    float mu = (float) momentum;
    for (int k = 0; k < parameters.size(); k++) {
      Parameter p = parameters.get(k);
      float[][] data = p.data();
      float[][] grad = p.grad();
      float[][] vel = velocity[k];
      for (int r = 0; r < data.length; r++) {
        float[] w = data[r];
        float[] g = grad[r];
        float[] v = vel[r];
        for (int j = 0; j < w.length; j++) {
          v[j] = mu * v[j] + g[j];
          w[j] -= lr * v[j];
        }
      }
    }
  }

  private void bind(List<Parameter> parameters) {
    if (bound == parameters) {
      return;
    }
    if (bound != null) {
      throw new IllegalStateException(
          "this optimizer already holds state for another model's parameters; create one"
              + " optimizer per model");
    }
    bound = parameters;
    velocity = new float[parameters.size()][][];
    for (int k = 0; k < parameters.size(); k++) {
      float[][] data = parameters.get(k).data();
      velocity[k] = new float[data.length][];
      for (int r = 0; r < data.length; r++) {
        velocity[k][r] = new float[data[r].length];
      }
    }
  }

  @Override
  public double learningRate() {
    return learningRate;
  }

  @Override
  public void setLearningRate(double learningRate) {
    this.learningRate = learningRate;
  }
}
