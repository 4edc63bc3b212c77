package io.ganglion;

import java.util.Arrays;

/**
 * A learned tensor of a model (a weight or a bias) and its gradient.
 *
 * <p>Its logical shape and element order are PyTorch's ({@code [out, in]} for a dense weight), so
 * that {@link #get(int)}, {@link #copyTo(float[])} and saved files agree with a PyTorch {@code
 * state_dict}. The storage is laid out for speed: a weight is kept transposed, as one row per
 * input holding that input's weight for every unit, so that the generated inner loops walk a row
 * with the bare loop index (which HotSpot vectorizes). Optimizers work on the storage directly
 * through {@link #data()} and {@link #grad()}, row by row; the layout is the same for both.
 */
public final class Parameter {
  private final String name;
  private final int[] shape;
  private final int size;
  private final boolean transposed;
  private final float[][] data;
  /**
   * Allocated on first use ({@link #grad()}): a model that only predicts, or a serving replica,
   * never holds gradients. Volatile, so that a thread that finds it set sees its rows.
   */
  private volatile float[][] grad;

  private Parameter(String name, int[] shape, boolean transposed, float[][] data) {
    this.name = name;
    this.shape = shape;
    this.transposed = transposed;
    this.data = data;
    int s = 1;
    for (int d : shape) {
      s *= d;
    }
    this.size = s;
  }

  /**
   * A tensor whose logical shape is {@code [shape[0], rest]} and whose storage holds one row of
   * length {@code shape[0]} per index of the remaining dimensions (flattened): element {@code
   * (o, k)} lives at {@code data()[k][o]}.
   */
  public static Parameter transposed(String name, int... shape) {
    checkShape(name, shape);
    if (shape.length == 0) {
      throw new IllegalArgumentException(
          "shape of a transposed parameter must have at least one dimension, but had none");
    }
    long rest = 1;
    for (int i = 1; i < shape.length; i++) {
      rest = Math.min(rest * shape[i], Integer.MAX_VALUE); // saturates; a 0 later makes it 0
    }
    if (rest > Integer.MAX_VALUE - 8) {
      // Rows of no values each (shape[0] == 0) still count: each is an array.
      throw new IllegalArgumentException("shape of " + name + " must give a transposed"
          + " parameter at most " + (Integer.MAX_VALUE - 8) + " rows (one per index of the"
          + " dimensions after the first), but was " + Arrays.toString(shape));
    }
    return new Parameter(name, shape.clone(), true, new float[(int) rest][shape[0]]);
  }

  /** A tensor stored in one row, in its logical order. */
  public static Parameter flat(String name, int... shape) {
    checkShape(name, shape);
    int size = 1;
    for (int d : shape) {
      size *= d;
    }
    return new Parameter(name, shape.clone(), false, new float[][] {new float[size]});
  }

