package io.ganglion.benchmarks;

import static io.ganglion.Activation.RELU;
import static io.ganglion.Activation.SIGMOID;
import static io.ganglion.Activation.TANH;

import io.ganglion.Dense;
import io.ganglion.Layer;
import io.ganglion.Loss;
import io.ganglion.Network;

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
}
