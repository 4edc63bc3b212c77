package io.ganglion.internal;

/**
 * SplitMix64 by position: output {@code k} of stream {@code seed} equals the {@code (k+1)}-th
 * {@code nextLong()} of {@code new java.util.SplittableRandom(seed)}. Indexing by position lets
 * initialization fill any element independently and identically on every machine.
 */
public final class SplitMix {
  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

  private SplitMix() {}

  /** Output {@code k} (0-based) of stream {@code seed}. */
  public static long at(long seed, long k) {
    long z = seed + (k + 1) * GOLDEN_GAMMA;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** A uniform value in [0, 1) with 24 random bits (exact in float) from output {@code k}. */
  public static double uniform(long seed, long k) {
    return (at(seed, k) >>> 40) * 0x1.0p-24;
  }

  /** A uniform value in (0, 1) with 53 random bits from output {@code k}. */
  public static double uniformOpen(long seed, long k) {
    return ((at(seed, k) >>> 11) + 0.5) * 0x1.0p-53;
  }
}
