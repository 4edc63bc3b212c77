package io.ganglion.examples;

import io.ganglion.Activation;
import io.ganglion.Dense;
import io.ganglion.Layer;
import io.ganglion.Loss;
import io.ganglion.Network;

/** Tabular classification: 4 numeric features, 3 classes (iris-style), one hidden layer. */
@Network(inputs = 4, outputs = 3, loss = Loss.SOFTMAX_CROSS_ENTROPY)
abstract class Flowers {
  @Dense(units = 16, activation = Activation.RELU)
  Layer hidden;

  @Dense(units = 3)
  Layer logits;
}
