package io.ganglion.data;

import io.ganglion.internal.Checks;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Samples held in memory: features row-major in one {@code float[]} ({@code featureSize()} values
 * per sample), and either an integer class label per sample or {@code targetSize()} float targets
 * per sample. The arrays are shared, not copied; methods that derive a data set ({@link #subset},
 * {@link #split}, {@link #shuffled}, {@link #withOneHotTargets}) copy the samples they keep.
 * A data set is safe to read from several threads while no one writes to its arrays.
 */
public final class Dataset {
  private final float[] features;
  private final int featureSize;
  private final int[] labels;
  private final float[] targets;
  private final int targetSize;
  private final int size;
  /** The classes' names in label order (see {@link #withClassNames}), or empty. */
  private final List<String> classNames;

  private Dataset(
      float[] features, int featureSize, int[] labels, float[] targets, int targetSize) {
    this(features, featureSize, labels, targets, targetSize, List.of());
  }

  private Dataset(float[] features, int featureSize, int[] labels, float[] targets, int targetSize,
      List<String> classNames) {
    if (features == null) {
      throw new IllegalArgumentException("features must not be null");
    }
    if (featureSize < 1) {
      throw new IllegalArgumentException(
          "feature size must be at least 1, but was " + featureSize);
    }
    if (features.length % featureSize != 0) {
      throw new IllegalArgumentException(
          "features must hold a whole number of samples of " + featureSize + " values, but held "
              + features.length);
    }
    this.features = features;
    this.featureSize = featureSize;
    this.labels = labels;
    this.targets = targets;
    this.targetSize = targetSize;
    this.size = features.length / featureSize;
    this.classNames = classNames;
    if (labels != null && labels.length != size) {
      throw new IllegalArgumentException(
          "labels must hold one label per sample (" + size + "), but held " + labels.length);
    }
    if (labels != null) {
      for (int i = 0; i < size; i++) {
        if (labels[i] < 0) {
          throw new IllegalArgumentException("label of sample " + i
              + " must be a class index (0 or more), but was " + labels[i]);
        }
        if (labels[i] == Integer.MAX_VALUE) {
          // The classes (the largest label plus one) are counted in an int.
          throw new IllegalArgumentException("label of sample " + i
              + " must be a class index below " + Integer.MAX_VALUE + ", but was " + labels[i]);
        }
      }
    }
    Checks.finite(features, featureSize, "feature");
    if (targets != null) {
      if (targetSize < 1) {
        throw new IllegalArgumentException(
            "target size must be at least 1, but was " + targetSize);
      }
      if (targets.length != (long) size * targetSize) {
        throw new IllegalArgumentException(
            "targets must hold " + targetSize + " values per sample (" + (long) size * targetSize
                + "), but held " + targets.length);
      }
      Checks.finite(targets, targetSize, "target");
    }
  }

  /** Samples with class labels. */
  public static Dataset ofLabels(float[] features, int featureSize, int[] labels) {
    if (labels == null) {
      throw new IllegalArgumentException("labels must not be null");
    }
    return new Dataset(features, featureSize, labels, null, 0);
  }

  /** Samples with float targets, {@code targetSize} per sample. */
  public static Dataset ofTargets(float[] features, int featureSize, float[] targets,
      int targetSize) {
    if (targets == null) {
      throw new IllegalArgumentException("targets must not be null");
    }
    return new Dataset(features, featureSize, null, targets, targetSize);
  }

  /** Number of samples. */
  public int size() {
    return size;
  }

  /** Values per sample. */
  public int featureSize() {
    return featureSize;
  }

  /** Target values per sample; {@code 0} for a labelled data set. */
  public int targetSize() {
    return targetSize;
  }

  /** Whether samples carry class labels (else float targets). */
  public boolean hasLabels() {
    return labels != null;
  }

  /** The live feature array. */
  public float[] features() {
    return features;
  }

  /** The live label array, or {@code null}. */
  public int[] labels() {
    return labels;
  }

  /** The live target array, or {@code null}. */
  public float[] targets() {
    return targets;
  }

  /**
   * Copies samples {@code order[from .. from+count)} into contiguous buffers: features into {@code
   * x}, labels into {@code y} or targets into {@code t} (the one that applies; the other may be
   * {@code null}).
   */
  public void gather(int[] order, int from, int count, float[] x, int[] y, float[] t) {
    if (count < 0 || from < 0) {
      throw new IllegalArgumentException(
          "from and count must not be negative, but were " + from + " and " + count);
    }
    if (order == null || from > order.length - count || x == null
        || x.length / featureSize < count
        || (labels != null ? y == null || y.length < count
            : t == null || t.length / targetSize < count)) {
      throw new IllegalArgumentException(String.format(
          "gather must take order[from, from + count) within an order of %s indexes, into x"
              + " with room for %d values and %s with room for %d, but took [%d, %d) into %s"
              + " and %s",
          order == null ? "(null)" : String.valueOf(order.length), (long) count * featureSize,
          labels != null ? "y" : "t", labels != null ? count : (long) count * targetSize, from,
          (long) from + count, x == null ? "null" : x.length + " values",
          labels != null ? (y == null ? "null" : y.length + " labels")
              : (t == null ? "null" : t.length + " values")));
    }
    for (int n = 0; n < count; n++) {
      int s = order[from + n];
      if (s < 0 || s >= size) {
        throw new IllegalArgumentException("order[" + (from + n) + "] must be a sample index in"
            + " [0, " + size + "), but was " + s);
      }
      System.arraycopy(features, s * featureSize, x, n * featureSize, featureSize);
      if (labels != null) {
        y[n] = labels[s];
      } else {
        System.arraycopy(targets, s * targetSize, t, n * targetSize, targetSize);
      }
    }
  }

  /** A training part and a validation part of a data set. */
  public record Split(Dataset train, Dataset validation) {}

  /** The samples at {@code indexes}, in that order, copied into a new data set. */
  public Dataset subset(int[] indexes) {
    if (indexes == null) {
      throw new IllegalArgumentException("indexes must not be null");
    }
    for (int i = 0; i < indexes.length; i++) {
      if (indexes[i] < 0 || indexes[i] >= size) {
        throw new IndexOutOfBoundsException(
            "index " + i + " must be a sample in [0, " + size + "), but was " + indexes[i]);
      }
    }
    int n = indexes.length;
    int perSample = Math.max(featureSize, labels != null ? 0 : targetSize);
    if ((long) n * perSample > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("a subset of " + n + " samples x " + perSample + " "
          + (perSample == featureSize ? "features" : "targets") + " must fit in a Java array (at"
          + " most " + (Integer.MAX_VALUE - 8) + " values), but would be " + (long) n * perSample);
    }
    float[] x = new float[n * featureSize];
    int[] y = labels != null ? new int[n] : null;
    float[] t = labels != null ? null : new float[n * targetSize];
    gather(indexes, 0, n, x, y, t);
    return labels != null
        ? new Dataset(x, featureSize, y, null, 0, classNames)
        : ofTargets(x, featureSize, t, targetSize);
  }

  /** The samples in an order shuffled by {@code seed} (Fisher-Yates over SplittableRandom). */
  public Dataset shuffled(long seed) {
    int[] order = identity(size);
    shuffle(order, order.length, new SplittableRandom(seed));
    return subset(order);
  }

  /**
   * Splits off {@code round(validationFraction * size())} samples, chosen by {@code seed}. With
   * labels the split is stratified: each class gives {@code floor(fraction * its count)} samples
   * to validation, and the few left to reach the total go one each to the classes with the
   * largest remainders (ties drawn by the seed), as scikit-learn spreads its test set (which it
   * rounds up rather than to the nearest); but a class of two or more samples keeps at least one
   * for training, so that a large fraction can give validation fewer. Both parts keep the
   * original order of their samples.
   */
  public Split split(double validationFraction, long seed) {
    if (!(validationFraction > 0 && validationFraction < 1)) {
      throw new IllegalArgumentException(
          "validation fraction must be in (0, 1), but was " + validationFraction);
    }
    boolean[] held = new boolean[size];
    SplittableRandom random = new SplittableRandom(seed);
    if (labels != null) {
      // The samples grouped by class, in label order, each class's in sample order (sorting keys
      // rather than an array per class, which a large label would make huge).
      long[] keys = new long[size];
      for (int s = 0; s < size; s++) {
        keys[s] = (long) labels[s] << 32 | s;
      }
      Arrays.sort(keys);
      int[] members = new int[size];
      for (int s = 0; s < size; s++) {
        members[s] = (int) keys[s];
      }
      int[] starts = new int[size + 1];
      int groups = 0;
      for (int start = 0; start < size; groups++) {
        starts[groups] = start;
        int label = (int) (keys[start] >>> 32);
        while (start < size && (int) (keys[start] >>> 32) == label) {
          start++;
        }
      }
      starts[groups] = size;
      int[] takes = stratifiedTakes(starts, groups, validationFraction, seed);
      for (int g = 0; g < groups; g++) {
        int count = starts[g + 1] - starts[g];
        int[] group = Arrays.copyOfRange(members, starts[g], starts[g + 1]);
        shuffle(group, count, random);
        for (int i = 0; i < takes[g]; i++) {
          held[group[i]] = true;
        }
      }
    } else {
      int[] order = identity(size);
      shuffle(order, size, random);
      int take = (int) Math.round(validationFraction * size);
      for (int i = 0; i < take; i++) {
        held[order[i]] = true;
      }
    }
    int validationSize = 0;
    for (boolean h : held) {
      validationSize += h ? 1 : 0;
    }
    if (validationSize == 0 || validationSize == size) {
      throw new IllegalArgumentException(
          "a split of " + validationFraction + " must leave samples on both sides, but "
              + size + " samples gave " + validationSize + " to validation");
    }
    int[] trainIndexes = new int[size - validationSize];
    int[] validationIndexes = new int[validationSize];
    for (int s = 0, a = 0, b = 0; s < size; s++) {
      if (held[s]) {
        validationIndexes[b++] = s;
      } else {
        trainIndexes[a++] = s;
      }
    }
    return new Split(subset(trainIndexes), subset(validationIndexes));
  }

  /**
   * How many samples each class (group {@code g} spans {@code starts[g]..starts[g + 1]}) gives to
   * validation: {@code floor(fraction * count)}, plus one for the classes with the largest
   * remainders until the total is {@code round(fraction * size)}, ties in a seeded order; at most
   * {@code count - 1} of a class of two or more.
   */
  private static int[] stratifiedTakes(int[] starts, int groups, double fraction, long seed) {
    int size = starts[groups];
    int[] takes = new int[groups];
    double[] remainders = new double[groups];
    long total = Math.round(fraction * size);
    long given = 0;
    for (int g = 0; g < groups; g++) {
      int count = starts[g + 1] - starts[g];
      double share = fraction * count;
      // A class of several samples keeps one for training: one the model never trains on is no
      // class to it. (A class of one goes where the rounding puts it, as before: labels that are
      // regression values are mostly such.)
      takes[g] = (int) Math.floor(share);
      remainders[g] = share - takes[g];
      if (count >= 2 && takes[g] >= count - 1) {
        takes[g] = count - 1;
        remainders[g] = 0;
      }
      given += takes[g];
    }
    // The classes by remainder, largest first, ties in an order drawn from the seed (a generator
    // of its own, so that the samples each class draws do not depend on it).
    int[] order = identity(groups);
    shuffle(order, groups, new SplittableRandom(~seed));
    Integer[] ranked = new Integer[groups];
    for (int g = 0; g < groups; g++) {
      ranked[g] = order[g];
    }
    Arrays.sort(ranked, (a, b) -> Double.compare(remainders[b], remainders[a]));
    for (int k = 0; given < total && k < groups && remainders[ranked[k]] > 0; k++) {
      takes[ranked[k]]++;
      given++;
    }
    return takes;
  }

  /**
   * The same samples (sharing their arrays) with names for the classes, in label order: label
   * {@code k} is class {@code names[k]}. Every label must be below the number of names; {@link
   * #classes()} is then that number, even where some class has no sample (a small validation
   * split, a file without the last class), and {@link #subset}, {@link #shuffled} and {@link
   * #split} keep the names. {@link Csv#classNames} gives the data it reads these names.
   */
  public Dataset withClassNames(String... names) {
    if (labels == null) {
      throw new IllegalStateException(
          "class names name the classes of labels, but the data had float targets");
    }
    if (names == null || names.length == 0) {
      throw new IllegalArgumentException("class names must name at least one class");
    }
    Set<String> seen = new HashSet<>();
    for (int k = 0; k < names.length; k++) {
      if (names[k] == null || names[k].isBlank()) {
        throw new IllegalArgumentException("class names must not be null or blank, but element "
            + k + " was " + (names[k] == null ? "null" : "'" + names[k] + "'"));
      }
      if (!seen.add(names[k])) {
        throw new IllegalArgumentException(
            "class names must differ, but '" + names[k] + "' was given twice");
      }
    }
    for (int i = 0; i < size; i++) {
      if (labels[i] >= names.length) {
        throw new IllegalArgumentException("label of sample " + i + " must be below the "
            + names.length + " class names, but was " + labels[i]);
      }
    }
    return new Dataset(features, featureSize, labels, null, 0, List.of(names));
  }

  /**
   * The same labels or targets and class names (shared) with other features of the same size
   * (for {@link Scaler#apply}).
   */
  Dataset withFeatures(float[] newFeatures) {
    return new Dataset(newFeatures, featureSize, labels, targets, targetSize, classNames);
  }

  /** The classes' names in label order, given by {@link #withClassNames}; empty without them. */
  public List<String> classNames() {
    return classNames;
  }

  /**
   * The number of classes: with {@linkplain #classNames class names} their number, else the largest
   * label plus one; fails for data with float targets.
   */
  public int classes() {
    if (labels == null) {
      throw new IllegalStateException("classes need data with labels, but it had float targets");
    }
    if (!classNames.isEmpty()) {
      return classNames.size();
    }
    int max = -1;
    for (int i = 0; i < size; i++) {
      if (labels[i] < 0) {
        throw new IllegalStateException(
            "label of sample " + i + " must not be negative, but was " + labels[i]);
      }
      max = Math.max(max, labels[i]);
    }
    return max + 1;
  }

  /**
   * Class weights under which every one of {@code classes} classes weighs alike in training (for
   * {@code Trainer.classWeights}), as scikit-learn's {@code compute_class_weight("balanced")}:
   * {@code size() / (classes x n)} for a class of {@code n} samples, so that a class of average
   * size weighs 1; a class without samples gets 0 (it has nothing to weigh).
   */
  public double[] balancedClassWeights(int classes) {
    if (labels == null) {
      throw new IllegalStateException(
          "class weights need data with labels, but it had float targets");
    }
    if (classes < 1) {
      throw new IllegalArgumentException("classes must be at least 1, but was " + classes);
    }
    long[] counts = new long[classes];
    for (int i = 0; i < size; i++) {
      if (labels[i] < 0 || labels[i] >= classes) {
        throw new IllegalArgumentException(
            "label of sample " + i + " must be in [0, " + classes + "), but was " + labels[i]);
      }
      counts[labels[i]]++;
    }
    double[] weights = new double[classes];
    for (int c = 0; c < classes; c++) {
      weights[c] = counts[c] == 0 ? 0 : (double) size / ((double) classes * counts[c]);
    }
    return weights;
  }

  /** The same features with one-hot targets of {@code classes} values instead of labels. */
  public Dataset withOneHotTargets(int classes) {
    if (labels == null) {
      throw new IllegalStateException("one-hot needs data with labels, but it had float targets");
    }
    return ofTargets(features.clone(), featureSize, oneHot(labels, classes), classes);
  }

  /** One row of {@code classes} values per label, 1 at the label and 0 elsewhere. */
  public static float[] oneHot(int[] labels, int classes) {
    if (labels == null) {
      throw new IllegalArgumentException("labels must not be null");
    }
    if (classes < 1) {
      throw new IllegalArgumentException("classes must be at least 1, but was " + classes);
    }
    if ((long) labels.length * classes > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("one-hot rows of " + labels.length + " samples x "
          + classes + " classes must fit in a Java array (at most " + (Integer.MAX_VALUE - 8)
          + " values), but would be " + (long) labels.length * classes);
    }
    float[] out = new float[labels.length * classes];
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= classes) {
        throw new IllegalArgumentException(
            "label of sample " + i + " must be in [0, " + classes + "), but was " + labels[i]);
      }
      out[i * classes + labels[i]] = 1f;
    }
    return out;
  }

  @Override
  public String toString() {
    return "Dataset[" + size + " samples x " + featureSize + " features, "
        + (labels != null ? "labels" : targetSize + " targets")
        + (classNames.isEmpty() ? "" : " of " + classNames.size() + " classes") + "]";
  }

  private static int[] identity(int n) {
    int[] order = new int[n];
    Arrays.setAll(order, i -> i);
    return order;
  }

  /** Fisher-Yates over the first {@code n} entries, drawing as the trainer does. */
  static void shuffle(int[] order, int n, SplittableRandom random) {
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int tmp = order[i];
      order[i] = order[j];
      order[j] = tmp;
    }
  }
}
