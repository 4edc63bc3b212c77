package io.ganglion;

/** Element-wise (or, for {@link #SOFTMAX}, per-sample) functions applied to a layer's output. */
public enum Activation {
  /** The identity: the layer's output is {@code x W^T + b}. */
  LINEAR,
  /** {@code max(0, x)}. */
  RELU,
  /** {@code x} for {@code x > 0}, else {@code 0.01 x} (PyTorch's default negative slope). */
  LEAKY_RELU,
  /** {@code 1 / (1 + e^-x)}. */
  SIGMOID,
  /** The hyperbolic tangent. */
  TANH,
  /** {@code e^x_i / sum_j e^x_j} over the layer's units; only allowed on the last layer. */
  SOFTMAX,
  /** {@code x} for {@code x > 0}, else {@code e^x - 1} (PyTorch's {@code nn.ELU}, alpha 1). */
  ELU,
  /**
   * {@code SELU_SCALE * x} for {@code x > 0}, else {@code SELU_SCALE * SELU_ALPHA * (e^x - 1)}
   * (PyTorch's {@code nn.SELU}; self-normalizing with {@link Init#LECUN_NORMAL} weights).
   */
  SELU,
  /** {@code log(1 + e^x)}, and {@code x} itself above 20 (PyTorch's {@code nn.Softplus}). */
  SOFTPLUS,
  /**
   * {@code x * Phi(x)}, with {@code Phi} the standard normal distribution function (PyTorch's
   * {@code nn.GELU()}, the exact form, not the tanh approximation).
   */
  GELU,
  /** {@code x * sigmoid(x)}, also called swish (PyTorch's {@code nn.SiLU}, Keras's swish). */
  SILU;

  /** The negative slope of {@link #LEAKY_RELU}. */
  public static final float LEAKY_RELU_SLOPE = 0.01f;

  /** The scale of {@link #SELU}, as in PyTorch and Keras. */
  public static final double SELU_SCALE = 1.0507009873554804934193349852946;

  /** The alpha of {@link #SELU}, as in PyTorch and Keras. */
  public static final double SELU_ALPHA = 1.6732632423543772848170429916717;

  /**
   * Whether the derivative needs the activation's input: a layer keeps its values before the
   * activation too. The others' derivatives follow from their output, which the layer keeps
   * anyway (GELU and SiLU take the same output at two inputs, so theirs cannot).
   */
  public boolean derivativeNeedsInput() {
    return this == GELU || this == SILU;
  }

  /** Whether He initialization suits this activation (the ReLU family). */
  public boolean isReluFamily() {
    return this == RELU || this == LEAKY_RELU;
  }
}
