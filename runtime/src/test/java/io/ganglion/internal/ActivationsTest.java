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
