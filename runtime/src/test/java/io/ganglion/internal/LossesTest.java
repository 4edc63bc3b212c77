package io.ganglion.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Label checks of the losses that take class labels. */
final class LossesTest {
  @Test
  void meanSquaredErrorTakesAClassLabelOnlyAmongItsOutputs() {
    float[] y = {0.5f, 0.25f, 0.25f};
    float[] d = new float[3];
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Losses.meanSquaredError(y, 3, 3, 7, d, 1f));
    assertEquals("label of sample 7 must be a class index in [0, 3), but was 3", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Losses.meanSquaredError(y, 3, -1, 2));
    assertEquals("label of sample 2 must be a class index in [0, 3), but was -1", e.getMessage());
    // One-hot target [1, 0, 0]: (0.25 + 0.0625 + 0.0625) / 3.
    assertEquals(0.125f, Losses.meanSquaredError(y, 3, 0, 0, d, 1f));
    // With one output the label is the target value itself.
    assertEquals(2.25f, Losses.meanSquaredError(new float[] {0.5f}, 1, 2, 0));
  }
}
