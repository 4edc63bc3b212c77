package io.ganglion.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ganglion.Model;
import io.ganglion.Parameter;
import io.ganglion.data.Dataset;
import io.ganglion.optim.Sgd;
import io.ganglion.train.Evaluation;
import io.ganglion.train.History;
import io.ganglion.train.ParallelGradients;
import io.ganglion.train.Trainer;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Data-parallel training: deterministic per thread count, and the same math as one thread. */
class ParallelTrainingTest {

  @ParameterizedTest
  @EnumSource(value = ParallelGradients.Split.class, names = {"ROWS", "BATCH"})
  void twoThreadsAreDeterministicAndAgreeWithOne(ParallelGradients.Split how) {
    float[][] one = train(1, 32, 1, how);
    float[][] twoA = train(2, 32, 1, how);
    float[][] twoB = train(2, 32, 1, how);
    float[][] three = train(3, 32, 1, how);
    for (int k = 0; k < one.length; k++) {
      assertArrayEquals(twoA[k], twoB[k],
          how + ": parameter " + k + " differs between two 2-thread runs");
      for (int e = 0; e < one[k].length; e++) {
        assertEquals(one[k][e], twoA[k][e], 2e-4,
            how + ": parameter " + k + "[" + e + "], 2 threads");
        assertEquals(one[k][e], three[k][e], 2e-4,
            how + ": parameter " + k + "[" + e + "], 3 threads");
      }
    }
  }

  /**
   * The training mse and mae of a regression network come from each batch's own forward pass on
   * the weights before its step: with the whole data in one batch, the first epoch's are those of
   * the initial weights, on any number of threads.
   */
  @Test
  void trainingMseAndMaeAreThoseOfTheWeightsBeforeTheStep() {
    for (int threads : new int[] {1, 2, 3}) {
      Model net = new Net_Networks_WideMseRegression(7);
      RandomBatch data = new RandomBatch(net, 50, 2);
      Dataset train = Dataset.ofTargets(data.x, net.inputSize(), data.targets, net.outputSize());
      Evaluation before = Trainer.of(net).evaluate(train);
      History history = Trainer.of(net).optimizer(Sgd.of(0.1)).batchSize(50).epochs(3)
          .threads(threads).trainingAccuracy(true).shuffle(false).verbose(0).fit(train);
      assertEquals(List.of("loss", "mse", "mae", "lr"), history.metricNames());
      assertEquals(before.mse(), history.metric("mse").get(0), 1e-6, threads + " threads");
      assertEquals(before.mae(), history.metric("mae").get(0), 1e-6, threads + " threads");
      assertTrue(history.metric("mse").get(2) < history.metric("mse").get(0), history.toString());
      assertEquals(history.metric("loss").get(2), history.metric("mse").get(2), 1e-6,
          "MSE's loss is the mean squared error of the same passes");
    }
  }

  @Test
  void batchesSmallerThanTheThreadCountWork() {
    // 50 samples in batches of 3 leave a last batch of 2 for 3 workers: one slice is empty.
    float[][] one = train(1, 3);
    float[][] three = train(3, 3);
    for (int k = 0; k < one.length; k++) {
      for (int e = 0; e < one[k].length; e++) {
        assertEquals(one[k][e], three[k][e], 2e-4, "parameter " + k + "[" + e + "]");
      }
    }
  }

