package io.ganglion.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Splits, shuffling, subsets, one-hot and scaling. */
final class DatasetTest {
  /** 100 samples, one feature equal to the index; 70 of class 0, 20 of class 1, 10 of class 2. */
  private static Dataset unbalanced() {
    float[] x = new float[100];
    int[] y = new int[100];
    for (int i = 0; i < 100; i++) {
      x[i] = i;
      y[i] = i < 70 ? 0 : i < 90 ? 1 : 2;
    }
    return Dataset.ofLabels(x, 1, y);
  }

  private static int[] counts(Dataset data) {
    int[] counts = new int[3];
    for (int label : data.labels()) {
      counts[label]++;
    }
    return counts;
  }

  @Test
  void classNamesCountTheClassesAndFollowTheDerivedDataSets() {
    Dataset plain = unbalanced();
    assertEquals(List.of(), plain.classNames());
    assertEquals(3, plain.classes());
    Dataset named = plain.withClassNames("low", "mid", "high", "unseen");
    assertEquals(List.of("low", "mid", "high", "unseen"), named.classNames());
    assertEquals(4, named.classes(), "a class without samples still counts");
    assertEquals("Dataset[100 samples x 1 features, labels of 4 classes]", named.toString());
    assertEquals(plain.labels(), named.labels(), "the arrays are shared");
    Dataset.Split split = named.split(0.2, 1);
    assertEquals(named.classNames(), split.train().classNames());
    assertEquals(named.classNames(), split.validation().classNames());
    assertEquals(named.classNames(), named.shuffled(3).classNames());
    assertEquals(4, named.subset(new int[] {0, 1}).classes());
    assertEquals(List.of(), named.withOneHotTargets(4).classNames());

    assertEquals("label of sample 90 must be below the 2 class names, but was 2",
        assertThrows(IllegalArgumentException.class, () -> plain.withClassNames("a", "b"))
            .getMessage());
    assertEquals("class names must differ, but 'a' was given twice",
        assertThrows(IllegalArgumentException.class,
            () -> plain.withClassNames("a", "b", "a")).getMessage());
    assertEquals("class names must not be null or blank, but element 1 was null",
        assertThrows(IllegalArgumentException.class,
            () -> plain.withClassNames("a", null, "c")).getMessage());
    // A blank name would be a blank row of the report and the confusion matrix.
    assertEquals("class names must not be null or blank, but element 1 was ' '",
        assertThrows(IllegalArgumentException.class,
            () -> plain.withClassNames("a", " ", "c")).getMessage());
    assertEquals("class names must not be null or blank, but element 0 was ''",
        assertThrows(IllegalArgumentException.class,
            () -> plain.withClassNames("", "b", "c")).getMessage());
    assertEquals("class names must name at least one class",
        assertThrows(IllegalArgumentException.class, () -> plain.withClassNames()).getMessage());
    Dataset values = Dataset.ofTargets(new float[] {1, 2}, 1, new float[] {3, 4}, 1);
    assertEquals("class names name the classes of labels, but the data had float targets",
        assertThrows(IllegalStateException.class, () -> values.withClassNames("a"))
            .getMessage());
    assertEquals(List.of(), values.classNames());
  }

  @Test
  void splitIsStratifiedSeededAndDisjoint() {
    Dataset.Split split = unbalanced().split(0.2, 42);
    assertArrayEquals(new int[] {14, 4, 2}, counts(split.validation()));
    assertArrayEquals(new int[] {56, 16, 8}, counts(split.train()));
    float[] all = new float[100];
    System.arraycopy(split.train().features(), 0, all, 0, 80);
    System.arraycopy(split.validation().features(), 0, all, 80, 20);
    Arrays.sort(all);
    for (int i = 0; i < 100; i++) {
      assertEquals(i, all[i]);
    }
    assertArrayEquals(split.validation().features(),
        unbalanced().split(0.2, 42).validation().features());
    assertFalse(Arrays.equals(split.validation().features(),
        unbalanced().split(0.2, 43).validation().features()));
  }

