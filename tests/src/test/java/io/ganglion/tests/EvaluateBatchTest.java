package io.ganglion.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ganglion.Model;
import io.ganglion.internal.SplitNetwork;
import io.ganglion.train.ParallelGradients;
import io.ganglion.train.ParallelGradients.Split;
import java.util.List;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;

/**
 * {@code evaluateBatch}: the loss sum, outputs and classes of one forward pass equal {@code
 * lossSum}, {@code predictBatch} and {@code classifyBatch}; split among workers they agree with one
 * thread (dense networks split by rows and by batch, the others by batch, slices of 0-4 samples).
 */
class EvaluateBatchTest {
  private static final List<LongFunction<Model>> NETWORKS =
      List.of(
          Net_Networks_SoftmaxTanhSigmoid::new,
          Net_Networks_BinaryLeakyRelu::new,
          Net_Networks_MseRegression::new,
          Net_Networks_VectorEdges::new,
          Net_Networks_ConvValidMaxPool::new,
          Net_Networks_DropoutBatchNorm::new);

  @Test
  void onePassGivesWhatTheThreeMethodsGive() {
    for (LongFunction<Model> network : NETWORKS) {
      Model net = network.apply(3);
      RandomBatch data = new RandomBatch(net, 300, 7);
      int count = 290;
      float[] outputs = new float[count * net.outputSize()];
      int[] classes = new int[count];
      double loss =
          net.evaluateBatch(data.x, 6, data.labels, data.targets, count, outputs, classes);
      float[] expectedOutputs = new float[outputs.length];
      int[] expectedClasses = new int[count];
      double expectedLoss = net.lossSum(data.x, 6, data.labels, data.targets, count);
      net.predictBatch(data.x, 6, count, expectedOutputs);
      net.classifyBatch(data.x, 6, count, expectedClasses);
      assertEquals(expectedLoss, loss, 1e-9 * Math.abs(expectedLoss), net.name());
      assertArrayEquals(expectedOutputs, outputs, net.name());
      assertArrayEquals(expectedClasses, classes, net.name());
      assertEquals(expectedLoss,
          net.evaluateBatch(data.x, 6, data.labels, data.targets, count, null, null), 0,
          net.name() + " without outputs or classes");
    }
  }

  @Test
  void workersAgreeWithOneThread() {
    for (LongFunction<Model> network : NETWORKS) {
      List<Split> splits = network.apply(4) instanceof SplitNetwork
          ? List.of(Split.ROWS, Split.BATCH) : List.of(Split.BATCH);
      for (Split how : splits) {
        for (int workers : new int[] {2, 3}) {
          for (int count : new int[] {1, 5, 11, 200}) {
            assertWorkersAgree(network.apply(4), how, workers, count);
          }
        }
      }
    }
  }

  private static void assertWorkersAgree(Model net, Split how, int workers, int count) {
    RandomBatch data = new RandomBatch(net, 220, 8);
    float[] expectedOutputs = new float[count * net.outputSize()];
    int[] expectedClasses = new int[count];
    double expectedLoss = net.evaluateBatch(data.x, 9, data.labels, data.targets, count,
        expectedOutputs, expectedClasses);
    float[] outputs = new float[count * net.outputSize()];
    int[] classes = new int[count];
    double loss;
    try (ParallelGradients parallel = ParallelGradients.of(net, workers, how)) {
      loss = parallel.evaluateBatch(data.x, 9, data.labels, data.targets, count, outputs, classes);
    }
    String what = net.name() + ", " + how + ", " + workers + " workers, " + count + " samples";
    assertEquals(expectedLoss, loss, 1e-5 * Math.max(1, Math.abs(expectedLoss)), what);
    assertArrayEquals(expectedOutputs, outputs, 1e-5f, what);
    assertArrayEquals(expectedClasses, classes, what);
  }

  @Test
  void aShortOutputArrayIsAClearError() {
    Model net = new Net_Networks_Medium(1);
    RandomBatch data = new RandomBatch(net, 10, 1);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class,
            () -> net.evaluateBatch(data.x, 0, data.labels, null, 10, new float[99], null));
    assertEquals("outputs must have room for 10 x 10 values, but had 99", e.getMessage());
  }
}
