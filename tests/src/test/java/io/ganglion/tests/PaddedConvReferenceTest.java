package io.ganglion.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ganglion.Model;
import io.ganglion.Parameter;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Convolutions with an explicit pad or SAME and a stride against a direct double-precision
 * computation of their definitions (PyTorch's padding, Keras's 'same'), on a network wide enough for the vector kernels (which this suite also
 * runs with): every output row and column, at both borders, on each kernel path.
 */
class PaddedConvReferenceTest {

  @Test
  void paddedStridedConvolutionsAsDefined() {
    Model net = new Net_Networks_PaddedStridesWide(3);
    SplittableRandom random = new SplittableRandom(8);
    for (Parameter p : net.parameters()) {
      for (int e = 0; e < p.size(); e++) {
        p.set(e, (float) random.nextDouble(-0.3, 0.3));
      }
    }
    int batch = 3;
    float[] x = new float[batch * net.inputSize()];
    for (int k = 0; k < x.length; k++) {
      x[k] = (float) random.nextDouble(-1, 1);
    }
    float[] outputs = new float[batch * 3];
    net.predictBatch(x, 0, batch, outputs);
    for (int n = 0; n < batch; n++) {
      double[] a = new double[5 * 15 * 14];
      for (int k = 0; k < a.length; k++) {
        a[k] = x[n * a.length + k];
      }
      // conv1: 5x15x14 -> 9x8x7 (kernel 3, stride 2, pad 1, ReLU)
      a = conv(a, 5, 15, 14, net.parameter("conv1.weight"), net.parameter("conv1.bias"), 9, 3, 2,
          1, 1, 8, 7, v -> Math.max(0, v));
      // conv2: 9x8x7 -> 6x4x4 (kernel 4, stride 2, SAME as Keras: 2 rows, 1 above, and 3
      // columns, 1 left; tanh)
      a = conv(a, 9, 8, 7, net.parameter("conv2.weight"), net.parameter("conv2.bias"), 6, 4, 2,
          1, 1, 4, 4, Math::tanh);
      // conv3: 6x4x4 -> 5x6x6 (kernel 3, stride 1, pad 2)
      a = conv(a, 6, 4, 4, net.parameter("conv3.weight"), net.parameter("conv3.bias"), 5, 3, 1,
          2, 2, 6, 6, v -> v);
      assertEquals(180, a.length);
      Parameter w = net.parameter("out.weight");
      Parameter b = net.parameter("out.bias");
      double[] logits = new double[3];
      double max = Double.NEGATIVE_INFINITY;
      for (int o = 0; o < 3; o++) {
        double z = b.get(o);
        for (int i = 0; i < 180; i++) {
          z += w.get(o * 180 + i) * a[i];
        }
        logits[o] = z;
        max = Math.max(max, z);
      }
      double sum = 0;
      for (int o = 0; o < 3; o++) {
        sum += Math.exp(logits[o] - max);
      }
      for (int o = 0; o < 3; o++) {
        double expected = Math.exp(logits[o] - max) / sum;
        assertEquals(expected, outputs[n * 3 + o], 2e-6, "sample " + n + ", output " + o);
      }
    }
  }

  /**
   * A convolution as defined: zeros {@code top} rows above and {@code left} columns left of the
   * image (and below and right of it as far as the windows reach), windows every stride.
   */
  private static double[] conv(double[] x, int channels, int height, int width, Parameter weight,
      Parameter bias, int filters, int k, int stride, int top, int left, int outHeight,
      int outWidth, DoubleUnaryOperator activation) {
    double[] y = new double[filters * outHeight * outWidth];
    for (int f = 0; f < filters; f++) {
      for (int oy = 0; oy < outHeight; oy++) {
        for (int ox = 0; ox < outWidth; ox++) {
          double z = bias.get(f);
          for (int c = 0; c < channels; c++) {
            for (int ky = 0; ky < k; ky++) {
              for (int kx = 0; kx < k; kx++) {
                int iy = oy * stride - top + ky;
                int ix = ox * stride - left + kx;
                if (iy >= 0 && iy < height && ix >= 0 && ix < width) {
                  z += weight.get(((f * channels + c) * k + ky) * k + kx)
                      * x[(c * height + iy) * width + ix];
                }
              }
            }
          }
          y[(f * outHeight + oy) * outWidth + ox] = activation.applyAsDouble(z);
        }
      }
    }
    return y;
  }
}