  @Test
  void aStratifiedSplitHoldsTheRequestedShareOfAllSamples() {
    // {classes, samples per class, fraction, validation size}: round(fraction * size) in all;
    // rounding class by class gave 3, 5 and 0 (an error) for the first three.
    double[][] cases = {{3, 5, 0.25, 4}, {5, 10, 0.05, 3}, {3, 4, 0.1, 1}, {10, 14, 0.1, 14},
        {4, 25, 0.2, 20}};
    for (double[] c : cases) {
      int classes = (int) c[0];
      int each = (int) c[1];
      int[] y = new int[classes * each];
      for (int i = 0; i < y.length; i++) {
        y[i] = i % classes;
      }
      Dataset data = Dataset.ofLabels(new float[y.length], 1, y);
      for (long seed = 0; seed < 5; seed++) {
        Dataset.Split split = data.split(c[2], seed);
        String what = Arrays.toString(c) + " seed " + seed;
        assertEquals((int) c[3], split.validation().size(), what);
        int[] held = new int[classes];
        for (int label : split.validation().labels()) {
          held[label]++;
        }
        for (int k = 0; k < classes; k++) {
          double share = c[2] * each;
          assertTrue(held[k] == Math.floor(share) || held[k] == Math.floor(share) + 1,
              what + ": class " + k + " gave " + held[k]);
        }
      }
    }
    // Unequal classes: the remainders decide. 50, 30, 15, 5 at 5%: 2.5, 1.5, 0.75, 0.25 make 5.
    int[] y = new int[100];
    for (int i = 0; i < 100; i++) {
      y[i] = i < 50 ? 0 : i < 80 ? 1 : i < 95 ? 2 : 3;
    }
    Dataset.Split split = Dataset.ofLabels(new float[100], 1, y).split(0.05, 1);
    int[] held = new int[4];
    for (int label : split.validation().labels()) {
      held[label]++;
    }
    assertEquals(5, split.validation().size());
    assertEquals(1, held[2], Arrays.toString(held)); // the largest remainder, 0.75
    assertEquals(0, held[3], Arrays.toString(held));
    assertEquals(4, held[0] + held[1], Arrays.toString(held)); // 2 + 1, and one of the ties
  }

  @Test
  void aStratifiedSplitLeavesEveryClassATrainingSample() {
    // 3 classes of 2 at 0.6: round(3.6) = 4 would take both samples of one class.
    Dataset.Split split =
        Dataset.ofLabels(new float[] {1, 2, 3, 4, 5, 6}, 1, new int[] {0, 0, 1, 1, 2, 2})
            .split(0.6, 1);
    assertArrayEquals(new int[] {0, 1, 2}, split.train().labels());
    assertEquals(3, split.validation().size());
    // 150 samples of 3 classes at 0.99: 49 of each class to validation, one of each trains.
    int[] y = new int[150];
    for (int i = 0; i < y.length; i++) {
      y[i] = i / 50;
    }
    split = Dataset.ofLabels(new float[150], 1, y).split(0.99, 3);
    assertArrayEquals(new int[] {0, 1, 2}, split.train().labels());
    // What a capped class cannot give goes to classes with a remainder, not to a full one:
    // class 0 gives its 2 of 4, and one of the single samples of classes 1 and 2 the third.
    for (long seed = 0; seed < 5; seed++) {
      int[] held = Dataset.ofLabels(new float[6], 1, new int[] {0, 0, 0, 0, 1, 2}).split(0.5, seed)
          .validation().labels();
      assertEquals(3, held.length, "seed " + seed);
      assertEquals(2, Arrays.stream(held).filter(label -> label == 0).count(), "seed " + seed);
    }
    // Labels that are regression values, each once: split as before, 20 of 100 to validation.
    int[] values = new int[100];
    for (int i = 0; i < values.length; i++) {
      values[i] = i;
    }
    assertEquals(20, Dataset.ofLabels(new float[100], 1, values).split(0.2, 1).validation().size());
  }

