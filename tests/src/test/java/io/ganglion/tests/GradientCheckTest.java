package io.ganglion.tests;

import io.ganglion.Loss;
import io.ganglion.Model;
import io.ganglion.Parameter;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Compares the generated backward pass with central finite differences of the generated forward
 * pass, for every parameter element, every activation and loss, with and without bias, at batch
 * sizes 1, 7 and 13 (leaving remainders after the 4-sample blocks).
 */
class GradientCheckTest {
  static Stream<Arguments> cases() {
    Stream.Builder<Arguments> cases = Stream.builder();
    for (int batch : new int[] {1, 7, 13}) {
      for (boolean labels : new boolean[] {true, false}) {
        cases.add(Arguments.of("SoftmaxTanhSigmoid", batch, labels));
        cases.add(Arguments.of("BinaryLeakyRelu", batch, labels));
        cases.add(Arguments.of("MseSoftmaxOutput", batch, labels));
        cases.add(Arguments.of("WideSoftmaxTanhSigmoid", batch, labels));
        cases.add(Arguments.of("WideBinaryLeakyRelu", batch, labels));
        cases.add(Arguments.of("WideMseSoftmaxOutput", batch, labels));
      }
      cases.add(Arguments.of("MseRegression", batch, false));
      cases.add(Arguments.of("MaeRegression", batch, false));
      cases.add(Arguments.of("MaeRegression", batch, true));
      cases.add(Arguments.of("HuberRegression", batch, false));
      cases.add(Arguments.of("HuberRegression", batch, true));
      cases.add(Arguments.of("WideMseRegression", batch, false));
      cases.add(Arguments.of("Boundary", batch, false));
      cases.add(Arguments.of("VectorEdges", batch, true));
      cases.add(Arguments.of("NarrowVectorOnly", batch, true));
      cases.add(Arguments.of("SmoothActivations", batch, false));
      cases.add(Arguments.of("WideSmoothActivations", batch, true));
      cases.add(Arguments.of("WideSmoothActivations", batch, false));
      cases.add(Arguments.of("InputDerivatives", batch, false));
      cases.add(Arguments.of("WideInputDerivatives", batch, true));
    }
    return cases.build();
  }

  static Model network(String name, long seed) {
    switch (name) {
      case "SoftmaxTanhSigmoid":
        return new Net_Networks_SoftmaxTanhSigmoid(seed);
      case "BinaryLeakyRelu":
        return new Net_Networks_BinaryLeakyRelu(seed);
      case "MseSoftmaxOutput":
        return new Net_Networks_MseSoftmaxOutput(seed);
      case "MseRegression":
        return new Net_Networks_MseRegression(seed);
      case "MaeRegression":
        return new Net_Networks_MaeRegression(seed);
      case "HuberRegression":
        return new Net_Networks_HuberRegression(seed);
      case "VectorEdges":
        return new Net_Networks_VectorEdges(seed);
      case "WideSoftmaxTanhSigmoid":
        return new Net_Networks_WideSoftmaxTanhSigmoid(seed);
      case "WideBinaryLeakyRelu":
        return new Net_Networks_WideBinaryLeakyRelu(seed);
      case "WideMseSoftmaxOutput":
        return new Net_Networks_WideMseSoftmaxOutput(seed);
      case "WideMseRegression":
        return new Net_Networks_WideMseRegression(seed);
      case "Boundary":
        return new Net_Networks_Boundary(seed);
      case "NarrowVectorOnly":
        return new Net_Networks_NarrowVectorOnly(seed);
      case "SmoothActivations":
        return new Net_Networks_SmoothActivations(seed);
      case "WideSmoothActivations":
        return new Net_Networks_WideSmoothActivations(seed);
      case "InputDerivatives":
        return new Net_Networks_InputDerivatives(seed);
      case "WideInputDerivatives":
        return new Net_Networks_WideInputDerivatives(seed);
      default:
        throw new IllegalArgumentException(name);
    }
  }

  @ParameterizedTest(name = "{0}, batch {1}, labels {2}")
  @MethodSource("cases")
  void backwardMatchesFiniteDifferences(String name, int batch, boolean useLabels) {
    Model model = network(name, 7);
    SplittableRandom random = new SplittableRandom(11);
    FiniteDifferences.perturb(model, random);
    float[] x = FiniteDifferences.inputs(random, batch * model.inputSize());
    int[] labels = null;
    float[] targets = null;
    if (useLabels) {
      labels = new int[batch];
      for (int n = 0; n < batch; n++) {
        labels[n] = random.nextInt(Math.max(2, model.outputSize()));
      }
    } else {
      targets = new float[batch * model.outputSize()];
      // Huber's targets spread over [-3, 3]: errors on both sides of 1, its quadratic and its
      // linear part.
      float spread = model.loss() == Loss.HUBER ? 6f : 1f;
      for (int k = 0; k < targets.length; k++) {
        targets[k] = spread * ((float) random.nextDouble() - (spread > 1 ? 0.5f : 0f));
      }
      if (model.loss() == Loss.SOFTMAX_CROSS_ENTROPY) {
        normalizeRows(targets, model.outputSize());
      }
    }
    model.forwardBackward(x, 0, labels, targets, batch, 1f / batch);

    for (Parameter p : model.parameters()) {
      int[] l = labels;
      float[] t = targets;
      FiniteDifferences.assertMatches(
          p, FiniteDifferences.gradientOf(p), () -> model.lossSum(x, 0, l, t, batch) / batch);
    }
  }

  private static void normalizeRows(float[] t, int width) {
    for (int r = 0; r < t.length / width; r++) {
      float sum = 0;
      for (int k = 0; k < width; k++) {
        sum += t[r * width + k];
      }
      for (int k = 0; k < width; k++) {
        t[r * width + k] /= sum;
      }
    }
  }
}
