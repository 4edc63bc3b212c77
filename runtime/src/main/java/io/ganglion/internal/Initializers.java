package io.ganglion.internal;

import io.ganglion.Activation;
import io.ganglion.Init;
import io.ganglion.Parameter;

/**
 * Fills weights from a seed. Layer {@code l} (1-based) draws from SplitMix64 stream {@code seed +
 * l}; element {@code e} in PyTorch order (for a dense weight, {@code e = unit * inputs + input})
 * uses output {@code e} of that stream, so a weight does not depend on the storage layout or on
 * other layers. Uniform schemes compute {@code (2u - 1) a} in double and round once to float;
 * normal schemes use Box-Muller on outputs {@code 2e} and {@code 2e + 1}. A scheme that draws the
 * biases too ({@link Init#PYTORCH}) gives bias {@code j} output {@code weightSize + j}.
 */
public final class Initializers {
  private Initializers() {}

  /** Fills {@code weight} for layer {@code layerIndex} (1-based). */
  public static void fill(
      Parameter weight,
      Init init,
      Activation activation,
      float value,
      int fanIn,
      int fanOut,
      long seed,
      int layerIndex) {
    Init scheme = init.resolve(activation);
    long stream = seed + layerIndex;
    int size = weight.size();
    for (int e = 0; e < size; e++) {
      weight.set(e, sample(scheme, value, fanIn, fanOut, stream, e));
    }
  }

  /**
   * Fills {@code bias} for layer {@code layerIndex} (1-based) with a scheme that {@linkplain
   * Init#drawsBias draws biases}: uniform in {@code [-a, a]}, {@code a = 1 / sqrt(fanIn)}, from
   * the outputs of the weight's stream that follow the weight's {@code weightSize} elements.
   */
  public static void fillBias(
      Parameter bias, Init init, int fanIn, int weightSize, long seed, int layerIndex) {
    if (!init.drawsBias()) {
      throw new IllegalArgumentException(init + " starts biases at 0 and draws none");
    }
    long stream = seed + layerIndex;
    int size = bias.size();
    for (int j = 0; j < size; j++) {
      bias.set(j, uniform(stream, weightSize + j, 1.0 / Math.sqrt(fanIn)));
    }
  }

  static float sample(Init scheme, float value, int fanIn, int fanOut, long stream, int e) {
    switch (scheme) {
      case GLOROT_UNIFORM:
        return uniform(stream, e, Math.sqrt(6.0 / (fanIn + fanOut)));
      case GLOROT_NORMAL:
        return normal(stream, e, Math.sqrt(2.0 / (fanIn + fanOut)));
      case HE_UNIFORM:
        return uniform(stream, e, Math.sqrt(6.0 / fanIn));
      case HE_NORMAL:
        return normal(stream, e, Math.sqrt(2.0 / fanIn));
      case LECUN_UNIFORM:
        return uniform(stream, e, Math.sqrt(3.0 / fanIn));
      case LECUN_NORMAL:
        return normal(stream, e, Math.sqrt(1.0 / fanIn));
      case ZEROS:
        return 0f;
      case CONSTANT:
        return value;
      case PYTORCH:
        return uniform(stream, e, 1.0 / Math.sqrt(fanIn));
      default:
        throw new AssertionError("unresolved init " + scheme);
    }
  }

  private static float uniform(long stream, int e, double limit) {
    return (float) ((2.0 * SplitMix.uniform(stream, e) - 1.0) * limit);
  }

  private static float normal(long stream, int e, double std) {
    double u1 = SplitMix.uniformOpen(stream, 2L * e);
    double u2 = SplitMix.uniformOpen(stream, 2L * e + 1);
    return (float) (Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2) * std);
  }
}
