package io.ganglion.benchmarks;

import io.ganglion.Model;
import io.ganglion.Parameter;
import java.util.Arrays;

/**
 * The plain Java CNN a Java developer would write without Ganglion, for {@link Networks.Cnn}'s
 * architecture (conv 32 3x3 SAME ReLU, max pool 2, conv 64 3x3 SAME ReLU, max pool 2, dense 64
 * ReLU, dense 10, softmax cross-entropy): weights as {@code float[out][in][kh][kw]} and {@code
 * float[out][in]}, a forward and a backward pass per sample with straightforward nested loops, the
 * gradients summed over the batch, then an SGD update. Its weights are copied from a Ganglion
 * network, so that both compute the same thing from the same start.
 */
final class BaselineCnn {
  static final int SIDE = 28;
  static final int C1 = 32;
  static final int SIDE1 = SIDE / 2;
  static final int C2 = 64;
  static final int SIDE2 = SIDE1 / 2;
  static final int FLAT = C2 * SIDE2 * SIDE2;
  static final int HIDDEN = 64;
  static final int CLASSES = 10;

  final float[][][][] w1 = new float[C1][1][3][3];
  final float[] b1 = new float[C1];
  final float[][][][] w2 = new float[C2][C1][3][3];
  final float[] b2 = new float[C2];
  final float[][] w3 = new float[HIDDEN][FLAT];
  final float[] b3 = new float[HIDDEN];
  final float[][] w4 = new float[CLASSES][HIDDEN];
  final float[] b4 = new float[CLASSES];

  final float[][][][] gw1 = new float[C1][1][3][3];
  final float[] gb1 = new float[C1];
  final float[][][][] gw2 = new float[C2][C1][3][3];
  final float[] gb2 = new float[C2];
  final float[][] gw3 = new float[HIDDEN][FLAT];
  final float[] gb3 = new float[HIDDEN];
  final float[][] gw4 = new float[CLASSES][HIDDEN];
  final float[] gb4 = new float[CLASSES];

  // One sample's activations and their gradients.
  private final float[][][] x = new float[1][SIDE][SIDE];
  private final float[][][] a1 = new float[C1][SIDE][SIDE];
  private final float[][][] p1 = new float[C1][SIDE1][SIDE1];
  private final int[][][] p1Arg = new int[C1][SIDE1][SIDE1];
  private final float[][][] a2 = new float[C2][SIDE1][SIDE1];
  private final float[][][] p2 = new float[C2][SIDE2][SIDE2];
  private final int[][][] p2Arg = new int[C2][SIDE2][SIDE2];
  private final float[] flat = new float[FLAT];
  private final float[] h = new float[HIDDEN];
  private final float[] z = new float[CLASSES];
  private final float[] dz = new float[CLASSES];
  private final float[] dh = new float[HIDDEN];
  private final float[] dFlat = new float[FLAT];
  private final float[][][] dA2 = new float[C2][SIDE1][SIDE1];
  private final float[][][] dP1 = new float[C1][SIDE1][SIDE1];
  private final float[][][] dA1 = new float[C1][SIDE][SIDE];

  /** Copies {@code model}'s parameters (a {@link Networks.Cnn}), in PyTorch order. */
  void copyWeightsFrom(Model model) {
    copy4(model.parameter("conv1.weight"), w1);
    copy1(model.parameter("conv1.bias"), b1);
    copy4(model.parameter("conv2.weight"), w2);
    copy1(model.parameter("conv2.bias"), b2);
    copy2(model.parameter("hidden.weight"), w3);
    copy1(model.parameter("hidden.bias"), b3);
    copy2(model.parameter("logits.weight"), w4);
    copy1(model.parameter("logits.bias"), b4);
  }

