package io.ganglion;

/**
 * Weight initialization schemes. {@code fanIn} is the number of inputs of a unit and {@code
 * fanOut} the number of units. All schemes are seeded: the same seed gives the same weights on
 * every machine.
 */
public enum Init {
  /** He uniform for {@link Activation#RELU} and {@link Activation#LEAKY_RELU}, else Glorot uniform. */
  DEFAULT,
  /** Uniform in {@code [-a, a]}, {@code a = sqrt(6 / (fanIn + fanOut))} (Xavier). */
  GLOROT_UNIFORM,
  /** Normal with standard deviation {@code sqrt(2 / (fanIn + fanOut))}. */
  GLOROT_NORMAL,
  /** Uniform in {@code [-a, a]}, {@code a = sqrt(6 / fanIn)} (Kaiming). */
  HE_UNIFORM,
  /** Normal with standard deviation {@code sqrt(2 / fanIn)}. */
  HE_NORMAL,
  /** Uniform in {@code [-a, a]}, {@code a = sqrt(3 / fanIn)}. */
  LECUN_UNIFORM,
  /** Normal with standard deviation {@code sqrt(1 / fanIn)}. */
  LECUN_NORMAL,
  /** All zeros. */
  ZEROS,
  /** Every weight equal to the layer's {@code initValue}. */
  CONSTANT,
  /**
   * PyTorch's default for {@code nn.Linear} and {@code nn.Conv2d} ({@code reset_parameters}:
   * Kaiming uniform with {@code a = sqrt(5)}): weights uniform in {@code [-a, a]}, {@code a = 1 /
   * sqrt(fanIn)}, and the biases too, where every other scheme starts them at 0 (as Keras).
   */
  PYTORCH;

  /** Whether the scheme also draws the layer's bias (else the bias starts at 0). */
  public boolean drawsBias() {
    return this == PYTORCH;
  }

  /** The scheme {@link #DEFAULT} stands for, given the layer's activation. */
  public Init resolve(Activation activation) {
    if (this != DEFAULT) {
      return this;
    }
    return activation.isReluFamily() ? HE_UNIFORM : GLOROT_UNIFORM;
  }
}
