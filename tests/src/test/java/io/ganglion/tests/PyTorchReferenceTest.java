package io.ganglion.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ganglion.Layer;
import io.ganglion.Loss;
import io.ganglion.Model;
import io.ganglion.Parameter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Compares generated networks with PyTorch 1.13 (float64) on the same weights and inputs:
 * inference outputs, and for training the loss, every gradient and the running statistics after
 * one step. The values come from {@code pytorch/make_fixtures.py}, which documents the formulas
 * for the weights and inputs that both sides compute; CI has no PyTorch, so its output is
 * committed.
 */
class PyTorchReferenceTest {
  private static final double TOLERANCE = 1e-5;

  @Test
  void convValidMaxPool() throws IOException {
    check(new Net_Networks_ConvValidMaxPool(1), "ConvValidMaxPool", 3, new int[] {1, 3, 0});
  }

  @Test
  void convStridedAvgPool() throws IOException {
    check(new Net_Networks_ConvStridedAvgPool(1), "ConvStridedAvgPool", 2, null);
  }

  @Test
  void stridesThatLeaveRowsOverDropThem() throws IOException {
    check(new Net_Networks_FlooredStrides(1), "FlooredStrides", 3, new int[] {2, 0, 1});
  }

  @Test
  void explicitPaddingWithStridesAsPyTorchPads() throws IOException {
    Model net = new Net_Networks_PaddedStrides(1);
    check(net, "PaddedStrides", 3, new int[] {2, 0, 1});
    assertTrue(net.summary().contains("Conv2d 3x3/2 pad 1"), net.summary());
    assertTrue(net.summary().contains("4x4x3"), net.summary());
  }

  @Test
  void paddedPoolingAsPyTorchPads() throws IOException {
    Model net = new Net_Networks_PaddedPools(1);
    check(net, "PaddedPools", 3, new int[] {0, 2, 1});
    assertTrue(net.summary().contains("MaxPool2d 3x3/2 pad 1"), net.summary());
    assertTrue(net.summary().contains("AvgPool2d 2x2/1 pad 1"), net.summary());
  }

  @Test
  void samePoolingAsKerasPads() throws IOException {
    Model net = new Net_Networks_SamePools(1);
    check(net, "SamePools", 3, new int[] {1, 0, 2});
    assertTrue(net.summary().contains("MaxPool2d 3x3/2 same"), net.summary());
    assertTrue(net.summary().contains("AvgPool2d 2x2/1 same"), net.summary());
  }

  @Test
  void sameWithStridesAsKerasPads() throws IOException {
    Model net = new Net_Networks_SameStrides(1);
    check(net, "SameStrides", 3, new int[] {1, 2, 0});
    assertTrue(net.summary().contains("Conv2d 3x3/2 same  4x4x3"), net.summary());
    assertTrue(net.summary().contains("Conv2d 4x4/2 same  3x2x2"), net.summary());
  }

  @Test
  void sameConvolutionsWithKernelsLargerThanTheInput() throws IOException {
    check(new Net_Networks_SameLargeKernels(1), "SameLargeKernels", 3, null);
  }

  @Test
  void batchNormTrainingAndInference() throws IOException {
    check(new Net_Networks_BatchNormFirst(1), "BatchNormFirst", 4, null);
  }

  @Test
  void batchNormWithItsActivationTrainingAndInference() throws IOException {
    check(new Net_Networks_BatchNormActivations(1), "BatchNormActivations", 4,
        new int[] {0, 2, 1, 2});
    Model net = new Net_Networks_BatchNormActivations(1);
    assertTrue(net.summary().contains("norm1    BatchNorm   4x4x4   RELU"), net.summary());
    assertTrue(net.spec().contains("norm2=BatchNorm(6->6,TANH)"), net.spec());
  }

  @Test
  void batchNormWithoutScaleAndShift() throws IOException {
    Model net = new Net_Networks_NonAffineNorms(1);
    check(net, "NonAffineNorms", 4, new int[] {2, 1, 0, 2});
    assertEquals(List.of("conv.weight", "hidden.weight", "logits.weight", "logits.bias"),
        new Net_Networks_NonAffineNorms(1).parameters().stream().map(Parameter::name).toList());
    assertTrue(net.summary().contains("norm1    BatchNorm   4x4x4   RELU             0"),
        net.summary());
    assertTrue(net.spec().contains("norm2=BatchNorm(6->6,SILU,noaffine)"), net.spec());
    assertEquals("norm1: the batch norm was declared with affine = false, without a weight"
        + " (scale)", assertThrows(IllegalStateException.class, () -> net.layers().get(1).weight())
            .getMessage());
    assertFalse(net.layers().get(1).hasBias());
    check(new Net_Networks_NonAffineFirst(1), "NonAffineFirst", 4, null);
  }

