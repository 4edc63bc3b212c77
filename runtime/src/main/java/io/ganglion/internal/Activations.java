package io.ganglion.internal;

import io.ganglion.Activation;

/**
 * Activation functions applied in place to one sample's output row, and their derivatives applied
 * in place to the gradient row. Every derivative but GELU's and SiLU's is computed from the
 * activation's output, so a layer keeps one buffer for both the pre-activation and the
 * activation; those two take the values before the activation, which their layers also keep
 * ({@link Activation#derivativeNeedsInput}).
 */
public final class Activations {
  private static final float SLOPE = Activation.LEAKY_RELU_SLOPE;

  private Activations() {}

  /** ReLU over {@code y[0..n)} in place. */
  public static void relu(float[] y, int n) {
    relu(y, 0, n);
  }

  /** Multiplies the gradient {@code d[0..n)} by ReLU's derivative at the outputs {@code y}. */
  public static void reluBackward(float[] y, float[] d, int n) {
    reluBackward(y, d, 0, n);
  }

  /** Leaky ReLU (slope {@link Activation#LEAKY_RELU_SLOPE}) over {@code y[0..n)} in place. */
  public static void leakyRelu(float[] y, int n) {
    leakyRelu(y, 0, n);
  }

  /** Multiplies {@code d[0..n)} by leaky ReLU's derivative at the outputs {@code y}. */
  public static void leakyReluBackward(float[] y, float[] d, int n) {
    leakyReluBackward(y, d, 0, n);
  }

  /** The logistic sigmoid over {@code y[0..n)} in place. */
  public static void sigmoid(float[] y, int n) {
    sigmoid(y, 0, n);
  }

  /**
   * Multiplies {@code d[0..n)} by the sigmoid's derivative {@code s (1 - s)} at the outputs
   * {@code y}.
   */
  public static void sigmoidBackward(float[] y, float[] d, int n) {
    sigmoidBackward(y, d, 0, n);
  }

  /** The hyperbolic tangent over {@code y[0..n)} in place. */
  public static void tanh(float[] y, int n) {
    tanh(y, 0, n);
  }

  /**
   * The hyperbolic tangent to float precision, as {@code (e^2x - 1) / (e^2x + 1)} in double:
   * {@code Math.exp} is a JIT intrinsic, whereas {@code Math.tanh} is not and costs several times
   * as much. Beyond |x| = 20, tanh is 1 in float; below |x| = 1e-4 it is x to float precision
   * (the cubic term is under 4e-9 of it), where the quotient would lose digits.
   */
  public static float tanh(float x) {
    if (Math.abs(x) < 1e-4f) {
      return x;
    }
    if (x > 20f) {
      return 1f;
    }
    if (x < -20f) {
      return -1f;
    }
    double e = Math.exp(2.0 * x);
    return (float) ((e - 1.0) / (e + 1.0));
  }

  /** Multiplies {@code d[0..n)} by tanh's derivative {@code 1 - t^2} at the outputs {@code y}. */
  public static void tanhBackward(float[] y, float[] d, int n) {
    tanhBackward(y, d, 0, n);
  }

  /**
   * The element-wise activations over the columns {@code y[from..to)} only, for a layer whose
   * columns are split among workers (see {@link SplitNetwork}).
   */
  public static void relu(float[] y, int from, int to) {
    for (int j = from; j < to; j++) {
      y[j] = relu(y[j]);
    }
  }

  /** ReLU's derivative over the columns {@code [from, to)}. */
  public static void reluBackward(float[] y, float[] d, int from, int to) {
    for (int j = from; j < to; j++) {
      d[j] = reluBackward(y[j], d[j]);
    }
  }

  /** Leaky ReLU over the columns {@code [from, to)}. */
  public static void leakyRelu(float[] y, int from, int to) {
    for (int j = from; j < to; j++) {
      y[j] = leakyRelu(y[j]);
    }
  }

  /** Leaky ReLU's derivative over the columns {@code [from, to)}. */
  public static void leakyReluBackward(float[] y, float[] d, int from, int to) {
    for (int j = from; j < to; j++) {
      d[j] = leakyReluBackward(y[j], d[j]);
    }
  }

  /** The sigmoid over the columns {@code [from, to)}. */
  public static void sigmoid(float[] y, int from, int to) {
    for (int j = from; j < to; j++) {
      y[j] = sigmoid(y[j]);
    }
  }

  /** The sigmoid's derivative over the columns {@code [from, to)}. */
  public static void sigmoidBackward(float[] y, float[] d, int from, int to) {
    for (int j = from; j < to; j++) {
      d[j] = sigmoidBackward(y[j], d[j]);
    }
  }