  /**
   * Forward and backward passes over {@code count} samples from sample {@code offset}: leaves the
   * gradients summed over the samples in {@code gw1 ... gb4} and returns the sum of the losses.
   */
  double forwardBackward(float[] inputs, int offset, int[] labels, int count) {
    zeroGradients();
    double loss = 0;
    for (int s = offset; s < offset + count; s++) {
      for (int y = 0; y < SIDE; y++) {
        for (int c = 0; c < SIDE; c++) {
          x[0][y][c] = inputs[s * SIDE * SIDE + y * SIDE + c];
        }
      }
      forward();
      loss += softmaxCrossEntropy(labels[s]);
      backward();
    }
    return loss;
  }

  /** One training step: gradients of the batch, then SGD at {@code learningRate}. */
  double trainStep(float[] inputs, int offset, int[] labels, int count, float learningRate) {
    double loss = forwardBackward(inputs, offset, labels, count);
    float step = learningRate / count;
    update(w1, gw1, step);
    update(b1, gb1, step);
    update(w2, gw2, step);
    update(b2, gb2, step);
    for (int o = 0; o < HIDDEN; o++) {
      update(w3[o], gw3[o], step);
    }
    update(b3, gb3, step);
    for (int o = 0; o < CLASSES; o++) {
      update(w4[o], gw4[o], step);
    }
    update(b4, gb4, step);
    return loss / count;
  }

  private void forward() {
    conv(x, w1, b1, a1);
    maxPool(a1, p1, p1Arg);
    conv(p1, w2, b2, a2);
    maxPool(a2, p2, p2Arg);
    int k = 0;
    for (int c = 0; c < C2; c++) {
      for (int y = 0; y < SIDE2; y++) {
        for (int i = 0; i < SIDE2; i++) {
          flat[k++] = p2[c][y][i];
        }
      }
    }
    for (int o = 0; o < HIDDEN; o++) {
      float sum = b3[o];
      for (int i = 0; i < FLAT; i++) {
        sum += w3[o][i] * flat[i];
      }
      h[o] = Math.max(sum, 0f);
    }
    for (int o = 0; o < CLASSES; o++) {
      float sum = b4[o];
      for (int i = 0; i < HIDDEN; i++) {
        sum += w4[o][i] * h[i];
      }
      z[o] = sum;
    }
  }

  /** The loss of the sample after {@link #forward}; leaves its gradient wrt the logits in dz. */
  private double softmaxCrossEntropy(int label) {
    float max = Float.NEGATIVE_INFINITY;
    for (float v : z) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (int j = 0; j < CLASSES; j++) {
      dz[j] = (float) Math.exp(z[j] - max);
      sum += dz[j];
    }
    for (int j = 0; j < CLASSES; j++) {
      dz[j] = (float) (dz[j] / sum);
    }
    dz[label] -= 1f;
    return Math.log(sum) + max - z[label];
  }

  private void backward() {
    Arrays.fill(dh, 0f);
    for (int o = 0; o < CLASSES; o++) {
      gb4[o] += dz[o];
      for (int i = 0; i < HIDDEN; i++) {
        gw4[o][i] += dz[o] * h[i];
        dh[i] += w4[o][i] * dz[o];
      }
    }
    Arrays.fill(dFlat, 0f);
    for (int o = 0; o < HIDDEN; o++) {
      float d = h[o] > 0f ? dh[o] : 0f;
      gb3[o] += d;
      for (int i = 0; i < FLAT; i++) {
        gw3[o][i] += d * flat[i];
        dFlat[i] += w3[o][i] * d;
      }
    }
    // Max pool 2: the gradient goes to the position that was the maximum; ReLU masks it.
    for (int c = 0; c < C2; c++) {
      for (int y = 0; y < SIDE1; y++) {
        Arrays.fill(dA2[c][y], 0f);
      }
      for (int y = 0; y < SIDE2; y++) {
        for (int i = 0; i < SIDE2; i++) {
          int arg = p2Arg[c][y][i];
          int ay = 2 * y + arg / 2;
          int ax = 2 * i + arg % 2;
          if (a2[c][ay][ax] > 0f) {
            dA2[c][ay][ax] = dFlat[(c * SIDE2 + y) * SIDE2 + i];
          }
        }
      }
    }
    convBackward(p1, w2, dA2, gw2, gb2, dP1);
    for (int c = 0; c < C1; c++) {
      for (int y = 0; y < SIDE; y++) {
        Arrays.fill(dA1[c][y], 0f);
      }
      for (int y = 0; y < SIDE1; y++) {
        for (int i = 0; i < SIDE1; i++) {
          int arg = p1Arg[c][y][i];
          int ay = 2 * y + arg / 2;
          int ax = 2 * i + arg % 2;
          if (a1[c][ay][ax] > 0f) {
            dA1[c][ay][ax] = dP1[c][y][i];
          }
        }
      }
    }
    convBackward(x, w1, dA1, gw1, gb1, null);
  }

