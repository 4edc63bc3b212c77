package io.ganglion.tests;

import static io.ganglion.Activation.LEAKY_RELU;
import static io.ganglion.Activation.LINEAR;
import static io.ganglion.Activation.RELU;
import static io.ganglion.Activation.SIGMOID;
import static io.ganglion.Activation.SOFTMAX;
import static io.ganglion.Activation.TANH;

import io.ganglion.Dense;
import io.ganglion.Init;
import io.ganglion.Layer;
import io.ganglion.Loss;
import io.ganglion.Network;

/**
 * Networks compiled by the real processor for the functional tests. Sizes are chosen to exercise
 * both the unrolled blocks and their remainders (9 inputs, 10 units, batches of 7).
 */
final class Networks {
  private Networks() {}

  @Network(inputs = 9, loss = Loss.SOFTMAX_CROSS_ENTROPY)
  abstract static class SoftmaxTanhSigmoid {
    @Dense(units = 10, activation = TANH)
    Layer hidden1;

    @Dense(units = 6, activation = SIGMOID)
    Layer hidden2;

    @Dense(units = 3)
    Layer logits;
  }

  @Network(inputs = 5, loss = Loss.BINARY_CROSS_ENTROPY)
  abstract static class BinaryLeakyRelu {
    @Dense(units = 8, activation = LEAKY_RELU)
    Layer first;

    @Dense(units = 5, activation = RELU, bias = false)
    Layer second;

    @Dense(units = 2)
    Layer out;
  }

  @Network(inputs = 4, loss = Loss.MSE)
  abstract static class MseSoftmaxOutput {
    @Dense(units = 7, activation = RELU)
    Layer h1;

    @Dense(units = 5, activation = LINEAR, bias = false)
    Layer h2;

    @Dense(units = 6, activation = TANH)
    Layer h3;

    @Dense(units = 3, activation = SOFTMAX)
    Layer probabilities;
  }

  @Network(inputs = 6, loss = Loss.MSE)
  abstract static class MseRegression {
    @Dense(units = 12, activation = SIGMOID, bias = false, init = Init.GLOROT_NORMAL)
    Layer zeta;

    @Dense(units = 4, activation = LEAKY_RELU, init = Init.HE_NORMAL)
    Layer alpha;

    @Dense(units = 2, bias = false, init = Init.LECUN_UNIFORM)
    Layer mid;
  }

  /** Wide enough for the vector kernels' 2-vector blocks, with 1-vector blocks and tails. */
  @Network(inputs = 19, loss = Loss.SOFTMAX_CROSS_ENTROPY)
  abstract static class VectorEdges {
    @Dense(units = 37, activation = TANH)
    Layer wide;

    @Dense(units = 18, activation = SIGMOID)
    Layer narrow;

    @Dense(units = 5)
    Layer logits;
  }

  /** Never instantiated here: compiled to check that method sizes do not grow with layer sizes. */
  @Network(inputs = 3072, loss = Loss.SOFTMAX_CROSS_ENTROPY)
  abstract static class Large {
    @Dense(units = 2048, activation = RELU)
    Layer first;

    @Dense(units = 1023, activation = TANH)
    Layer second;

    @Dense(units = 517, activation = SIGMOID, bias = false)
    Layer third;

    @Dense(units = 100)
    Layer logits;
  }

  @Network(inputs = 2, loss = Loss.BINARY_CROSS_ENTROPY)
  abstract static class Xor {
    @Dense(units = 8, activation = TANH)
    Layer hidden;

    @Dense(units = 1)
    Layer output;
  }

  @Network(inputs = 2, loss = Loss.SOFTMAX_CROSS_ENTROPY)
  abstract static class Blobs {
    @Dense(units = 16, activation = RELU)
    Layer hidden;

    @Dense(units = 3)
    Layer logits;
  }

  @Network(inputs = 64, loss = Loss.SOFTMAX_CROSS_ENTROPY)
  abstract static class Medium {
    @Dense(units = 32, activation = RELU)
    Layer hidden1;

    @Dense(units = 16, activation = RELU)
    Layer hidden2;

    @Dense(units = 10)
    Layer logits;
  }
}
