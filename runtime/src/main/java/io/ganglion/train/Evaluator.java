package io.ganglion.train;

import io.ganglion.Activation;
import io.ganglion.Layer;
import io.ganglion.Loss;
import io.ganglion.Model;
import io.ganglion.data.Dataset;
import java.util.List;

/**
 * Computes an {@link Evaluation} chunk by chunk straight from a data set's arrays, one forward
 * pass per chunk ({@link Model#evaluateBatch}), with buffers allocated once per trainer run.
 */
final class Evaluator {
  /** Samples per chunk at least: enough that a chunk split among workers is worth the wake-up. */
  private static final int MIN_CHUNK = 256;

  /** How a chunk is evaluated: on the model, or split among training workers. */
  interface Pass {
    double evaluateBatch(float[] inputs, int offset, int[] labels, float[] targets, int count,
        float[] outputs, int[] classes);
  }

  private final Model model;
  private final int chunk;
  private final int topK;
  private final int[] classes;
  private final float[] outputs;
  private final ValueErrors errors = new ValueErrors();

  Evaluator(Model model, int chunk, int topK) {
    this.model = model;
    this.chunk = Math.max(chunk, MIN_CHUNK);
    this.topK = topK;
    this.classes = new int[this.chunk];
    this.outputs = new float[this.chunk * model.outputSize()];
  }

  /** Evaluates {@code data}; {@code penalty} (the L2 term, or 0) is added to the mean loss. */
  Evaluation evaluate(Dataset data, Pass pass, double penalty) {
    int n = data.size();
    float[] x = data.features();
    int[] labels = data.labels();
    float[] targets = data.targets();
    int outputsPerSample = model.outputSize();
    double lossSum = 0;
    if (reportsClasses(model, data)) {
      int classCount = Math.max(outputsPerSample, 2);
      int[][] confusion = new int[classCount][classCount];
      int[] unclassified = new int[classCount];
      long topHits = 0;
      for (int from = 0; from < n; from += chunk) {
        int count = Math.min(chunk, n - from);
        lossSum += pass.evaluateBatch(
            x, from, labels, labels != null ? null : targets, count, outputs, classes);
        for (int i = 0; i < count; i++) {
          int label = labels != null ? labels[from + i]
              : targetClass(targets, (from + i) * outputsPerSample, outputsPerSample);
          if (label < 0 || label >= classCount) {
            throw new IllegalArgumentException(
                "label of sample " + (from + i) + " must be a class index in [0, " + classCount
                    + "), but was " + label);
          }
          if (hasNaN(outputs, i * outputsPerSample, outputsPerSample)) {
            // No class (classify refuses such a row): a miss, in no cell of the matrix.
            unclassified[label]++;
            continue;
          }
          confusion[label][classes[i]]++;
          if (topK > 0) {
            topHits += inTopK(outputs, i * outputsPerSample, outputsPerSample, label, classes[i])
                ? 1 : 0;
          }
        }
      }
      return Evaluation.ofClasses(n, lossSum / n + penalty, confusion, unclassified, topK,
          (double) topHits / n, data.classNames());
    }
    errors.reset();
    for (int from = 0; from < n; from += chunk) {
      int count = Math.min(chunk, n - from);
      lossSum += pass.evaluateBatch(x, from, labels, targets, count, outputs, null);
      errors.add(outputs, count * outputsPerSample, labels, from, targets,
          from * outputsPerSample);
    }
    double binaryAccuracy =
        model.loss() == Loss.BINARY_CROSS_ENTROPY ? errors.binaryAccuracy() : Double.NaN;
    return Evaluation.ofTargets(
        n, lossSum / n + penalty, errors.mse(), errors.mae(), binaryAccuracy);
  }

  /**
   * Whether metrics on {@code data} are those of classes (accuracy, top-k, confusion matrix)
   * rather than of values (mse, mae): with labels, unless they are values ({@link
   * #labelsAreValues}); with targets, when the model is a softmax classifier, whose target rows
   * are class probabilities (one-hot or smoothed labels): as Keras's categorical accuracy, a
   * sample's class is then its row's largest entry.
   */
  static boolean reportsClasses(Model model, Dataset data) {
    return data.hasLabels()
        ? !labelsAreValues(model)
        : model.loss() == Loss.SOFTMAX_CROSS_ENTROPY && model.outputSize() >= 2;
  }

  /** The class of a probability row: the index of its largest entry (the first of ties). */
  static int targetClass(float[] targets, int offset, int n) {
    int best = 0;
    for (int j = 1; j < n; j++) {
      if (targets[offset + j] > targets[offset + best]) {
        best = j;
      }
    }
    return best;
  }

  /**
   * Whether a model's labels are target values rather than classes: with a value loss (MSE, MAE,
   * HUBER) and one output a label is the value the output is trained toward (as {@code
   * forwardBackward} takes it), and
   * the metrics are mse and mae, unless the last layer is a sigmoid, whose labels can only be the
   * classes 0 and 1 (a binary classifier: accuracy). The model decides, not the data, so that
   * training, validation and evaluation report the same metrics.
   */
  static boolean labelsAreValues(Model model) {
    if (!model.loss().comparesValues() || model.outputSize() != 1) {
      return false;
    }
    List<Layer> layers = model.layers();
    return layers == null || layers.isEmpty()
        || layers.get(layers.size() - 1).activation() != Activation.SIGMOID;
  }

  private static boolean hasNaN(float[] y, int offset, int n) {
    for (int j = 0; j < n; j++) {
      if (Float.isNaN(y[offset + j])) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code label} is among the {@code topK} highest-ranked classes of the row. The
   * predicted class ranks first, whatever the outputs (it comes from the same forward pass, before
   * the probabilities round, so that top-1 is exactly the accuracy); the others rank by output, ties
   * by index (the first of equal outputs, as the predicted class is). Keras's {@code in_top_k}
   * counts all of a tie inside and a row with an infinite output as a miss, so that its top-1 can
   * differ from its accuracy; here it cannot. For a single output, where there are only two
   * classes, whether it is the predicted class.
   */
  private boolean inTopK(float[] y, int offset, int n, int label, int predicted) {
    if (n == 1 || label == predicted) {
      return topK >= 2 || label == predicted;
    }
    float own = y[offset + label];
    int above = 1; // the predicted class
    for (int j = 0; j < n; j++) {
      float v = y[offset + j];
      if (j != predicted && (v > own || v == own && j < label)) {
        above++;
      }
    }
    return above < topK;
  }
}
