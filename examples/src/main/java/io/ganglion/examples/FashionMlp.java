package io.ganglion.examples;

import io.ganglion.Activation;
import io.ganglion.Dense;
import io.ganglion.Layer;
import io.ganglion.Loss;
import io.ganglion.Network;

/**
 * A classifier of 28x28 grey images into 10 classes (Fashion-MNIST's shape): the network that
 * {@link TrainFashion} trains and {@link Serve} serves.
 */
@Network(inputs = 784, loss = Loss.SOFTMAX_CROSS_ENTROPY, outputs = 10)
abstract class FashionMlp {
  @Dense(units = 128, activation = Activation.RELU)
  Layer hidden;

  @Dense(units = 10)
  Layer logits;
}
