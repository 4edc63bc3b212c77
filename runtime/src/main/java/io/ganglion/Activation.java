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
  SOFTMAX;

  /** The negative slope of {@link #LEAKY_RELU}. */
  public static final float LEAKY_RELU_SLOPE = 0.01f;

  /** Whether He initialization suits this activation (the ReLU family). */
  public boolean isReluFamily() {
    return this == RELU || this == LEAKY_RELU;
  }
}
