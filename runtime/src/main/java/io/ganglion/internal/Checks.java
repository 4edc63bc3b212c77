package io.ganglion.internal;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/** Argument checks shared by generated models, with messages that name what was expected. */
public final class Checks {
  private Checks() {}

  /**
   * Checks a file about to be read as {@code kind} ("a CSV file"): a directory, a missing file and
   * one that the process may not read are named as such.
   */
  public static void fileToRead(Path file, String kind) throws IOException {
    if (Files.isDirectory(file)) {
      throw new IOException(file + ": must be " + kind + ", but is a directory");
    }
    if (Files.notExists(file)) {
      throw new NoSuchFileException(
          file.toString(), null, "must be " + kind + ", but does not exist");
    }
    if (!Files.exists(file)) {
      // Neither there nor not: looking it up failed. Denied access is named; any other failure
      // (a file used as a directory, a loop of links) propagates with the system's reason.
      try {
        Files.readAttributes(file, BasicFileAttributes.class);
      } catch (AccessDeniedException e) {
        throw new AccessDeniedException(file.toString(), null, "must be " + kind + " to read,"
            + " but cannot be looked up: a directory on its path denies this process access");
      }
    }
    if (!Files.isReadable(file)) {
      throw new AccessDeniedException(file.toString(), null, "must be " + kind + " to read, but"
          + " this process has no permission to read it");
    }
  }

  /** Checks one sample's input. */
  public static void input(float[] input, int inputs) {
    if (input == null) {
      throw new IllegalArgumentException("input must not be null");
    }
    if (input.length != inputs) {
      throw new IllegalArgumentException(
          "input must have " + inputs + " values, but had " + input.length);
    }
  }

  /**
   * Checks that every value of samples laid out {@code perSample} values apart is finite, naming
   * the first that is not: {@code "<what> 3 of sample 17 must be finite, but was NaN"}.
   */
  public static void finite(float[] values, int perSample, String what) {
    for (int i = 0; i < values.length; i++) {
      if (!Float.isFinite(values[i])) {
        throw new IllegalArgumentException(what + " " + i % perSample + " of sample "
            + i / perSample + " must be finite, but was " + values[i]);
      }
    }
  }

  /**
   * Checks that the inputs of samples {@code [offset, offset + count)} are finite, before a
   * training pass of a network with batch normalization: a NaN or infinite input would make its
   * running statistics NaN for good, and every later prediction with them.
   */
  public static void finiteInputs(float[] inputs, int offset, int count, int inputSize) {
    int from = offset * inputSize;
    int to = from + count * inputSize;
    for (int i = from; i < to; i++) {
      if (!Float.isFinite(inputs[i])) {
        throw new IllegalArgumentException("input " + (i % inputSize) + " of sample "
            + i / inputSize + " must be finite, but was " + inputs[i]
            + " (batch normalization would take it into its running statistics)");
      }
    }
  }

  /**
   * The error of a generated network's call that uses its work arrays while another such call
   * runs: a second thread sharing the instance would overwrite the arrays the first is reading,
   * and both would give wrong numbers without a sign. The network marks such calls in a volatile
   * field, set on entry and cleared in a {@code finally}: two calls that start at the same moment
   * may both pass, but overlapping use is caught on the calls that follow.
   */
  public static IllegalStateException inUse(String method) {
    return new IllegalStateException(method + " must not run while another call on the same"
        + " model instance runs, but one had not returned: a model keeps its work arrays, so"
        + " give each thread its own instance (replica() shares the parameters)");
  }

  /**
   * Checks sample weights {@code weights[offset..offset + count)}, before a training pass changes
   * anything: finite and not negative; null weights (every sample weighs 1) pass.
   */
  public static void weights(float[] weights, int offset, int count) {
    if (weights == null) {
      return;
    }
    if (weights.length < offset + count) {
      throw new IllegalArgumentException("weights must hold a weight for each of samples ["
          + offset + ", " + (offset + count) + "), but has " + weights.length + " values");
    }
    for (int i = offset; i < offset + count; i++) {
      if (!(weights[i] >= 0 && weights[i] <= Float.MAX_VALUE)) {
        throw new IllegalArgumentException("weight of sample " + i
            + " must be a finite number of at least 0, but was " + weights[i]);
      }
    }
  }

