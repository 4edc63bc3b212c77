package io.ganglion.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ganglion.Loss;
import io.ganglion.Parameter;
import io.ganglion.optim.Adagrad;
import io.ganglion.optim.Adam;
import io.ganglion.optim.AdamW;
import io.ganglion.optim.Optimizer;
import io.ganglion.optim.RmsProp;
import io.ganglion.optim.Sgd;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Training steps allocate nothing: measured with HotSpot's per-thread allocation counter (the
 * {@code com.sun.management} extension, test scope only). While C2 compiles and swaps code in, a
 * thread sometimes records a few hundred transient bytes (none under {@code -Xint} or C1 alone),
 * so a measurement takes the quietest of several windows: code that allocates per step is never
 * quiet.
 */
final class AllocationTest {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  @Test
  void optimizerStepsAllocateNothing() {
    List<Optimizer> optimizers = List.of(
        Sgd.of(0.1, 0.9).nesterov(true).weightDecay(1e-4).clipNorm(1).clipValue(0.5),
        Adam.of(1e-3), AdamW.of(1e-3), RmsProp.of(1e-2).momentum(0.9).centered(true),
        Adagrad.of(1e-2));
    for (Optimizer optimizer : optimizers) {
      LinearModel model = LinearModel.create(8, 4, Loss.SOFTMAX_CROSS_ENTROPY, 1);
      List<Parameter> parameters = model.parameters();
      for (int i = 0; i < 10; i++) {
        optimizer.step(parameters);
      }
      long allocated = Long.MAX_VALUE;
      for (int window = 0; window < 5 && allocated > 0; window++) {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 1000; i++) {
          optimizer.step(parameters);
        }
        allocated = Math.min(allocated, THREADS.getCurrentThreadAllocatedBytes() - before);
      }
      assertEquals(0, allocated, optimizer.getClass().getSimpleName() + " allocated per step");
    }
  }

  @Test
  void trainingStepsAllocateNothing() {
    // Per epoch: 300 samples in batches of 4, 75 steps; measure steps 1..74 of each epoch.
    long[] quietest = {Long.MAX_VALUE};
    long[] start = new long[1];
    TrainingListener meter = new TrainingListener() {
      @Override
      public void batchEnded(int epoch, int batch, double loss) {
        if (batch == 0) {
          start[0] = THREADS.getCurrentThreadAllocatedBytes();
        } else if (batch == 74) {
          quietest[0] = Math.min(quietest[0], THREADS.getCurrentThreadAllocatedBytes() - start[0]);
        }
      }
    };
    Trainer.of(LinearModel.create(4, 3, Loss.SOFTMAX_CROSS_ENTROPY, 1))
        .optimizer(Adam.of(1e-2).clipNorm(1)).batchSize(4).epochs(8).l2(1e-4)
        .trainingAccuracy(true).listener(meter).verbose(1)
        .progress(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()), true)
        .fit(Synthetic.blobs(300, 4, 3, 0.2, 1));
    assertEquals(0, quietest[0], "bytes allocated by 74 training steps");
  }
}
