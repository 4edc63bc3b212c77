package io.ganglion.optim;

import io.ganglion.Parameter;
import java.util.List;

/**
 * Gradient clipping as PyTorch's {@code torch.nn.utils.clip_grad_norm_} and {@code
 * clip_grad_value_}, over every parameter's {@link Parameter#grad()} in place. {@link Optimizer}
 * applies it when {@link Optimizer#clipNorm} or {@link Optimizer#clipValue} is set. Indexed
 * loops rather than iterators: clipping runs every step and must not allocate.
 */
public final class GradientClipping {
  private GradientClipping() {}

  /** The global L2 norm of all gradients, accumulated in double. */
  public static double norm(List<Parameter> parameters) {
    checkParameters(parameters);
    double sum = 0;
    for (int k = 0; k < parameters.size(); k++) {
      for (float[] row : parameters.get(k).grad()) {
        for (float g : row) {
          sum += (double) g * g;
        }
      }
    }
    return Math.sqrt(sum);
  }

  /**
   * Scales all gradients by {@code maxNorm / (norm + 1e-6)} when that is below 1, as PyTorch does;
   * returns the norm before clipping.
   */
  public static double clipNorm(List<Parameter> parameters, double maxNorm) {
    checkLimit("max norm", maxNorm);
    double norm = norm(parameters);
    double coefficient = maxNorm / (norm + 1e-6);
    if (coefficient < 1) {
      float c = (float) coefficient;
      for (int k = 0; k < parameters.size(); k++) {
        for (float[] row : parameters.get(k).grad()) {
          for (int j = 0; j < row.length; j++) {
            row[j] *= c;
          }
        }
      }
    }
    return norm;
  }

  /** Clamps every gradient element to {@code [-maxValue, maxValue]}. */
  public static void clipValue(List<Parameter> parameters, double maxValue) {
    checkLimit("max value", maxValue);
    checkParameters(parameters);
    float max = (float) maxValue;
    for (int k = 0; k < parameters.size(); k++) {
      for (float[] row : parameters.get(k).grad()) {
        for (int j = 0; j < row.length; j++) {
          row[j] = Math.max(-max, Math.min(max, row[j]));
        }
      }
    }
  }

  private static void checkLimit(String what, double limit) {
    if (!(limit >= 0)) {
      throw new IllegalArgumentException(what + " must be zero or positive, but was " + limit);
    }
  }

  private static void checkParameters(List<Parameter> parameters) {
    if (parameters == null) {
      throw new IllegalArgumentException("parameters must not be null");
    }
    for (int k = 0; k < parameters.size(); k++) {
      if (parameters.get(k) == null) {
        throw new IllegalArgumentException("parameters must not hold null, but element " + k
            + " of " + parameters.size() + " was");
      }
    }
  }
}