  /**
   * Checks class labels {@code labels[offset..offset + count)} against {@code classes}, before a
   * training pass changes anything (batch statistics, the random stream); null labels pass.
   */
  public static void labels(int[] labels, int offset, int count, int classes) {
    if (labels == null) {
      return;
    }
    for (int i = offset; i < offset + count; i++) {
      if (labels[i] < 0 || labels[i] >= classes) {
        throw new IllegalArgumentException("label of sample " + i
            + " must be a class index in [0, " + classes + "), but was " + labels[i]);
      }
    }
  }

  /**
   * Checks {@code forwardBackward}'s gradient scale: any finite number (a NaN or infinite scale
   * would turn every gradient, and after the next step every weight, into NaN).
   */
  public static void gradScale(float gradScale) {
    if (!(Math.abs(gradScale) <= Float.MAX_VALUE)) {
      throw new IllegalArgumentException(
          "gradScale must be a finite number (usually 1 / count), but was " + gradScale);
    }
  }

  /**
   * Checks a random state given to {@code setRandomState} of a model with dropout or batch norm:
   * {@code {seed, dropout steps, replicas}}, the counts not negative.
   */
  public static void randomState(long[] state) {
    if (state == null || state.length != 3 || state[1] < 0 || state[2] < 0
        || state[2] > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("random state must be {seed, dropout steps, replicas}, "
          + "the steps and replicas not negative and the replicas at most " + Integer.MAX_VALUE
          + ", but was " + java.util.Arrays.toString(state));
    }
  }

  /** Checks one sample's output array. */
  public static void output(float[] output, int outputs) {
    if (output == null) {
      throw new IllegalArgumentException("output must not be null");
    }
    if (output.length < outputs) {
      throw new IllegalArgumentException(
          "output must have room for " + outputs + " values, but had " + output.length);
    }
  }

  /**
   * Checks the inputs of a batch to predict or classify: {@code count} samples (none is allowed)
   * from sample {@code offset}. One condition, and the messages in a method of their own: a short
   * method is compiled sooner.
   */
  public static void batchInputs(float[] inputs, int offset, int count, int inputSize) {
    if (inputs == null || count < 0 || offset < 0
        || ((long) offset + count) * inputSize > inputs.length) {
      rejectInputs(inputs, offset, count, inputSize, 0);
      throw new AssertionError("batchInputs() found a problem that its messages do not name");
    }
  }

  /**
   * Checks a batch of inputs with its labels or targets (exactly one of them): at least {@code
   * minCount} samples, 1 to train on, 0 to evaluate. One condition, and the messages in a method of
   * their own: this runs before every training step, and a short method is compiled sooner (a short
   * job's steps otherwise wait in the interpreter for it).
   */
  public static void batch(
      float[] inputs, int offset, int count, int inputSize, int[] labels, float[] targets,
      int outputSize, int minCount) {
    long end = (long) offset + count;
    if (inputs == null || count < minCount || offset < 0
        || end * inputSize > inputs.length
        || (labels == null
            ? targets == null || end * outputSize > targets.length
            : targets != null || labels.length < end)) {
      rejectInputs(inputs, offset, count, inputSize, minCount);
      rejectTruth(offset, count, labels, targets, outputSize);
      throw new AssertionError("batch() found a problem that its messages do not name");
    }
  }

  /** Throws for the first problem of a batch's inputs, if any. */
  private static void rejectInputs(
      float[] inputs, int offset, int count, int inputSize, int minCount) {
    if (inputs == null) {
      throw new IllegalArgumentException("inputs must not be null");
    }
    if (count < minCount) {
      throw new IllegalArgumentException("count must be at least " + minCount
          + ", but was " + count);
    }
    if (offset < 0) {
      throw new IllegalArgumentException("offset must not be negative, but was " + offset);
    }
    long end = (long) offset + count;
    if (end * inputSize > inputs.length) {
      throw new IllegalArgumentException(
          "inputs must hold samples [" + offset + ", " + end + ") of " + inputSize
              + " values, i.e. " + end * inputSize + " values, but held " + inputs.length);
    }
  }

