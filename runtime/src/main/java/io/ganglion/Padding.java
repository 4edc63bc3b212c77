package io.ganglion;

/** How a {@link Conv2d}, {@link MaxPool2d} or {@link AvgPool2d} treats the image border. */
public enum Padding {
  /** No padding: the kernel stays inside the image, so the output is smaller. */
  VALID,
  /**
   * Zero padding so that the output has {@code ceil(input / stride)} rows and columns, as Keras's
   * {@code padding='same'}: half of the rows the windows need above, the odd one below (and so
   * for columns). At stride 1 that is the input's size, as PyTorch's {@code padding='same'}.
   * Pooling pads so too, as Keras's {@code MaxPooling2D} and {@code AveragePooling2D}: the padding
   * never wins a maximum and is left out of an average (which divides by the pixels inside).
   */
  SAME
}
