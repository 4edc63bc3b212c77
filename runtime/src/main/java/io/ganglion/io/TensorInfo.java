package io.ganglion.io;

import java.util.Arrays;

/**
 * One entry of a safetensors header: a tensor's name, dtype, shape and where its bytes lie,
 * relative to the end of the header. Obtained from {@link SafeTensorsReader#tensors()}.
 */
public final class TensorInfo {
  private final String name;
  private final DType dtype;
  private final int[] shape;
  private final int size;
  private final long begin;
  private final long end;

  TensorInfo(String name, DType dtype, int[] shape, int size, long begin, long end) {
    this.name = name;
    this.dtype = dtype;
    this.shape = shape;
    this.size = size;
    this.begin = begin;
    this.end = end;
  }

  /** The tensor's name. */
  public String name() {
    return name;
  }

  /** The element type stored in the file. */
  public DType dtype() {
    return dtype;
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
    return name + " " + dtype + Arrays.toString(shape) + " @[" + begin + ", " + end + ")";
  }
}
