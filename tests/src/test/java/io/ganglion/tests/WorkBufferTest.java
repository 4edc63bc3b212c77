package io.ganglion.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ganglion.Model;
import io.ganglion.Parameter;
import io.ganglion.train.ParallelGradients;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A model allocates the buffers only training writes (the layers' deltas, dropout masks, batch
 * norm's normalized values, the row split's partial sums) on its first training pass, and grows
 * them apart from the buffers inference writes. Predicting larger and smaller batches between
 * training steps must leave training exactly as on an instance that only trained.
 */
class WorkBufferTest {
  /** Batch sizes in the order the predicting instance runs them: predict, then train, and so on. */
  private static final int[][] PREDICT_THEN_TRAIN = {{5, 3}, {9, 7}, {12, 2}, {1, 12}, {12, 12}};

  @Test
  void predictingBetweenTrainingStepsChangesNoGradient() {
    // Max pooling, batch norm over images, dropout and dense layers.
    check(new Net_FashionCnn(7), new Net_FashionCnn(7));
  }

  @Test
  void predictingBetweenTrainingStepsChangesNoGradientOfADenseNetwork() {
    check(new Net_Networks_Medium(3), new Net_Networks_Medium(3));
  }

  /**
   * The gradient of a batch is the sum of its samples' gradients (no batch norm or dropout here),
   * each computed alone: a training pass whose samples shared max pooling's indexes with
   * another sample (as the samples past those training has used do in inference) would differ.
   */
  @Test
  void maxPoolingIndexesOfATrainingPassAreEachSamplesOwn() {
    checkAgainstSamples(new Net_Networks_ConvWidePool(4), new Net_Networks_ConvWidePool(4));
    checkAgainstSamples(new Net_Networks_ConvValidMaxPool(4), new Net_Networks_ConvValidMaxPool(4));
  }

  @Test
  void predictingBetweenRowSplitStepsChangesNoGradient() {
    checkParallel(new Net_Networks_Medium(3), new Net_Networks_Medium(3),
        ParallelGradients.Split.ROWS);
  }

  /** A batch split among replicas (data parallelism): a convolution network, a dense one. */
  @Test
  void predictingBetweenBatchSplitStepsChangesNoGradient() {
    checkParallel(new Net_FashionCnn(7), new Net_FashionCnn(7), ParallelGradients.Split.AUTO);
    checkParallel(new Net_Networks_Medium(3), new Net_Networks_Medium(3),
        ParallelGradients.Split.BATCH);
  }

  private static void checkParallel(Model predicting, Model training, ParallelGradients.Split how) {
    RandomBatch data = new RandomBatch(predicting, 12, 11);
    int outputs = predicting.outputSize();
    float[] fromPredicting = new float[12 * outputs];
    int[] classes = new int[12];
    try (ParallelGradients a = ParallelGradients.of(predicting, 2, how);
        ParallelGradients b = ParallelGradients.of(training, 2, how)) {
      // Evaluation on the workers before any training pass, then between the steps.
      a.evaluateBatch(data.x, 0, data.labels, data.targets, 12, fromPredicting, classes);
      for (int[] sizes : PREDICT_THEN_TRAIN) {
        predicting.predictBatch(data.x, 0, sizes[0], fromPredicting);
        int train = sizes[1];
        double lossA = a.computeGradients(data.x, 0, data.labels, data.targets, train);
        double lossB = b.computeGradients(data.x, 0, data.labels, data.targets, train);
        assertEquals(lossB, lossA, "loss of a batch of " + train);
        assertSameGradients(training.parameters(), predicting.parameters(), train);
        a.evaluateBatch(data.x, 0, data.labels, data.targets, sizes[0], fromPredicting, classes);
      }
      float[] fromTraining = new float[12 * outputs];
      a.evaluateBatch(data.x, 0, data.labels, data.targets, 12, fromPredicting, classes);
      b.evaluateBatch(data.x, 0, data.labels, data.targets, 12, fromTraining, classes);
      assertArrayEquals(fromTraining, fromPredicting);
    }
  }

  private static void check(Model predicting, Model training) {
    RandomBatch data = new RandomBatch(predicting, 13, 5);
    int outputs = predicting.outputSize();
    float[] fromPredicting = new float[12 * outputs];
    for (int[] sizes : PREDICT_THEN_TRAIN) {
      predicting.predictBatch(data.x, 0, sizes[0], fromPredicting);
      int train = sizes[1];
      double lossA =
          predicting.forwardBackward(data.x, 1, data.labels, data.targets, train, 1f / train);
      double lossB =
          training.forwardBackward(data.x, 1, data.labels, data.targets, train, 1f / train);
      assertEquals(lossB, lossA, "loss of a batch of " + train);
      assertSameGradients(training.parameters(), predicting.parameters(), train);
    }
    // Inference after all that: the same outputs from both (the same weights and statistics).
    float[] fromTraining = new float[12 * outputs];
    predicting.predictBatch(data.x, 0, 12, fromPredicting);
    training.predictBatch(data.x, 0, 12, fromTraining);
    assertArrayEquals(fromTraining, fromPredicting);
  }

  private static void checkAgainstSamples(Model predicting, Model alone) {
    RandomBatch data = new RandomBatch(predicting, 12, 9);
    float[] outputs = new float[12 * predicting.outputSize()];
    for (int[] sizes : PREDICT_THEN_TRAIN) {
      predicting.predictBatch(data.x, 0, sizes[0], outputs);
      int train = sizes[1];
      predicting.forwardBackward(data.x, 0, data.labels, data.targets, train, 1f / train);
      List<Parameter> parameters = alone.parameters();
      double[][] sums = new double[parameters.size()][];
      for (int s = 0; s < train; s++) {
        alone.forwardBackward(data.x, s, data.labels, data.targets, 1, 1f / train);
        for (int k = 0; k < sums.length; k++) {
          float[] g = new float[parameters.get(k).size()];
          parameters.get(k).copyGradientTo(g);
          if (sums[k] == null) {
            sums[k] = new double[g.length];
          }
          for (int j = 0; j < g.length; j++) {
            sums[k][j] += g[j];
          }
        }
      }
      for (int k = 0; k < sums.length; k++) {
        Parameter p = predicting.parameters().get(k);
        float[] actual = new float[p.size()];
        p.copyGradientTo(actual);
        for (int j = 0; j < actual.length; j++) {
          assertEquals(sums[k][j], actual[j], 1e-6 + 1e-4 * Math.abs(sums[k][j]),
              "gradient " + j + " of " + p.name() + " after a batch of " + train);
        }
      }
    }
  }

  private static void assertSameGradients(
      List<Parameter> expected, List<Parameter> actual, int batch) {
    for (int k = 0; k < expected.size(); k++) {
      Parameter p = expected.get(k);
      float[] e = new float[p.size()];
      float[] a = new float[p.size()];
      p.copyGradientTo(e);
      actual.get(k).copyGradientTo(a);
      assertArrayEquals(e, a, "gradient of " + p.name() + " after a batch of " + batch);
    }
  }
}
