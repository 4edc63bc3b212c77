package io.ganglion.tests;

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
 * The Fashion-MNIST CNN recommended for the examples program: two 3x3 convolution blocks (each
 * convolution, batch norm, ReLU by the convolution, 2x2 max pooling), then dropout and a dense
 * classifier. About 0.22M parameters and 4.1M multiply-adds per image.
 *
 * <p>Measured with {@link FashionCnnFullRun} on the full data (60,000 training, 10,000 test
 * images scaled to [0, 1]), seed 42, Adam 1e-3 decayed by 0.85 per epoch, batch 64, one thread,
 * plain-Java kernels, on a shared 2-core machine: test accuracy 0.8873 after epoch 1, 0.9242
 * after 7, 0.9296 after 11 and 0.9246 after 12; 1318 s for 12 epochs (320-810 images/s depending
 * on the load). The validation loss is lowest around epoch 6, so 8-10 epochs suffice.
 */
@Network(input = {1, 28, 28}, loss = Loss.SOFTMAX_CROSS_ENTROPY)
abstract class FashionCnn {
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
