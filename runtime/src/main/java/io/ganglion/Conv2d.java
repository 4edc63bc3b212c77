package io.ganglion;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A 2-D convolution over images of shape channels x height x width (PyTorch's {@code nn.Conv2d}):
 * {@code filters} square kernels of {@code kernel x kernel} over every input channel, moved by
 * {@code stride}. The weight is {@code [filters, in_channels, kernel, kernel]} and the bias {@code
 * [filters]}, named {@code <field>.weight} and {@code <field>.bias} as in PyTorch.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.FIELD)
public @interface Conv2d {
  /**
   * Number of output channels; at least 1.
   * Required: the default only lets javac hand a network that lacks it to the processor, which
   * reports it there (a missing value without a default would stop javac from running the
   * processor at all, and so from generating every other network of the build).
   */
  int filters() default 0;

  /** Height and width of each kernel; at least 1. Required, as {@link #filters()}. */
  int kernel() default 0;

  /**
   * Step between kernel positions, in both directions; at least 1. Rows and columns that a last
   * step would only partly cover are left out, as in PyTorch.
   */
  int stride() default 1;

  /**
   * {@link Padding#VALID} (no padding) or {@link Padding#SAME} (the input's size over the
   * stride, rounded up, as Keras pads it).
   */
  Padding padding() default Padding.VALID;

  /**
   * Zero rows and columns added on every side of the image, as PyTorch's {@code padding=pad}
   * (with any stride): the output is {@code (size + 2 pad - kernel) / stride + 1}, rounded down.
   * At least 0 and below the kernel; only with {@link Padding#VALID}, which it extends. 0 by
   * default.
   */
  int pad() default 0;

  /** Activation applied to the output; {@link Activation#LINEAR} (none) by default. */
  Activation activation() default Activation.LINEAR;

  /** Whether the layer adds a learned bias per filter. */
  boolean bias() default true;

  /**
   * How the weights are initialized, with fan-in {@code in_channels * kernel^2} and fan-out {@code
   * filters * kernel^2}. {@link Init#DEFAULT} picks He uniform for the ReLU family, else Glorot.
   */
  Init init() default Init.DEFAULT;

  /**
   * The value every weight starts at when {@link #init()} is {@link Init#CONSTANT}; used as a
   * float.
   */
  double initValue() default 0;
}