  /** The hyperbolic tangent over the columns {@code [from, to)}. */
  public static void tanh(float[] y, int from, int to) {
    for (int j = from; j < to; j++) {
      y[j] = tanh(y[j]);
    }
  }

  /** Tanh's derivative over the columns {@code [from, to)}. */
  public static void tanhBackward(float[] y, float[] d, int from, int to) {
    for (int j = from; j < to; j++) {
      d[j] = tanhBackward(y[j], d[j]);
    }
  }

  /** ELU (alpha 1) over {@code y[0..n)} in place. */
  public static void elu(float[] y, int n) {
    elu(y, 0, n);
  }

  /** Multiplies {@code d[0..n)} by ELU's derivative at the outputs {@code y}. */
  public static void eluBackward(float[] y, float[] d, int n) {
    eluBackward(y, d, 0, n);
  }

  /** ELU over the columns {@code [from, to)}. */
  public static void elu(float[] y, int from, int to) {
    for (int j = from; j < to; j++) {
      y[j] = elu(y[j]);
    }
  }

  /** ELU's derivative over the columns {@code [from, to)}. */
  public static void eluBackward(float[] y, float[] d, int from, int to) {
    for (int j = from; j < to; j++) {
      d[j] = eluBackward(y[j], d[j]);
    }
  }

  /** SELU over {@code y[0..n)} in place. */
  public static void selu(float[] y, int n) {
    selu(y, 0, n);
  }

  /** Multiplies {@code d[0..n)} by SELU's derivative at the outputs {@code y}. */
  public static void seluBackward(float[] y, float[] d, int n) {
    seluBackward(y, d, 0, n);
  }

  /** SELU over the columns {@code [from, to)}. */
  public static void selu(float[] y, int from, int to) {
    for (int j = from; j < to; j++) {
      y[j] = selu(y[j]);
    }
  }

  /** SELU's derivative over the columns {@code [from, to)}. */
  public static void seluBackward(float[] y, float[] d, int from, int to) {
    for (int j = from; j < to; j++) {
      d[j] = seluBackward(y[j], d[j]);
    }
  }

  /** Softplus over {@code y[0..n)} in place. */
  public static void softplus(float[] y, int n) {
    softplus(y, 0, n);
  }

  /** Multiplies {@code d[0..n)} by softplus's derivative at the outputs {@code y}. */
  public static void softplusBackward(float[] y, float[] d, int n) {
    softplusBackward(y, d, 0, n);
  }

  /** Softplus over the columns {@code [from, to)}. */
  public static void softplus(float[] y, int from, int to) {
    for (int j = from; j < to; j++) {
      y[j] = softplus(y[j]);
    }
  }

  /** Softplus's derivative over the columns {@code [from, to)}. */
  public static void softplusBackward(float[] y, float[] d, int from, int to) {
    for (int j = from; j < to; j++) {
      d[j] = softplusBackward(y[j], d[j]);
    }
  }

  /** GELU over {@code y[0..n)} in place (the caller keeps the inputs for the derivative). */
  public static void gelu(float[] y, int n) {
    gelu(y, 0, n);
  }

  /** Multiplies {@code d[0..n)} by GELU's derivative at the inputs {@code z}. */
  public static void geluBackward(float[] z, float[] d, int n) {
    geluBackward(z, d, 0, n);
  }

  /** GELU over the columns {@code [from, to)}. */
  public static void gelu(float[] y, int from, int to) {
    for (int j = from; j < to; j++) {
      y[j] = gelu(y[j]);
    }
  }

  /** GELU's derivative over the columns {@code [from, to)}, at the inputs {@code z}. */
  public static void geluBackward(float[] z, float[] d, int from, int to) {
    for (int j = from; j < to; j++) {
      d[j] = geluBackward(z[j], d[j]);
    }
  }

  /** SiLU over {@code y[0..n)} in place (the caller keeps the inputs for the derivative). */
  public static void silu(float[] y, int n) {
    silu(y, 0, n);
  }

  /** Multiplies {@code d[0..n)} by SiLU's derivative at the inputs {@code z}. */
  public static void siluBackward(float[] z, float[] d, int n) {
    siluBackward(z, d, 0, n);
  }

  /** SiLU over the columns {@code [from, to)}. */
  public static void silu(float[] y, int from, int to) {
    for (int j = from; j < to; j++) {
      y[j] = silu(y[j]);
    }
  }

  /** SiLU's derivative over the columns {@code [from, to)}, at the inputs {@code z}. */
  public static void siluBackward(float[] z, float[] d, int from, int to) {
    for (int j = from; j < to; j++) {
      d[j] = siluBackward(z[j], d[j]);
    }
  }