  /** A 3x3 convolution with zero padding 1 (SAME), then ReLU. */
  private static void conv(float[][][] in, float[][][][] w, float[] b, float[][][] out) {
    int side = in[0].length;
    for (int o = 0; o < out.length; o++) {
      for (int y = 0; y < side; y++) {
        for (int c = 0; c < side; c++) {
          float sum = b[o];
          for (int i = 0; i < in.length; i++) {
            for (int ky = 0; ky < 3; ky++) {
              int iy = y + ky - 1;
              if (iy < 0 || iy >= side) {
                continue;
              }
              for (int kx = 0; kx < 3; kx++) {
                int ix = c + kx - 1;
                if (ix >= 0 && ix < side) {
                  sum += w[o][i][ky][kx] * in[i][iy][ix];
                }
              }
            }
          }
          out[o][y][c] = Math.max(sum, 0f);
        }
      }
    }
  }

  /**
   * Gradients of a 3x3 SAME convolution, given {@code dOut} (already through the ReLU): adds to
   * {@code gw} and {@code gb}, and writes the input gradient to {@code dIn} unless it is null.
   */
  private static void convBackward(float[][][] in, float[][][][] w, float[][][] dOut,
      float[][][][] gw, float[] gb, float[][][] dIn) {
    int side = in[0].length;
    if (dIn != null) {
      for (float[][] plane : dIn) {
        for (float[] row : plane) {
          Arrays.fill(row, 0f);
        }
      }
    }
    for (int o = 0; o < dOut.length; o++) {
      for (int y = 0; y < side; y++) {
        for (int c = 0; c < side; c++) {
          float d = dOut[o][y][c];
          if (d == 0f) {
            continue;
          }
          gb[o] += d;
          for (int i = 0; i < in.length; i++) {
            for (int ky = 0; ky < 3; ky++) {
              int iy = y + ky - 1;
              if (iy < 0 || iy >= side) {
                continue;
              }
              for (int kx = 0; kx < 3; kx++) {
                int ix = c + kx - 1;
                if (ix >= 0 && ix < side) {
                  gw[o][i][ky][kx] += d * in[i][iy][ix];
                  if (dIn != null) {
                    dIn[i][iy][ix] += w[o][i][ky][kx] * d;
                  }
                }
              }
            }
          }
        }
      }
    }
  }

  /** 2x2 max pooling, stride 2; remembers which of the four (row-major, first on ties) won. */
  private static void maxPool(float[][][] in, float[][][] out, int[][][] arg) {
    for (int c = 0; c < out.length; c++) {
      for (int y = 0; y < out[c].length; y++) {
        for (int i = 0; i < out[c][y].length; i++) {
          float best = in[c][2 * y][2 * i];
          int which = 0;
          for (int k = 1; k < 4; k++) {
            float v = in[c][2 * y + k / 2][2 * i + k % 2];
            if (v > best) {
              best = v;
              which = k;
            }
          }
          out[c][y][i] = best;
          arg[c][y][i] = which;
        }
      }
    }
  }

