package io.ganglion.io;

/**
 * The element types Ganglion reads and writes in safetensors files, by their safetensors names.
 * Values are {@code float} in memory: {@link #F32} is stored as is, the others convert on read
 * and write (rounding to nearest, ties to even; {@link #I64} to the nearest integer).
 */
public enum DType {
  /** IEEE 754 half precision (binary16). */
  F16(2),
  /** bfloat16: the upper 16 bits of a {@code float}. */
  BF16(2),
  /** IEEE 754 single precision; Ganglion's own type. */
  F32(4),
  /** IEEE 754 double precision; narrowed to {@code float} on read. */
  F64(8),
  /**
   * 64-bit signed integers, as PyTorch stores counters such as batch normalization's {@code
   * num_batches_tracked}; converted to the nearest {@code float} on read, rounded on write.
   */
  I64(8);

  private final int bytes;

  DType(int bytes) {
    this.bytes = bytes;
  }

  /** Bytes per element. */
  public int byteSize() {
    return bytes;
  }

  /** The dtype named {@code name} in a safetensors header, or {@code null} if not supported. */
  static DType byName(String name) {
    for (DType d : values()) {
      if (d.name().equals(name)) {
        return d;
      }
    }
    return null;
  }

  /** Encodes {@code value} into this type's bits, in the low bytes of the result. */
  long encode(float value) {
    switch (this) {
      case F16:
        return Floats16.toHalf(value) & 0xffffL;
      case BF16:
        return Floats16.toBfloat16(value) & 0xffffL;
      case F32:
        return Float.floatToRawIntBits(value) & 0xffffffffL;
      case I64:
        return Math.round((double) value);
      default:
        return Double.doubleToRawLongBits(value);
    }
  }

  /** Decodes this type's bits (in the low bytes of {@code bits}) to a {@code float}. */
  float decode(long bits) {
    switch (this) {
      case F16:
        return Floats16.fromHalf((short) bits);
      case BF16:
        return Floats16.fromBfloat16((short) bits);
      case F32:
        return Float.intBitsToFloat((int) bits);
      case I64:
        return (float) bits;
      default:
        return (float) Double.longBitsToDouble(bits);
    }
  }
}
