package io.ganglion;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Turns an image (channels x height x width) into a vector of {@code channels * height * width}
 * values in PyTorch's order (channel, then row, then column), so that dense layers can follow.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.FIELD)
public @interface Flatten {}