  /**
   * {@code cumulativeAverage}: after each of three training passes the running statistics and the
   * count ({@code num_batches_tracked}, among the buffers compared) are PyTorch's with {@code
   * momentum=None} (the k-th batch weighs 1/k).
   */
  @Test
  void batchNormCumulativeAverageAsPyTorchsMomentumNone() throws IOException {
    Model net = new Net_Networks_CumulativeNorms(1);
    Map<String, double[]> expected = read("CumulativeNorms.txt");
    fill(net);
    int batch = 3;
    int width = net.inputSize();
    float[] x = new float[3 * batch * width];
    for (int k = 0; k < x.length; k++) {
      x[k] = (float) Math.cos(0.37 * k + 0.2);
    }
    float[] targets = new float[3 * batch * net.outputSize()];
    for (int step = 0; step < 3; step++) {
      net.forwardBackward(x, step * batch, null, targets, batch, 1f / batch);
      for (Parameter b : net.buffers()) {
        assertClose(expected.get(b.name() + ".after" + (step + 1)), b.toArray(),
            "CumulativeNorms " + b.name() + " after step " + (step + 1));
      }
    }
  }

  @Test
  void eluSeluAndSoftplusAsPyTorchComputesThem() throws IOException {
    check(new Net_Networks_SmoothActivations(1), "SmoothActivations", 4, null);
    check(new Net_Networks_ConvSmoothActivations(1), "ConvSmoothActivations", 4,
        new int[] {2, 0, 1, 1});
  }

  @Test
  void geluAndSiluAsPyTorchComputesThem() throws IOException {
    check(new Net_Networks_InputDerivatives(1), "InputDerivatives", 4, null);
    check(new Net_Networks_ConvInputDerivatives(1), "ConvInputDerivatives", 4,
        new int[] {1, 2, 0, 2});
  }

  @Test
  void dropoutAndBatchNormInference() throws IOException {
    check(new Net_Networks_DropoutBatchNorm(1), "DropoutBatchNorm", 2, null);
  }

  private static void check(Model model, String name, int batch, int[] labels)
      throws IOException {
    Map<String, double[]> expected = read(name + ".txt");
    fill(model);
    float[] x = new float[batch * model.inputSize()];
    for (int k = 0; k < x.length; k++) {
      x[k] = (float) Math.cos(0.37 * k + 0.2);
    }
    float[] outputs = new float[batch * model.outputSize()];
    model.predictBatch(x, 0, batch, outputs);
    assertClose(expected.get("output"), outputs, name + " output");
    if (!expected.containsKey("loss")) {
      return;
    }
    float[] targets = null;
    if (model.loss() != Loss.SOFTMAX_CROSS_ENTROPY) {
      targets = new float[outputs.length];
      for (int k = 0; k < targets.length; k++) {
        targets[k] = (float) (0.1 * (k % 7));
      }
    }
    double loss = model.forwardBackward(x, 0, labels, targets, batch, 1f / batch) / batch;
    assertEquals(expected.get("loss")[0], loss, TOLERANCE, name + " loss");
    for (Parameter p : model.parameters()) {
      float[] gradient = new float[p.size()];
      p.copyGradientTo(gradient);
      assertClose(expected.get(p.name() + ".grad"), gradient, name + " " + p.name() + ".grad");
    }
    for (Parameter b : model.buffers()) {
      if (!b.name().endsWith("num_batches_tracked")) {
        assertClose(expected.get(b.name() + ".after"), b.toArray(), name + " " + b.name());
      }
    }
  }

  /** Sets every tensor, in state_dict order, from the formulas of make_fixtures.py. */
  private static void fill(Model model) {
    Map<String, Parameter> byName = new HashMap<>();
    for (Parameter p : model.parameters()) {
      byName.put(p.name(), p);
    }
    for (Parameter b : model.buffers()) {
      byName.put(b.name(), b);
    }
    int t = 0;
    for (Layer layer : model.layers()) {
      for (String suffix : new String[] {"weight", "bias", "running_mean", "running_var",
          "num_batches_tracked"}) {
        Parameter p = byName.get(layer.name() + "." + suffix);
        if (p == null) {
          continue;
        }
        if (!suffix.equals("num_batches_tracked")) {
          for (int e = 0; e < p.size(); e++) {
            double v = Math.sin(0.7 * e + 1.3 * t + 0.1);
            p.set(e, (float) (suffix.equals("running_var") ? 0.5 + 0.25 * (1 + v) : 0.8 * v));
          }
        }
        t++;
      }
    }
  }

  private static void assertClose(double[] expected, float[] actual, String what) {
    assertTrue(expected != null, what + ": missing from the fixture");
    assertEquals(expected.length, actual.length, what + ": length");
    for (int k = 0; k < expected.length; k++) {
      double tolerance = TOLERANCE * Math.max(1, Math.abs(expected[k]));
      assertEquals(expected[k], actual[k], tolerance, what + "[" + k + "]");
    }
  }

  private static Map<String, double[]> read(String file) throws IOException {
    Map<String, double[]> values = new HashMap<>();
    try (InputStream in = PyTorchReferenceTest.class.getResourceAsStream("pytorch/" + file)) {
      assertTrue(in != null, file + " must be on the test class path");
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (line.isBlank()) {
          continue;
        }
        String[] parts = line.trim().split(" ");
        List<Double> numbers = new ArrayList<>();
        for (int k = 1; k < parts.length; k++) {
          numbers.add(Double.parseDouble(parts[k]));
        }
        values.put(parts[0], numbers.stream().mapToDouble(Double::doubleValue).toArray());
      }
    }
    return values;
  }
}
