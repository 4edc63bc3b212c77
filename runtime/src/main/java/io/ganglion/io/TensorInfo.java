package io.ganglion.io;

import java.util.Arrays;

/**
 * One entry of a safetensors header: a tensor's name, dtype, shape and where its bytes lie,
 * relative to the end of the header. Obtained from {@link SafeTensorsReader#tensors()}.
 */
public final class TensorInfo {
  private final String name;
  private final DType dtype;
  private final String dtypeName;
  private final int[] shape;
  private final int size;
  private final long begin;
  private final long end;

  TensorInfo(String name, DType dtype, String dtypeName, int[] shape, int size, long begin,
      long end) {
    this.name = name;
    this.dtype = dtype;
    this.dtypeName = dtypeName;
    this.shape = shape;
    this.size = size;
    this.begin = begin;
    this.end = end;
  }

  /** The tensor's name. */
  public String name() {
    return name;
  }

  /**
   * The element type stored in the file, or {@code null} for a safetensors dtype that Ganglion
   * does not read as numbers ({@code BOOL}, {@code I32}, {@code U8}, ...: see {@link
   * #dtypeName()}).
   */
  public DType dtype() {
    return dtype;
  }

  /** The element type's name in the file's header, such as {@code "F32"} or {@code "BOOL"}. */
  public String dtypeName() {
    return dtypeName;
  }

  /** The shape (a copy). */
  public int[] shape() {
    return shape.clone();
  }

  /** The number of values. */
  public int size() {
    return size;
  }

  /** The offset of the first byte, counted from the end of the header. */
  public long begin() {
    return begin;
  }

  /** The offset just past the last byte, counted from the end of the header. */
  public long end() {
    return end;
  }

  int[] shapeNoCopy() {
    return shape;
  }

  @Override
  public String toString() {
    return name + " " + dtypeName + Arrays.toString(shape) + " @[" + begin + ", " + end + ")";
  }
}
