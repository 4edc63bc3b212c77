package io.ganglion.benchmarks;

import static io.ganglion.Activation.RELU;
import static io.ganglion.Activation.SIGMOID;
import static io.ganglion.Activation.TANH;

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
 * The networks of the standard workloads (BENCHMARKS.md). {@code new Net_<Name>(100)} draws layer
 * {@code l} from SplitMix64 stream {@code 100 + l}, which is exactly the workloads' initialization.
 */
final class Networks {
  /** The seed whose streams {@code seed + l} are the workloads' weight streams {@code 100 + l}. */
  static final long SEED = 100;

  private Networks() {}

  /** xor: 2-8-1, tanh hidden, sigmoid output, mean squared error. */
  @Network(inputs = 2, loss = Loss.MSE)
  abstract static class XorNet {
    @Dense(units = 8, activation = TANH)
    Layer hidden;

    @Dense(units = 1, activation = SIGMOID)
    Layer output;
  }

  /** iris: 4-16-3. */
  @Network(inputs = 4, loss = Loss.SOFTMAX_CROSS_ENTROPY)
  abstract static class IrisNet {
    @Dense(units = 16, activation = RELU)
    Layer hidden;

    @Dense(units = 3)
    Layer logits;
  }

  /** mnist-mlp (and the infer-* workloads): 784-128-10. */
  @Network(inputs = 784, loss = Loss.SOFTMAX_CROSS_ENTROPY)
  abstract static class MnistMlp {
    @Dense(units = 128, activation = RELU)
    Layer hidden;

    @Dense(units = 10)
    Layer logits;
  }

  /** mnist-deep: 784-256-128-10. */
  @Network(inputs = 784, loss = Loss.SOFTMAX_CROSS_ENTROPY)
  abstract static class MnistDeep {
    @Dense(units = 256, activation = RELU)
    Layer hidden1;

    @Dense(units = 128, activation = RELU)
    Layer hidden2;

    @Dense(units = 10)
    Layer logits;
  }

  /** wide: 1024-1024-1024-10. */
  @Network(inputs = 1024, loss = Loss.SOFTMAX_CROSS_ENTROPY)
  abstract static class WideNet {
    @Dense(units = 1024, activation = RELU)
    Layer hidden1;

    @Dense(units = 1024, activation = RELU)
    Layer hidden2;

    @Dense(units = 10)
    Layer logits;
  }

  /**
   * The examples' Fashion-MNIST CNN without its dropout and batch norm, which {@link BaselineCnn}
   * computes too: conv 32 3x3 SAME ReLU, max pool 2, conv 64 3x3 SAME ReLU, max pool 2, dense 64
   * ReLU, dense 10.
   */
  @Network(input = {1, 28, 28}, loss = Loss.SOFTMAX_CROSS_ENTROPY)
  abstract static class Cnn {
    @Conv2d(filters = 32, kernel = 3, padding = Padding.SAME, activation = RELU)
    Layer conv1;

    @MaxPool2d(size = 2)
    Layer pool1;

    @Conv2d(filters = 64, kernel = 3, padding = Padding.SAME, activation = RELU)
    Layer conv2;

    @MaxPool2d(size = 2)
    Layer pool2;

    @Flatten
    Layer flat;

    @Dense(units = 64, activation = RELU)
    Layer hidden;

    @Dense(units = 10)
    Layer logits;
  }

  /** The examples' Fashion-MNIST CNN as it is: {@link Cnn} with batch norm and dropout. */
  @Network(input = {1, 28, 28}, loss = Loss.SOFTMAX_CROSS_ENTROPY)
  abstract static class FashionCnn {
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
}
