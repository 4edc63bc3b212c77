package io.ganglion.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ganglion.Layer;
import io.ganglion.Model;
import io.ganglion.Parameter;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Finite-difference checks of the image layers, dropout and batch norm: every parameter element of
 * networks with VALID and SAME (odd and even) convolutions, strides, max and average pooling with
 * and without overlap, flattening, dropout with a fixed mask and batch norm in training mode. The
 * loss differentiated is the training loss that {@code forwardBackward} returns (the mask is
 * repeated by resetting the dropout step), so batch norm is checked through its batch statistics.
 */
class ConvGradientCheckTest {
  static Stream<Arguments> cases() {
    Stream.Builder<Arguments> cases = Stream.builder();
    for (int batch : new int[] {1, 5}) {
      cases.add(Arguments.of("ConvValidMaxPool", batch));
      cases.add(Arguments.of("ConvStridedAvgPool", batch));
      cases.add(Arguments.of("PoolFirst", batch));
      cases.add(Arguments.of("ConvVectorEdges", batch));
      cases.add(Arguments.of("ConvStridedQuads", batch));
      cases.add(Arguments.of("ConvWideRelu", batch));
      cases.add(Arguments.of("ConvWidePool", batch));
      cases.add(Arguments.of("PaddedStrides", batch));
      cases.add(Arguments.of("PaddedStridesWide", batch));
      cases.add(Arguments.of("SameStrides", batch));
      cases.add(Arguments.of("PaddedPools", batch));
      cases.add(Arguments.of("PaddedPoolsWide", batch));
      cases.add(Arguments.of("SamePools", batch));
    }
    for (int batch : new int[] {3, 7}) {
      cases.add(Arguments.of("DropoutBatchNorm", batch));
      cases.add(Arguments.of("BatchNormFirst", batch));
      cases.add(Arguments.of("DropoutFirst", batch));
      cases.add(Arguments.of("FlooredStrides", batch));
      cases.add(Arguments.of("SameLargeKernels", batch));
      cases.add(Arguments.of("BatchNormActivations", batch));
      cases.add(Arguments.of("ConvSmoothActivations", batch));
      cases.add(Arguments.of("ConvInputDerivatives", batch));
      cases.add(Arguments.of("NonAffineNorms", batch));
      cases.add(Arguments.of("NonAffineFirst", batch));
    }
    return cases.build();
  }

  static Model network(String name, long seed) {
    switch (name) {
      case "ConvValidMaxPool":
        return new Net_Networks_ConvValidMaxPool(seed);
      case "ConvStridedAvgPool":
        return new Net_Networks_ConvStridedAvgPool(seed);
      case "PoolFirst":
        return new Net_Networks_PoolFirst(seed);
      case "ConvVectorEdges":
        return new Net_Networks_ConvVectorEdges(seed);
      case "ConvStridedQuads":
        return new Net_Networks_ConvStridedQuads(seed);
      case "ConvWideRelu":
        return new Net_Networks_ConvWideRelu(seed);
      case "ConvWidePool":
        return new Net_Networks_ConvWidePool(seed);
      case "PaddedStrides":
        return new Net_Networks_PaddedStrides(seed);
      case "PaddedStridesWide":
        return new Net_Networks_PaddedStridesWide(seed);
      case "SameStrides":
        return new Net_Networks_SameStrides(seed);
      case "PaddedPools":
        return new Net_Networks_PaddedPools(seed);
      case "PaddedPoolsWide":
        return new Net_Networks_PaddedPoolsWide(seed);
      case "SamePools":
        return new Net_Networks_SamePools(seed);
      case "DropoutBatchNorm":
        return new Net_Networks_DropoutBatchNorm(seed);
      case "BatchNormFirst":
        return new Net_Networks_BatchNormFirst(seed);
      case "DropoutFirst":
        return new Net_Networks_DropoutFirst(seed);
      case "FlooredStrides":
        return new Net_Networks_FlooredStrides(seed);
      case "SameLargeKernels":
        return new Net_Networks_SameLargeKernels(seed);
      case "BatchNormActivations":
        return new Net_Networks_BatchNormActivations(seed);
      case "ConvSmoothActivations":
        return new Net_Networks_ConvSmoothActivations(seed);
      case "ConvInputDerivatives":
        return new Net_Networks_ConvInputDerivatives(seed);
      case "NonAffineNorms":
        return new Net_Networks_NonAffineNorms(seed);
      case "NonAffineFirst":
        return new Net_Networks_NonAffineFirst(seed);
      default:
        throw new IllegalArgumentException(name);
    }
  }

  /** The mean training loss with the same dropout mask every time. */
  private static double loss(Model model, float[] x, int[] labels, float[] targets, int batch) {
    if (model instanceof Net_Networks_DropoutBatchNorm) {
      ((Net_Networks_DropoutBatchNorm) model).dropoutStep = 3;
    }
    if (model instanceof Net_Networks_DropoutFirst) {
      ((Net_Networks_DropoutFirst) model).dropoutStep = 3;
    }
    return model.forwardBackward(x, 0, labels, targets, batch, 1f / batch) / batch;
  }

