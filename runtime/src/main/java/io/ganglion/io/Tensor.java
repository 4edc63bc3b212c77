package io.ganglion.io;

import java.util.Arrays;

/**
 * A named tensor of any rank: a shape, {@code float} values in row-major order (PyTorch's), and
 * the {@link DType} it is stored as in a file. Immutable.
 */
public final class Tensor {
  private final String name;
  private final DType dtype;
  private final int[] shape;
  private final float[] values;

  private Tensor(String name, DType dtype, int[] shape, float[] values) {
    this.name = name;
    this.dtype = dtype;
    this.shape = shape;
    this.values = values;
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
    return wrap(name, dtype, shape.clone(), values.clone());
  }

  /** Like {@link #of(String, DType, int[], float[])} without copying the arrays. */
  static Tensor wrap(String name, DType dtype, int[] shape, float[] values) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("tensor name must not be empty, but was " + name);
    }
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
    return new Tensor(name, dtype, shape, values);
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

  /** The value at a flat row-major index. */
  public float get(int index) {
    return values[index];
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
