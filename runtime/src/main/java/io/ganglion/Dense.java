package io.ganglion;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A fully connected layer: {@code y = activation(x W^T + b)}, with {@code W} of shape {@code
 * [units, inputs]} as in PyTorch's {@code nn.Linear}. Put it on a field of type {@link Layer} in a
 * {@link Network} class; the generated network assigns the field a view of the layer.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.FIELD)
public @interface Dense {
  /**
   * Number of output units; at least 1.
   * Required: the default only lets javac hand a network that lacks it to the processor, which
   * reports it there (a missing value without a default would stop javac from running the
   * processor at all, and so from generating every other network of the build).
   */
  int units() default 0;

  /** Activation applied to the layer's output; {@link Activation#LINEAR} (none) by default. */
  Activation activation() default Activation.LINEAR;

  /** Whether the layer adds a learned bias. */
  boolean bias() default true;

  /**
   * How the weights are initialized. {@link Init#DEFAULT} picks He uniform for ReLU-family
   * activations and Glorot uniform otherwise. Biases always start at zero.
   */
  Init init() default Init.DEFAULT;

  /**
   * The value every weight starts at when {@link #init()} is {@link Init#CONSTANT}; used as a
   * float.
   */
  double initValue() default 0;
}
