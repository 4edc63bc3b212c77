package io.ganglion.examples;

import io.ganglion.Activation;
import io.ganglion.Dense;
import io.ganglion.Layer;
import io.ganglion.Loss;
import io.ganglion.Network;

/** Regression: a 1-32-32-1 tanh network that fits a curve, y = sin(x), under squared error. */
@Network(inputs = 1, loss = Loss.MSE)
abstract class Curve {
  @Dense(units = 32, activation = Activation.TANH)
  Layer hidden1;

  @Dense(units = 32, activation = Activation.TANH)
  Layer hidden2;

  @Dense(units = 1)
  Layer output;
}
