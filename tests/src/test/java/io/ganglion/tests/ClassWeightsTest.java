package io.ganglion.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ganglion.Model;
import io.ganglion.data.Dataset;
import io.ganglion.io.ModelFormatException;
import io.ganglion.optim.Sgd;
import io.ganglion.train.History;
import io.ganglion.train.Trainer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Trainer.classWeights}, Keras's {@code class_weight}: each sample's loss weighs as its
 * class, the reported loss is the weighted mean, a rare class gains recall, and settings that
 * cannot be weighed are refused before training.
 */
class ClassWeightsTest {
  @TempDir Path dir;

  @Test
  void aStepIsForwardBackwardWithTheClassWeightsOfTheBatch() {
    Dataset data = LearningTest.blobs(12, 3);
    double[] classWeights = {0.5, 2, 1.25};
    Model trained = new Net_Networks_Blobs(4);
    History history = Trainer.of(trained).optimizer(Sgd.of(0.1)).batchSize(12).epochs(1)
        .shuffle(false).verbose(0).threads(1).classWeights(classWeights).fit(data);

    Model manual = new Net_Networks_Blobs(4);
    float[] w = new float[12];
    for (int i = 0; i < 12; i++) {
      w[i] = (float) classWeights[data.labels()[i]];
    }
    double loss = manual.forwardBackward(data.features(), 0, data.labels(), null, w, 12, 1f / 12);
    Sgd.of(0.1).step(manual.parameters());
    assertEquals(loss / 12, history.loss().get(0), 1e-12);
    for (int k = 0; k < manual.parameters().size(); k++) {
      assertArrayEquals(manual.parameters().get(k).toArray(),
          trained.parameters().get(k).toArray(), manual.parameters().get(k).name());
    }
  }

  @Test
  void balancedWeightsRaiseTheRecallOfARareClass() {
    Dataset train = imbalanced(600, 1);
    Dataset test = imbalanced(600, 2);
    double[] balanced = train.balancedClassWeights(3);
    assertTrue(balanced[2] > 5 * balanced[0], Arrays.toString(balanced));
    double plain = rareRecall(train, test, null);
    double weighted = rareRecall(train, test, balanced);
    assertTrue(weighted > plain + 0.2,
        "recall of the rare class: " + plain + " unweighted, " + weighted + " weighted");
  }

  private static double rareRecall(Dataset train, Dataset test, double[] weights) {
    Model net = new Net_Networks_Blobs(5);
    Trainer trainer = Trainer.of(net).optimizer(Sgd.of(0.05, 0.9)).batchSize(32).epochs(15)
        .seed(6).verbose(0);
    if (weights != null) {
      trainer.classWeights(weights);
    }
    trainer.fit(train);
    return trainer.evaluate(test).perClassAccuracy()[2];
  }

