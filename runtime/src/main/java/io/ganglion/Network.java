package io.ganglion;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a neural network. The annotated class must be abstract or extendable, and its fields
 * annotated with layer annotations such as {@link Dense} are the layers, in source order. It must
 * be a top-level or {@code static} nested class: javac does not show annotation processors the
 * classes declared inside method bodies, so a local class gets no generated class and no error.
 *
 * <p>Ganglion's annotation processor checks every shape at compile time and generates {@code
 * Net_<Name>} in the same package: a subclass implementing {@link Model} with forward and backward
 * passes specialized to this network's sizes.
 *
 * <pre>{@code
 * @Network(inputs = 784, loss = Loss.SOFTMAX_CROSS_ENTROPY)
 * abstract class FashionMlp {
 *   @Dense(units = 256, activation = Activation.RELU) Layer hidden1;
 *   @Dense(units = 10) Layer logits;
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Network {
  /** Number of input features per sample (a flat vector); set this or {@link #input()}. */
  int inputs() default 0;

  /**
   * The shape of an image input as {@code {channels, height, width}} (PyTorch's NCHW layout
   * without the batch), such as {@code {1, 28, 28}}; set this or {@link #inputs()}. Samples are
   * passed flat, channel by channel, row by row.
   */
  int[] input() default {};

  /**
   * Expected number of outputs. Optional: when set, the compiler checks that the last layer
   * produces exactly this many values. {@code 0} means "not checked".
   */
  int outputs() default 0;

  /**
   * The loss that training minimizes.
   * Required: the default only lets javac hand a network that lacks it to the processor, which
   * reports it there (a missing value without a default would stop javac from running the
   * processor at all, and so from generating every other network of the build).
   */
  Loss loss() default Loss.MSE;
}
