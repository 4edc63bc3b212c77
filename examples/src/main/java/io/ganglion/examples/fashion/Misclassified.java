package io.ganglion.examples.fashion;

import io.ganglion.Model;
import io.ganglion.data.Dataset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A test image the model got wrong: its index, pixels, true and predicted class, confidence. */
record Misclassified(int index, float[] pixels, int label, int predicted, float probability) {

  /** Up to {@code limit} mistakes on {@code data}, the most confident first (ties by index). */
  static List<Misclassified> mostConfident(Model model, Dataset data, int limit) {
    int classes = model.outputSize();
    int features = data.featureSize();
    float[] probabilities = model.predictBatch(data.features());
    List<Misclassified> wrong = new ArrayList<>();
    for (int s = 0; s < data.size(); s++) {
      int best = 0;
      for (int c = 1; c < classes; c++) {
        if (probabilities[s * classes + c] > probabilities[s * classes + best]) {
          best = c;
        }
      }
      if (best != data.labels()[s]) {
        float[] pixels = new float[features];
        System.arraycopy(data.features(), s * features, pixels, 0, features);
        wrong.add(new Misclassified(
            s, pixels, data.labels()[s], best, probabilities[s * classes + best]));
      }
    }
    wrong.sort(Comparator.comparingDouble((Misclassified m) -> -m.probability())
        .thenComparingInt(Misclassified::index));
    return List.copyOf(wrong.subList(0, Math.min(limit, wrong.size())));
  }
}
