package io.ganglion.processor;

import io.ganglion.Activation;
import io.ganglion.Init;

/**
 * One validated layer with every size resolved.
 *
 * @param name the field's name, which names the layer everywhere (tensors, errors, summary)
 * @param index 1-based position in the network, which also picks the layer's random stream
 * @param kind what the layer computes
 * @param in the shape of one sample flowing in
 * @param out the shape of one sample flowing out
 * @param kernel the kernel or window size of a convolution or pooling (else 0)
 * @param stride the stride of a convolution or pooling (else 0)
 * @param pad zero rows and columns added on every side of the image by a convolution's
 *     explicit pad, or {@link #SAME} (see {@link #padTop()} and {@link #padLeft()})
 * @param bias whether a dense or convolution layer learns a bias, or a batch norm a scale and
 *     shift ({@code affine})
 * @param rate the dropout rate (else 0)
 * @param momentum batch normalization's running-statistics momentum, 0 for its cumulative
 *     average (and 0 for the other kinds)
 * @param epsilon batch normalization's epsilon (else 0)
 */
record LayerModel(
    String name,
    int index,
    Kind kind,
    Shape in,
    Shape out,
    Activation activation,
    boolean bias,
    Init init,
    float initValue,
    int kernel,
    int stride,
    int pad,
    float rate,
    float momentum,
    float epsilon) {

  /** The kinds of layer, with the name users see (the annotation's). */
  enum Kind {
    DENSE("Dense"),
    CONV2D("Conv2d"),
    MAX_POOL2D("MaxPool2d"),
    AVG_POOL2D("AvgPool2d"),
    FLATTEN("Flatten"),
    DROPOUT("Dropout"),
    BATCH_NORM("BatchNorm");

    final String display;

    Kind(String display) {
      this.display = display;
    }
  }

  static LayerModel dense(String name, int index, int inputs, int units, Activation activation,
      boolean bias, Init init, float initValue) {
    return new LayerModel(name, index, Kind.DENSE, Shape.vector(inputs), Shape.vector(units),
        activation, bias, init, initValue, 0, 0, 0, 0f, 0f, 0f);
  }

  /** The {@link #pad} of a convolution with {@code padding = SAME}. */
  static final int SAME = -1;

  /** Whether a convolution pads as Keras's (and, at stride 1, PyTorch's) {@code 'same'}. */
  boolean same() {
    return pad == SAME;
  }

  /**
   * Zero rows added above the image: the explicit pad, or for SAME half of the rows the windows
   * reach past the image ({@code (out - 1) x stride + kernel - in}), the odd one below it, as
   * TensorFlow and PyTorch place them.
   */
  int padTop() {
    return pad != SAME ? pad
        : Math.max((out.height() - 1) * stride + kernel - in.height(), 0) / 2;
  }

  /**
   * Whether the windows reach past the image: a pad, or SAME whose windows need rows or columns
   * the image lacks (SAME that needs none computes as VALID).
   */
  boolean reachesPast() {
    return pad > 0 || same() && ((long) (out.height() - 1) * stride + kernel > in.height()
        || (long) (out.width() - 1) * stride + kernel > in.width());
  }

  /** Zero columns added left of the image, as {@link #padTop()}. */
  int padLeft() {
    return pad != SAME ? pad
        : Math.max((out.width() - 1) * stride + kernel - in.width(), 0) / 2;
  }

  /** Values per sample flowing in. */
  int inputs() {
    return (int) in.size();
  }

  /** Values per sample flowing out. */
  int units() {
    return (int) out.size();
  }

  /** Learned values: weights plus biases (batch norm: scale plus shift). */
  long parameterCount() {
    switch (kind) {
      case DENSE:
        return (long) inputs() * units() + (bias ? units() : 0);
      case CONV2D:
        return (long) out.channels() * in.channels() * kernel * kernel
            + (bias ? out.channels() : 0);
      case BATCH_NORM:
        return bias ? 2L * in.channels() : 0;
      default:
        return 0;
    }
  }

  /** Multiply-adds of the forward pass (inference) for one sample. */
  long multiplyAdds() {
    switch (kind) {
      case DENSE:
        return (long) inputs() * units();
      case CONV2D:
        return out.size() * in.channels() * kernel * kernel;
      case AVG_POOL2D:
        return out.size() * kernel * kernel;
      case BATCH_NORM:
        return in.size();
      default:
        return 0;
    }
  }

  /** Whether the layer holds learned tensors. */
  boolean learns() {
    return kind == Kind.DENSE || kind == Kind.CONV2D || kind == Kind.BATCH_NORM && bias;
  }

  /** The name with its first letter upper-cased, for method names such as {@code forwardHidden}. */
  String capitalized() {
    return Character.toUpperCase(name.charAt(0)) + name.substring(1);
  }
}
