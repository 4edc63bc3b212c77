package io.ganglion;

/** How a {@link Conv2d} treats the image border. */
public enum Padding {
  /** No padding: the kernel stays inside the image, so the output is smaller. */
  VALID,
  /**
   * Zero padding so that the output has the input's height and width (stride 1 only, as in
   * PyTorch's {@code padding='same'}); an even kernel pads one more row and column at the end.
   */
  SAME
}
