package io.ganglion.processor;

/**
 * The shape of one sample flowing between layers: a vector of {@code channels} values, or an image
 * of {@code channels x height x width} (PyTorch's CHW order, which is also how it is shown).
 */
record Shape(int channels, int height, int width, boolean image) {

  static Shape vector(int size) {
    return new Shape(size, 1, 1, false);
  }

  static Shape image(int channels, int height, int width) {
    return new Shape(channels, height, width, true);
  }

  /** Values per sample. */
  long size() {
    return (long) channels * height * width;
  }

  /** Pixels per channel of an image (1 for a vector). */
  int positions() {
    return height * width;
  }

  /** As users read it: {@code 784} or {@code 16x14x14} (channels x height x width). */
  @Override
  public String toString() {
    return image ? channels + "x" + height + "x" + width : String.valueOf(channels);
  }
}
