package io.ganglion.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ganglion.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** A step split into beginSharedStep and row ranges equals one step, bit for bit. */
class SharedStepTest {

  @Test
  void rowRangesInAnyPartitionEqualOneStep() {
    for (Supplier<Optimizer> kind :
        List.<Supplier<Optimizer>>of(
            () -> Sgd.of(0.1), () -> Sgd.of(0.1).weightDecay(0.01),
            () -> Sgd.of(0.1, 0.9).nesterov(true), () -> Adam.of(0.01).clipNorm(0.5),
            () -> AdamW.of(0.01), () -> RmsProp.of(0.01).momentum(0.5), () -> Adagrad.of(0.1))) {
      List<Parameter> whole = parameters();
      List<Parameter> split = parameters();
      Optimizer one = kind.get();
      Optimizer parts = kind.get();
      for (int step = 0; step < 3; step++) {
        gradients(whole, step);
        gradients(split, step);
        one.step(whole);
        parts.beginSharedStep(split);
        int rows = parts.rowCount();
        assertEquals(3 + 1 + 2, rows);
        // Uneven ranges that cut through parameters, in a scrambled order.
        parts.updateRows(4, rows);
        parts.updateRows(0, 2);
        parts.updateRows(2, 4);
      }
      for (int k = 0; k < whole.size(); k++) {
        assertArrayEquals(whole.get(k).toArray(), split.get(k).toArray(), one.kind() + " " + k);
      }
    }
  }

  @Test
  void plainSgdUpdatesEveryElementOfShortAndLongRows() {
    // Every row length from 1 to 40 and a long row: each element exactly w - lr * g in float, so
    // that a loop written for some lengths (unrolled, vectors, a tail) cannot skip or mix elements.
    List<Parameter> parameters = new ArrayList<>();
    for (int length = 1; length <= 40; length++) {
      parameters.add(Parameter.flat("p" + length, length));
    }
    parameters.add(Parameter.flat("long", 70, 3));
    SplittableRandom random = new SplittableRandom(5);
    for (Parameter p : parameters) {
      for (int e = 0; e < p.size(); e++) {
        p.set(e, (float) random.nextDouble() - 0.5f);
      }
    }
    gradients(parameters, 0);
    float[][] expected = new float[parameters.size()][];
    float lr = 0.25f;
    for (int k = 0; k < parameters.size(); k++) {
      float[] w = parameters.get(k).toArray();
      float[] g = new float[w.length];
      parameters.get(k).copyGradientTo(g);
      for (int e = 0; e < w.length; e++) {
        w[e] -= lr * g[e];
      }
      expected[k] = w;
    }
    Sgd.of(lr).step(parameters);
    for (int k = 0; k < parameters.size(); k++) {
      assertArrayEquals(expected[k], parameters.get(k).toArray(), parameters.get(k).name());
    }
  }

  @Test
  void rangesOutsideTheRowsAreRefused() {
    Optimizer sgd = Sgd.of(0.1);
    assertThrows(IllegalStateException.class, () -> sgd.updateRows(0, 1));
    List<Parameter> p = parameters();
    sgd.beginSharedStep(p);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> sgd.updateRows(2, 7));
    assertEquals("rows must be a range within [0, 6), but were [2, 7)", e.getMessage());
  }

  /** A transposed [4, 3] weight (3 rows), a bias (1 row) and a transposed [2, 2] weight. */
  private static List<Parameter> parameters() {
    List<Parameter> list =
        List.of(Parameter.transposed("a.weight", 4, 3), Parameter.flat("a.bias", 4),
            Parameter.transposed("b.weight", 2, 2));
    SplittableRandom random = new SplittableRandom(3);
    for (Parameter p : list) {
      for (int e = 0; e < p.size(); e++) {
        p.set(e, (float) random.nextDouble() - 0.5f);
      }
    }
    return list;
  }

  private static void gradients(List<Parameter> parameters, int step) {
    SplittableRandom random = new SplittableRandom(100 + step);
    for (Parameter p : parameters) {
      for (float[] row : p.grad()) {
        for (int j = 0; j < row.length; j++) {
          row[j] = (float) random.nextDouble() - 0.5f;
        }
      }
    }
  }
}