  @ParameterizedTest(name = "{0}, batch {1}")
  @MethodSource("cases")
  void backwardMatchesFiniteDifferences(String name, int batch) {
    Model model = network(name, 5);
    SplittableRandom random = new SplittableRandom(13);
    FiniteDifferences.perturb(model, random);
    float[] x = FiniteDifferences.inputs(random, batch * model.inputSize());
    int[] labels = null;
    float[] targets = null;
    if (model.loss().takesLabels()) {
      labels = new int[batch];
      for (int n = 0; n < batch; n++) {
        labels[n] = random.nextInt(model.outputSize());
      }
    } else {
      targets = new float[batch * model.outputSize()];
      for (int k = 0; k < targets.length; k++) {
        targets[k] = (float) random.nextDouble();
      }
    }
    loss(model, x, labels, targets, batch);
    List<Parameter> parameters = model.parameters();
    // Every loss evaluation overwrites the gradients: keep the analytic ones first.
    float[][] analytic = new float[parameters.size()][];
    for (int k = 0; k < analytic.length; k++) {
      analytic[k] = FiniteDifferences.gradientOf(parameters.get(k));
    }
    int[] l = labels;
    float[] t = targets;
    for (int k = 0; k < analytic.length; k++) {
      FiniteDifferences.assertMatches(
          parameters.get(k), analytic[k], () -> loss(model, x, l, t, batch));
    }
  }

  @Test
  void layerViewsDescribeImageLayers() {
    Net_Networks_ConvValidMaxPool net = new Net_Networks_ConvValidMaxPool(4);
    Layer conv = net.layer("conv2");
    assertEquals("Conv2d", conv.kind());
    assertArrayEquals(new int[] {5, 3, 3}, conv.inputShape());
    assertArrayEquals(new int[] {6, 3, 3}, conv.outputShape());
    assertArrayEquals(new int[] {6, 5, 2, 2}, conv.weight().shape());
    // weight(filter, k) is W[filter][channel][ky][kx] with k the flat (channel, ky, kx) index.
    assertEquals(conv.weight().get(3 * 20 + 7), conv.weight(3, 7));
    assertEquals(conv.bias().get(5), conv.bias(5));
    assertEquals("MaxPool2d", net.layer("pool1").kind());
    assertEquals(5 * 7 * 7 * 2 * 9 + 6 * 3 * 3 * 5 * 4 + 54 * 4, net.multiplyAdds());
    assertEquals(0, net.layer("flat").parameters().size());
    assertArrayEquals(new int[] {54}, net.layer("flat").outputShape());
    assertEquals("conv2: Conv2d [5, 3, 3] -> [6, 3, 3], SIGMOID", conv.toString());
    // Layers without weights show no activation: they apply none.
    assertEquals("pool1: MaxPool2d [5, 7, 7] -> [5, 3, 3]", net.layer("pool1").toString());
    assertEquals("pool1: a MaxPool2d layer has no bias", assertThrows(
        IllegalStateException.class, () -> net.layer("pool1").bias()).getMessage());
  }

  @Test
  void dropoutIsOffAndBatchNormUsesRunningStatisticsInInference() {
    Net_Networks_DropoutBatchNorm net = new Net_Networks_DropoutBatchNorm(3);
    SplittableRandom random = new SplittableRandom(2);
    float[] x = new float[8 * net.inputSize()];
    for (int k = 0; k < x.length; k++) {
      x[k] = (float) random.nextDouble();
    }
    int[] labels = {0, 1, 2, 0, 1, 2, 0, 1};
    float[] sample = java.util.Arrays.copyOf(x, net.inputSize());
    float[] before = net.predict(sample);
    assertArrayEquals(before, net.predict(sample), "inference must be deterministic");

    double first = net.forwardBackward(x, 0, labels, null, 8, 1f / 8);
    double second = net.forwardBackward(x, 0, labels, null, 8, 1f / 8);
    assertNotEquals(first, second, "each training step draws a new dropout mask");
    assertEquals(
        List.of("norm1.running_mean", "norm1.running_var", "norm1.num_batches_tracked",
            "norm2.running_mean", "norm2.running_var", "norm2.num_batches_tracked"),
        net.buffers().stream().map(Parameter::name).collect(java.util.stream.Collectors.toList()));
    assertEquals(2f, net.buffers().get(2).get(0), "two batches tracked");
    assertNotEquals(0f, net.buffers().get(0).get(0), "running mean moved");
    float[] after = net.predict(sample);
    assertArrayEquals(after, net.predict(sample), "inference must stay deterministic");
    assertNotEquals(before[0], after[0], "inference reads the running statistics");

    // A replica shares the running statistics and does not update them.
    Model replica = net.replica();
    replica.forwardBackward(x, 0, labels, null, 8, 1f / 8);
    assertEquals(2f, net.buffers().get(2).get(0));
    assertArrayEquals(after, replica.predict(sample));
    assertArrayEquals(new int[] {2, 6, 6}, net.inputShape());
  }
}
