package io.ganglion.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ganglion.Activation;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The branch-free ReLU family gives the same bits as the branching definitions, for special values
 * (zeros of both signs, infinities, NaNs with either sign, subnormals) and random bit patterns;
 * leaky ReLU of a NaN is a NaN, whose quiet bit may differ.
 */
class ActivationsTest {
  private static final float SLOPE = Activation.LEAKY_RELU_SLOPE;

  private static final float[] SPECIAL = {
    0f, -0f, 1f, -1f, 0.5f, -0.5f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL,
    -Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY,
    Float.NEGATIVE_INFINITY, Float.NaN, Float.intBitsToFloat(0x7f800001),
    Float.intBitsToFloat(0x7fffffff), Float.intBitsToFloat(0xff800001),
    Float.intBitsToFloat(0xffc00000), Float.intBitsToFloat(0x80000001), 1e-30f, -1e-30f, 3e38f
  };

  @Test
  void specialValuesMatchTheBranchingForms() {
    for (float y : SPECIAL) {
      for (float d : SPECIAL) {
        check(y, d);
      }
    }
  }

  @Test
  void randomBitPatternsMatchTheBranchingForms() {
    SplittableRandom random = new SplittableRandom(7);
    for (int k = 0; k < 1_000_000; k++) {
      check(Float.intBitsToFloat(random.nextInt()), Float.intBitsToFloat(random.nextInt()));
    }
  }

  @Test
  void rangeFormsApplyTheDerivativeToTheirColumnsOnly() {
    float[] y = {2f, 0f, -0f, 3f, 0f, 1f};
    float[] d = {1f, 2f, 3f, 4f, 5f, 6f};
    Activations.reluBackward(y, d, 1, 5);
    assertArrayEquals(new float[] {1f, 0f, 0f, 4f, 0f, 6f}, d);
    float[] e = {1f, 2f, 3f, 4f, 5f, 6f};
    Activations.leakyReluBackward(new float[] {-1f, -1f, 1f, -1f, 1f, -1f}, e, 1, 4);
    assertArrayEquals(new float[] {1f, SLOPE * 2f, 3f, SLOPE * 4f, 5f, 6f}, e);
    float[] x = {-1f, -2f, 3f, -4f};
    Activations.leakyRelu(x, 0, 3);
    assertArrayEquals(new float[] {-1f * SLOPE, -2f * SLOPE, 3f, -4f}, x);
  }

  /**
   * ELU, SELU and softplus against their definitions in double, and their backward steps, taken
   * from the output, against the derivative at the input: to float precision (absolute 2e-7 where
   * ELU's and SELU's output is near their floor, from which y + 1 cannot recover e^x's digits).
   */
  @Test
  void smoothActivationsMatchTheirDefinitions() {
    double scale = Activation.SELU_SCALE;
    double alpha = Activation.SELU_ALPHA;
    for (double x = -30; x <= 30; x += 0.0137) {
      float xf = (float) x;
      double ex = Math.exp(xf);
      double elu = xf > 0 ? xf : ex - 1;
      double selu = scale * (xf > 0 ? xf : alpha * (ex - 1));
      double softplus = xf > 20 ? xf : ex < 1e-6 ? ex - ex * ex / 2 : Math.log(1 + ex);
      assertClose(elu, Activations.elu(xf), 0, "elu", x);
      assertClose(selu, Activations.selu(xf), 0, "selu", x);
      assertClose(softplus, Activations.softplus(xf), 0, "softplus", x);
      assertClose(xf > 0 ? 3 : 3 * ex, Activations.eluBackward(Activations.elu(xf), 3f), 2e-7,
          "eluBackward", x);
      assertClose(3 * scale * (xf > 0 ? 1 : alpha * ex),
          Activations.seluBackward(Activations.selu(xf), 3f), 6e-7, "seluBackward", x);
      assertClose(3 * ex / (1 + ex), Activations.softplusBackward(Activations.softplus(xf), 3f),
          2e-7, "softplusBackward", x);
    }
    // The tails: floors, and softplus's tiny outputs (subnormal near -100) and identity.
    assertTrue(Activations.elu(-200f) == -1f && Activations.softplus(200f) == 200f);
    assertTrue(Activations.selu(-200f) == (float) (-scale * alpha));
    // Saturated: the derivative from the output's floor is exactly 0, as the true one nearly is.
    assertTrue(Activations.seluBackward(Activations.selu(-1000f), 1f) == 0f);
    assertTrue(Activations.eluBackward(Activations.elu(-1000f), 1f) == 0f);
    assertTrue(Activations.softplus(-100f) > 0f && Activations.softplus(-110f) == 0f);
    assertTrue(Activations.elu(-0f) == 0f && Activations.softplus(0f) == (float) Math.log(2));
    float[] y = {-1f, -1f, -1f, -1f};
    Activations.selu(y, 1, 3);
    Activations.softplus(y, 3, 4);
    assertArrayEquals(new float[] {-1f, Activations.selu(-1f), Activations.selu(-1f),
        Activations.softplus(-1f)}, y);
  }

