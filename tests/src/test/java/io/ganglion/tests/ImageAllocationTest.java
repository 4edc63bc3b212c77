package io.ganglion.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ganglion.Model;
import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Training steps and predictions of networks with convolutions, pooling, dropout and batch norm
 * allocate nothing once warm. Until C2 has compiled the dense layers' Vector API kernels, the
 * interpreter allocates vector boxes (about 20 KB per step here), so as in GeneratedModelTest the
 * best of many windows after a warm-up must be zero: code that allocates in its steady state
 * allocates in every window.
 */
class ImageAllocationTest {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  @Test
  void trainingStepsAndPredictionsAllocateNothing() {
    for (Model model : new Model[] {new Net_Networks_ConvValidMaxPool(1),
        new Net_Networks_ConvStridedAvgPool(1), new Net_Networks_DropoutBatchNorm(1),
        new Net_Networks_ConvVectorEdges(1)}) {
      int batch = 8;
      SplittableRandom random = new SplittableRandom(1);
      float[] x = new float[batch * model.inputSize()];
      for (int k = 0; k < x.length; k++) {
        x[k] = (float) random.nextDouble();
      }
      int[] labels = new int[batch];
      float[] targets = model.loss().takesLabels() ? null : new float[batch * model.outputSize()];
      float[] output = new float[model.outputSize()];
      float[] sample = new float[model.inputSize()];
      for (int warm = 0; warm < 2000; warm++) {
        model.forwardBackward(x, 0, targets == null ? labels : null, targets, batch, 0.125f);
        model.predict(sample, output);
      }
      long quietest = Long.MAX_VALUE;
      for (int window = 0; window < 200 && quietest > 0; window++) {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 200; i++) {
          model.forwardBackward(x, 0, targets == null ? labels : null, targets, batch, 0.125f);
          model.predict(sample, output);
        }
        quietest = Math.min(quietest, THREADS.getCurrentThreadAllocatedBytes() - before);
      }
      assertEquals(0, quietest, model.name() + ": bytes allocated by 200 steps");
    }
  }
}
