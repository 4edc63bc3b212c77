package io.ganglion.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ganglion.Parameter;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code init = Init.PYTORCH} starts a layer as PyTorch's {@code nn.Linear} and {@code nn.Conv2d}
 * do: weights and biases uniform in {@code [-1/sqrt(fan_in), 1/sqrt(fan_in)]}.
 */
class PytorchInitTest {
  /** Fan-ins in parameter order: the convolution's 3 x 3 x 3, 16 x 6 x 6 flattened, then 20. */
  private static final int[] FAN_IN = {27, 27, 576, 576, 20, 20};

  @Test
  void weightsAndBiasesAreUniformWithinOneOverTheRootOfTheFanIn() {
    List<Parameter> parameters = new Net_Networks_PytorchInit(11).parameters();
    assertEquals(FAN_IN.length, parameters.size());
    for (int k = 0; k < FAN_IN.length; k++) {
      Parameter p = parameters.get(k);
      double limit = 1 / Math.sqrt(FAN_IN[k]);
      float[] v = p.toArray();
      double largest = 0;
      double sum = 0;
      for (float x : v) {
        assertTrue(Math.abs(x) <= limit, p.name() + ": " + x + " beyond +-" + limit);
        assertTrue(x != 0f, p.name() + " holds a 0");
        largest = Math.max(largest, Math.abs(x));
        sum += x;
      }
      // Uniform values: none is 0 (the biases are drawn), the largest nears the limit where there
      // are many, and the mean is near 0 (within 4 standard errors of limit / sqrt(3)).
      if (v.length >= 400) {
        assertTrue(largest > 0.98 * limit, p.name() + ": largest " + largest);
      }
      assertEquals(0, sum / v.length, 4 * limit / Math.sqrt(3 * v.length), p.name());
    }
  }

  @Test
  void theSeedDecidesTheBiases() {
    List<Parameter> a = new Net_Networks_PytorchInit(11).parameters();
    List<Parameter> b = new Net_Networks_PytorchInit(11).parameters();
    List<Parameter> c = new Net_Networks_PytorchInit(12).parameters();
    for (int k = 1; k < a.size(); k += 2) {
      assertArrayEquals(a.get(k).toArray(), b.get(k).toArray(), a.get(k).name());
      assertFalse(Arrays.equals(a.get(k).toArray(), c.get(k).toArray()), a.get(k).name());
    }
  }
}