  /**
   * GELU (exact, with erf) and SiLU, and their backward steps taken at the input, against their
   * definitions in double: within 2 ulps plus 3e-7 of the value (the erfc fit's 1.2e-7, rounded
   * twice; for GELU's derivative, of its two terms), down to GELU's tail at -9, where it is
   * -1e-18.
   */
  @Test
  void geluAndSiluMatchTheirDefinitions() {
    for (double x = -9; x <= 9; x += 0.0071) {
      float xf = (float) x;
      double phi = normalCdf(xf);
      double density = Math.exp(-0.5 * xf * xf) / Math.sqrt(2 * Math.PI);
      double s = 1 / (1 + Math.exp(-xf));
      assertRelative(xf * phi, Activations.gelu(xf), "gelu", x);
      // Phi(x) + x phi(x) cancels near x = -0.75: the error is relative to the terms.
      assertClose(3 * (phi + xf * density), Activations.geluBackward(xf, 3f),
          3e-7 * 3 * (phi + Math.abs(xf) * density), "geluBackward", x);
      assertRelative(xf * s, Activations.silu(xf), "silu", x);
      assertRelative(3 * s * (1 + xf * (1 - s)), Activations.siluBackward(xf, 3f), "siluBackward",
          x);
    }
    assertTrue(Activations.gelu(0f) == 0f && Activations.gelu(-100f) == 0f);
    assertTrue(Activations.gelu(100f) == 100f && Activations.silu(100f) == 100f);
    float[] z = {-1f, -1f, -1f, -1f};
    float[] d = {1f, 1f, 1f, 1f};
    Activations.geluBackward(z, d, 1, 3);
    assertArrayEquals(new float[] {1f, Activations.geluBackward(-1f, 1f),
        Activations.geluBackward(-1f, 1f), 1f}, d);
  }

  /** The standard normal distribution function, by series or continued fraction in double. */
  private static double normalCdf(double x) {
    double z = Math.abs(x) / Math.sqrt(2);
    double erfc;
    if (z < 2) {
      // erf(z) = 2 / sqrt(pi) sum (-1)^n z^(2n+1) / (n! (2n + 1))
      double term = z;
      double sum = z;
      for (int n = 1; n < 80; n++) {
        term *= -z * z / n;
        sum += term / (2 * n + 1);
      }
      erfc = 1 - 2 / Math.sqrt(Math.PI) * sum;
    } else {
      // erfc(z) = e^-z^2 / sqrt(pi) / (z + 1/2 / (z + 1 / (z + 3/2 / (z + ...))))
      double fraction = z;
      for (int k = 120; k >= 1; k--) {
        fraction = z + k / 2.0 / fraction;
      }
      erfc = Math.exp(-z * z) / Math.sqrt(Math.PI) / fraction;
    }
    return x >= 0 ? 1 - erfc / 2 : erfc / 2;
  }

  private static void assertRelative(double expected, float actual, String what, double x) {
    double tolerance = 2 * Math.ulp((float) expected) + 3e-7 * Math.abs(expected);
    assertTrue(Math.abs(actual - expected) <= tolerance,
        what + "(" + x + ") = " + actual + ", but should be " + expected);
  }

  /** {@code actual} within 2 ulps of {@code expected} (as a float) plus {@code absolute}. */
  private static void assertClose(double expected, float actual, double absolute, String what,
      double x) {
    double tolerance = 2 * Math.ulp((float) expected) + absolute;
    assertTrue(Math.abs(actual - expected) <= tolerance,
        what + "(" + x + ") = " + actual + ", but should be " + expected);
  }

  private static void check(float y, float d) {
    assertBits(y > 0f ? d : 0f, Activations.reluBackward(y, d), "reluBackward", y, d);
    assertBits(y > 0f ? d : SLOPE * d, Activations.leakyReluBackward(y, d), "leakyReluBackward",
        y, d);
    float leaky = Activations.leakyRelu(y);
    if (Float.isNaN(y)) {
      // Math.max passes a NaN through without quieting it; SLOPE * y sets the quiet bit.
      assertTrue(Float.isNaN(leaky), "leakyRelu(NaN) must be NaN");
    } else {
      assertBits(y > 0f ? y : SLOPE * y, leaky, "leakyRelu", y, y);
    }
  }

  private static void assertBits(float expected, float actual, String what, float y, float d) {
    if (Float.floatToRawIntBits(expected) != Float.floatToRawIntBits(actual)) {
      throw new AssertionError(String.format(
          "%s(%s [0x%08x], %s [0x%08x]) must be %s [0x%08x], but was %s [0x%08x]", what, y,
          Float.floatToRawIntBits(y), d, Float.floatToRawIntBits(d), expected,
          Float.floatToRawIntBits(expected), actual, Float.floatToRawIntBits(actual)));
    }
  }
}
