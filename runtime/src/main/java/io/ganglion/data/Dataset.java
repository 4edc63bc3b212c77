package io.ganglion.data;

/**
 * Samples held in memory: features row-major in one {@code float[]} ({@code features()} values per
 * sample), and either an integer class label per sample or {@code targetSize()} float targets per
 * sample.
 */
public final class Dataset {
  private final float[] features;
  private final int featureSize;
  private final int[] labels;
  private final float[] targets;
  private final int targetSize;
  private final int size;

  private Dataset(float[] features, int featureSize, int[] labels, float[] targets, int targetSize) {
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
    if (labels != null && labels.length != size) {
      throw new IllegalArgumentException(
          "labels must hold one label per sample (" + size + "), but held " + labels.length);
    }
    if (targets != null) {
      if (targetSize < 1) {
        throw new IllegalArgumentException(
            "target size must be at least 1, but was " + targetSize);
      }
      if (targets.length != (long) size * targetSize) {
        throw new IllegalArgumentException(
            "targets must hold " + targetSize + " values per sample (" + size * targetSize
                + "), but held " + targets.length);
      }
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
    for (int n = 0; n < count; n++) {
      int s = order[from + n];
      System.arraycopy(features, s * featureSize, x, n * featureSize, featureSize);
      if (labels != null) {
        y[n] = labels[s];
      } else {
        System.arraycopy(targets, s * targetSize, t, n * targetSize, targetSize);
      }
    }
  }
}
