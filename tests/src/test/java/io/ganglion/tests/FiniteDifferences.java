package io.ganglion.tests;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ganglion.Model;
import io.ganglion.Parameter;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;

/**
 * Compares a parameter's analytic gradient with central finite differences of the loss, element
 * by element, allowing for ReLU-type kinks. Shared by the dense and the image-layer gradient
 * checks.
 */
final class FiniteDifferences {
  /** Small enough that kinks are rarely crossed, large enough for float noise (~1e-5 here). */
  static final float EPS = 5e-4f;

  private FiniteDifferences() {}

  /**
   * Asserts that {@code analytic} (the gradient of {@code p}, in PyTorch order) matches the
   * central difference of {@code loss} at every element, with an absolute 2e-3 + 2% tolerance; that
   * the elements away from kinks agree to 1% in norm; that the gradient is not identically zero;
   * and that at least half the elements are away from kinks (so that the check means something).
   */
  static void assertMatches(Parameter p, float[] analytic, DoubleSupplier loss) {
    double diff = 0;
    double norm = 0;
    int smooth = 0;
    for (int e = 0; e < p.size(); e++) {
      float original = p.get(e);
      double center = loss.getAsDouble();
      p.set(e, original + EPS);
      double plus = loss.getAsDouble();
      p.set(e, original - EPS);
      double minus = loss.getAsDouble();
      p.set(e, original);
      double numeric = (plus - minus) / (2 * EPS);
      double tolerance = 2e-3 + 2e-2 * Math.abs(numeric);
      // A ReLU kink inside [-EPS, EPS] makes the two one-sided slopes differ; the analytic
      // gradient is then one of them (or between), which is all a finite difference can check.
      double right = (plus - center) / EPS;
      double left = (center - minus) / EPS;
      boolean kink = Math.abs(right - left) > tolerance;
      float a = analytic[e];
      if (Math.abs(a - numeric) <= tolerance && !kink) {
        diff += (a - numeric) * (a - numeric);
        norm += a * a + numeric * numeric;
        smooth++;
        continue;
      }
      assertTrue(
          Math.abs(a - numeric) <= tolerance
              || (kink
                  && a >= Math.min(left, right) - tolerance
                  && a <= Math.max(left, right) + tolerance),
          p.name() + "[" + e + "]: analytic " + a + " vs numeric " + numeric
              + " (left " + left + ", right " + right + ")");
    }
    double relative = norm == 0 ? 0 : Math.sqrt(diff / norm);
    assertTrue(relative < 1e-2, p.name() + ": relative error " + relative);
    assertTrue(norm > 0, p.name() + ": gradient is identically zero");
    assertTrue(
        smooth >= p.size() / 2,
        p.name() + ": only " + smooth + " of " + p.size() + " elements away from kinks");
  }

  /**
   * Moves every parameter element by up to +-0.1, so that biases start away from zero too and
   * their gradients are exercised in general.
   */
  static void perturb(Model model, SplittableRandom random) {
    for (Parameter p : model.parameters()) {
      for (int e = 0; e < p.size(); e++) {
        p.set(e, p.get(e) + (float) (random.nextDouble() - 0.5) * 0.2f);
      }
    }
  }

  /** {@code length} values uniform in [-1, 1). */
  static float[] inputs(SplittableRandom random, int length) {
    float[] x = new float[length];
    for (int k = 0; k < x.length; k++) {
      x[k] = (float) (random.nextDouble() * 2 - 1);
    }
    return x;
  }

  /** The current gradient of {@code p}, in PyTorch order. */
  static float[] gradientOf(Parameter p) {
    float[] g = new float[p.size()];
    p.copyGradientTo(g);
    return g;
  }
}