  /** Numerically stable softmax over {@code y[0..n)} in place. */
  public static void softmax(float[] y, int n) {
    softmax(y, y, 0, n);
  }

  /** Softmax of {@code x[0..n)} into {@code out[offset..offset+n)}. */
  public static void softmax(float[] x, float[] out, int offset, int n) {
    double sum = shiftedExps(x, n, max(x, n), out, offset);
    float inv = (float) (1.0 / sum);
    for (int j = 0; j < n; j++) {
      out[offset + j] *= inv;
    }
  }

  /** The largest of {@code x[0..n)}. */
  static float max(float[] x, int n) {
    float max = Float.NEGATIVE_INFINITY;
    for (int j = 0; j < n; j++) {
      max = Math.max(max, x[j]);
    }
    return max;
  }

  /**
   * Writes {@code e^(x_j - max)}, rounded to float, into {@code out[offset..offset+n)} and returns
   * their sum: the numerator and denominator of a softmax that cannot overflow.
   */
  static double shiftedExps(float[] x, int n, float max, float[] out, int offset) {
    double sum = 0;
    for (int j = 0; j < n; j++) {
      float e = (float) Math.exp(x[j] - max);
      out[offset + j] = e;
      sum += e;
    }
    return sum;
  }

  /** {@code log sum_j e^x_j} over {@code x[0..n)}, computed without overflow. */
  static double logSumExp(float[] x, int n) {
    float max = max(x, n);
    double sum = 0;
    for (int j = 0; j < n; j++) {
      sum += Math.exp(x[j] - max);
    }
    return Math.log(sum) + max;
  }

  /** Jacobian-vector product of softmax: {@code d = s * (d - sum(d * s))}. */
  public static void softmaxBackward(float[] s, float[] d, int n) {
    double dot = 0;
    for (int j = 0; j < n; j++) {
      dot += d[j] * s[j];
    }
    float c = (float) dot;
    for (int j = 0; j < n; j++) {
      d[j] = s[j] * (d[j] - c);
    }
  }

  /** Sigmoid of {@code x[0..n)} into {@code out[offset..offset+n)}. */
  public static void sigmoid(float[] x, float[] out, int offset, int n) {
    for (int j = 0; j < n; j++) {
      out[offset + j] = sigmoid(x[j]);
    }
  }

  /** The logistic function, stable for large negative inputs. */
  public static float sigmoid(float x) {
    if (x >= 0f) {
      return (float) (1.0 / (1.0 + Math.exp(-x)));
    }
    double e = Math.exp(x);
    return (float) (e / (1.0 + e));
  }

  /*
   * One value at a time: the loops above call these, and so does generated code that writes a
   * small layer without loops. Each backward form takes the activation's output y and the gradient
   * d with respect to it, and returns the gradient with respect to the activation's input.
   */

  /** ReLU of one value. */
  public static float relu(float x) {
    return Math.max(x, 0f);
  }

  /*
   * The ReLU family without branches. Whether a unit is active follows the data, so a branch on it
   * is mispredicted when the signs follow no pattern, and x86 has no conditional move for floats
   * (C2 writes a jump): the branching form of reluBackward took 17.6 us per 64 x 64 deltas of
   * random signs against 1.9 us for the bit mask below, and about 6% of a two-thread mnist-mlp
   * step, where each worker applies it to 64 of the 128 columns. The
   * results are the same bits as {@code y > 0f ? d : 0f}, {@code y > 0f ? d : SLOPE * d} and
   * {@code x > 0f ? x : SLOPE * x} for every input, signed zeros and NaNs included, except that
   * leaky ReLU passes a signaling NaN through unquieted (ActivationsTest).
   */

  /** ReLU's backward step for one value: {@code d} where {@code y > 0}, else 0. */
  public static float reluBackward(float y, float d) {
    return Float.intBitsToFloat(Float.floatToRawIntBits(d) & positiveMask(y));
  }

  /** Leaky ReLU of one value: {@code max(x, SLOPE x)}, x itself for {@code x > 0}. */
  public static float leakyRelu(float x) {
    return Math.max(x, SLOPE * x);
  }

  /** Leaky ReLU's backward step for one value: {@code d} where {@code y > 0}, else SLOPE d. */
  public static float leakyReluBackward(float y, float d) {
    int m = positiveMask(y);
    return Float.intBitsToFloat(
        (Float.floatToRawIntBits(d) & m) | (Float.floatToRawIntBits(SLOPE * d) & ~m));
  }

