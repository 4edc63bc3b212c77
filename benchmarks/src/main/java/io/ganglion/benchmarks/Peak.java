package io.ganglion.benchmarks;

import java.util.Arrays;
import java.util.Locale;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * One core's FP32 peak as Java reaches it: a loop of fused multiply-adds on 12 independent vector
 * accumulators, which stay in registers (no loads or stores), on the JIT's preferred vector width
 * or on {@code -Dpeak.bits=256} (or 128, 512). Prints GFLOP/s (2 per lane per multiply-add), the
 * median of 5 rounds after 3 warm-up rounds. The README's "% of peak" figures divide by it. Needs
 * the Vector API module:
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/ganglion-benchmarks.jar \
 *     io.ganglion.benchmarks.Peak
 * </pre>
 */
public final class Peak {
  private static final int ROUNDS = 5;
  private static final int WARM_UP = 3;
  /** Multiply-add steps per call, and calls per round (so that C2 compiles the loop whole). */
  private static final int STEPS = 100_000;
  private static final int CALLS = 200;

  /**
   * The width measured. A static final, so a constant to the JIT, which turns the vector
   * operations into instructions only for a constant species.
   */
  private static final VectorSpecies<Float> SPECIES = species(Integer.getInteger("peak.bits", 0));

  /** Keeps the accumulators' sum alive, so that the JIT cannot drop the loop. */
  static volatile float sink;

  private Peak() {}

  private static VectorSpecies<Float> species(int bits) {
    switch (bits) {
      case 0:
        return FloatVector.SPECIES_PREFERRED;
      case 128:
        return FloatVector.SPECIES_128;
      case 256:
        return FloatVector.SPECIES_256;
      case 512:
        return FloatVector.SPECIES_512;
      default: // a usage error, not a failure: no stack trace
        System.err.println("Peak: peak.bits must be 128, 256 or 512, but was " + bits);
        System.exit(2);
        return null;
    }
  }

  public static void main(String[] args) {
    double[] gflops = new double[ROUNDS];
    for (int r = -WARM_UP; r < ROUNDS; r++) {
      long start = System.nanoTime();
      float sum = 0;
      for (int call = 0; call < CALLS; call++) {
        sum += fmaLoop(STEPS);
      }
      long nanos = System.nanoTime() - start;
      sink = sum;
      if (r >= 0) {
        gflops[r] = 12.0 * 2 * SPECIES.length() * STEPS * CALLS / nanos;
      }
    }
    Arrays.sort(gflops);
    System.out.printf(Locale.ROOT, "vector_bits=%d gflops=%.1f%n", SPECIES.vectorBitSize(),
        gflops[ROUNDS / 2]);
  }

  /** {@code steps} rounds of 12 independent multiply-adds of {@link #SPECIES} vectors. */
  private static float fmaLoop(int steps) {
    FloatVector m = FloatVector.broadcast(SPECIES, 0.999999f);
    FloatVector c = FloatVector.broadcast(SPECIES, 1e-7f);
    FloatVector a0 = FloatVector.broadcast(SPECIES, 1f);
    FloatVector a1 = a0.add(c);
    FloatVector a2 = a1.add(c);
    FloatVector a3 = a2.add(c);
    FloatVector a4 = a3.add(c);
    FloatVector a5 = a4.add(c);
    FloatVector a6 = a5.add(c);
    FloatVector a7 = a6.add(c);
    FloatVector a8 = a7.add(c);
    FloatVector a9 = a8.add(c);
    FloatVector a10 = a9.add(c);
    FloatVector a11 = a10.add(c);
    for (int s = 0; s < steps; s++) {
      a0 = a0.fma(m, c);
      a1 = a1.fma(m, c);
      a2 = a2.fma(m, c);
      a3 = a3.fma(m, c);
      a4 = a4.fma(m, c);
      a5 = a5.fma(m, c);
      a6 = a6.fma(m, c);
      a7 = a7.fma(m, c);
      a8 = a8.fma(m, c);
      a9 = a9.fma(m, c);
      a10 = a10.fma(m, c);
      a11 = a11.fma(m, c);
    }
    return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10)
        .add(a11).reduceLanes(VectorOperators.ADD);
  }
}
