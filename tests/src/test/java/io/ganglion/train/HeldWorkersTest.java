package io.ganglion.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ganglion.Model;
import io.ganglion.Parameter;
import io.ganglion.internal.SplitNetwork;
import io.ganglion.optim.Sgd;
import io.ganglion.tests.Net_Networks_ConvValidMaxPool;
import io.ganglion.tests.Net_Networks_DropoutBatchNorm;
import io.ganglion.tests.Net_Networks_Medium;
import io.ganglion.tests.Net_Networks_SoftmaxTanhSigmoid;
import io.ganglion.tests.Net_Networks_WideMseRegression;
import io.ganglion.tests.Net_Networks_WideSoftmaxTanhSigmoid;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A worker thread that does not run (its core taken by the JIT or another process) leaves its slot
 * of a phase to a thread that does. With the workers held out of the phases, the calling thread
 * runs every slot, on generated networks split by weight rows and by batch, with dropout and batch
 * normalization: losses, parameters, running statistics and evaluations are bit for bit those of
 * the same steps run by the workers (on an object whose caller takes no slot). (In this package
 * for {@link ParallelGradients#holdWorkers}.)
 */
class HeldWorkersTest {

  static List<Arguments> cases() {
    List<LongFunction<Model>> networks = List.of(
        Net_Networks_Medium::new,
        Net_Networks_WideSoftmaxTanhSigmoid::new,
        Net_Networks_WideMseRegression::new,
        Net_Networks_SoftmaxTanhSigmoid::new,
        Net_Networks_ConvValidMaxPool::new,
        Net_Networks_DropoutBatchNorm::new);
    List<Arguments> cases = new java.util.ArrayList<>();
    for (LongFunction<Model> n : networks) {
      // Split by batch (AUTO's choice for these small networks), and by rows where that can be.
      List<ParallelGradients.Split> splits = n.apply(1) instanceof SplitNetwork
          ? List.of(ParallelGradients.Split.AUTO, ParallelGradients.Split.ROWS)
          : List.of(ParallelGradients.Split.AUTO);
      for (ParallelGradients.Split how : splits) {
        cases.add(Arguments.of(n, 2, how));
        cases.add(Arguments.of(n, 3, how));
      }
    }
    return cases;
  }

  // Without taking the held workers' slots, the caller would wait for them forever, which an
  // interrupt does not end: hence the timeout's own thread.
  @ParameterizedTest(name = "{index}: {1} workers, {2}")
  @MethodSource("cases")
  @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void theCallerRunsTheSlotsOfHeldWorkers(
      LongFunction<Model> network, int workers, ParallelGradients.Split how) {
    Model free = network.apply(3);
    Model held = network.apply(3);
    int batch = 12;
    int n = 5 * batch;
    SplittableRandom random = new SplittableRandom(17);
    float[] x = new float[n * free.inputSize()];
    for (int k = 0; k < x.length; k++) {
      x[k] = (float) random.nextDouble(-1, 1);
    }
    boolean values = free.loss().comparesValues();
    int[] labels = values ? null : new int[n];
    float[] targets = values ? new float[n * free.outputSize()] : null;
    for (int s = 0; s < n; s++) {
      if (values) {
        for (int o = 0; o < free.outputSize(); o++) {
          targets[s * free.outputSize() + o] = (float) random.nextDouble(-1, 1);
        }
      } else {
        labels[s] = random.nextInt(Math.max(2, free.outputSize()));
      }
    }
    try (ParallelGradients a = ParallelGradients.of(free, workers, how);
        ParallelGradients b = ParallelGradients.of(held, workers, how)) {
      String where = free.name() + (a.splitsByRows() ? " (rows)" : " (batch)") + ", "
          + workers + " workers";
      a.callerTakes(false); // its workers run their own slots
      Sgd sgdA = Sgd.of(0.05, 0.9);
      Sgd sgdB = Sgd.of(0.05, 0.9);
      for (int step = 0; step < n / batch; step++) {
        // Held for the even steps: held and running workers take turns on one object.
        b.holdWorkers(step % 2 == 0);
        int offset = step * batch;
        assertEquals(a.computeGradients(x, offset, labels, targets, batch),
            b.computeGradients(x, offset, labels, targets, batch), where + ", step " + step);
        a.step(sgdA);
        b.step(sgdB);
        assertSame(free.parameters(), held.parameters(), where + ", step " + step);
        assertSame(free.buffers(), held.buffers(), where + ", step " + step);
      }
      b.holdWorkers(true);
      float[] outA = new float[n * free.outputSize()];
      float[] outB = new float[n * free.outputSize()];
      int[] classesA = new int[n];
      int[] classesB = new int[n];
      assertEquals(a.evaluateBatch(x, 0, labels, targets, n, outA, classesA),
          b.evaluateBatch(x, 0, labels, targets, n, outB, classesB), where);
      assertArrayEquals(outA, outB, where);
      assertArrayEquals(classesA, classesB, where);
      assertEquals(0, a.takenSlots(), where);
      assertTrue(b.takenSlots() > 0, where);
    }
  }

  private static void assertSame(List<Parameter> expected, List<Parameter> actual, String where) {
    assertEquals(expected.size(), actual.size(), where);
    for (int k = 0; k < expected.size(); k++) {
      assertArrayEquals(expected.get(k).toArray(), actual.get(k).toArray(),
          where + ", " + expected.get(k).name());
    }
  }
}
