package io.ganglion.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class Floats16Test {

  @Test
  void everyHalfSurvivesARoundTripThroughFloat() {
    for (int bits = 0; bits < 0x10000; bits++) {
      float f = Floats16.fromHalf((short) bits);
      boolean nan = (bits & 0x7c00) == 0x7c00 && (bits & 0x3ff) != 0;
      if (nan) {
        assertTrue(Float.isNaN(f), Integer.toHexString(bits));
        assertTrue(Float.isNaN(Floats16.fromHalf(Floats16.toHalf(f))));
      } else {
        assertEquals(bits, Floats16.toHalf(f) & 0xffff, Integer.toHexString(bits));
      }
    }
  }

  @Test
  void knownHalves() {
    assertEquals(0x3c00, Floats16.toHalf(1f) & 0xffff);
    assertEquals(0xc000, Floats16.toHalf(-2f) & 0xffff);
    assertEquals(0x7bff, Floats16.toHalf(65504f) & 0xffff);
    assertEquals(0x0001, Floats16.toHalf(0x1p-24f) & 0xffff);
    assertEquals(0x0400, Floats16.toHalf(0x1p-14f) & 0xffff);
    assertEquals(0x8000, Floats16.toHalf(-0f) & 0xffff);
    assertEquals(0x7c00, Floats16.toHalf(Float.POSITIVE_INFINITY) & 0xffff);
    assertEquals(0xfc00, Floats16.toHalf(-1e6f) & 0xffff);
    assertEquals(1f / 3, Floats16.fromHalf(Floats16.toHalf(1f / 3)), 1e-3f);
  }

  /** A value halfway between two neighbouring halves rounds to the one with an even mantissa. */
  @Test
  void halfTiesRoundToEven() {
    for (int bits = 0; bits < 0x7bff; bits++) {
      double low = Floats16.fromHalf((short) bits);
      double high = Floats16.fromHalf((short) (bits + 1));
      float middle = (float) ((low + high) / 2); // exact: halves have 11 significant bits
      int expected = (bits & 1) == 0 ? bits : bits + 1;
      assertEquals(expected, Floats16.toHalf(middle) & 0xffff, Integer.toHexString(bits));
      assertEquals(bits, Floats16.toHalf(Math.nextDown(middle)) & 0xffff);
      assertEquals(bits + 1, Floats16.toHalf(Math.nextUp(middle)) & 0xffff);
    }
    assertEquals(0x7bff, Floats16.toHalf(Math.nextDown(65520f)) & 0xffff);
    assertEquals(0x7c00, Floats16.toHalf(65520f) & 0xffff);
    assertEquals(0x0000, Floats16.toHalf(0x1p-25f) & 0xffff);
    assertEquals(0x0001, Floats16.toHalf(Math.nextUp(0x1p-25f)) & 0xffff);
  }

  @Test
  void bfloat16KeepsTheUpperHalfAndRoundsToEven() {
    assertEquals(0x3f80, Floats16.toBfloat16(1f) & 0xffff);
    assertEquals(1f, Floats16.fromBfloat16((short) 0x3f80));
    // 1 + 2^-8 is the tie between 1 and 1 + 2^-7: even mantissa wins (1).
    assertEquals(0x3f80, Floats16.toBfloat16(1f + 0x1p-8f) & 0xffff);
    // 1 + 3 * 2^-8 is the tie between 1 + 2^-7 and 1 + 2^-6: even wins (1 + 2^-6).
    assertEquals(0x3f82, Floats16.toBfloat16(1f + 3 * 0x1p-8f) & 0xffff);
    assertEquals(0x3f81, Floats16.toBfloat16(Math.nextUp(1f + 0x1p-8f)) & 0xffff);
    assertEquals(0x7f80, Floats16.toBfloat16(Float.MAX_VALUE) & 0xffff);
    assertTrue(Float.isNaN(Floats16.fromBfloat16(Floats16.toBfloat16(Float.NaN))));
    assertTrue(Float.isNaN(Floats16.fromBfloat16(Floats16.toBfloat16(
        Float.intBitsToFloat(0x7f800001)))));
    for (int bits = 0; bits < 0x10000; bits++) {
      float f = Floats16.fromBfloat16((short) bits);
      if (!Float.isNaN(f)) {
        assertEquals(bits, Floats16.toBfloat16(f) & 0xffff);
      }
    }
  }
}
