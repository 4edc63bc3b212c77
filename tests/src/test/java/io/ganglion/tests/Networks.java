package io.ganglion.tests;

import static io.ganglion.Activation.ELU;
import static io.ganglion.Activation.GELU;
import static io.ganglion.Activation.LEAKY_RELU;
import static io.ganglion.Activation.LINEAR;
import static io.ganglion.Activation.RELU;
import static io.ganglion.Activation.SELU;
import static io.ganglion.Activation.SIGMOID;
import static io.ganglion.Activation.SILU;
import static io.ganglion.Activation.SOFTMAX;
import static io.ganglion.Activation.SOFTPLUS;
import static io.ganglion.Activation.TANH;

import io.ganglion.AvgPool2d;
import io.ganglion.BatchNorm;
import io.ganglion.Conv2d;
import io.ganglion.Dense;
import io.ganglion.Dropout;
import io.ganglion.Flatten;
import io.ganglion.Init;
import io.ganglion.Layer;
import io.ganglion.Loss;
import io.ganglion.MaxPool2d;
import io.ganglion.Network;
import io.ganglion.Padding;

/**
 * Networks compiled by the real processor for the functional tests. Sizes are chosen to exercise
 * both the unrolled blocks and their remainders (9 inputs, 10 units, batches of 7), and both
 * writers of dense layers: the small networks' layers of at most 64 weights are written without
 * loops, their wide twins' with them.
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

  // The four networks above again, wider: every layer has more than 64 weights, so the loops of
  // the dense writer run them instead of the unrolled code of small layers. Units still leave
  // remainders after blocks of 4.

  @Network(inputs = 9, loss = Loss.SOFTMAX_CROSS_ENTROPY)
  abstract static class WideSoftmaxTanhSigmoid {
    @Dense(units = 13, activation = TANH)
    Layer hidden1;

    @Dense(units = 11, activation = SIGMOID)
    Layer hidden2;

    @Dense(units = 7)
    Layer logits;
  }

  @Network(inputs = 13, loss = Loss.BINARY_CROSS_ENTROPY)
  abstract static class WideBinaryLeakyRelu {
    @Dense(units = 9, activation = LEAKY_RELU)
    Layer first;

    @Dense(units = 10, activation = RELU, bias = false)
    Layer second;

    @Dense(units = 7)
    Layer out;
  }

  @Network(inputs = 9, loss = Loss.MSE)
  abstract static class WideMseSoftmaxOutput {
    @Dense(units = 11, activation = RELU)
    Layer h1;

    @Dense(units = 9, activation = LINEAR, bias = false)
    Layer h2;

    @Dense(units = 10, activation = TANH)
    Layer h3;

    @Dense(units = 7, activation = SOFTMAX)
    Layer probabilities;
  }

  @Network(inputs = 10, loss = Loss.MSE)
  abstract static class WideMseRegression {
    @Dense(units = 13, activation = SIGMOID, bias = false, init = Init.GLOROT_NORMAL)
    Layer zeta;

    @Dense(units = 9, activation = LEAKY_RELU, init = Init.HE_NORMAL)
    Layer alpha;

    @Dense(units = 8, bias = false, init = Init.LECUN_UNIFORM)
    Layer mid;
  }

  /** MseRegression under the mean absolute error. */
  @Network(inputs = 6, loss = Loss.MAE)
  abstract static class MaeRegression {
    @Dense(units = 12, activation = SIGMOID, bias = false, init = Init.GLOROT_NORMAL)
    Layer zeta;

    @Dense(units = 4, activation = LEAKY_RELU, init = Init.HE_NORMAL)
    Layer alpha;

    @Dense(units = 2, init = Init.LECUN_UNIFORM)
    Layer mid;
  }

  /** WideMseRegression under the Huber loss. */
  @Network(inputs = 10, loss = Loss.HUBER)
  abstract static class HuberRegression {
    @Dense(units = 13, activation = TANH, init = Init.GLOROT_NORMAL)
    Layer zeta;

    @Dense(units = 9, activation = LEAKY_RELU, init = Init.HE_NORMAL)
    Layer alpha;

    @Dense(units = 8, init = Init.LECUN_UNIFORM)
    Layer mid;
  }

  /**
   * Layers on both sides of the 64-weight line between the two dense writers: 8 x 8 = 64 weights
   * unrolled, 8 x 13 = 104 and 13 x 5 = 65 with loops, then 5 x 1 = 5 unrolled again.
   */
  @Network(inputs = 8, loss = Loss.MSE)
  abstract static class Boundary {
    @Dense(units = 8, activation = RELU)
    Layer a;

    @Dense(units = 13, activation = TANH, bias = false)
    Layer b;

    @Dense(units = 5, activation = SIGMOID)
    Layer c;

    @Dense(units = 1)
    Layer d;
  }

  /**
   * Wide enough for every dense vector kernel: with 8 or 16 lanes, 133 units take 4x2, 1x8 and
   * narrower blocks and a tail; 37 units take 4x2 or 4x1 blocks and a tail.
   */
  @Network(inputs = 35, loss = Loss.SOFTMAX_CROSS_ENTROPY)
  abstract static class VectorEdges {
    @Dense(units = 133, activation = TANH)
    Layer wide;

    @Dense(units = 37, activation = SIGMOID)
    Layer narrow;

    @Dense(units = 5)
    Layer logits;
  }

  /**
   * The only vector kernel is the logits' input gradient (3 units over 40 inputs, see
   * VectorWriter.usesVectorInputGradient): its class exists for that alone, and 40 columns leave
   * a tail after the blocks with 8 or 16 lanes (and after a worker's share when split by rows).
   */
  @Network(inputs = 6, loss = Loss.SOFTMAX_CROSS_ENTROPY)
  abstract static class NarrowVectorOnly {
    @Dense(units = 40, activation = LEAKY_RELU)
    Layer hidden;

    @Dense(units = 3)
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

  /** Blobs with batch norm and dropout: checkpoints and the best weights must carry both. */
  @Network(inputs = 2, loss = Loss.SOFTMAX_CROSS_ENTROPY)
  abstract static class BlobsRegularized {
    @Dense(units = 16, activation = RELU)
    Layer hidden;

    @BatchNorm
    Layer norm;

    @Dropout(rate = 0.3f)
    Layer drop;

    @Dense(units = 3)
    Layer logits;
  }

  /**
   * Just over {@code ParallelGradients.ROWS_MIN_PARAMETERS} (1,000,000): 1000 x 993 + 993 + 993 x
   * 10 + 10 = 1,003,933 parameters, split by rows by default.
   */
  @Network(inputs = 1000, loss = Loss.SOFTMAX_CROSS_ENTROPY)
  abstract static class MillionParameters {
    @Dense(units = 993, activation = RELU)
    Layer hidden;

    @Dense(units = 10)
    Layer logits;
  }

  /** Just under it: 998 x 991 + 991 + 991 x 10 + 10 = 999,929 parameters, split by batch. */
  @Network(inputs = 998, loss = Loss.SOFTMAX_CROSS_ENTROPY)
  abstract static class UnderAMillionParameters {
    @Dense(units = 991, activation = RELU)
    Layer hidden;

    @Dense(units = 10)
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

  /**
   * VALID convolution, overlapping max pooling (3 over 2), an even SAME kernel (padded one more
   * at the end) and channel counts that leave remainders after the blocks of 4.
   */
  @Network(input = {2, 9, 9}, loss = Loss.SOFTMAX_CROSS_ENTROPY)
  abstract static class ConvValidMaxPool {
    @Conv2d(filters = 5, kernel = 3, activation = TANH)
    Layer conv1;

    @MaxPool2d(size = 3, stride = 2)
    Layer pool1;

    @Conv2d(filters = 6, kernel = 2, padding = Padding.SAME, activation = SIGMOID)
    Layer conv2;

    @Flatten
    Layer flat;

    @Dense(units = 4)
    Layer logits;
  }

  /**
   * Wide enough for the convolution vector kernels' blocks of four pixels (SAME, stride 1, and
   * VALID, stride 2) and of four input channels with some left over (5 and 6 channels).
   */
  @Network(input = {5, 13, 13}, loss = Loss.SOFTMAX_CROSS_ENTROPY)
  abstract static class ConvStridedQuads {
    @Conv2d(filters = 6, kernel = 3, padding = Padding.SAME, activation = RELU)
    Layer conv1;

    @Conv2d(filters = 7, kernel = 3, stride = 2, activation = LEAKY_RELU)
    Layer conv2;

    @Flatten
    Layer flat;

    @Dense(units = 3)
    Layer logits;
  }

  /**
   * Enough filters for every block of the vector kernel of the ReLU and leaky ReLU derivatives (53
   * filters: 2 + 1 vectors and a tail with AVX-512, 4 + 2 and a tail with AVX2; 20 filters: 1 or 2
   * vectors and a tail), with a bias, and for the vector kernel of max pooling (overlapping
   * windows), on images small enough for finite differences.
   */
  @Network(input = {3, 4, 4}, loss = Loss.SOFTMAX_CROSS_ENTROPY)
  abstract static class ConvWideRelu {
    @Conv2d(filters = 53, kernel = 3, padding = Padding.SAME, activation = RELU)
    Layer conv1;

    @MaxPool2d(size = 2, stride = 1)
    Layer pool;

    @Conv2d(filters = 20, kernel = 2, activation = LEAKY_RELU)
    Layer conv2;

    @Flatten
    Layer flat;

    @Dense(units = 3)
    Layer logits;
  }

  /**
   * Max pooling whose windows tile the input, over enough channels (17) for the vector kernel of
   * its backward pass: one vector (two with AVX2) and a tail.
   */
  @Network(input = {2, 4, 4}, loss = Loss.SOFTMAX_CROSS_ENTROPY)
  abstract static class ConvWidePool {
    @Conv2d(filters = 17, kernel = 3, padding = Padding.SAME, activation = TANH)
    Layer conv;

    @MaxPool2d(size = 2)
    Layer pool;

    @Flatten
    Layer flat;

    @Dense(units = 3)
    Layer logits;
  }

  /** Init.PYTORCH in a convolution, a dense layer and a small (unrolled) one. */
  @Network(input = {3, 8, 8}, loss = Loss.SOFTMAX_CROSS_ENTROPY)
  abstract static class PytorchInit {
    @Conv2d(filters = 16, kernel = 3, activation = RELU, init = Init.PYTORCH)
    Layer conv;

    @Flatten
    Layer flat;

    @Dense(units = 20, activation = RELU, init = Init.PYTORCH)
    Layer hidden;

    @Dense(units = 3, init = Init.PYTORCH)
    Layer logits;
  }

  /** A strided convolution without bias, an odd SAME kernel and average pooling. */
  @Network(input = {3, 9, 9}, loss = Loss.MSE)
  abstract static class ConvStridedAvgPool {
    @Conv2d(filters = 4, kernel = 3, stride = 2, activation = LEAKY_RELU, bias = false)
    Layer conv1;

    @Conv2d(filters = 7, kernel = 3, padding = Padding.SAME, activation = TANH)
    Layer conv2;

    @AvgPool2d(size = 2)
    Layer pool;

    @Flatten
    Layer flat;

    @Dense(units = 3)
    Layer out;
  }

  /** Pooling first (no input gradient needed before it), then a 1x1 convolution. */
  @Network(input = {1, 6, 6}, loss = Loss.SOFTMAX_CROSS_ENTROPY)
  abstract static class PoolFirst {
    @AvgPool2d(size = 2, stride = 1)
    Layer smooth;

    @Conv2d(filters = 3, kernel = 1, activation = TANH)
    Layer mix;

    @MaxPool2d(size = 5)
    Layer pool;

    @Flatten
    Layer flat;

    @Dense(units = 2)
    Layer logits;
  }

  /** PyTorch's usual order, the activation after the norm, on images and on vectors. */
  @Network(input = {2, 6, 6}, loss = Loss.SOFTMAX_CROSS_ENTROPY)
  abstract static class BatchNormActivations {
    @Conv2d(filters = 4, kernel = 3, bias = false)
    Layer conv;

    @BatchNorm(activation = RELU)
    Layer norm1;

    @Flatten
    Layer flat;

    // No bias before a batch norm: its gradient is zero (as in DropoutBatchNorm).
    @Dense(units = 6, bias = false)
    Layer hidden;

    @BatchNorm(activation = TANH)
    Layer norm2;

    @Dense(units = 3)
    Layer logits;
  }

  /** ELU, SELU and softplus in small layers (written without loops), softplus as the output. */
  @Network(inputs = 5, loss = Loss.MSE)
  abstract static class SmoothActivations {
    @Dense(units = 6, activation = ELU)
    Layer elu;

    @Dense(units = 5, activation = SELU, init = Init.LECUN_NORMAL)
    Layer selu;

    @Dense(units = 3, activation = SOFTPLUS)
    Layer out;
  }

  /**
   * SmoothActivations' wide twin: the loop kernels, and with the Vector API (every size from 32)
   * its kernels; a softmax classifier.
   */
  @Network(inputs = 32, loss = Loss.SOFTMAX_CROSS_ENTROPY)
  abstract static class WideSmoothActivations {
    @Dense(units = 33, activation = ELU)
    Layer elu;

    @Dense(units = 35, activation = SELU, init = Init.LECUN_NORMAL)
    Layer selu;

    @Dense(units = 34, activation = SOFTPLUS)
    Layer softplus;

    @Dense(units = 3)
    Layer logits;
  }

  /** ELU on a convolution, SELU after a batch norm on images, softplus after one on vectors. */
  @Network(input = {2, 6, 6}, loss = Loss.SOFTMAX_CROSS_ENTROPY)
  abstract static class ConvSmoothActivations {
    @Conv2d(filters = 3, kernel = 3, activation = ELU)
    Layer conv1;

    @Conv2d(filters = 4, kernel = 2, bias = false)
    Layer conv2;

    @BatchNorm(activation = SELU)
    Layer norm1;

    @Flatten
    Layer flat;

    @Dense(units = 6, bias = false)
    Layer hidden;

    @BatchNorm(activation = SOFTPLUS)
    Layer norm2;

    @Dense(units = 3)
    Layer logits;
  }

  /**
   * GELU and SiLU, whose derivatives take the values before the activation, which their layers
   * keep: small layers (written without loops), SiLU as the output.
   */
  @Network(inputs = 5, loss = Loss.MSE)
  abstract static class InputDerivatives {
    @Dense(units = 6, activation = GELU)
    Layer gelu;

    @Dense(units = 5, activation = SILU)
    Layer silu;

    @Dense(units = 3, activation = SILU)
    Layer out;
  }

  /** MseSoftmaxOutput as a classifier of logits: the same tensors and the same predictions. */
  @Network(inputs = 4, loss = Loss.SOFTMAX_CROSS_ENTROPY)
  abstract static class LogitsOfMseSoftmaxOutput {
    @Dense(units = 7, activation = RELU)
    Layer h1;

    @Dense(units = 5, activation = LINEAR, bias = false)
    Layer h2;

    @Dense(units = 6, activation = TANH)
    Layer h3;

    @Dense(units = 3)
    Layer probabilities;
  }

  /** BatchNormActivations with its first norm plain (LINEAR): the same tensors. */
  @Network(input = {2, 6, 6}, loss = Loss.SOFTMAX_CROSS_ENTROPY)
  abstract static class PlainBatchNorm {
    @Conv2d(filters = 4, kernel = 3, bias = false)
    Layer conv;

    @BatchNorm
    Layer norm1;

    @Flatten
    Layer flat;

    @Dense(units = 6, bias = false)
    Layer hidden;

    @BatchNorm(activation = TANH)
    Layer norm2;

    @Dense(units = 3)
    Layer logits;
  }

  /** A layer named loss: its spec entry loss=Dense(...) beside the network's loss=... entry. */
  @Network(inputs = 4, loss = Loss.SOFTMAX_CROSS_ENTROPY)
  abstract static class LayerNamedLoss {
    @Dense(units = 8, activation = RELU)
    Layer loss;

    @Dense(units = 3)
    Layer out;
  }

  /** LayerNamedLoss under MSE: the same tensors, but its LINEAR output predicts raw values. */
  @Network(inputs = 4, loss = Loss.MSE)
  abstract static class LayerNamedLossMse {
    @Dense(units = 8, activation = RELU)
    Layer loss;

    @Dense(units = 3)
    Layer out;
  }

  /** InputDerivatives with its first layer changed to ReLU: the same tensors, another network. */
  @Network(inputs = 5, loss = Loss.MSE)
  abstract static class ChangedActivation {
    @Dense(units = 6, activation = RELU)
    Layer gelu;

    @Dense(units = 5, activation = SILU)
    Layer silu;

    @Dense(units = 3, activation = SILU)
    Layer out;
  }

  /** InputDerivatives' wide twin: the loop kernels, the vector kernels, the row split. */
  @Network(inputs = 32, loss = Loss.SOFTMAX_CROSS_ENTROPY)
  abstract static class WideInputDerivatives {
    @Dense(units = 33, activation = GELU)
    Layer gelu;

    @Dense(units = 35, activation = SILU)
    Layer silu;

    @Dense(units = 34, activation = GELU)
    Layer gelu2;

    @Dense(units = 3)
    Layer logits;
  }

  /** GELU on convolutions, SiLU and GELU after batch norms (which recompute their inputs). */
  @Network(input = {2, 6, 6}, loss = Loss.SOFTMAX_CROSS_ENTROPY)
  abstract static class ConvInputDerivatives {
    @Conv2d(filters = 3, kernel = 3, activation = GELU)
    Layer conv1;

    @Conv2d(filters = 4, kernel = 2, bias = false)
    Layer conv2;

    @BatchNorm(activation = SILU)
    Layer norm1;

    @Flatten
    Layer flat;

    @Dense(units = 6, bias = false)
    Layer hidden;

    @BatchNorm(activation = GELU)
    Layer norm2;

    @Dense(units = 3)
    Layer logits;
  }

  /** Batch norm on images and on vectors, dropout on images and on vectors. */
  @Network(input = {2, 6, 6}, loss = Loss.SOFTMAX_CROSS_ENTROPY)
  abstract static class DropoutBatchNorm {
    // No bias: batch norm subtracts the mean, so a bias before it has a zero gradient.
    @Conv2d(filters = 4, kernel = 3, padding = Padding.SAME, bias = false)
    Layer conv;

    @BatchNorm
    Layer norm1;

    @Dropout(rate = 0.25f)
    Layer drop1;

    @MaxPool2d(size = 2)
    Layer pool;

    @Flatten
    Layer flat;

    @Dense(units = 8, activation = TANH)
    Layer hidden;

    @BatchNorm(momentum = 0.2f)
    Layer norm2;

    @Dropout(rate = 0.5f)
    Layer drop2;

    @Dense(units = 3)
    Layer logits;
  }

  /**
   * Strides that leave rows or columns over, which each layer drops as PyTorch does: 13x12 -> conv
   * 6x5 (a column left) -> max pool 3x2 (a column left) -> average pool 1x1 (a row left).
   */
  @Network(input = {3, 13, 12}, loss = Loss.SOFTMAX_CROSS_ENTROPY)
  abstract static class FlooredStrides {
    @Conv2d(filters = 8, kernel = 3, stride = 2, activation = RELU)
    Layer conv;

    @MaxPool2d(size = 2)
    Layer pool1;

    @AvgPool2d(size = 2)
    Layer pool2;

    @Flatten
    Layer flat;

    @Dense(units = 3)
    Layer logits;
  }

  /**
   * SAME convolutions with kernels larger than the input (5 over 3x4, 6 over 3x4: even, padded one
   * more at the end), which PyTorch's padding='same' allows: some kernel positions see only
   * padding.
   */
  @Network(input = {2, 3, 4}, loss = Loss.MSE)
  abstract static class SameLargeKernels {
    @Conv2d(filters = 8, kernel = 5, padding = Padding.SAME, activation = TANH)
    Layer conv1;

    @Conv2d(filters = 4, kernel = 6, padding = Padding.SAME)
    Layer conv2;

    @Flatten
    Layer flat;

    @Dense(units = 2)
    Layer out;
  }

  /** Batch norm over 2x2 images: one sample has four values per channel. */
  @Network(input = {1, 3, 3}, loss = Loss.SOFTMAX_CROSS_ENTROPY)
  abstract static class ImageBatchNorm {
    @Conv2d(filters = 2, kernel = 2)
    Layer conv;

    @BatchNorm
    Layer norm;

    @Flatten
    Layer flat;

    @Dense(units = 2)
    Layer logits;
  }

  /** Batch norm over 1x1 images: one value per channel in a sample, as over vectors. */
  @Network(input = {3, 1, 1}, loss = Loss.SOFTMAX_CROSS_ENTROPY)
  abstract static class PixelBatchNorm {
    @Conv2d(filters = 4, kernel = 1)
    Layer conv;

    @BatchNorm
    Layer norm;

    @Flatten
    Layer flat;

    @Dense(units = 2)
    Layer logits;
  }

  /** Batch norm first: its scale and shift learn although nothing before it does. */
  @Network(inputs = 5, loss = Loss.MSE)
  abstract static class BatchNormFirst {
    @BatchNorm
    Layer norm;

    @Dense(units = 4, activation = TANH)
    Layer hidden;

    @Dense(units = 2)
    Layer out;
  }

  /**
   * Batch norms without a learned scale and shift (PyTorch's {@code affine=False}): over images
   * with ReLU, over vectors with SiLU (whose derivative reads the norm's output before it).
   */
  @Network(input = {2, 6, 6}, loss = Loss.SOFTMAX_CROSS_ENTROPY)
  abstract static class NonAffineNorms {
    @Conv2d(filters = 4, kernel = 3, bias = false)
    Layer conv;

    @BatchNorm(affine = false, activation = RELU)
    Layer norm1;

    @Flatten
    Layer flat;

    @Dense(units = 6, bias = false)
    Layer hidden;

    @BatchNorm(affine = false, activation = SILU, momentum = 0.3)
    Layer norm2;

    @Dense(units = 3)
    Layer logits;
  }

  /**
   * Batch norms whose running statistics are the plain average of the batches' (PyTorch's {@code
   * momentum=None}), over images and, without scale and shift, over vectors.
   */
  @Network(input = {2, 4, 4}, loss = Loss.MSE)
  abstract static class CumulativeNorms {
    @Conv2d(filters = 3, kernel = 3)
    Layer conv;

    @BatchNorm(cumulativeAverage = true, activation = RELU)
    Layer norm1;

    @Flatten
    Layer flat;

    @Dense(units = 5)
    Layer hidden;

    @BatchNorm(cumulativeAverage = true, affine = false)
    Layer norm2;

    @Dense(units = 2)
    Layer out;
  }

  /** A batch norm without scale and shift on the raw inputs: nothing before it to learn. */
  @Network(inputs = 5, loss = Loss.MSE)
  abstract static class NonAffineFirst {
    @BatchNorm(affine = false)
    Layer norm;

    @Dense(units = 4, activation = TANH)
    Layer hidden;

    @Dense(units = 2)
    Layer out;
  }

  /** Dropout on the raw inputs, copied into rows first since no dense layer reads them. */
  @Network(inputs = 6, loss = Loss.BINARY_CROSS_ENTROPY)
  abstract static class DropoutFirst {
    @Dropout(rate = 0.2f)
    Layer noise;

    @Dense(units = 5, activation = RELU)
    Layer hidden;

    @Dense(units = 2)
    Layer out;
  }

  /**
   * Wide enough for the convolution vector kernels' 4-vector blocks, 1-vector blocks and tails:
   * 45 filters forward and 45 input channels for the input gradient of conv2.
   */
  @Network(input = {3, 5, 5}, loss = Loss.SOFTMAX_CROSS_ENTROPY)
  abstract static class ConvVectorEdges {
    @Conv2d(filters = 45, kernel = 3, padding = Padding.SAME, activation = TANH)
    Layer conv1;

    @Conv2d(filters = 13, kernel = 2, activation = SIGMOID)
    Layer conv2;

    @AvgPool2d(size = 4)
    Layer pool;

    @Flatten
    Layer flat;

    @Dense(units = 3)
    Layer logits;
  }

  /**
   * Explicit padding (PyTorch's padding=N) with strides: a non-square input, odd and even kernels,
   * windows past the far border and a pad larger than SAME's. Small, so that float rounding stays
   * far below the PyTorch comparison's tolerance.
   */
  @Network(input = {2, 7, 6}, loss = Loss.SOFTMAX_CROSS_ENTROPY)
  abstract static class PaddedStrides {
    @Conv2d(filters = 4, kernel = 3, stride = 2, pad = 1, activation = RELU)
    Layer conv1;

    @Conv2d(filters = 3, kernel = 2, stride = 2, pad = 1)
    Layer conv2;

    @Conv2d(filters = 2, kernel = 3, pad = 2)
    Layer conv3;

    @Flatten
    Layer flat;

    @Dense(units = 3)
    Layer out;
  }

  /**
   * Pooling with PyTorch's padding: max pooling over tanh's negative values (where a padding of
   * zeros would win), average pooling that counts the padding, windows clipped on every side.
   */
  @Network(input = {2, 7, 6}, loss = Loss.SOFTMAX_CROSS_ENTROPY)
  abstract static class PaddedPools {
    @Conv2d(filters = 4, kernel = 3, pad = 1, activation = TANH)
    Layer conv1;

    @MaxPool2d(size = 3, stride = 2, pad = 1)
    Layer pool1;

    @AvgPool2d(size = 2, stride = 1, pad = 1)
    Layer pool2;

    @MaxPool2d(size = 2, pad = 1)
    Layer pool3;

    @Flatten
    Layer flat;

    @Dense(units = 3)
    Layer out;
  }

  /**
   * Pooling with Keras's padding='same': odd rows and columns of padding below and right, none
   * above at times, averages over the pixels inside only, and a window larger than the stride.
   */
  @Network(input = {2, 7, 6}, loss = Loss.SOFTMAX_CROSS_ENTROPY)
  abstract static class SamePools {
    @Conv2d(filters = 4, kernel = 3, pad = 1, activation = TANH)
    Layer conv1;

    @MaxPool2d(size = 3, stride = 2, padding = Padding.SAME)
    Layer pool1;

    @AvgPool2d(size = 2, stride = 1, padding = Padding.SAME)
    Layer pool2;

    @AvgPool2d(size = 3, stride = 2, padding = Padding.SAME)
    Layer pool3;

    @MaxPool2d(size = 2, padding = Padding.SAME)
    Layer pool4;

    @Flatten
    Layer flat;

    @Dense(units = 3)
    Layer out;
  }

  /** {@link PaddedPools} with channels enough for the vector kernels around the pooling. */
  @Network(input = {3, 9, 8}, loss = Loss.SOFTMAX_CROSS_ENTROPY)
  abstract static class PaddedPoolsWide {
    @Conv2d(filters = 17, kernel = 3, pad = 1, activation = TANH)
    Layer conv1;

    @MaxPool2d(size = 3, stride = 2, pad = 1)
    Layer pool1;

    @AvgPool2d(size = 3, stride = 1, pad = 1)
    Layer pool2;

    @Conv2d(filters = 16, kernel = 2, activation = TANH)
    Layer conv2;

    @MaxPool2d(size = 2, pad = 1)
    Layer pool3;

    @Flatten
    Layer flat;

    @Dense(units = 3)
    Layer out;
  }

  /**
   * SAME with strides, as Keras pads: a non-square input, the odd row or column at the end, odd
   * and even kernels, and at stride 1 a kernel larger than the input.
   */
  @Network(input = {2, 7, 6}, loss = Loss.SOFTMAX_CROSS_ENTROPY)
  abstract static class SameStrides {
    @Conv2d(filters = 4, kernel = 3, stride = 2, padding = Padding.SAME, activation = RELU)
    Layer conv1;

    @Conv2d(filters = 3, kernel = 4, stride = 2, padding = Padding.SAME)
    Layer conv2;

    @Conv2d(filters = 2, kernel = 5, padding = Padding.SAME)
    Layer conv3;

    @Flatten
    Layer flat;

    @Dense(units = 3)
    Layer out;
  }

  /**
   * {@link PaddedStrides} and {@link SameStrides} wide enough for the vector kernels' blocks of
   * four pixels.
   */
  @Network(input = {5, 15, 14}, loss = Loss.SOFTMAX_CROSS_ENTROPY)
  abstract static class PaddedStridesWide {
    @Conv2d(filters = 9, kernel = 3, stride = 2, pad = 1, activation = RELU)
    Layer conv1;

    @Conv2d(filters = 6, kernel = 4, stride = 2, padding = Padding.SAME, activation = TANH)
    Layer conv2;

    @Conv2d(filters = 5, kernel = 3, pad = 2)
    Layer conv3;

    @Flatten
    Layer flat;

    @Dense(units = 3)
    Layer out;
  }

  /** A stride-2 convolution padded one row and column on each side: 8x8 -> 4x4. */
  @Network(input = {1, 8, 8}, loss = Loss.SOFTMAX_CROSS_ENTROPY)
  abstract static class PadOneStrideTwo {
    @Conv2d(filters = 2, kernel = 3, stride = 2, pad = 1)
    Layer conv;

    @Flatten
    Layer flat;

    @Dense(units = 3)
    Layer out;
  }

  /** {@link PadOneStrideTwo}'s shapes with SAME, which pads one row and column after the image. */
  @Network(input = {1, 8, 8}, loss = Loss.SOFTMAX_CROSS_ENTROPY)
  abstract static class SameStrideTwo {
    @Conv2d(filters = 2, kernel = 3, stride = 2, padding = Padding.SAME)
    Layer conv;

    @Flatten
    Layer flat;

    @Dense(units = 3)
    Layer out;
  }

  /** Max pooling 2x2 by 4 of a 7x7 image: 2x2 windows. */
  @Network(input = {1, 7, 7}, loss = Loss.SOFTMAX_CROSS_ENTROPY)
  abstract static class PoolStrideFour {
    @MaxPool2d(size = 2, stride = 4)
    Layer pool;

    @Flatten
    Layer flat;

    @Dense(units = 3)
    Layer out;
  }

  /** {@link PoolStrideFour}'s shapes with a pad of 1: other windows. */
  @Network(input = {1, 7, 7}, loss = Loss.SOFTMAX_CROSS_ENTROPY)
  abstract static class PoolStrideFourPadded {
    @MaxPool2d(size = 2, stride = 4, pad = 1)
    Layer pool;

    @Flatten
    Layer flat;

    @Dense(units = 3)
    Layer out;
  }

  /** Max pooling 3x3 by 2 of a 6x6 image padded by 1 on every side: 3x3 windows. */
  @Network(input = {1, 6, 6}, loss = Loss.SOFTMAX_CROSS_ENTROPY)
  abstract static class PoolSixPadded {
    @MaxPool2d(size = 3, stride = 2, pad = 1)
    Layer pool;

    @Flatten
    Layer flat;

    @Dense(units = 3)
    Layer out;
  }

  /** {@link PoolSixPadded}'s shapes with SAME, which pads one row and column after the image. */
  @Network(input = {1, 6, 6}, loss = Loss.SOFTMAX_CROSS_ENTROPY)
  abstract static class PoolSixSame {
    @MaxPool2d(size = 3, stride = 2, padding = Padding.SAME)
    Layer pool;

    @Flatten
    Layer flat;

    @Dense(units = 3)
    Layer out;
  }

  /** {@link PoolStrideFour}'s shapes with average pooling. */
  @Network(input = {1, 7, 7}, loss = Loss.SOFTMAX_CROSS_ENTROPY)
  abstract static class AvgPoolStrideFour {
    @AvgPool2d(size = 2, stride = 4)
    Layer pool;

    @Flatten
    Layer flat;

    @Dense(units = 3)
    Layer out;
  }

  /** Keras's MaxPooling2D(2, padding='same') on an even size: no padding, as VALID. */
  @Network(input = {1, 8, 8}, loss = Loss.SOFTMAX_CROSS_ENTROPY)
  abstract static class SameWithoutPadding {
    @MaxPool2d(size = 2, padding = Padding.SAME)
    Layer pool;

    @Flatten
    Layer flat;

    @Dense(units = 3)
    Layer out;
  }

  /** {@link SameWithoutPadding} declared VALID. */
  @Network(input = {1, 8, 8}, loss = Loss.SOFTMAX_CROSS_ENTROPY)
  abstract static class ValidPoolOfEight {
    @MaxPool2d(size = 2)
    Layer pool;

    @Flatten
    Layer flat;

    @Dense(units = 3)
    Layer out;
  }


  /**
   * 10 dense layers of more than 64 weights each: more than the 8 layers whose setup code the
   * generator writes in one method, so that the rows split's buffers ({@code growSplit}) are grown
   * in parts too.
   */
  @Network(inputs = 16, loss = Loss.SOFTMAX_CROSS_ENTROPY)
  abstract static class TenDense {
    @Dense(units = 16, activation = TANH)
    Layer dense0;

    @Dense(units = 16, activation = RELU)
    Layer dense1;

    @Dense(units = 16, activation = TANH)
    Layer dense2;

    @Dense(units = 16, activation = RELU)
    Layer dense3;

    @Dense(units = 16, activation = TANH)
    Layer dense4;

    @Dense(units = 16, activation = RELU)
    Layer dense5;

    @Dense(units = 16, activation = TANH)
    Layer dense6;

    @Dense(units = 16, activation = RELU)
    Layer dense7;

    @Dense(units = 16, activation = TANH)
    Layer dense8;

    @Dense(units = 5)
    Layer logits;
  }

  /**
   * 40 dense layers of more than 64 weights each: more than the 32 layers that one of the rows
   * split's switches over the layer index holds ({@code splitForward} dispatches to {@code
   * splitForward0} for layers 0 to 31 and {@code splitForward1} for the rest). One layer of each
   * range has no bias, so that its backward stage takes no {@code bias} argument.
   */
  @Network(inputs = 16, loss = Loss.SOFTMAX_CROSS_ENTROPY)
  abstract static class FortyDense {
    @Dense(units = 16, activation = TANH)
    Layer dense0;

    @Dense(units = 16, activation = RELU)
    Layer dense1;

    @Dense(units = 16, activation = TANH)
    Layer dense2;

    @Dense(units = 16, activation = RELU, bias = false)
    Layer dense3;

    @Dense(units = 16, activation = TANH)
    Layer dense4;

    @Dense(units = 16, activation = RELU)
    Layer dense5;

    @Dense(units = 16, activation = TANH)
    Layer dense6;

    @Dense(units = 16, activation = RELU)
    Layer dense7;

    @Dense(units = 16, activation = TANH)
    Layer dense8;

    @Dense(units = 16, activation = RELU)
    Layer dense9;

    @Dense(units = 16, activation = TANH)
    Layer dense10;

    @Dense(units = 16, activation = RELU)
    Layer dense11;

    @Dense(units = 16, activation = TANH)
    Layer dense12;

    @Dense(units = 16, activation = RELU)
    Layer dense13;

    @Dense(units = 16, activation = TANH)
    Layer dense14;

    @Dense(units = 16, activation = RELU)
    Layer dense15;

    @Dense(units = 16, activation = TANH)
    Layer dense16;

    @Dense(units = 16, activation = RELU)
    Layer dense17;

    @Dense(units = 16, activation = TANH)
    Layer dense18;

    @Dense(units = 16, activation = RELU)
    Layer dense19;

    @Dense(units = 16, activation = TANH)
    Layer dense20;

    @Dense(units = 16, activation = RELU)
    Layer dense21;

    @Dense(units = 16, activation = TANH)
    Layer dense22;

    @Dense(units = 16, activation = RELU)
    Layer dense23;

    @Dense(units = 16, activation = TANH)
    Layer dense24;

    @Dense(units = 16, activation = RELU)
    Layer dense25;

    @Dense(units = 16, activation = TANH)
    Layer dense26;

    @Dense(units = 16, activation = RELU)
    Layer dense27;

    @Dense(units = 16, activation = TANH)
    Layer dense28;

    @Dense(units = 16, activation = RELU)
    Layer dense29;

    @Dense(units = 16, activation = TANH)
    Layer dense30;

    @Dense(units = 16, activation = RELU)
    Layer dense31;

    @Dense(units = 16, activation = TANH)
    Layer dense32;

    @Dense(units = 16, activation = RELU)
    Layer dense33;

    @Dense(units = 16, activation = TANH)
    Layer dense34;

    @Dense(units = 16, activation = RELU, bias = false)
    Layer dense35;

    @Dense(units = 16, activation = TANH)
    Layer dense36;

    @Dense(units = 16, activation = RELU)
    Layer dense37;

    @Dense(units = 16, activation = TANH)
    Layer dense38;

    @Dense(units = 5)
    Layer logits;
  }

  /**
   * 73 layers: a step's methods must not grow with the depth (each backward pass zeroes its own
   * gradients, where one method zeroing every layer's would pass 2,000 bytes). Dense layers of
   * 256 weights (written with loops, so their gradients are summed into and zeroed first), with a
   * batch norm (whose affine gradients are as well) after every eighth.
   */
  @Network(inputs = 16, loss = Loss.SOFTMAX_CROSS_ENTROPY)
  abstract static class Deep {
    @Dense(units = 16, activation = TANH)
    Layer dense0;

    @Dense(units = 16, activation = TANH)
    Layer dense1;

    @Dense(units = 16, activation = TANH)
    Layer dense2;

    @Dense(units = 16, activation = TANH)
    Layer dense3;

    @Dense(units = 16, activation = TANH)
    Layer dense4;

    @Dense(units = 16, activation = TANH)
    Layer dense5;

    @Dense(units = 16, activation = TANH)
    Layer dense6;

    @Dense(units = 16, activation = TANH)
    Layer dense7;

    @BatchNorm
    Layer norm0;

    @Dense(units = 16, activation = TANH)
    Layer dense8;

    @Dense(units = 16, activation = TANH)
    Layer dense9;

    @Dense(units = 16, activation = TANH)
    Layer dense10;

    @Dense(units = 16, activation = TANH)
    Layer dense11;

    @Dense(units = 16, activation = TANH)
    Layer dense12;

    @Dense(units = 16, activation = TANH)
    Layer dense13;

    @Dense(units = 16, activation = TANH)
    Layer dense14;

    @Dense(units = 16, activation = TANH)
    Layer dense15;

    @BatchNorm
    Layer norm1;

    @Dense(units = 16, activation = TANH)
    Layer dense16;

    @Dense(units = 16, activation = TANH)
    Layer dense17;

    @Dense(units = 16, activation = TANH)
    Layer dense18;

    @Dense(units = 16, activation = TANH)
    Layer dense19;

    @Dense(units = 16, activation = TANH)
    Layer dense20;

    @Dense(units = 16, activation = TANH)
    Layer dense21;

    @Dense(units = 16, activation = TANH)
    Layer dense22;

    @Dense(units = 16, activation = TANH)
    Layer dense23;

    @BatchNorm
    Layer norm2;

    @Dense(units = 16, activation = TANH)
    Layer dense24;

    @Dense(units = 16, activation = TANH)
    Layer dense25;

    @Dense(units = 16, activation = TANH)
    Layer dense26;

    @Dense(units = 16, activation = TANH)
    Layer dense27;

    @Dense(units = 16, activation = TANH)
    Layer dense28;

    @Dense(units = 16, activation = TANH)
    Layer dense29;

    @Dense(units = 16, activation = TANH)
    Layer dense30;

    @Dense(units = 16, activation = TANH)
    Layer dense31;

    @BatchNorm
    Layer norm3;

    @Dense(units = 16, activation = TANH)
    Layer dense32;

    @Dense(units = 16, activation = TANH)
    Layer dense33;

    @Dense(units = 16, activation = TANH)
    Layer dense34;

    @Dense(units = 16, activation = TANH)
    Layer dense35;

    @Dense(units = 16, activation = TANH)
    Layer dense36;

    @Dense(units = 16, activation = TANH)
    Layer dense37;

    @Dense(units = 16, activation = TANH)
    Layer dense38;

    @Dense(units = 16, activation = TANH)
    Layer dense39;

    @BatchNorm
    Layer norm4;

    @Dense(units = 16, activation = TANH)
    Layer dense40;

    @Dense(units = 16, activation = TANH)
    Layer dense41;

    @Dense(units = 16, activation = TANH)
    Layer dense42;

    @Dense(units = 16, activation = TANH)
    Layer dense43;

    @Dense(units = 16, activation = TANH)
    Layer dense44;

    @Dense(units = 16, activation = TANH)
    Layer dense45;

    @Dense(units = 16, activation = TANH)
    Layer dense46;

    @Dense(units = 16, activation = TANH)
    Layer dense47;

    @BatchNorm
    Layer norm5;

    @Dense(units = 16, activation = TANH)
    Layer dense48;

    @Dense(units = 16, activation = TANH)
    Layer dense49;

    @Dense(units = 16, activation = TANH)
    Layer dense50;

    @Dense(units = 16, activation = TANH)
    Layer dense51;

    @Dense(units = 16, activation = TANH)
    Layer dense52;

    @Dense(units = 16, activation = TANH)
    Layer dense53;

    @Dense(units = 16, activation = TANH)
    Layer dense54;

    @Dense(units = 16, activation = TANH)
    Layer dense55;

    @BatchNorm
    Layer norm6;

    @Dense(units = 16, activation = TANH)
    Layer dense56;

    @Dense(units = 16, activation = TANH)
    Layer dense57;

    @Dense(units = 16, activation = TANH)
    Layer dense58;

    @Dense(units = 16, activation = TANH)
    Layer dense59;

    @Dense(units = 16, activation = TANH)
    Layer dense60;

    @Dense(units = 16, activation = TANH)
    Layer dense61;

    @Dense(units = 16, activation = TANH)
    Layer dense62;

    @Dense(units = 16, activation = TANH)
    Layer dense63;

    @BatchNorm
    Layer norm7;

    @Dense(units = 3)
    Layer out;
  }
}
