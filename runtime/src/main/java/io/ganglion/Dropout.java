package io.ganglion;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Inverted dropout (PyTorch's {@code nn.Dropout}): while training, each value is set to zero with
 * probability {@code rate} and the others are scaled by {@code 1 / (1 - rate)}; at inference it
 * passes values through. The masks are drawn from the network's seed, so runs repeat.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.FIELD)
public @interface Dropout {
  /**
   * Probability of dropping a value, in [0, 1): {@code 0.3} or {@code 0.3f}; used as a float (the
   * nearest float must still be below 1).
   * Required: the default only lets javac hand a network that lacks it to the processor, which
   * reports it there (a missing value without a default would stop javac from running the
   * processor at all, and so from generating every other network of the build).
   */
  double rate() default -1;
}
