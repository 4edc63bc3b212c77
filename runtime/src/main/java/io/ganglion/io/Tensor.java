package io.ganglion.io;

import java.util.Arrays;

/**
 * A named tensor of any rank: a shape, {@code float} values in row-major order (PyTorch's), and
 * the {@link DType} it is stored as in a file. Immutable.
 *
 * <p>An {@link DType#F64} tensor made by {@link #ofDoubles} or read from a file also keeps its
 * exact {@code double} values ({@link #doubles()}), which it writes back unchanged: checkpoints
 * store metrics this way.
 */
public final class Tensor {
  private final String name;
  private final DType dtype;
  private final int[] shape;
  private final float[] values;
  /** The exact values of an F64 tensor, or {@code null}. */
  private final double[] doubles;

  private Tensor(String name, DType dtype, int[] shape, float[] values, double[] doubles) {
    this.name = name;
    this.dtype = dtype;
    this.shape = shape;
    this.values = values;
    this.doubles = doubles;
  }

  /** A tensor stored as {@link DType#F32}; copies {@code shape} and {@code values}. */
  public static Tensor of(String name, int[] shape, float[] values) {
    return of(name, DType.F32, shape, values);
  }

  /** A tensor stored as {@code dtype}; copies {@code shape} and {@code values}. */
  public static Tensor of(String name, DType dtype, int[] shape, float[] values) {
    if (shape == null || values == null) {
      throw new IllegalArgumentException(name + ": shape and values must not be null");
    }
    Tensor t = wrap(name, dtype, shape.clone(), values.clone());
    checkRepresentable(name, dtype, t.values);
    return t;
  }

  /**
   * A tensor stored as {@link DType#F64} that keeps the exact {@code values} (copied), which
   * {@link #doubles()} returns and a file stores; {@link #values()} narrows them to {@code float}.
   */
  public static Tensor ofDoubles(String name, int[] shape, double[] values) {
    if (shape == null || values == null) {
      throw new IllegalArgumentException(name + ": shape and values must not be null");
    }
    return wrapDoubles(name, shape.clone(), values.clone());
  }

  /** Like {@link #ofDoubles} without copying the arrays. */
  static Tensor wrapDoubles(String name, int[] shape, double[] values) {
    float[] narrowed = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      narrowed[i] = (float) values[i];
    }
    Tensor t = wrap(name, DType.F64, shape, narrowed);
    return new Tensor(name, DType.F64, t.shape, narrowed, values);
  }

  /** Like {@link #of(String, DType, int[], float[])} without copying the arrays. */
  static Tensor wrap(String name, DType dtype, int[] shape, float[] values) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("tensor name must not be empty, but was " + name);
    }
    SafeTensors.checkUnicode("tensor name", name);
    if (dtype == null) {
      throw new IllegalArgumentException(name + ": dtype must not be null");
    }
    long count = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException(
            name + ": shape must not have negative dimensions, but was " + Arrays.toString(shape));
      }
      count *= d;
      if (count > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            name + ": shape must hold at most 2^31 - 1 values, but was " + Arrays.toString(shape));
      }
    }
    if (count != values.length) {
      throw new IllegalArgumentException(
          name + ": values must number " + count + " for shape " + Arrays.toString(shape)
              + ", but were " + values.length);
    }
    return new Tensor(name, dtype, shape, values, null);
  }

  /**
   * Refuses values that {@code dtype} would store as something else than their rounding: a finite
   * value beyond F16's or BF16's range (it would become infinite), and for I64 a NaN, an infinity
   * or a value beyond the 64-bit range (it would become 0 or the largest integer). For tensors
   * made to be written; values read from a file (and a model's, checked by {@code ModelFiles}
   * first) are not checked again.
   */
  private static void checkRepresentable(String name, DType dtype, float[] values) {
    if (dtype == DType.F32 || dtype == DType.F64) {
      return;
    }
    for (int i = 0; i < values.length; i++) {
      float v = values[i];
      boolean lost = dtype == DType.I64
          ? !(v >= -0x1p63f && v < 0x1p63f)
          : Float.isFinite(v) && Float.isInfinite(dtype.decode(dtype.encode(v)));
      if (lost) {
        throw new IllegalArgumentException(name + ": value " + i + " must fit " + dtype + " ("
            + (dtype == DType.I64 ? "a number below 2^63 in size"
                : "at most " + (dtype == DType.F16 ? "65504" : "3.3895314E38") + " in size")
            + "), but was " + v
            + "; store it as F32");
      }
    }
  }

  /** The name, such as {@code "hidden1.weight"}. */
  public String name() {
    return name;
  }

  /** The element type in files. */
  public DType dtype() {
    return dtype;
  }

  /** This tensor's values, stored as {@code dtype} when written. */
  public Tensor withDType(DType dtype) {
    if (dtype == this.dtype) {
      return this;
    }
    checkRepresentable(name, dtype, values);
    return wrap(name, dtype, shape, values);
  }

  /** The shape (a copy); {@code []} for a scalar. */
  public int[] shape() {
    return shape.clone();
  }

  /** The number of values. */
  public int size() {
    return values.length;
  }

  /** The values in row-major order (a copy). */
  public float[] values() {
    return values.clone();
  }

  /**
   * The values in row-major order as {@code double}s (a copy): exact for an F64 tensor made by
   * {@link #ofDoubles} or read from a file, else the {@code float} values widened.
   */
  public double[] doubles() {
    if (doubles != null) {
      return doubles.clone();
    }
    double[] wide = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      wide[i] = values[i];
    }
    return wide;
  }

  /** The value at a flat row-major index. */
  public float get(int index) {
    if (index < 0 || index >= values.length) {
      throw new IndexOutOfBoundsException(
          name + ": index must be in [0, " + values.length + "), but was " + index);
    }
    return values[index];
  }

  /** The exact F64 values, or {@code null}. */
  double[] doublesNoCopy() {
    return doubles;
  }

  float[] valuesNoCopy() {
    return values;
  }

  int[] shapeNoCopy() {
    return shape;
  }

  @Override
  public String toString() {
    return name + " " + dtype + Arrays.toString(shape);
  }
}
