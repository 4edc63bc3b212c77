package io.ganglion.train;

import io.ganglion.data.Dataset;
import java.util.SplittableRandom;

/** Seeded synthetic data sets for trainer tests. */
final class Synthetic {
  private Synthetic() {}

  /**
   * Blobs: class {@code c} centred on a point drawn from {@code seed}, samples spread uniformly by
   * {@code noise} around it, drawn from {@code sampleSeed} (so two sets share their centres).
   */
  static Dataset blobs(int samples, int features, int classes, double noise, long seed,
      long sampleSeed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[][] centres = new float[classes][features];
    for (float[] centre : centres) {
      for (int j = 0; j < features; j++) {
        centre[j] = (float) (random.nextDouble() * 2 - 1);
      }
    }
    random = new SplittableRandom(sampleSeed);
    float[] x = new float[samples * features];
    int[] y = new int[samples];
    for (int s = 0; s < samples; s++) {
      y[s] = s % classes;
      for (int j = 0; j < features; j++) {
        x[s * features + j] = (float) (centres[y[s]][j] + noise * (random.nextDouble() * 2 - 1));
      }
    }
    return Dataset.ofLabels(x, features, y);
  }

  /** Blobs whose samples are drawn from the same seed as the centres. */
  static Dataset blobs(int samples, int features, int classes, double noise, long seed) {
    return blobs(samples, features, classes, noise, seed, seed);
  }

  /** {@code t = x . w + 0.5} for fixed weights, with a little noise. */
  static Dataset line(int samples, int features, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] x = new float[samples * features];
    float[] t = new float[samples];
    for (int s = 0; s < samples; s++) {
      double sum = 0.5;
      for (int j = 0; j < features; j++) {
        float v = (float) (random.nextDouble() * 2 - 1);
        x[s * features + j] = v;
        sum += v * (j + 1) * 0.5;
      }
      t[s] = (float) (sum + 0.01 * (random.nextDouble() - 0.5));
    }
    return Dataset.ofTargets(x, features, t, 1);
  }
}