  @Test
  void splitDrawsByClassInLabelOrderWhateverTheLabels() {
    float[] x = new float[100];
    int[] y = new int[100];
    for (int i = 0; i < 100; i++) {
      x[i] = i;
      y[i] = i < 70 ? 0 : i < 90 ? 1 : i % 2 == 0 ? 2 : 5; // classes 3 and 4 are empty
    }
    // The samples that the earlier implementation (an array per class) drew: unchanged.
    assertArrayEquals(new float[] {0, 1, 4, 11, 17, 18, 19, 20, 34, 38, 57, 59, 60, 65, 75, 77,
        82, 87, 92, 99}, Dataset.ofLabels(x, 1, y).split(0.2, 42).validation().features());
    // A label near the int range allocates nothing per class.
    y[99] = Integer.MAX_VALUE - 1;
    Dataset.Split split = Dataset.ofLabels(x, 1, y).split(0.2, 42);
    assertEquals(100, split.train().size() + split.validation().size());
  }

  @Test
  void samplesMustBeFiniteWithClassIndexes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Dataset.ofLabels(new float[] {1, 2, 3, Float.NaN}, 2, new int[] {0, 1}));
    assertEquals("feature 1 of sample 1 must be finite, but was NaN", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Dataset.ofTargets(
        new float[] {1, 2}, 1, new float[] {0, Float.NEGATIVE_INFINITY}, 1));
    assertEquals("target 0 of sample 1 must be finite, but was -Infinity", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Dataset.ofLabels(new float[] {1, 2}, 1, new int[] {0, -3}));
    assertEquals("label of sample 1 must be a class index (0 or more), but was -3",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Dataset.ofLabels(new float[] {1}, 1, new int[] {Integer.MAX_VALUE}));
    assertEquals("label of sample 0 must be a class index below 2147483647, but was"
        + " 2147483647", e.getMessage());
  }

  @Test
  void gatherNamesWhatDoesNotFit() {
    Dataset data = unbalanced();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> data.gather(new int[] {0, 100}, 0, 2, new float[2], new int[2], null));
    assertEquals("order[1] must be a sample index in [0, 100), but was 100", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> data.gather(new int[] {0, 1}, 1, 2, new float[2], new int[2], null));
    assertEquals("gather must take order[from, from + count) within an order of 2 indexes, into x"
        + " with room for 2 values and y with room for 2, but took [1, 3) into 2 values and 2"
        + " labels", e.getMessage());
  }

  @Test
  void splitOfTargetsIsSeeded() {
    Dataset data = Dataset.ofTargets(new float[20], 2, new float[10], 1);
    Dataset.Split split = data.split(0.3, 1);
    assertEquals(3, split.validation().size());
    assertEquals(7, split.train().size());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> data.split(0.01, 1));
    assertEquals("a split of 0.01 must leave samples on both sides, but 10 samples gave 0 to"
        + " validation", e.getMessage());
  }

  @Test
  void shuffledIsAPermutationFixedByTheSeed() {
    Dataset shuffled = unbalanced().shuffled(7);
    float[] sorted = shuffled.features().clone();
    Arrays.sort(sorted);
    assertArrayEquals(unbalanced().features(), sorted);
    assertArrayEquals(shuffled.features(), unbalanced().shuffled(7).features());
    for (int i = 0; i < 100; i++) {
      int index = (int) shuffled.features()[i];
      assertEquals(unbalanced().labels()[index], shuffled.labels()[i]);
    }
  }

  @Test
  void oneHot() {
    assertArrayEquals(new float[] {0, 1, 0, 0, 0, 1, 1, 0, 0},
        Dataset.oneHot(new int[] {1, 2, 0}, 3));
    Dataset encoded = Dataset.ofLabels(new float[] {5, 6}, 1, new int[] {1, 0})
        .withOneHotTargets(2);
    assertArrayEquals(new float[] {0, 1, 1, 0}, encoded.targets());
    assertEquals(2, encoded.targetSize());
    assertEquals("label of sample 1 must be in [0, 2), but was 2",
        assertThrows(IllegalArgumentException.class,
            () -> Dataset.oneHot(new int[] {0, 2}, 2)).getMessage());
  }

  @Test
  void standardizationIsFittedOnTrainingDataAndAppliedToOthers() {
    Dataset train = Dataset.ofLabels(new float[] {1, 10, 3, 10, 5, 10}, 2, new int[] {0, 1, 0});
    Scaler scaler = Scaler.standardize(train);
    float std = (float) Math.sqrt(8.0 / 3);
    assertArrayEquals(new float[] {3, 10}, scaler.shift());
    assertArrayEquals(new float[] {std, 1}, scaler.divisor());
    Dataset test = scaler.apply(Dataset.ofLabels(new float[] {7, 12}, 2, new int[] {1}));
    assertArrayEquals(new float[] {4 / std, 2}, test.features(), 1e-6f);
    Dataset scaledTrain = scaler.apply(train);
    assertArrayEquals(new float[] {-2 / std, 0, 0, 0, 2 / std, 0}, scaledTrain.features(), 1e-6f);
    assertArrayEquals(new float[] {1, 10, 3, 10, 5, 10}, train.features(), "input untouched");
  }

  @Test
  void minMaxMapsTrainingDataToTheUnitInterval() {
    Dataset train = Dataset.ofTargets(new float[] {2, -1, 4, -1, 6, -1}, 2, new float[3], 1);
    Scaler scaler = Scaler.minMax(train);
    assertArrayEquals(new float[] {0, 0, 0.5f, 0, 1, 0}, scaler.apply(train).features());
    assertArrayEquals(new float[] {1.5f, 1}, scaler.apply(
        Dataset.ofTargets(new float[] {8, 0}, 2, new float[1], 1)).features());
    assertEquals("data must have the 2 features the scaler was fitted on, but had 1",
        assertThrows(IllegalArgumentException.class,
            () -> scaler.apply(Dataset.ofLabels(new float[] {1}, 1, new int[] {0}))).getMessage());
  }

  @Test
  void minMaxRefusesAColumnSpanningMoreThanTheFloatRange() {
    // -3e38 to 3e38 spans 6e38, beyond the float range: no division puts the values in [0, 1]
    // (an infinite range made them NaN; one cut to the largest float, up to 1.76).
    Dataset train = Dataset.ofTargets(new float[] {-3e38f, 3e38f, 0}, 1, new float[3], 1);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Scaler.minMax(train));
    assertTrue(e.getMessage().startsWith("feature 0 must span a range within the float range to"
        + " be scaled to [0, 1], but spans -3.0E38 to 3.0E38"), e.getMessage());
    // The widest range a float holds is fine.
    Dataset widest = Dataset.ofTargets(new float[] {-1.7e38f, 1.7e38f}, 1, new float[2], 1);
    assertArrayEquals(new float[] {0, 1}, Scaler.minMax(widest).apply(widest).features());
  }

  @Test
  void aValueScaledBeyondTheFloatRangeIsNamed() {
    // Fitted on [0, 1e-30]: 1e10 scales to 1e40, more than a float holds.
    Dataset train = Dataset.ofTargets(new float[] {0, 1e-30f}, 1, new float[2], 1);
    Scaler scaler = Scaler.minMax(train);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> scaler.apply(Dataset.ofTargets(new float[] {0.5e-30f, 1e10f}, 1, new float[2], 1)));
    assertTrue(e.getMessage().startsWith("sample 1: feature 0 must scale to a float, but 1.0E10"
        + " scales to "), e.getMessage());
    assertTrue(e.getMessage().contains("beyond the float range"), e.getMessage());
    // One sample in place: refused whole, left as it was; a NaN stays NaN, as it always did.
    float[] sample = {0.5e-30f, 1e10f};
    Scaler two = Scaler.minMax(
        Dataset.ofTargets(new float[] {0, 0, 1e-30f, 1e-30f}, 2, new float[2], 1));
    assertThrows(IllegalArgumentException.class, () -> two.apply(sample, 0));
    assertArrayEquals(new float[] {0.5e-30f, 1e10f}, sample);
    float[] nan = {Float.NaN, 0.5e-30f};
    two.apply(nan, 0);
    assertTrue(Float.isNaN(nan[0]));
    assertEquals(0.5f, nan[1], 1e-6);
    // A deviation that rounds to 0 as a float divides by 1, as a constant column does.
    Scaler tiny = Scaler.standardize(
        Dataset.ofTargets(new float[] {0, Float.MIN_VALUE}, 1, new float[2], 1));
    float[] zero = {0f};
    tiny.apply(zero, 0);
    assertTrue(Float.isFinite(zero[0]), Arrays.toString(zero));
  }
}
