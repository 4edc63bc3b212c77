package io.ganglion.examples.fashion;

import io.ganglion.Activation;
import io.ganglion.Dense;
import io.ganglion.Layer;
import io.ganglion.Loss;
import io.ganglion.Network;

/** The Fashion-MNIST classifier: 784 pixels, two ReLU layers of 256 and 128 units, 10 logits. */
@Network(inputs = FashionMnist.PIXELS, loss = Loss.SOFTMAX_CROSS_ENTROPY)
public abstract class FashionMlp {
  @Dense(units = 256, activation = Activation.RELU)
  Layer hidden1;

  @Dense(units = 128, activation = Activation.RELU)
  Layer hidden2;

  @Dense(units = 10)
  Layer logits;
}
