package io.ganglion.internal;

/**
 * Dropout masks drawn by position from SplitMix64, so that a mask depends only on the seed, the
 * step and the value's index (the same on every machine and thread count).
 */
public final class Dropouts {
  private Dropouts() {}

  /** The stream of one layer's masks at one training step. */
  public static long stream(long seed, int layerIndex, long step) {
    return SplitMix.at(seed + layerIndex, step);
  }

  /**
   * Fills {@code mask[0..n)}: {@code 0} with probability {@code rate}, else {@code 1 / (1 -
   * rate)} (inverted dropout), using outputs {@code first ..} of {@code stream}.
   */
  public static void fill(float[] mask, int n, float rate, long stream, long first) {
    float keep = 1f / (1f - rate);
    for (int j = 0; j < n; j++) {
      mask[j] = SplitMix.uniform(stream, first + j) < rate ? 0f : keep;
    }
  }
}
