package io.ganglion;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Max pooling over {@code size x size} windows of each channel of an image, moved by {@code
 * stride} (PyTorch's {@code nn.MaxPool2d}). What a last window would only partly cover is left
 * out, as in PyTorch. With a {@code pad}, the windows also cover that many rows and columns
 * beyond each side of the image, which never win (PyTorch pads with minus infinity).
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.FIELD)
public @interface MaxPool2d {
  /**
   * Height and width of each window; at least 1.
   * Required: the default only lets javac hand a network that lacks it to the processor, which
   * reports it there (a missing value without a default would stop javac from running the
   * processor at all, and so from generating every other network of the build).
   */
  int size() default 0;

  /** Step between windows; {@code 0} (the default) means {@link #size()}. */
  int stride() default 0;

  /**
   * Rows and columns of padding on every side, as PyTorch's {@code padding}: from 0 (the default)
   * to half the {@link #size()}. The output is {@code (input + 2 pad - size) / stride + 1},
   * rounded down.
   */
  int pad() default 0;

  /**
   * {@link Padding#VALID} (the default: no padding, or the {@link #pad()}) or {@link
   * Padding#SAME}: the output is {@code ceil(input / stride)}, padded as Keras's {@code
   * padding='same'} (the padding left out of the maximum).
   */
  Padding padding() default Padding.VALID;
}