  /**
   * All ones when {@code y > 0f}, else 0: y's bits lie in (0, 0x7f800000] exactly when y is
   * positive (infinity included), while zeros, negatives and NaNs fall outside and make one of the
   * two differences negative.
   */
  private static int positiveMask(float y) {
    int bits = Float.floatToRawIntBits(y);
    return ~((bits - 1) | (0x7f800000 - bits)) >> 31;
  }

  private static final float SELU_SCALE = (float) Activation.SELU_SCALE;
  private static final double SELU_SCALED_ALPHA = Activation.SELU_SCALE * Activation.SELU_ALPHA;
  private static final float SELU_SCALED_ALPHA_FLOAT = (float) SELU_SCALED_ALPHA;

  /** ELU of one value: {@code x} for {@code x > 0}, else {@code e^x - 1} (expm1: exact near 0). */
  public static float elu(float x) {
    return x > 0f ? x : (float) Math.expm1(x);
  }

  /**
   * ELU's backward step for one value, from its output: {@code d} where {@code y > 0}, else {@code
   * d (y + 1)}, as {@code e^x = y + 1} there (PyTorch's backward from the result does the same).
   */
  public static float eluBackward(float y, float d) {
    return y > 0f ? d : d * (y + 1f);
  }

  /** SELU of one value. */
  public static float selu(float x) {
    return x > 0f ? SELU_SCALE * x : (float) (SELU_SCALED_ALPHA * Math.expm1(x));
  }

  /**
   * SELU's backward step for one value, from its output: {@code d SELU_SCALE} where {@code y > 0},
   * else {@code d (y + SELU_SCALE SELU_ALPHA)}.
   */
  public static float seluBackward(float y, float d) {
    // In float: the output's floor, -(float) (scale alpha), gives exactly 0 in the saturated tail.
    return y > 0f ? d * SELU_SCALE : d * (y + SELU_SCALED_ALPHA_FLOAT);
  }

  /**
   * Softplus of one value, {@code log(1 + e^x)}: {@code x} above 20, as PyTorch's threshold (the
   * difference is under e^-20), and {@code log1p(e^x)} below, exact for very negative x.
   */
  public static float softplus(float x) {
    return x > 20f ? x : (float) Math.log1p(Math.exp(x));
  }

  /**
   * Softplus's backward step for one value, from its output: the derivative is the sigmoid of the
   * input, {@code 1 - e^-y}.
   */
  public static float softplusBackward(float y, float d) {
    return (float) (d * -Math.expm1(-y));
  }

  private static final double SQRT_HALF = Math.sqrt(0.5);
  private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

  /**
   * {@code erfc(z)} to a relative error below 1.2e-7 for every {@code z} (a Chebyshev fit, Press
   * et al., Numerical Recipes, {@code erfcc}): float precision, also in the far tail where {@code
   * 1 - erf} would lose every digit.
   */
  static double erfc(double z) {
    double a = Math.abs(z);
    double t = 1 / (1 + 0.5 * a);
    double r = t * Math.exp(-a * a - 1.26551223 + t * (1.00002368 + t * (0.37409196
        + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398
        + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
    return z >= 0 ? r : 2 - r;
  }

  /**
   * GELU of one value, {@code x Phi(x) = x erfc(-x / sqrt 2) / 2}: to float precision, and 0 (or
   * -0) far below 0, where {@code Phi} underflows.
   */
  public static float gelu(float x) {
    return (float) (0.5 * x * erfc(-x * SQRT_HALF));
  }

  /**
   * GELU's backward step for one value, at its input {@code z}: {@code d (Phi(z) + z phi(z))},
   * with {@code phi} the standard normal density.
   */
  public static float geluBackward(float z, float d) {
    double derivative = 0.5 * erfc(-z * SQRT_HALF) + z * INV_SQRT_2PI * Math.exp(-0.5 * z * z);
    return (float) (d * derivative);
  }

  /** SiLU of one value, {@code x sigmoid(x)}. */
  public static float silu(float x) {
    return x * sigmoid(x);
  }

  /**
   * SiLU's backward step for one value, at its input {@code z}: {@code d s (1 + z (1 - s))} with
   * {@code s = sigmoid(z)}.
   */
  public static float siluBackward(float z, float d) {
    // The sigmoid in double: near z = -1.28 the factor 1 + z (1 - s) cancels to 0.
    double s = 1 / (1 + Math.exp(-z));
    return (float) (d * s * (1 + z * (1 - s)));
  }

  /** The sigmoid's backward step for one value: {@code d s (1 - s)}. */
  public static float sigmoidBackward(float s, float d) {
    return d * (s * (1f - s));
  }

  /** Tanh's backward step for one value: {@code d (1 - t^2)}. */
  public static float tanhBackward(float t, float d) {
    return d * (1f - t * t);
  }
}
