package io.ganglion.internal;

/**
 * Max pooling's indexes of the winning pixels, {@code [sample][position][channel]}: every forward
 * pass writes them, but only a training pass's backward pass reads them, so the samples past
 * those a training pass has used share one array.
 */
public final class PoolIndexes {
  private PoolIndexes() {}

  /**
   * Indexes for {@code count} samples, grown from {@code previous} (null at first): the first
   * {@code trained} samples keep their own arrays, the others share one new array.
   */
  public static int[][][] forInference(
      int[][][] previous, int count, int trained, int positions, int channels) {
    int[][][] indexes = new int[count][][];
    int kept = previous == null ? 0 : Math.min(trained, Math.min(count, previous.length));
    if (kept > 0) {
      System.arraycopy(previous, 0, indexes, 0, kept);
    }
    if (kept < count) {
      int[][] shared = new int[positions][channels];
      for (int n = kept; n < count; n++) {
        indexes[n] = shared;
      }
    }
    return indexes;
  }

  /**
   * Gives samples {@code [from, count)} of {@code indexes} (as long as the work arrays, which grow
   * first) arrays of their own, for a training pass of {@code count} samples.
   */
  public static void forTraining(int[][][] indexes, int from, int count, int positions,
      int channels) {
    for (int n = from; n < count; n++) {
      indexes[n] = new int[positions][channels];
    }
  }
}
