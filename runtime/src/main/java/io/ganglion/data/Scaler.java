package io.ganglion.data;

import io.ganglion.io.ModelFormatException;
import io.ganglion.io.SafeTensors;
import io.ganglion.io.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Per-feature scaling fitted on training data and applied to any data with the same features:
 * {@code x' = (x - shift) / divisor}. {@link #standardize} uses the mean and the (population)
 * standard deviation, as scikit-learn's {@code StandardScaler}; {@link #minMax} the minimum and the
 * range, mapping the training data to [0, 1] as {@code MinMaxScaler}. A constant feature gets
 * divisor 1, so it maps to 0 rather than NaN.
 *
 * <p>A model serves data scaled as its training data was: {@link #save} the fitted scaler beside
 * the model and {@link #load} it where the model is loaded (or rebuild it with {@link #of} from
 * {@link #shift()} and {@link #divisor()}).
 *
 * <p>A scaler does not change once made: share it between threads.
 */
public final class Scaler {
  private final float[] shift;
  private final float[] divisor;

  private Scaler(float[] shift, float[] divisor) {
    this.shift = shift;
    this.divisor = divisor;
  }

  /** The safetensors metadata key that marks a scaler's file. */
  private static final String FORMAT_KEY = "ganglion.scaler";

  /**
   * A scaler from its per-feature shift and divisor, as {@link #shift()} and {@link #divisor()}
   * return them: finite shifts, finite positive divisors, one of each per feature.
   */
  public static Scaler of(float[] shift, float[] divisor) {
    if (shift == null || divisor == null) {
      throw new IllegalArgumentException(
          (shift == null ? "shift" : "divisor") + " must not be null");
    }
    if (shift.length == 0 || shift.length != divisor.length) {
      throw new IllegalArgumentException("shift and divisor must hold one value per feature, at"
          + " least one, but held " + shift.length + " and " + divisor.length);
    }
    for (int j = 0; j < shift.length; j++) {
      if (!Float.isFinite(shift[j])) {
        throw new IllegalArgumentException(
            "shift of feature " + j + " must be finite, but was " + shift[j]);
      }
      if (!(divisor[j] > 0) || Float.isInfinite(divisor[j])) {
        throw new IllegalArgumentException(
            "divisor of feature " + j + " must be positive and finite, but was " + divisor[j]);
      }
    }
    return new Scaler(shift.clone(), divisor.clone());
  }

  /**
   * Writes the scaler to a safetensors file (tensors {@code shift} and {@code divisor}, F32),
   * atomically: a failed save leaves the file as it was.
   */
  public void save(Path file) throws IOException {
    if (file == null) {
      throw new IllegalArgumentException("file must not be null");
    }
    int[] shape = {shift.length};
    SafeTensors.of(Map.of(FORMAT_KEY, "1"),
        List.of(Tensor.of("shift", shape, shift), Tensor.of("divisor", shape, divisor)))
        .write(file);
  }

  /** Reads a scaler that {@link #save} wrote. */
  public static Scaler load(Path file) throws IOException {
    if (file == null) {
      throw new IllegalArgumentException("file must not be null");
    }
    SafeTensors st = SafeTensors.read(file);
    Tensor shift = st.tensor("shift");
    Tensor divisor = st.tensor("divisor");
    if (shift == null || divisor == null || st.tensors().size() != 2) {
      List<String> names = st.tensors().stream().map(Tensor::name).toList();
      String odd = shift == null ? "shift" : divisor == null ? "divisor"
          : st.tensors().stream().map(Tensor::name)
              .filter(n -> !n.equals("shift") && !n.equals("divisor")).findFirst().orElse(null);
      throw new ModelFormatException(file, odd,
          "a scaler's file must hold tensors [shift, divisor], but held " + names
              + (st.metadata().containsKey(FORMAT_KEY) ? ""
                  : " (it is not a file that Scaler.save wrote: is it a model's?)"));
    }
    for (Tensor t : List.of(shift, divisor)) {
      if (t.shape().length != 1) {
        throw new ModelFormatException(file, t.name(), "shape must be [features], one value per"
            + " feature, but was " + Arrays.toString(t.shape()));
      }
    }
    try {
      return of(shift.values(), divisor.values());
    } catch (IllegalArgumentException e) {
      throw new ModelFormatException(file, null, e.getMessage(), e);
    }
  }

  /** Fits mean and standard deviation per feature on {@code train}. */
  public static Scaler standardize(Dataset train) {
    int d = checkFit(train);
    int n = train.size();
    float[] x = train.features();
    double[] sum = new double[d];
    for (int s = 0; s < n; s++) {
      for (int j = 0; j < d; j++) {
        sum[j] += x[s * d + j];
      }
    }
    double[] squares = new double[d];
    for (int s = 0; s < n; s++) {
      for (int j = 0; j < d; j++) {
        double e = x[s * d + j] - sum[j] / n;
        squares[j] += e * e;
      }
    }
    float[] mean = new float[d];
    float[] std = new float[d];
    for (int j = 0; j < d; j++) {
      mean[j] = (float) (sum[j] / n);
      double sd = Math.sqrt(squares[j] / n);
      // Tested as a float: a deviation below the smallest float rounds to 0, a divisor of NaN.
      std[j] = (float) sd > 0 ? (float) sd : 1f;
    }
    return new Scaler(mean, std);
  }

  /** Fits minimum and range per feature on {@code train}. */
  public static Scaler minMax(Dataset train) {
    int d = checkFit(train);
    float[] x = train.features();
    float[] min = new float[d];
    float[] range = new float[d];
    for (int j = 0; j < d; j++) {
      float lo = Float.POSITIVE_INFINITY;
      float hi = Float.NEGATIVE_INFINITY;
      for (int s = 0; s < train.size(); s++) {
        lo = Math.min(lo, x[s * d + j]);
        hi = Math.max(hi, x[s * d + j]);
      }
      min[j] = lo;
      // In double: a column spanning -3e38 to 3e38 has a range beyond the float's, by which no
      // scaled value would reach [0, 1].
      double span = (double) hi - lo;
      if (span > Float.MAX_VALUE) {
        throw new IllegalArgumentException("feature " + j + " must span a range within the float"
            + " range to be scaled to [0, 1], but spans " + lo + " to " + hi + " (" + span
            + "); divide it by a power of ten first");
      }
      range[j] = span > 0 ? (float) span : 1f;
    }
    return new Scaler(min, range);
  }

  /** A new data set with scaled features and the same labels or targets. */
  public Dataset apply(Dataset data) {
    if (data == null) {
      throw new IllegalArgumentException("data must not be null");
    }
    checkWidth(data.featureSize());
    float[] x = data.features().clone();
    for (int offset = 0; offset < x.length; offset += shift.length) {
      try {
        apply(x, offset);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "sample " + offset / shift.length + ": " + e.getMessage(), e);
      }
    }
    return data.withFeatures(x);
  }

  /**
   * Scales every sample of row-major {@code features} in place ({@code featureSize()} values per
   * sample), such as those {@link Csv#readFeatures} reads. Every sample is checked first: one that
   * cannot be scaled throws, naming it, and leaves the array as it was.
   */
  public void applyRows(float[] features) {
    if (features == null || features.length % shift.length != 0) {
      throw new IllegalArgumentException("features must hold whole samples of " + shift.length
          + " features, but held " + (features == null ? "null" : features.length + " values"));
    }
    for (int offset = 0; offset < features.length; offset += shift.length) {
      checkScalable(features, offset, " of sample " + offset / shift.length);
    }
    for (int offset = 0; offset < features.length; offset += shift.length) {
      scale(features, offset);
    }
  }

  /** Scales one sample in place, at {@code features[offset .. offset + featureSize())}. */
  public void apply(float[] features, int offset) {
    if (features == null || offset < 0 || offset > features.length - shift.length) {
      throw new IllegalArgumentException("features must hold the " + shift.length
          + " features of a sample at offset " + offset + ", but held "
          + (features == null ? "null" : features.length + " values"));
    }
    // Checked first, written after: a sample that cannot be scaled is left as it was.
    checkScalable(features, offset, "");
    scale(features, offset);
  }

  /**
   * Fails if a value of the sample at {@code offset} scales beyond the float range (a NaN or
   * infinite value stays one, as before; only a finite one that overflows is an error).
   */
  private void checkScalable(float[] features, int offset, String sample) {
    for (int j = 0; j < shift.length; j++) {
      float value = features[offset + j];
      if (Float.isFinite(value) && Float.isInfinite(scaled(value, j))) {
        throw new IllegalArgumentException("feature " + j + sample + " must scale to a float, but "
            + value + " scales to " + ((value - (double) shift[j]) / divisor[j]) + " ((value - "
            + shift[j] + ") / " + divisor[j] + "), beyond the float range: is it far outside the"
            + " data the scaler was fitted on?");
      }
    }
  }

  private void scale(float[] features, int offset) {
    for (int j = 0; j < shift.length; j++) {
      features[offset + j] = scaled(features[offset + j], j);
    }
  }

  /**
   * Feature {@code j}'s value scaled: in double, then rounded once, since a difference of two
   * large floats can pass the float range.
   */
  private float scaled(float value, int j) {
    return (float) (((double) value - shift[j]) / divisor[j]);
  }

  /** Number of features this scaler was fitted on. */
  public int featureSize() {
    return shift.length;
  }

  /** The value subtracted from each feature (mean or minimum), a copy. */
  public float[] shift() {
    return shift.clone();
  }

  /** The value each shifted feature is divided by (standard deviation or range), a copy. */
  public float[] divisor() {
    return divisor.clone();
  }

  private void checkWidth(int features) {
    if (features != shift.length) {
      throw new IllegalArgumentException(
          "data must have the " + shift.length + " features the scaler was fitted on, but had "
              + features);
    }
  }

  private static int checkFit(Dataset train) {
    if (train == null) {
      throw new IllegalArgumentException("training data must not be null");
    }
    if (train.size() == 0) {
      throw new IllegalArgumentException(
          "training data must hold samples to fit on, but was empty");
    }
    return train.featureSize();
  }
}
