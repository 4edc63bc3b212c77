package io.ganglion.examples.fashion;

import static io.ganglion.Activation.RELU;

import io.ganglion.BatchNorm;
import io.ganglion.Conv2d;
import io.ganglion.Dense;
import io.ganglion.Dropout;
import io.ganglion.Flatten;
import io.ganglion.Layer;
import io.ganglion.Loss;
import io.ganglion.MaxPool2d;
import io.ganglion.Network;
import io.ganglion.Padding;

/**
 * The Fashion-MNIST convolutional classifier: two 3x3 convolutions (32 and 64 filters, SAME
 * padding, ReLU), each followed by 2x2 max pooling, batch norm after the second, then dropout
 * 0.25, a dense ReLU layer of 64 units and 10 logits. About 0.22M parameters and 4.1M
 * multiply-adds per image. The same network as the functional tests' {@code FashionCnn}.
 */
@Network(input = {1, FashionMnist.SIDE, FashionMnist.SIDE}, loss = Loss.SOFTMAX_CROSS_ENTROPY)
public abstract class FashionCnn {
  @Conv2d(filters = 32, kernel = 3, padding = Padding.SAME, activation = RELU)
  Layer conv1;

  @MaxPool2d(size = 2)
  Layer pool1;

  @Conv2d(filters = 64, kernel = 3, padding = Padding.SAME, activation = RELU)
  Layer conv2;

  @BatchNorm
  Layer norm2;

  @MaxPool2d(size = 2)
  Layer pool2;

  @Flatten
  Layer flat;

  @Dropout(rate = 0.25f)
  Layer drop;

  @Dense(units = 64, activation = RELU)
  Layer hidden;

  @Dense(units = 10)
  Layer logits;
}