  /** Refuses a missing name, a negative dimension, or more elements than a Java array holds. */
  private static void checkShape(String name, int[] shape) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("name must not be null or empty");
    }
    if (shape == null) {
      throw new IllegalArgumentException("shape of " + name + " must not be null");
    }
    long size = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("shape of " + name
            + " must not have a negative dimension, but was " + Arrays.toString(shape));
      }
      size = Math.min(size * d, Long.MAX_VALUE / Integer.MAX_VALUE);
    }
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("shape of " + name + " must hold at most "
          + (Integer.MAX_VALUE - 8) + " elements (a Java array), but was " + Arrays.toString(shape));
    }
  }

  /**
   * A parameter that shares this one's values but has its own gradient storage, for a replica of
   * the model that computes gradients on another thread.
   */
  public Parameter withOwnGradient() {
    return new Parameter(name, shape, transposed, data);
  }

  /** The name, as in a PyTorch {@code state_dict}: {@code <layer field>.weight} or {@code .bias}. */
  public String name() {
    return name;
  }

  /** The logical shape (a copy). */
  public int[] shape() {
    return shape.clone();
  }

  /** Number of elements. */
  public int size() {
    return size;
  }

  /** Whether the storage is transposed with respect to the logical order. */
  public boolean isTransposed() {
    return transposed;
  }

  /** The live storage rows of the values. Optimizers update these in place. */
  public float[][] data() {
    return data;
  }

  /**
   * The live storage rows of the gradient, laid out like {@link #data()}; allocated, as zeros, by
   * the first call (from any thread: the same rows for all).
   */
  public float[][] grad() {
    float[][] g = grad;
    return g != null ? g : allocateGrad();
  }

  private synchronized float[][] allocateGrad() {
    if (grad == null) {
      float[][] g = new float[data.length][];
      for (int i = 0; i < g.length; i++) {
        g[i] = new float[data[i].length];
      }
      grad = g;
    }
    return grad;
  }

  /** The value at a flat index in logical (PyTorch) order. */
  public float get(int index) {
    checkIndex(index);
    return transposed ? data[index % data.length][index / data.length] : data[0][index];
  }

  /** Sets the value at a flat index in logical (PyTorch) order. */
  public void set(int index, float value) {
    checkIndex(index);
    if (transposed) {
      data[index % data.length][index / data.length] = value;
    } else {
      data[0][index] = value;
    }
  }

  /** The gradient at a flat index in logical (PyTorch) order. */
  public float gradient(int index) {
    checkIndex(index);
    float[][] g = grad;
    if (g == null) {
      return 0f; // none computed yet
    }
    return transposed ? g[index % g.length][index / g.length] : g[0][index];
  }

  /** Copies the values, in logical order, into {@code target} (at least {@link #size()} long). */
  public void copyTo(float[] target) {
    copyOut(data, target);
  }

  /** Copies the gradient, in logical order, into {@code target}. */
  public void copyGradientTo(float[] target) {
    float[][] g = grad;
    if (g == null) {
      checkLength(target);
      Arrays.fill(target, 0, size, 0f); // none computed yet
      return;
    }
    copyOut(g, target);
  }

  /** Sets every value from {@code source}, in logical order (at least {@link #size()} long). */
  public void copyFrom(float[] source) {
    checkLength(source);
    if (!transposed) {
      System.arraycopy(source, 0, data[0], 0, size);
      return;
    }
    int rest = data.length;
    for (int k = 0; k < rest; k++) {
      float[] row = data[k];
      for (int o = 0; o < row.length; o++) {
        row[o] = source[o * rest + k];
      }
    }
  }

  /** The values in logical order, as a new array. */
  public float[] toArray() {
    float[] out = new float[size];
    copyTo(out);
    return out;
  }

  /** Sets every gradient element to zero. */
  public void zeroGradient() {
    float[][] g = grad;
    if (g == null) {
      return; // none yet: zeros when allocated
    }
    for (float[] row : g) {
      Arrays.fill(row, 0f);
    }
  }

  private void copyOut(float[][] rows, float[] target) {
    checkLength(target);
    if (!transposed) {
      System.arraycopy(rows[0], 0, target, 0, size);
      return;
    }
    int rest = rows.length;
    for (int k = 0; k < rest; k++) {
      float[] row = rows[k];
      for (int o = 0; o < row.length; o++) {
        target[o * rest + k] = row[o];
      }
    }
  }

  private void checkLength(float[] array) {
    if (array == null) {
      throw new IllegalArgumentException(name + ": array must not be null");
    }
    if (array.length < size) {
      throw new IllegalArgumentException(
          name + ": array must hold at least " + size + " values " + Arrays.toString(shape)
              + ", but was " + array.length + " long");
    }
  }

  private void checkIndex(int index) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException(
          name + ": index must be in [0, " + size + ") for shape " + Arrays.toString(shape)
              + ", but was " + index);
    }
  }

  @Override
  public String toString() {
    return name + Arrays.toString(shape);
  }
}