  @Test
  void batchNormOverVectorsGetsAtLeastTwoSamplesPerWorker() {
    // Batches of 4 on 4 threads would give each worker one sample, which batch norm cannot
    // normalize: the trainer uses 2 workers instead, so the run equals one on 2 threads.
    Dataset train = LearningTest.blobs(40, 5);
    float[][] four = trainRegularized(train, 4);
    float[][] two = trainRegularized(train, 2);
    for (int k = 0; k < two.length; k++) {
      assertArrayEquals(two[k], four[k], "parameter " + k);
    }
    Net_Networks_BlobsRegularized net = new Net_Networks_BlobsRegularized(3);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class,
            () -> Trainer.of(net).batchSize(1).verbose(0).fit(train));
    assertEquals("batch norm layer norm normalizes each unit over the batch, so training needs at"
        + " least 2 samples per batch, but batches have 1; use batchSize(2) or more (PyTorch"
        + " refuses such batches too)", e.getMessage());
    // A last batch of 2 on 4 workers goes to the first one whole: it counts, as on one thread.
    for (int threads : new int[] {1, 4}) {
      Net_Networks_BlobsRegularized counted = new Net_Networks_BlobsRegularized(3);
      Trainer.of(counted).batchSize(8).epochs(3).threads(threads).verbose(0)
          .fit(LearningTest.blobs(10, 6));
      assertEquals(6f, counted.buffers().get(2).get(0), "batches tracked, " + threads + " threads");
    }
    // Over 1x1 images batch norm has one value per channel in a sample too.
    Dataset pixels = Dataset.ofLabels(new float[] {1, 2, 3, 3, 2, 1, 0, 1, 0}, 3,
        new int[] {0, 1, 0});
    IllegalArgumentException image =
        assertThrows(IllegalArgumentException.class,
            () -> Trainer.of(new Net_Networks_PixelBatchNorm(1)).batchSize(1).verbose(0)
                .fit(pixels));
    assertTrue(image.getMessage().startsWith("batch norm layer norm normalizes"),
        image.getMessage());
    // One training sample is refused whatever the batch size, and said so.
    IllegalArgumentException one =
        assertThrows(IllegalArgumentException.class,
            () -> Trainer.of(new Net_Networks_PixelBatchNorm(1)).batchSize(8).verbose(0)
                .fit(Dataset.ofLabels(new float[] {1, 2, 3}, 3, new int[] {1})));
    assertTrue(one.getMessage().contains("but the training data holds 1 sample (PyTorch"),
        one.getMessage());
  }

  /**
   * ParallelGradients used directly (not through a trainer) also gives each worker two samples
   * of a network with batch norm over vectors: a batch of 2 on 2 workers went one sample each,
   * and the norm passed no gradient below it.
   */
  @Test
  void parallelGradientsUsedDirectlyGivesBatchNormTwoSamplesPerWorker() {
    float[] x = new float[3 * 3];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) Math.sin(i * 0.9) * 2;
    }
    int[] y = {0, 1, 0};
    for (int batch : new int[] {2, 3}) {
      // Batch norm over 1x1 images: one value per channel in a sample, as over vectors.
      Net_Networks_PixelBatchNorm one = new Net_Networks_PixelBatchNorm(5);
      one.forwardBackward(x, 0, y, null, batch, 1f / batch);
      Net_Networks_PixelBatchNorm two = new Net_Networks_PixelBatchNorm(5);
      try (ParallelGradients parallel = ParallelGradients.of(two, 2)) {
        parallel.computeGradients(x, 0, y, null, batch);
      }
      for (int k = 0; k < one.parameters().size(); k++) {
        Parameter expected = one.parameters().get(k);
        assertArrayEquals(expected.grad(), two.parameters().get(k).grad(),
            expected.name() + ", batch of " + batch);
      }
      assertTrue(one.parameters().get(0).gradient(0) != 0, "conv.weight has a gradient");
    }
  }

  @Test
  void theFirstWorkersLargerSliceMovesTheRunningStatistics() {
    // As PyTorch's DataParallel (torch.chunk): the first worker, whose statistics persist, takes
    // the rounded-up half, so a batch of 1 moves them and a batch of 3 moves them from 2 samples.
    float[] x = new float[5 * 9];
    int[] y = new int[5];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) Math.sin(i * 0.7) * 2;
    }
    for (int workers : new int[] {2, 4}) {
      for (int batch : new int[] {1, 3, 5}) {
        Net_Networks_ImageBatchNorm parallel = new Net_Networks_ImageBatchNorm(4);
        try (ParallelGradients split = ParallelGradients.of(parallel, workers)) {
          split.computeGradients(x, 0, y, null, batch);
        }
        Net_Networks_ImageBatchNorm first = new Net_Networks_ImageBatchNorm(4);
        first.forwardBackward(x, 0, y, null, (batch + workers - 1) / workers, 1f);
        String what = ", batch of " + batch + " on " + workers + " workers";
        for (int k = 0; k < first.buffers().size(); k++) {
          assertArrayEquals(first.buffers().get(k).toArray(),
              parallel.buffers().get(k).toArray(), first.buffers().get(k).name() + what);
        }
        assertEquals(1f, parallel.buffers().get(2).get(0), "batches tracked" + what);
      }
    }
  }

  @Test
  void aServingReplicaMadeBeforeTrainingDoesNotChangeIt() {
    Dataset train = LearningTest.blobs(60, 7);
    float[][] alone = trainRegularized(train, 2);
    Net_Networks_BlobsRegularized net = new Net_Networks_BlobsRegularized(3);
    long[] before = net.randomState();
    net.replica().predict(new float[2]);
    net.replica();
    Trainer.of(net).optimizer(Sgd.of(0.05, 0.9)).batchSize(4).epochs(2).seed(2).threads(2)
        .verbose(0).fit(train);
    float[][] withReplicas =
        net.parameters().stream().map(Parameter::toArray).toArray(float[][]::new);
    for (int k = 0; k < alone.length; k++) {
      assertArrayEquals(alone[k], withReplicas[k], "parameter " + k);
    }
    assertEquals(before[2] + 2, net.randomState()[2], "only the serving replicas are counted");
  }

  private static float[][] trainRegularized(Dataset train, int threads) {
    Net_Networks_BlobsRegularized net = new Net_Networks_BlobsRegularized(3);
    Trainer.of(net).optimizer(Sgd.of(0.05, 0.9)).batchSize(4).epochs(2).seed(2)
        .threads(threads).verbose(0).fit(train);
    return net.parameters().stream().map(Parameter::toArray).toArray(float[][]::new);
  }

  @Test
  void parallelTrainingLearns() {
    Dataset train = LearningTest.blobs(600, 1);
    Net_Networks_Blobs net = new Net_Networks_Blobs(3);
    History history =
        Trainer.of(net).optimizer(Sgd.of(0.05, 0.9)).batchSize(16).epochs(10).threads(2)
            .verbose(0).fit(train);
    assertTrue(history.loss().get(history.epochs() - 1) < 0.2, "loss " + history.loss());
  }

  /**
   * Gradient accumulation on two threads with a generated dense network split by weight rows and
   * by batch: 3 batches of 10 update as one batch of 30 on one thread (50 samples: groups of 30
   * and 20).
   */
  @ParameterizedTest
  @EnumSource(value = ParallelGradients.Split.class, names = {"ROWS", "BATCH"})
  void gradientAccumulationOnTwoThreadsUpdatesAsOneLargerBatch(ParallelGradients.Split how) {
    float[][] large = train(1, 30, 1, how);
    float[][] accumulated = train(2, 10, 3, how);
    for (int k = 0; k < large.length; k++) {
      for (int e = 0; e < large[k].length; e++) {
        assertEquals(large[k][e], accumulated[k][e], 2e-4,
            how + ": parameter " + k + "[" + e + "]");
      }
    }
  }

  private static float[][] train(int threads, int batch) {
    return train(threads, batch, 1, ParallelGradients.Split.AUTO);
  }

  private static float[][] train(
      int threads, int batch, int accumulation, ParallelGradients.Split how) {
    SplittableRandom random = new SplittableRandom(9);
    int n = 50;
    float[] x = new float[n * 64];
    int[] y = new int[n];
    for (int k = 0; k < x.length; k++) {
      x[k] = (float) random.nextDouble();
    }
    for (int k = 0; k < n; k++) {
      y[k] = random.nextInt(10);
    }
    Model net = new Net_Networks_Medium(17);
    Trainer.of(net).optimizer(Sgd.of(0.1, 0.5)).batchSize(batch).gradientAccumulation(accumulation)
        .epochs(3).seed(4).threads(threads).parallelSplit(how).verbose(0)
        .fit(Dataset.ofLabels(x, 64, y));
    float[][] values = new float[net.parameters().size()][];
    int k = 0;
    for (Parameter p : net.parameters()) {
      values[k++] = p.toArray();
    }
    return values;
  }
}
