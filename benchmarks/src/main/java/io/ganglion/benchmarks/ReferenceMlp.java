package io.ganglion.benchmarks;

/**
 * The workloads' math in double precision ({@code --peer reference}), to say how close the float
 * implementations end to the exact result: the same data and initial weights (both floats, then
 * held as doubles), every sum, activation, gradient and update in double. Not a speed figure: a
 * step is written for clarity, a whole batch's activations kept, layer by layer.
 *
 * <p>BENCHMARKS.md asks any correct implementation to end at the same final loss to about 1e-4;
 * float rounding differs from one implementation to the next (the order of a sum), and training
 * carries it on, so this is the value they are all near.
 */
final class ReferenceMlp implements Peer {
  private final Data data;
  private final int[] sizes;
  private final int layers;
  private final boolean tanhSigmoidMse;
  /** {@code w[l][o * in + i]}: layer {@code l}'s weight from input {@code i} to unit {@code o}. */
  private final double[][] w;
  private final double[][] b;

  ReferenceMlp(Workload workload, Data data, int threads) {
    if (threads != 1) {
      throw new UnsupportedOperationException(
          "threads must be 1 for the reference, but was " + threads);
    }
    if (workload.isInference()) {
      throw new UnsupportedOperationException(
          "the reference only trains, but was asked for " + workload.name());
    }
    this.data = data;
    this.sizes = workload.sizes();
    this.layers = sizes.length - 1;
    this.tanhSigmoidMse = workload.tanhSigmoidMse();
    w = new double[layers][];
    b = new double[layers][];
    // The workload's initial weights (BENCHMARKS.md), as the baseline draws them; biases are 0.
    BaselineMlp start = new BaselineMlp(workload, data, 1);
    for (int l = 0; l < layers; l++) {
      int in = sizes[l];
      int out = sizes[l + 1];
      w[l] = new double[out * in];
      b[l] = new double[out];
      for (int o = 0; o < out; o++) {
        for (int i = 0; i < in; i++) {
          w[l][o * in + i] = start.weight(l, o, i);
        }
      }
    }
  }

  @Override
  public String name() {
    return "reference";
  }

  @Override
  public double weightSum(int layer) {
    double sum = 0;
    for (double v : w[layer]) {
      sum += v;
    }
    return sum;
  }

  @Override
  public float weight(int layer, int unit, int input) {
    return (float) w[layer][unit * sizes[layer] + input];
  }

  @Override
  public void trainStep(int offset, int count) {
    // acts[l][n]: the input of layer l (acts[0] the samples), for every sample of the batch.
    double[][][] acts = forwardBatch(offset, count);
    double[][] delta = new double[count][];
    for (int n = 0; n < count; n++) {
      delta[n] = lossGradient(acts[layers][n], offset + n, count);
    }
    double[][] gradW = new double[layers][];
    double[][] gradB = new double[layers][];
    for (int l = layers - 1; l >= 0; l--) {
      int in = sizes[l];
      int out = sizes[l + 1];
      gradW[l] = new double[out * in];
      gradB[l] = new double[out];
      double[][] below = new double[count][in];
      for (int n = 0; n < count; n++) {
        double[] x = acts[l][n];
        for (int o = 0; o < out; o++) {
          double d = delta[n][o];
          gradB[l][o] += d;
          for (int i = 0; i < in; i++) {
            gradW[l][o * in + i] += d * x[i];
            below[n][i] += d * w[l][o * in + i];
          }
        }
        if (l > 0) {
          for (int i = 0; i < in; i++) {
            // The hidden activation's derivative, from its output x.
            below[n][i] *= tanhSigmoidMse ? 1 - x[i] * x[i] : x[i] > 0 ? 1 : 0;
          }
        }
      }
      delta = below;
    }
    for (int l = 0; l < layers; l++) {
      for (int k = 0; k < w[l].length; k++) {
        w[l][k] -= GanglionPeer.LEARNING_RATE * gradW[l][k];
      }
      for (int o = 0; o < b[l].length; o++) {
        b[l][o] -= GanglionPeer.LEARNING_RATE * gradB[l][o];
      }
    }
  }

  /** Every layer's input for samples {@code [offset, offset + count)}, and the network's output. */
  private double[][][] forwardBatch(int offset, int count) {
    double[][][] acts = new double[layers + 1][count][];
    for (int n = 0; n < count; n++) {
      float[] row = data.rows()[offset + n];
      acts[0][n] = new double[row.length];
      for (int i = 0; i < row.length; i++) {
        acts[0][n][i] = row[i];
      }
      for (int l = 0; l < layers; l++) {
        acts[l + 1][n] = layer(l, acts[l][n]);
      }
    }
    return acts;
  }

  /** Layer {@code l}'s output for input {@code x}: the hidden activation, or the output's. */
  private double[] layer(int l, double[] x) {
    int in = sizes[l];
    int out = sizes[l + 1];
    boolean last = l == layers - 1;
    double[] y = new double[out];
    for (int o = 0; o < out; o++) {
      double z = b[l][o];
      for (int i = 0; i < in; i++) {
        z += w[l][o * in + i] * x[i];
      }
      if (tanhSigmoidMse) {
        y[o] = last ? 1 / (1 + Math.exp(-z)) : Math.tanh(z);
      } else {
        y[o] = last ? z : Math.max(z, 0);
      }
    }
    return y;
  }

  /**
   * The gradient of the batch's mean loss with respect to sample {@code s}'s last pre-activation,
   * from its output {@code y} (sigmoid outputs, or logits).
   */
  private double[] lossGradient(double[] y, int s, int count) {
    double[] d = new double[y.length];
    if (tanhSigmoidMse) {
      double o = y[0];
      d[0] = 2 * (o - data.targets()[s]) * o * (1 - o) / count;
      return d;
    }
    double[] p = softmax(y);
    for (int j = 0; j < y.length; j++) {
      d[j] = (p[j] - (j == data.labels()[s] ? 1 : 0)) / count;
    }
    return d;
  }

  private static double[] softmax(double[] z) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : z) {
      max = Math.max(max, v);
    }
    double sum = 0;
    double[] p = new double[z.length];
    for (int j = 0; j < z.length; j++) {
      p[j] = Math.exp(z[j] - max);
      sum += p[j];
    }
    for (int j = 0; j < z.length; j++) {
      p[j] /= sum;
    }
    return p;
  }

  @Override
  public double meanLoss(int count) {
    double sum = 0;
    for (int s = 0; s < count; s++) {
      double[][][] acts = forwardBatch(s, 1);
      double[] y = acts[layers][0];
      if (tanhSigmoidMse) {
        double e = y[0] - data.targets()[s];
        sum += e * e;
      } else {
        sum -= Math.log(softmax(y)[data.labels()[s]]);
      }
    }
    return sum / count;
  }

  @Override
  public void predict(int sample, float[] out) {
    throw new UnsupportedOperationException("the reference only trains");
  }

  @Override
  public void predictBatch(int offset, int count, float[] out) {
    throw new UnsupportedOperationException("the reference only trains");
  }
}
