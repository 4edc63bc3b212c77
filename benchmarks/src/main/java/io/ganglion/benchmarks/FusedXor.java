package io.ganglion.benchmarks;

/**
 * The xor workload (2-8-1, tanh, sigmoid + MSE, batch 1) as one hand-fused method per step:
 * forward, backward and the SGD update written out with the sizes as constants, no argument
 * checks, no calls but {@code Math.exp}. It is no library anyone would use; it is the least code a
 * step can run, so its command-line figure shows what the JVM's warm-up leaves to any
 * implementation in the 7,000 timed steps of a fresh JVM ({@code --peer fused}).
 */
final class FusedXor implements Peer {
  private static final int HIDDEN = 8;
  private final Data data;
  private final float learningRate;
  /** {@code w1[2 * j + i]}: input {@code i} to hidden unit {@code j}. */
  private final float[] w1 = new float[2 * HIDDEN];
  private final float[] b1 = new float[HIDDEN];
  private final float[] w2 = new float[HIDDEN];
  private float b2;
  private final float[] h = new float[HIDDEN];

  FusedXor(Workload workload, Data data, int threads) {
    if (!workload.name().equals("xor") || threads != 1) {
      throw new UnsupportedOperationException("the fused peer runs only xor on 1 thread, but was"
          + " asked for " + workload.name() + " on " + threads);
    }
    this.data = data;
    this.learningRate = (float) GanglionPeer.LEARNING_RATE;
    // The workload's initial weights (BENCHMARKS.md), as the baseline draws them.
    BaselineMlp start = new BaselineMlp(workload, data, 1);
    for (int j = 0; j < HIDDEN; j++) {
      w1[2 * j] = start.weight(0, j, 0);
      w1[2 * j + 1] = start.weight(0, j, 1);
      w2[j] = start.weight(1, 0, j);
    }
  }

  @Override
  public String name() {
    return "fused";
  }

  @Override
  public double weightSum(int layer) {
    double sum = 0;
    for (float v : layer == 0 ? w1 : w2) {
      sum += v;
    }
    return sum;
  }

  @Override
  public float weight(int layer, int unit, int input) {
    return layer == 0 ? w1[2 * unit + input] : w2[input];
  }

  @Override
  public void trainStep(int offset, int count) {
    float x0 = data.inputs()[2 * offset];
    float x1 = data.inputs()[2 * offset + 1];
    float z = b2;
    for (int j = 0; j < HIDDEN; j++) {
      float a = tanh(b1[j] + x0 * w1[2 * j] + x1 * w1[2 * j + 1]);
      h[j] = a;
      z += a * w2[j];
    }
    float o = (float) (1.0 / (1.0 + Math.exp(-z)));
    float d = 2f * (o - data.targets()[offset]) * o * (1f - o);
    // Every gradient from the pre-step weights, then the update.
    float lr = learningRate;
    for (int j = 0; j < HIDDEN; j++) {
      float dj = d * w2[j] * (1f - h[j] * h[j]);
      w2[j] -= lr * d * h[j];
      b1[j] -= lr * dj;
      w1[2 * j] -= lr * dj * x0;
      w1[2 * j + 1] -= lr * dj * x1;
    }
    b2 -= lr * d;
  }

  private static float tanh(float x) {
    double e = Math.exp(2.0 * x);
    return Double.isInfinite(e) ? 1f : (float) ((e - 1.0) / (e + 1.0));
  }

  @Override
  public double meanLoss(int count) {
    double sum = 0;
    for (int s = 0; s < count; s++) {
      float x0 = data.inputs()[2 * s];
      float x1 = data.inputs()[2 * s + 1];
      float z = b2;
      for (int j = 0; j < HIDDEN; j++) {
        z += tanh(b1[j] + x0 * w1[2 * j] + x1 * w1[2 * j + 1]) * w2[j];
      }
      double e = 1.0 / (1.0 + Math.exp(-z)) - data.targets()[s];
      sum += e * e;
    }
    return sum / count;
  }

  @Override
  public void predict(int sample, float[] out) {
    throw new UnsupportedOperationException("the fused peer only trains xor");
  }

  @Override
  public void predictBatch(int offset, int count, float[] out) {
    throw new UnsupportedOperationException("the fused peer only trains xor");
  }
}