  /** Throws for the first problem of a batch's labels or targets, if any. */
  private static void rejectTruth(
      int offset, int count, int[] labels, float[] targets, int outputSize) {
    if ((labels == null) == (targets == null)) {
      throw new IllegalArgumentException(
          "exactly one of labels and targets must be given, but "
              + (labels == null ? "neither was" : "both were"));
    }
    long end = (long) offset + count;
    if (labels != null && labels.length < end) {
      throw new IllegalArgumentException(
          "labels must hold samples [" + offset + ", " + end + "), but held " + labels.length);
    }
    if (targets != null && end * outputSize > targets.length) {
      throw new IllegalArgumentException(
          "targets must hold samples [" + offset + ", " + end + ") of " + outputSize
              + " values, i.e. " + end * outputSize + " values, but held " + targets.length);
    }
  }

  /** Checks an output array of a batch. */
  public static void batchOutputs(float[] outputs, int count, int outputSize) {
    if (outputs == null) {
      throw new IllegalArgumentException("outputs must not be null");
    }
    if ((long) count * outputSize > outputs.length) {
      throw new IllegalArgumentException(
          "outputs must have room for " + count + " x " + outputSize + " values, but had "
              + outputs.length);
    }
  }

  /** Checks that {@code classes} has room for {@code count} values from index {@code at}. */
  public static void classesAt(int[] classes, int at, int count) {
    if (classes == null) {
      throw new IllegalArgumentException("classes must not be null");
    }
    if (at < 0) {
      throw new IllegalArgumentException("at (where the classes go) must not be negative, but was "
          + at);
    }
    if ((long) at + count > classes.length) {
      throw new IllegalArgumentException(
          "classes must have room for " + count + " values from index " + at + ", but had "
              + classes.length);
    }
  }

  /** Checks that {@code outputs} has room for {@code count} samples' outputs from {@code at}. */
  public static void outputsAt(float[] outputs, int at, int count, int perSample) {
    if (outputs == null) {
      throw new IllegalArgumentException("outputs must not be null");
    }
    if (at < 0) {
      throw new IllegalArgumentException("at (where the outputs go) must not be negative, but was "
          + at);
    }
    if ((long) at + (long) count * perSample > outputs.length) {
      throw new IllegalArgumentException(
          "outputs must have room for " + count + " samples of " + perSample + " values from index "
              + at + ", but had " + outputs.length);
    }
  }

  /** Checks a class array of a batch. */
  public static void batchClasses(int[] classes, int count) {
    if (classes == null) {
      throw new IllegalArgumentException("classes must not be null");
    }
    if (classes.length < count) {
      throw new IllegalArgumentException(
          "classes must have room for " + count + " values, but had " + classes.length);
    }
  }

  /**
   * The predicted class of an output row: the argmax, or for a single output {@code 1} when it is
   * above {@code threshold} ({@code 0} for logits, {@code 0.5} for values), else {@code 0}: a
   * probability of exactly 0.5 is class 0, as Keras's {@code binary_accuracy} counts it.
   */
  public static int classOf(float[] y, int n, float threshold) {
    return classOfRow(y, n, threshold);
  }

  /**
   * Like {@link #classOf} for {@code classify}, which answers with the class alone: an output row
   * holding NaN (from a NaN or infinite input, or weights) has no class, and is refused rather
   * than reported as class 0. {@code sample} is the sample's index in a batch, or -1 for one input.
   */
  public static int predictedClass(float[] y, int n, float threshold, int sample) {
    outputNumbers(y, n, sample);
    return classOfRow(y, n, threshold);
  }

  /**
   * Refuses an output row holding NaN, which {@code classify} cannot stand behind: the
   * probabilities it writes are NaN where a logit is NaN, and also where one is infinite (softmax
   * subtracts the largest logit: infinity minus infinity).
   */
  public static void outputNumbers(float[] y, int n, int sample) {
    for (int j = 0; j < n; j++) {
      if (Float.isNaN(y[j])) {
        throw new IllegalArgumentException("the output for " + (sample < 0 ? "the input"
            : "sample " + sample) + " must be a number to give a class, but output " + j
            + " was NaN: an input value is NaN, or inputs (or weights) so large that the forward"
            + " pass overflowed");
      }
    }
  }

  private static int classOfRow(float[] y, int n, float threshold) {
    if (n == 1) {
      return y[0] > threshold ? 1 : 0;
    }
    int best = 0;
    for (int j = 1; j < n; j++) {
      if (y[j] > y[best]) {
        best = j;
      }
    }
    return best;
  }
}
