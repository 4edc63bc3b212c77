package io.ganglion.optim;

import io.ganglion.Parameter;
import java.util.List;

/**
 * Updates a model's parameters in place from their gradients. An optimizer keeps per-parameter
 * state (momentum, moments) for the parameter list it first steps on; it allocates nothing per
 * step after that.
 */
public interface Optimizer {
  /** Applies one update to {@code parameters} from their current gradients. */
  void step(List<Parameter> parameters);

  /** The learning rate the next step uses. */
  double learningRate();

  /** Sets the learning rate for the following steps (schedules call this). */
  void setLearningRate(double learningRate);
}
