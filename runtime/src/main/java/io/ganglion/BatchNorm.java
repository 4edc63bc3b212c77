package io.ganglion;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Batch normalization (PyTorch's {@code nn.BatchNorm2d} on images, per channel; {@code
 * nn.BatchNorm1d} on vectors, per unit). Training normalizes with the batch's statistics and
 * updates running ones; inference uses the running statistics. Tensors: {@code <field>.weight},
 * {@code .bias} (learned, unless {@link #affine()} is false) and the buffers {@code
 * .running_mean}, {@code .running_var}, {@code .num_batches_tracked}.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.FIELD)
public @interface BatchNorm {
  /**
   * Weight of the newest batch in the running statistics, in (0, 1]; PyTorch's default. Used as
   * a float, as are all the annotations' decimal values.
   */
  double momentum() default 0.1;

  /**
   * Whether the running statistics are the plain average of every training batch's (the k-th
   * batch weighs 1/k, counted by {@code .num_batches_tracked}), as PyTorch's {@code momentum=None}
   * (its "cumulative moving average"), instead of an exponential average with {@link #momentum()}
   * (which must then not be given).
   */
  boolean cumulativeAverage() default false;

  /** Added to the variance before the square root; positive (as a float). */
  double epsilon() default 1e-5;

  /**
   * Applied after the normalization, for PyTorch's usual {@code conv -> BatchNorm2d -> ReLU}
   * order (an activation on the layer before would come before the norm); {@code LINEAR}, none, by
   * default.
   */
  Activation activation() default Activation.LINEAR;

  /**
   * Whether the normalized values are scaled and shifted by learned values per channel ({@code
   * .weight}, starting at 1, and {@code .bias}, starting at 0), as PyTorch's {@code affine=True}.
   * False normalizes only, as PyTorch's {@code affine=False} (Keras's {@code center=False,
   * scale=False}): the layer learns nothing and keeps only its running statistics.
   */
  boolean affine() default true;
}
