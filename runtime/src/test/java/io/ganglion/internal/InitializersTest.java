package io.ganglion.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ganglion.Activation;
import io.ganglion.Init;
import io.ganglion.Parameter;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The statistics, limits and determinism of every initialization scheme. */
final class InitializersTest {
  private static final int UNITS = 200;
  private static final int INPUTS = 300;

  private static float[] fill(Init init, Activation activation, long seed, int layer) {
    Parameter w = Parameter.transposed("l.weight", UNITS, INPUTS);
    Initializers.fill(w, init, activation, 0.25f, INPUTS, UNITS, seed, layer);
    return w.toArray();
  }

  private static double mean(float[] v) {
    double s = 0;
    for (float x : v) {
      s += x;
    }
    return s / v.length;
  }

  private static double variance(float[] v) {
    double m = mean(v);
    double s = 0;
    for (float x : v) {
      s += (x - m) * (x - m);
    }
    return s / v.length;
  }

  private static void assertUniform(float[] v, double limit) {
    for (float x : v) {
      assertTrue(Math.abs(x) <= limit, "value " + x + " must be within +-" + limit);
    }
    // Uniform in [-a, a]: mean 0, variance a^2 / 3; 60000 samples give a few per mille.
    assertEquals(0, mean(v), 0.01 * limit);
    assertEquals(limit * limit / 3, variance(v), 0.02 * limit * limit / 3);
    float max = Float.NEGATIVE_INFINITY;
    for (float x : v) {
      max = Math.max(max, Math.abs(x));
    }
    assertTrue(max > 0.99 * limit, "values must reach the limit, but the largest was " + max);
  }

  private static void assertNormal(float[] v, double std) {
    assertEquals(0, mean(v), 0.01 * std);
    assertEquals(std * std, variance(v), 0.03 * std * std);
    int beyondTwo = 0;
    for (float x : v) {
      beyondTwo += Math.abs(x) > 2 * std ? 1 : 0;
    }
    // About 4.55% of a normal lies beyond two standard deviations.
    assertEquals(0.0455, (double) beyondTwo / v.length, 0.005);
  }

  @Test
  void glorot() {
    assertUniform(fill(Init.GLOROT_UNIFORM, Activation.TANH, 1, 1),
        Math.sqrt(6.0 / (INPUTS + UNITS)));
    assertNormal(fill(Init.GLOROT_NORMAL, Activation.TANH, 1, 1),
        Math.sqrt(2.0 / (INPUTS + UNITS)));
  }

  @Test
  void he() {
    assertUniform(fill(Init.HE_UNIFORM, Activation.RELU, 2, 1), Math.sqrt(6.0 / INPUTS));
    assertNormal(fill(Init.HE_NORMAL, Activation.RELU, 2, 1), Math.sqrt(2.0 / INPUTS));
  }

  @Test
  void lecun() {
    assertUniform(fill(Init.LECUN_UNIFORM, Activation.LINEAR, 3, 1), Math.sqrt(3.0 / INPUTS));
    assertNormal(fill(Init.LECUN_NORMAL, Activation.LINEAR, 3, 1), Math.sqrt(1.0 / INPUTS));
  }

  /**
   * PyTorch's {@code reset_parameters}: weights and biases uniform within {@code 1/sqrt(fan_in)};
   * the biases continue the weight's stream, so they are not a copy of its first values.
   */
  @Test
  void pytorch() {
    double limit = 1 / Math.sqrt(INPUTS);
    assertUniform(fill(Init.PYTORCH, Activation.RELU, 6, 1), limit);
    Parameter bias = Parameter.flat("l.bias", 60_000);
    Initializers.fillBias(bias, Init.PYTORCH, INPUTS, UNITS * INPUTS, 6, 1);
    float[] b = bias.toArray();
    assertUniform(b, limit);
    float[] weight = fill(Init.PYTORCH, Activation.RELU, 6, 1);
    assertFalse(Arrays.equals(Arrays.copyOf(weight, 100), Arrays.copyOf(b, 100)));
    // The same seed and layer give the same biases; the activation does not change the scheme.
    Parameter again = Parameter.flat("l.bias", 60_000);
    Initializers.fillBias(again, Init.PYTORCH, INPUTS, UNITS * INPUTS, 6, 1);
    assertArrayEquals(b, again.toArray());
    assertArrayEquals(weight, fill(Init.PYTORCH, Activation.TANH, 6, 1));
    assertTrue(Init.PYTORCH.drawsBias());
    for (Init other : Init.values()) {
      if (other != Init.PYTORCH) {
        assertFalse(other.drawsBias(), other.name());
        IllegalArgumentException e = assertThrows(
            IllegalArgumentException.class,
            () -> Initializers.fillBias(bias, other, INPUTS, 1, 6, 1));
        assertEquals(other + " starts biases at 0 and draws none", e.getMessage());
      }
    }
  }

  @Test
  void zerosAndConstant() {
    float[] zeros = fill(Init.ZEROS, Activation.RELU, 4, 1);
    assertArrayEquals(new float[zeros.length], zeros);
    float[] constant = fill(Init.CONSTANT, Activation.RELU, 4, 1);
    float[] expected = new float[constant.length];
    Arrays.fill(expected, 0.25f);
    assertArrayEquals(expected, constant);
  }

  @Test
  void defaultIsHeForTheReluFamilyAndGlorotOtherwise() {
    assertArrayEquals(fill(Init.HE_UNIFORM, Activation.RELU, 5, 1),
        fill(Init.DEFAULT, Activation.RELU, 5, 1));
    assertArrayEquals(fill(Init.HE_UNIFORM, Activation.LEAKY_RELU, 5, 1),
        fill(Init.DEFAULT, Activation.LEAKY_RELU, 5, 1));
    assertArrayEquals(fill(Init.GLOROT_UNIFORM, Activation.SIGMOID, 5, 1),
        fill(Init.DEFAULT, Activation.SIGMOID, 5, 1));
  }

  @Test
  void sameSeedSameWeightsOtherSeedOrLayerOtherWeights() {
    for (Init init : new Init[] {Init.GLOROT_UNIFORM, Init.HE_NORMAL, Init.LECUN_UNIFORM}) {
      float[] a = fill(init, Activation.RELU, 42, 1);
      assertArrayEquals(a, fill(init, Activation.RELU, 42, 1), init.name());
      assertFalse(Arrays.equals(a, fill(init, Activation.RELU, 43, 1)), init.name());
      assertFalse(Arrays.equals(a, fill(init, Activation.RELU, 42, 2)), init.name());
    }
  }

  @Test
  void weightsDependOnLogicalPositionNotStorageLayout() {
    Parameter transposed = Parameter.transposed("t", UNITS, INPUTS);
    Parameter flat = Parameter.flat("f", UNITS, INPUTS);
    Initializers.fill(transposed, Init.HE_UNIFORM, Activation.RELU, 0, INPUTS, UNITS, 7, 1);
    Initializers.fill(flat, Init.HE_UNIFORM, Activation.RELU, 0, INPUTS, UNITS, 7, 1);
    assertArrayEquals(flat.toArray(), transposed.toArray());
  }
}
