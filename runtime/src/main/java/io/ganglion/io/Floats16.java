package io.ganglion.io;

/**
 * Conversions between {@code float} and the 16-bit formats. JDK 17 has no {@code
 * Float.float16ToFloat} (it came in JDK 20), so these are written out; rounding is to nearest,
 * ties to even, as in IEEE 754 and PyTorch.
 */
final class Floats16 {
  private Floats16() {}

  /** The IEEE binary16 bits nearest to {@code value}. */
  static short toHalf(float value) {
    int bits = Float.floatToRawIntBits(value);
    int sign = (bits >>> 16) & 0x8000;
    int abs = bits & 0x7fffffff;
    if (abs >= 0x7f800000) {
      if (abs == 0x7f800000) {
        return (short) (sign | 0x7c00);
      }
      // NaN: keep it quiet and keep the top of the payload.
      return (short) (sign | 0x7e00 | ((abs >>> 13) & 0x3ff));
    }
    if (abs >= 0x477ff000) {
      // 65520 and above round to infinity (65504 is the largest half; 65520 is the tie, and
      // 65504's odd mantissa makes the tie go up).
      return (short) (sign | 0x7c00);
    }
    if (abs < 0x38800000) {
      // Below the smallest normal half (2^-14): a multiple of 2^-24, or zero.
      int exponent = abs >>> 23;
      int shift = 126 - exponent;
      if (exponent == 0 || shift > 24) {
        return (short) sign;
      }
      int mantissa = (abs & 0x7fffff) | 0x800000;
      int q = mantissa >>> shift;
      int rest = mantissa & ((1 << shift) - 1);
      int halfway = 1 << (shift - 1);
      if (rest > halfway || (rest == halfway && (q & 1) != 0)) {
        q++;
      }
      return (short) (sign | q);
    }
    int half = (((abs >>> 23) - 112) << 10) | ((abs >>> 13) & 0x3ff);
    int rest = abs & 0x1fff;
    if (rest > 0x1000 || (rest == 0x1000 && (half & 1) != 0)) {
      half++; // a carry out of the mantissa correctly bumps the exponent
    }
    return (short) (sign | half);
  }

  /** The {@code float} of IEEE binary16 bits (exact). */
  static float fromHalf(short half) {
    int bits = half & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exponent = (bits >>> 10) & 0x1f;
    int mantissa = bits & 0x3ff;
    if (exponent == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    if (exponent == 0) {
      float v = mantissa * 0x1p-24f;
      return sign != 0 ? -v : v;
    }
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }

  /** The bfloat16 bits nearest to {@code value}. */
  static short toBfloat16(float value) {
    int bits = Float.floatToRawIntBits(value);
    if ((bits & 0x7fffffff) > 0x7f800000) {
      return (short) ((bits >>> 16) | 0x0040);
    }
    int rounding = 0x7fff + ((bits >>> 16) & 1);
    return (short) ((bits + rounding) >>> 16);
  }

  /** The {@code float} of bfloat16 bits (exact). */
  static float fromBfloat16(short value) {
    return Float.intBitsToFloat((value & 0xffff) << 16);
  }
}
