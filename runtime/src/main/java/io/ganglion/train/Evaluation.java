package io.ganglion.train;

import io.ganglion.data.Dataset;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A model's metrics on a data set, from {@link Trainer#evaluate}: the mean loss, and for classes
 * (class labels, or probability rows for a softmax network) the accuracy, top-k accuracy,
 * per-class accuracy, precision and F1 and the confusion matrix, or for values (float targets,
 * or the labels of a one-output MSE, MAE or HUBER network that is not a binary classifier) the
 * mean squared and mean absolute errors (averaged over every output value), and for a binary
 * cross-entropy network's targets the binary accuracy too. With classes, {@link #report()} gives
 * the per-class figures as scikit-learn's {@code classification_report} does, under the data's
 * {@linkplain Dataset#classNames() class names}.
 */
public final class Evaluation {
  private final int samples;
  private final double loss;
  private final int[][] confusion;
  /** Per label, the samples whose outputs held NaN: misses in no cell of the matrix. */
  private final int[] unclassified;
  private final int topK;
  private final double topKAccuracy;
  private final double mse;
  private final double mae;
  /** For values of a binary cross-entropy network, the share of outputs on the target's side. */
  private final double binaryAccuracy;
  private final List<String> classNames;

  private Evaluation(int samples, double loss, int[][] confusion, int[] unclassified, int topK,
      double topKAccuracy, double mse, double mae, double binaryAccuracy,
      List<String> classNames) {
    this.samples = samples;
    this.loss = loss;
    this.confusion = confusion;
    this.unclassified = unclassified;
    this.topK = topK;
    this.topKAccuracy = topKAccuracy;
    this.mse = mse;
    this.mae = mae;
    this.binaryAccuracy = binaryAccuracy;
    this.classNames = classNames;
  }

  /**
   * Classes; {@code unclassified[label]} counts the samples of the label whose outputs held NaN
   * (no class), {@code classNames} are the data's (empty without them).
   */
  static Evaluation ofClasses(int samples, double loss, int[][] confusion, int[] unclassified,
      int topK, double topKAccuracy, List<String> classNames) {
    return new Evaluation(samples, loss, confusion, unclassified, topK, topKAccuracy, Double.NaN,
        Double.NaN, Double.NaN, classNames);
  }

  /** Values; {@code binaryAccuracy} is NaN unless the network is a binary cross-entropy one. */
  static Evaluation ofTargets(int samples, double loss, double mse, double mae,
      double binaryAccuracy) {
    return new Evaluation(
        samples, loss, null, null, 0, Double.NaN, mse, mae, binaryAccuracy, List.of());
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
    return (double) correct() / samples;
  }

  /** The samples whose predicted class is their label: the diagonal of the confusion matrix. */
  private long correct() {
    int[][] m = confusionMatrix();
    long correct = 0;
    for (int c = 0; c < m.length; c++) {
      correct += m[c][c];
    }
    return correct;
  }

  /** The samples predicted as each class: the column sums of the confusion matrix. */
  private long[] predictedCounts() {
    long[] out = new long[confusion.length];
    for (int[] row : confusion) {
      for (int c = 0; c < row.length; c++) {
        out[c] += row[c];
      }
    }
    return out;
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
   * samples labelled {@code c} ({@link #perClassSupport()}, which counts a sample whose outputs
   * held NaN as a miss); NaN for a class with no samples.
   */
  public double[] perClassAccuracy() {
    int[][] m = confusionMatrix();
    int[] support = perClassSupport();
    double[] out = new double[m.length];
    for (int c = 0; c < m.length; c++) {
      out[c] = support[c] == 0 ? Double.NaN : (double) m[c][c] / support[c];
    }
    return out;
  }

  /**
   * The precision of each class: correct predictions of class {@code c} over all predictions of
   * {@code c} (its column of the confusion matrix); NaN for a class never predicted.
   */
  public double[] perClassPrecision() {
    int[][] m = confusionMatrix();
    long[] predicted = predictedCounts();
    double[] out = new double[m.length];
    for (int c = 0; c < m.length; c++) {
      out[c] = predicted[c] == 0 ? Double.NaN : (double) m[c][c] / predicted[c];
    }
    return out;
  }

  /**
   * The F1 score of each class, the harmonic mean of its precision and recall ({@link
   * #perClassAccuracy}): {@code 2 tp / (2 tp + fp + fn)}, a sample of the class whose outputs held
   * NaN among the misses; NaN for a class neither present nor predicted.
   */
  public double[] perClassF1() {
    int[][] m = confusionMatrix();
    double[] out = new double[m.length];
    for (int c = 0; c < m.length; c++) {
      long missed = unclassified[c];
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
   * The number of samples labelled with each class (scikit-learn's support): the row sums of the
   * {@linkplain #confusionMatrix() confusion matrix}, plus the class's samples whose outputs held
   * NaN (which have no predicted class, so no cell); the supports add up to {@link #samples()}.
   */
  public int[] perClassSupport() {
    int[][] m = confusionMatrix();
    int[] out = new int[m.length];
    for (int c = 0; c < m.length; c++) {
      out[c] = unclassified[c];
      for (int v : m[c]) {
        out[c] += v;
      }
    }
    return out;
  }

  /**
   * The names of the classes in label order: the evaluated data's {@linkplain Dataset#classNames()
   * class names} (empty when it had none, or for values).
   */
  public List<String> classNames() {
    return classNames;
  }

  /**
   * The name of class {@code c} in {@link #report()} and {@link #toString()}: its {@linkplain
   * #classNames() name}, or its index when the data named fewer classes (or none).
   */
  private String className(int c) {
    return c < classNames.size() ? classNames.get(c) : Integer.toString(c);
  }

  /** {@link #report(int)} with 4 digits. */
  public String report() {
    return report(4);
  }

  /**
   * The per-class precision, recall, F1 and support, then the accuracy and the macro (unweighted)
   * and support-weighted averages, laid out as scikit-learn's {@code classification_report} with
   * {@code zero_division=0}: a value with nothing to divide (the precision of a class never
   * predicted) is shown and averaged as 0. A class appears by its {@linkplain #classNames() name},
   * else its index. The rows are the named classes and the others that are labelled or predicted
   * in the data: without names, scikit-learn's default rows; with names, those of its {@code
   * labels} argument given that list (its {@code target_names} the names, then the indexes of the
   * others). The averages are over the rows. A sample whose outputs held NaN has no predicted
   * class: it counts in its label's support, as a miss, and the accuracy line becomes
   * scikit-learn's micro average, as for a prediction outside its {@code labels}.
   *
   * @param digits the digits after the decimal point, from 1 to 12 (scikit-learn's default is 2)
   */
  public String report(int digits) {
    if (digits < 1 || digits > 12) {
      throw new IllegalArgumentException("digits must be in [1, 12], but was " + digits);
    }
    int[][] m = confusionMatrix();
    int[] support = perClassSupport();
    double[] precision = perClassPrecision();
    double[] recall = perClassAccuracy();
    double[] f1 = perClassF1();
    long[] predicted = predictedCounts();
    List<Integer> listed = new ArrayList<>();
    int width = "weighted avg".length();
    for (int c = 0; c < m.length; c++) {
      if (c < classNames.size() || support[c] > 0 || predicted[c] > 0) {
        listed.add(c);
        width = Math.max(width, columns(className(c)));
      }
    }
    int rows = listed.size();
    double[][] values = new double[3][rows];
    double[][] weighted = new double[3][rows];
    long total = 0;
    StringBuilder out = new StringBuilder();
    out.append(padded("", width)).append(String.format(Locale.ROOT, "  %9s %9s %9s %9s\n\n",
        "precision", "recall", "f1-score", "support"));
    for (int r = 0; r < rows; r++) {
      int c = listed.get(r);
      values[0][r] = orZero(precision[c]);
      values[1][r] = orZero(recall[c]);
      values[2][r] = orZero(f1[c]);
      for (int k = 0; k < 3; k++) {
        weighted[k][r] = values[k][r] * support[c];
      }
      total += support[c];
      reportRow(out, width, className(c), values[0][r], values[1][r], values[2][r], digits,
          support[c]);
    }
    long noClass = 0;
    for (int u : unclassified) {
      noClass += u;
    }
    out.append('\n');
    if (noClass == 0) {
      out.append(padded("accuracy", width)).append(String.format(Locale.ROOT,
          "  %9s %9s %9s %9d\n", "", "", fixed(accuracy(), digits), samples));
    } else {
      // Samples without a class are predictions outside the rows: scikit-learn then prints the
      // micro average (over the predictions that have a class) instead of the accuracy.
      long correct = correct();
      long classified = samples - noClass;
      reportRow(out, width, "micro avg", classified == 0 ? 0 : (double) correct / classified,
          (double) correct / samples, 2.0 * correct / (samples + classified), digits, samples);
    }
    // Averaged as NumPy averages (scikit-learn's np.mean and np.average), so that a figure on a
    // rounding tie rounds as there.
    double[] macro = new double[3];
    double[] byWeight = new double[3];
    for (int k = 0; k < 3; k++) {
      macro[k] = rows == 0 ? 0 : numpySum(values[k], 0, rows) / rows;
      byWeight[k] = total == 0 ? 0 : numpySum(weighted[k], 0, rows) / total;
    }
    reportRow(out, width, "macro avg", macro[0], macro[1], macro[2], digits, total);
    reportRow(out, width, "weighted avg", byWeight[0], byWeight[1], byWeight[2], digits, total);
    return out.toString();
  }

  private static void reportRow(StringBuilder out, int width, String name, double precision,
      double recall, double f1, int digits, long support) {
    out.append(padded(name, width)).append(String.format(Locale.ROOT, "  %9s %9s %9s %9d\n",
        fixed(precision, digits), fixed(recall, digits), fixed(f1, digits), support));
  }

  /** {@code text} right-aligned in {@code width} characters, counted as Python counts them. */
  private static String padded(String text, int width) {
    return " ".repeat(Math.max(0, width - columns(text))) + text;
  }

  /** The length of {@code text} in Unicode code points (Python's {@code len}). */
  private static int columns(String text) {
    return text.codePointCount(0, text.length());
  }

  /**
   * The sum of {@code a[from, from + n)} in NumPy's order (its pairwise summation: 8 running sums
   * combined in pairs for up to 128 values, halves beyond), so that averages round as NumPy's.
   */
  static double numpySum(double[] a, int from, int n) {
    if (n < 8) {
      double sum = 0;
      for (int i = from; i < from + n; i++) {
        sum += a[i];
      }
      return sum;
    }
    if (n <= 128) {
      double[] r = new double[8];
      System.arraycopy(a, from, r, 0, 8);
      int i = 8;
      for (; i < n - n % 8; i += 8) {
        for (int j = 0; j < 8; j++) {
          r[j] += a[from + i + j];
        }
      }
      double sum = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
      for (; i < n; i++) {
        sum += a[from + i];
      }
      return sum;
    }
    int half = n / 2;
    half -= half % 8;
    return numpySum(a, from, half) + numpySum(a, from + half, n - half);
  }

  /**
   * {@code value} with {@code digits} decimals, rounded as Python's format rounds (the double's
   * exact value, ties to even), so that the report's figures are scikit-learn's: {@code %.2f}
   * would print 0.625 as 0.63 where Python prints 0.62.
   */
  private static String fixed(double value, int digits) {
    return new BigDecimal(value).setScale(digits, RoundingMode.HALF_EVEN).toPlainString();
  }

  private static double orZero(double value) {
    return Double.isNaN(value) ? 0 : value;
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

  /**
   * The metrics on one line; with classes, then the {@linkplain #report() report} and the confusion
   * matrix, its rows named as in the report and its columns numbered.
   */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder(samples + " samples");
    for (Map.Entry<String, Double> e : metrics().entrySet()) {
      out.append(" - ").append(e.getKey()).append(": ").append(Progress.number(e.getValue()));
    }
    if (confusion != null) {
      out.append("\n\n").append(report());
      out.append("\nconfusion matrix (rows: label, columns: predicted class):\n");
      int width = 0;
      int cell = Integer.toString(confusion.length - 1).length();
      for (int c = 0; c < confusion.length; c++) {
        width = Math.max(width, columns(matrixRowName(c)));
        for (int v : confusion[c]) {
          cell = Math.max(cell, Integer.toString(v).length());
        }
      }
      out.append(" ".repeat(width));
      for (int c = 0; c < confusion.length; c++) {
        out.append(String.format(Locale.ROOT, " %" + cell + "d", c));
      }
      for (int r = 0; r < confusion.length; r++) {
        String name = matrixRowName(r);
        out.append('\n').append(name).append(" ".repeat(width - columns(name)));
        for (int v : confusion[r]) {
          out.append(String.format(Locale.ROOT, " %" + cell + "d", v));
        }
      }
    }
    return out.toString();
  }

  /** A row of {@link #toString}'s confusion matrix: the class's index, then its name if any. */
  private String matrixRowName(int c) {
    return c < classNames.size() ? c + " " + classNames.get(c) : Integer.toString(c);
  }
}
