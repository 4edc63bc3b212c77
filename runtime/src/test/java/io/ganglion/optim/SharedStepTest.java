package io.ganglion.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ganglion.Parameter;
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
