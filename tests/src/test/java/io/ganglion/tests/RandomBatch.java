package io.ganglion.tests;

import io.ganglion.Loss;
import io.ganglion.Model;
import java.util.SplittableRandom;

/**
 * Seeded random samples for a network: inputs in [-1, 1), and class labels or, for the MSE loss,
 * targets in [0, 1), as {@code forwardBackward} takes them.
 */
final class RandomBatch {
  final float[] x;
  final int[] labels;
  final float[] targets;

  RandomBatch(Model net, int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    x = new float[n * net.inputSize()];
    for (int k = 0; k < x.length; k++) {
      x[k] = (float) random.nextDouble(-1, 1);
    }
    int outputs = net.outputSize();
    if (net.loss() == Loss.MSE) {
      labels = null;
      targets = new float[n * outputs];
      for (int k = 0; k < targets.length; k++) {
        targets[k] = (float) random.nextDouble();
      }
    } else {
      targets = null;
      labels = new int[n];
      for (int k = 0; k < n; k++) {
        labels[k] = random.nextInt(Math.max(2, outputs));
      }
    }
  }
}
