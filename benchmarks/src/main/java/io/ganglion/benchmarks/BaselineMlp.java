package io.ganglion.benchmarks;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The plain Java MLP a Java developer would write without Ganglion: {@code float[][] W[out][in]}
 * per layer, a forward and a backward pass per sample with the gradients summed over the batch,
 * and an SGD update after each batch. Same data, same initial weights (drawn here with {@link
 * SplittableRandom}, independently of Ganglion's generator) and the same math as the workloads,
 * so its final loss must agree with Ganglion's to float rounding.
 */
final class BaselineMlp implements Peer {
  private final Data data;
  private final int layers;
  private final boolean tanhSigmoidMse;
  private final float learningRate;
  private final float[][][] w;
  private final float[][] b;
  private final float[][][] gw;
  private final float[][] gb;
  /** {@code a[l]} is the output of layer {@code l - 1}; {@code a[0]} is unused (the input). */
  private final float[][] a;
  /** {@code delta[l]}: gradient of the loss with respect to layer {@code l}'s pre-activation. */
  private final float[][] delta;

  BaselineMlp(Workload workload, Data data, int threads) {
    if (threads != 1) {
      throw new UnsupportedOperationException(
          "threads must be 1 for the baseline, but was " + threads);
    }
    this.data = data;
    int[] sizes = workload.sizes();
    this.layers = sizes.length - 1;
    this.tanhSigmoidMse = workload.tanhSigmoidMse();
    this.learningRate = (float) GanglionPeer.LEARNING_RATE;
    w = new float[layers][][];
    b = new float[layers][];
    gw = new float[layers][][];
    gb = new float[layers][];
    a = new float[layers + 1][];
    delta = new float[layers][];
    for (int l = 0; l < layers; l++) {
      int in = sizes[l];
      int out = sizes[l + 1];
      w[l] = new float[out][in];
      b[l] = new float[out];
      gw[l] = new float[out][in];
      gb[l] = new float[out];
      a[l + 1] = new float[out];
      delta[l] = new float[out];
      boolean relu = !tanhSigmoidMse && l < layers - 1;
      double limit = relu ? Math.sqrt(6.0 / in) : Math.sqrt(6.0 / (in + out));
      SplittableRandom random = new SplittableRandom(Networks.SEED + l + 1);
      for (int o = 0; o < out; o++) {
        for (int i = 0; i < in; i++) {
          double u = (random.nextLong() >>> 40) * 0x1.0p-24;
          w[l][o][i] = (float) ((2.0 * u - 1.0) * limit);
        }
      }
    }
  }

  @Override
  public String name() {
    return "baseline";
  }

  @Override
  public double weightSum(int layer) {
    double sum = 0;
    for (float[] row : w[layer]) {
      for (float v : row) {
        sum += v;
      }
    }
    return sum;
  }

  @Override
  public float weight(int layer, int unit, int input) {
    return w[layer][unit][input];
  }

  @Override
  public void trainStep(int offset, int count) {
    for (int s = offset; s < offset + count; s++) {
      forward(data.rows()[s]);
      outputDelta(s);
      backward(data.rows()[s]);
    }
    float scale = learningRate / count;
    for (int l = 0; l < layers; l++) {
      for (int o = 0; o < w[l].length; o++) {
        float[] row = w[l][o];
        float[] g = gw[l][o];
        for (int i = 0; i < row.length; i++) {
          row[i] -= scale * g[i];
          g[i] = 0f;
        }
        b[l][o] -= scale * gb[l][o];
        gb[l][o] = 0f;
      }
    }
  }

  @Override
  public double meanLoss(int count) {
    double sum = 0;
    for (int s = 0; s < count; s++) {
      forward(data.rows()[s]);
      sum += outputDelta(s);
    }
    return sum / count;
  }

  @Override
  public void predict(int sample, float[] out) {
    forward(data.rows()[sample]);
    softmax(a[layers], out, 0);
  }

  @Override
  public void predictBatch(int offset, int count, float[] out) {
    for (int s = 0; s < count; s++) {
      forward(data.rows()[offset + s]);
      softmax(a[layers], out, s * a[layers].length);
    }
  }

  private void forward(float[] x) {
    float[] in = x;
    for (int l = 0; l < layers; l++) {
      float[][] wl = w[l];
      float[] bl = b[l];
      float[] out = a[l + 1];
      boolean last = l == layers - 1;
      for (int o = 0; o < out.length; o++) {
        float[] row = wl[o];
        float sum = bl[o];
        for (int i = 0; i < in.length; i++) {
          sum += row[i] * in[i];
        }
        if (tanhSigmoidMse) {
          out[o] = last ? (float) (1.0 / (1.0 + Math.exp(-sum))) : (float) Math.tanh(sum);
        } else {
          out[o] = last ? sum : Math.max(sum, 0f);
        }
      }
      in = out;
    }
  }

  /** The loss of sample {@code s} after {@link #forward}; leaves its gradient in the last delta. */
  private double outputDelta(int s) {
    float[] y = a[layers];
    float[] d = delta[layers - 1];
    if (tanhSigmoidMse) {
      float e = y[0] - data.targets()[s];
      d[0] = 2f * e * y[0] * (1f - y[0]);
      return (double) e * e;
    }
    float max = Float.NEGATIVE_INFINITY;
    for (float v : y) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (int j = 0; j < y.length; j++) {
      d[j] = (float) Math.exp(y[j] - max);
      sum += d[j];
    }
    int label = data.labels()[s];
    for (int j = 0; j < y.length; j++) {
      d[j] = (float) (d[j] / sum);
    }
    d[label] -= 1f;
    return Math.log(sum) + max - y[label];
  }

  private void backward(float[] x) {
    for (int l = layers - 1; l >= 0; l--) {
      float[] in = l == 0 ? x : a[l];
      float[] d = delta[l];
      for (int o = 0; o < d.length; o++) {
        float dO = d[o];
        float[] g = gw[l][o];
        for (int i = 0; i < in.length; i++) {
          g[i] += dO * in[i];
        }
        gb[l][o] += dO;
      }
      if (l == 0) {
        break;
      }
      float[] dIn = delta[l - 1];
      Arrays.fill(dIn, 0f);
      for (int o = 0; o < d.length; o++) {
        float dO = d[o];
        float[] row = w[l][o];
        for (int i = 0; i < dIn.length; i++) {
          dIn[i] += row[i] * dO;
        }
      }
      for (int i = 0; i < dIn.length; i++) {
        if (tanhSigmoidMse) {
          dIn[i] *= 1f - in[i] * in[i];
        } else if (in[i] <= 0f) {
          dIn[i] = 0f;
        }
      }
    }
  }

  private static void softmax(float[] z, float[] out, int at) {
    float max = Float.NEGATIVE_INFINITY;
    for (float v : z) {
      max = Math.max(max, v);
    }
    float sum = 0;
    for (int j = 0; j < z.length; j++) {
      float e = (float) Math.exp(z[j] - max);
      out[at + j] = e;
      sum += e;
    }
    for (int j = 0; j < z.length; j++) {
      out[at + j] /= sum;
    }
  }
}
