package io.ganglion.train;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A model's metrics on a data set, from {@link Trainer#evaluate}: the mean loss, and for classes
 * (class labels, or probability rows for a softmax network) the accuracy, top-k accuracy,
 * per-class accuracy, precision and F1 and the confusion matrix, or for values (float targets,
 * or the labels of a one-output MSE, MAE or HUBER network that is not a binary classifier) the
 * mean squared and mean absolute errors (averaged over every output value), and for a binary
 * cross-entropy network's targets the binary accuracy too.
 */
public final class Evaluation {
  private final int samples;
  private final double loss;
  private final int[][] confusion;
  private final int topK;
  private final double topKAccuracy;
  private final double mse;
  private final double mae;
  /** For values of a binary cross-entropy network, the share of outputs on the target's side. */
  private final double binaryAccuracy;

  private Evaluation(int samples, double loss, int[][] confusion, int topK, double topKAccuracy,
      double mse, double mae, double binaryAccuracy) {
    this.samples = samples;
    this.loss = loss;
    this.confusion = confusion;
    this.topK = topK;
    this.topKAccuracy = topKAccuracy;
    this.mse = mse;
    this.mae = mae;
    this.binaryAccuracy = binaryAccuracy;
  }

  static Evaluation ofClasses(int samples, double loss, int[][] confusion, int topK,
      double topKAccuracy) {
    return new Evaluation(samples, loss, confusion, topK, topKAccuracy, Double.NaN, Double.NaN,
        Double.NaN);
  }

  /** Values; {@code binaryAccuracy} is NaN unless the network is a binary cross-entropy one. */
  static Evaluation ofTargets(int samples, double loss, double mse, double mae,
      double binaryAccuracy) {
    return new Evaluation(samples, loss, null, 0, Double.NaN, mse, mae, binaryAccuracy);
  }

  /** Number of samples evaluated. */
  public int samples() {
    return samples;
  }

  /** The mean loss per sample. */
  public double loss() {
    return loss;
  }

  /** Whether the evaluation counted classes (so the classification metrics apply). */
  public boolean hasClasses() {
    return confusion != null;
  }

  /**
   * The fraction of samples whose predicted class (as {@code Model.classify}) is the label; for
   * float targets of a binary cross-entropy network (multi-label), the fraction of output values
   * on the same side of 0.5 as their targets, as Keras's {@code binary_accuracy}.
   */
  public double accuracy() {
    if (confusion == null && !Double.isNaN(binaryAccuracy)) {
      return binaryAccuracy;
    }
    int[][] m = confusionMatrix();
    long correct = 0;
    for (int c = 0; c < m.length; c++) {
      correct += m[c][c];
    }
    return (double) correct / samples;
  }

  /** The {@code k} of {@link #topKAccuracy()}, or 0 when it was not measured. */
  public int topK() {
    return topK;
  }

  /**
   * The fraction of samples whose label is among the {@link #topK()} highest-ranked classes: the
   * predicted class first, then the others by output, ties by index (so top-1 is the accuracy).
   */
  public double topKAccuracy() {
    if (confusion == null) {
      confusionMatrix(); // says that this evaluation is of values, which have no top-k
    }
    if (topK == 0) {
      throw new IllegalStateException(
          "top-k accuracy must be requested with Trainer.topK(k) before evaluating");
    }
    return topKAccuracy;
  }

  /**
   * The accuracy within each class (recall): correct predictions of class {@code c} over the
   * samples labelled {@code c}; NaN for a class with no samples.
   */
  public double[] perClassAccuracy() {
    return diagonalShare(false);
  }

  /**
   * The precision of each class: correct predictions of class {@code c} over all predictions of
   * {@code c}; NaN for a class never predicted.
   */
  public double[] perClassPrecision() {
    return diagonalShare(true);
  }

  /**
   * Each class's correct predictions over its row of the confusion matrix (the samples labelled
   * with it) or over its column (the samples predicted as it); NaN where that is empty.
   */
  private double[] diagonalShare(boolean byColumn) {
    int[][] m = confusionMatrix();
    double[] out = new double[m.length];
    for (int c = 0; c < m.length; c++) {
      long total = 0;
      for (int k = 0; k < m.length; k++) {
        total += byColumn ? m[k][c] : m[c][k];
      }
      out[c] = total == 0 ? Double.NaN : (double) m[c][c] / total;
    }
    return out;
  }

  /**
   * The F1 score of each class, the harmonic mean of its precision and recall ({@link
   * #perClassAccuracy}): {@code 2 tp / (2 tp + fp + fn)}; NaN for a class neither present nor
   * predicted.
   */
  public double[] perClassF1() {
    int[][] m = confusionMatrix();
    double[] out = new double[m.length];
    for (int c = 0; c < m.length; c++) {
      long missed = 0;
      long wrong = 0;
      for (int k = 0; k < m.length; k++) {
        if (k != c) {
          missed += m[c][k];
          wrong += m[k][c];
        }
      }
      long twice = 2L * m[c][c];
      out[c] = twice + missed + wrong == 0 ? Double.NaN
          : (double) twice / (twice + missed + wrong);
    }
    return out;
  }

  /**
   * The confusion matrix (a copy): entry {@code [label][predicted]} counts the samples of class
   * {@code label} predicted as {@code predicted}.
   */
  public int[][] confusionMatrix() {
    if (confusion == null) {
      throw new IllegalStateException("classification metrics need classes (class labels, or"
          + " probability rows for a softmax network), but this evaluation had values: use mse()"
          + " and mae()");
    }
    int[][] copy = new int[confusion.length][];
    for (int c = 0; c < copy.length; c++) {
      copy[c] = confusion[c].clone();
    }
    return copy;
  }

  /** The mean squared error over every output value (data with float targets). */
  public double mse() {
    checkTargets();
    return mse;
  }

  /** The mean absolute error over every output value (data with float targets). */
  public double mae() {
    checkTargets();
    return mae;
  }

  /** The metrics by Keras name ({@code loss}, {@code accuracy}, {@code top5_accuracy}, ...). */
  public Map<String, Double> metrics() {
    Map<String, Double> out = new LinkedHashMap<>();
    out.put("loss", loss);
    if (confusion != null) {
      out.put("accuracy", accuracy());
      if (topK > 0) {
        out.put("top" + topK + "_accuracy", topKAccuracy);
      }
    } else {
      if (!Double.isNaN(binaryAccuracy)) {
        out.put("accuracy", binaryAccuracy);
      }
      out.put("mse", mse);
      out.put("mae", mae);
    }
    return out;
  }

  private void checkTargets() {
    if (confusion != null) {
      throw new IllegalStateException("regression metrics need values (float targets for a"
          + " network that is not a softmax classifier), but this evaluation counted classes: use"
          + " accuracy() and confusionMatrix()");
    }
  }

  /** The metrics, then the per-class accuracy, precision and F1 and the confusion matrix. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder(samples + " samples");
    for (Map.Entry<String, Double> e : metrics().entrySet()) {
      out.append(" - ").append(e.getKey()).append(": ").append(Progress.number(e.getValue()));
    }
    if (confusion != null) {
      out.append("\nper-class accuracy (recall): ").append(Arrays.toString(perClassAccuracy()));
      out.append("\nper-class precision: ").append(Arrays.toString(perClassPrecision()));
      out.append("\nper-class F1: ").append(Arrays.toString(perClassF1()));
      out.append("\nconfusion matrix (rows: label, columns: predicted):");
      for (int[] row : confusion) {
        out.append('\n').append(Arrays.toString(row));
      }
    }
    return out.toString();
  }
}