  private void zeroGradients() {
    for (float[][][][] g : new float[][][][][] {gw1, gw2}) {
      for (float[][][] a : g) {
        for (float[][] b : a) {
          for (float[] c : b) {
            Arrays.fill(c, 0f);
          }
        }
      }
    }
    for (float[] row : gw3) {
      Arrays.fill(row, 0f);
    }
    for (float[] row : gw4) {
      Arrays.fill(row, 0f);
    }
    Arrays.fill(gb1, 0f);
    Arrays.fill(gb2, 0f);
    Arrays.fill(gb3, 0f);
    Arrays.fill(gb4, 0f);
  }

  /** The summed gradient of a parameter, by its PyTorch name, flat in PyTorch order. */
  float[] gradientSum(String name) {
    switch (name) {
      case "conv1.weight":
        return flatten(gw1);
      case "conv1.bias":
        return gb1.clone();
      case "conv2.weight":
        return flatten(gw2);
      case "conv2.bias":
        return gb2.clone();
      case "hidden.weight":
        return flatten(gw3);
      case "hidden.bias":
        return gb3.clone();
      case "logits.weight":
        return flatten(gw4);
      case "logits.bias":
        return gb4.clone();
      default:
        throw new IllegalArgumentException("no parameter " + name);
    }
  }

  /** The values of a parameter, by its PyTorch name, flat in PyTorch order. */
  float[] weights(String name) {
    switch (name) {
      case "conv1.weight":
        return flatten(w1);
      case "conv1.bias":
        return b1.clone();
      case "conv2.weight":
        return flatten(w2);
      case "conv2.bias":
        return b2.clone();
      case "hidden.weight":
        return flatten(w3);
      case "hidden.bias":
        return b3.clone();
      case "logits.weight":
        return flatten(w4);
      case "logits.bias":
        return b4.clone();
      default:
        throw new IllegalArgumentException("no parameter " + name);
    }
  }

  private static float[] flatten(float[][][][] w) {
    float[] out = new float[w.length * w[0].length * 9];
    int k = 0;
    for (float[][][] a : w) {
      for (float[][] b : a) {
        for (float[] c : b) {
          for (float v : c) {
            out[k++] = v;
          }
        }
      }
    }
    return out;
  }

  private static float[] flatten(float[][] w) {
    float[] out = new float[w.length * w[0].length];
    for (int o = 0; o < w.length; o++) {
      System.arraycopy(w[o], 0, out, o * w[o].length, w[o].length);
    }
    return out;
  }

  private static void update(float[][][][] w, float[][][][] g, float step) {
    for (int o = 0; o < w.length; o++) {
      for (int i = 0; i < w[o].length; i++) {
        for (int ky = 0; ky < 3; ky++) {
          update(w[o][i][ky], g[o][i][ky], step);
        }
      }
    }
  }

  private static void update(float[] w, float[] g, float step) {
    for (int i = 0; i < w.length; i++) {
      w[i] -= step * g[i];
    }
  }

  private static void copy4(Parameter p, float[][][][] w) {
    int k = 0;
    for (float[][][] a : w) {
      for (float[][] b : a) {
        for (float[] c : b) {
          for (int i = 0; i < c.length; i++) {
            c[i] = p.get(k++);
          }
        }
      }
    }
    check(p, k);
  }

  private static void copy2(Parameter p, float[][] w) {
    int k = 0;
    for (float[] row : w) {
      for (int i = 0; i < row.length; i++) {
        row[i] = p.get(k++);
      }
    }
    check(p, k);
  }

  private static void copy1(Parameter p, float[] b) {
    for (int i = 0; i < b.length; i++) {
      b[i] = p.get(i);
    }
    check(p, b.length);
  }

  private static void check(Parameter p, int copied) {
    if (copied != p.size()) {
      throw new IllegalArgumentException(p.name() + " must have " + copied + " values, but had "
          + p.size());
    }
  }
}