  /** Three overlapping blobs; class 2 has one sample in 20. */
  private static Dataset imbalanced(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] x = new float[2 * n];
    int[] y = new int[n];
    for (int s = 0; s < n; s++) {
      int c = s % 20 == 0 ? 2 : s % 2;
      double angle = 2 * Math.PI * c / 3;
      y[s] = c;
      x[2 * s] = (float) (Math.cos(angle) + random.nextDouble(-1.2, 1.2));
      x[2 * s + 1] = (float) (Math.sin(angle) + random.nextDouble(-1.2, 1.2));
    }
    return Dataset.ofLabels(x, 2, y);
  }

  @Test
  void balancedClassWeightsFollowScikitLearn() {
    Dataset data = Dataset.ofLabels(new float[4], 1, new int[] {0, 0, 0, 1});
    assertArrayEquals(new double[] {4.0 / 9, 4.0 / 3, 0}, data.balancedClassWeights(3), 1e-12);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> data.balancedClassWeights(1));
    assertEquals("label of sample 3 must be in [0, 1), but was 1", e.getMessage());
    Dataset values = Dataset.ofTargets(new float[2], 1, new float[2], 1);
    assertThrows(IllegalStateException.class, () -> values.balancedClassWeights(2));
  }

  @Test
  void weightsThatCannotBeUsedAreRefusedBeforeTraining() {
    Model net = new Net_Networks_Blobs(4);
    float[] before = net.parameters().get(0).toArray();
    Dataset data = LearningTest.blobs(12, 3);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Trainer.of(net).classWeights(1, 2).verbose(0).fit(data));
    assertEquals("class weights must give one weight to each of the 3 classes of Blobs, but"
        + " gave 2", e.getMessage());
    Dataset oneHot = data.withOneHotTargets(3);
    e = assertThrows(IllegalArgumentException.class,
        () -> Trainer.of(net).classWeights(1, 2, 3).verbose(0).fit(oneHot));
    assertEquals("class weights must weigh classes given as labels, but the training data has"
        + " targets; use Dataset.ofLabels for classes, or train without classWeights",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Trainer.of(net).classWeights(1, -1, 2));
    assertEquals("class weight 1 must be a number of at least 0 that a float holds (at most"
        + " 3.4028235E38), but was -1.0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Trainer.of(net).classWeights(1, Double.NaN, 2));
    assertEquals("class weight 1 must be a number of at least 0 that a float holds (at most"
        + " 3.4028235E38), but was NaN", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Trainer.of(net).classWeights(1e300));
    assertEquals("class weight 0 must be a number of at least 0 that a float holds (at most"
        + " 3.4028235E38), but was 1.0E300", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Trainer.of(net).classWeights(0, 0));
    assertEquals("class weights must not all be 0, but were [0.0, 0.0]; such a loss teaches"
        + " nothing", e.getMessage());
    assertArrayEquals(before, net.parameters().get(0).toArray());
    // No weights again: trains.
    Trainer.of(net).classWeights(1, 2).classWeights().verbose(0).fit(data);
  }

  @Test
  void aResumedRunKeepsItsClassWeights() throws Exception {
    Dataset data = LearningTest.blobs(30, 3);
    Path file = dir.resolve("weighted.ckpt.safetensors");
    Trainer.of(new Net_Networks_Blobs(4)).optimizer(Sgd.of(0.1)).epochs(2).verbose(0)
        .classWeights(1, 2, 3).checkpoint(file).fit(data);
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> Trainer.of(new Net_Networks_Blobs(4)).optimizer(Sgd.of(0.1)).epochs(3).verbose(0)
            .classWeights(1, 2, 4).checkpoint(file).resumeFrom(file));
    assertTrue(e.getMessage().contains("class weights [1.0, 2.0, 3.0], but the trainer has"
        + " [1.0, 2.0, 4.0]"), e.getMessage());
    e = assertThrows(ModelFormatException.class,
        () -> Trainer.of(new Net_Networks_Blobs(4)).optimizer(Sgd.of(0.1)).epochs(3).verbose(0)
            .checkpoint(file).resumeFrom(file));
    assertTrue(e.getMessage().contains("but the trainer has none"), e.getMessage());
    // Changed after resumeFrom: refused by fit.
    Trainer changed = Trainer.of(new Net_Networks_Blobs(4)).optimizer(Sgd.of(0.1)).epochs(3)
        .verbose(0).classWeights(1, 2, 3).checkpoint(file).resumeFrom(file).classWeights();
    IllegalStateException late = assertThrows(IllegalStateException.class, () -> changed.fit(data));
    assertTrue(late.getMessage().contains("but the trainer has none"), late.getMessage());
    History resumed = Trainer.of(new Net_Networks_Blobs(4)).optimizer(Sgd.of(0.1)).epochs(3)
        .verbose(0).classWeights(1, 2, 3).checkpoint(file).resumeFrom(file).fit(data);
    assertEquals(3, resumed.epochs());
  }
}
