package io.ganglion.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link Trainer#fit} measured, epoch by epoch, under Keras's names: {@code loss} (mean
 * training loss, including any L2 penalty), {@code accuracy}, or {@code mse} and {@code mae} (when
 * training metrics are on), {@code val_loss}, {@code val_accuracy}, {@code
 * val_top<k>_accuracy}, {@code val_mse}, {@code val_mae}
 * and {@code lr} (the learning rate used in the epoch: the schedule's, or the one a listener
 * set in {@code epochStarted}).
 */
public final class History {
  private final Map<String, List<Double>> metrics = new LinkedHashMap<>();
  private int epochs;
  private int stoppedEpoch = -1;
  private int bestEpoch = -1;

  History() {}

  void addEpoch(Map<String, Double> values) {
    if (!metrics.keySet().containsAll(values.keySet())) {
      // A metric first reported now (a run resumed with trainingAccuracy or topK added): the
      // names follow this epoch's order, the progress line's, then those it did not report.
      Map<String, List<Double>> reordered = new LinkedHashMap<>();
      for (String name : values.keySet()) {
        reordered.put(name, metrics.getOrDefault(name, new ArrayList<>()));
      }
      for (Map.Entry<String, List<Double>> e : metrics.entrySet()) {
        reordered.putIfAbsent(e.getKey(), e.getValue());
      }
      metrics.clear();
      metrics.putAll(reordered);
    }
    for (Map.Entry<String, Double> e : values.entrySet()) {
      List<Double> list = metrics.computeIfAbsent(e.getKey(), k -> new ArrayList<>());
      while (list.size() < epochs) {
        list.add(Double.NaN);
      }
      list.add(e.getValue());
    }
    epochs++;
    // A metric this epoch did not report (one a resumed checkpoint's run had) gets NaN, so that
    // every list keeps one value per epoch.
    for (List<Double> list : metrics.values()) {
      while (list.size() < epochs) {
        list.add(Double.NaN);
      }
    }
  }

  void stoppedAt(int epoch) {
    this.stoppedEpoch = epoch;
  }

  void bestAt(int epoch) {
    this.bestEpoch = epoch;
  }

  /** The mean training loss of each epoch. */
  public List<Double> loss() {
    return metric("loss");
  }

  /** The values of a metric, one per epoch, such as {@code metric("val_accuracy")}. */
  public List<Double> metric(String name) {
    List<Double> values = metrics.get(name);
    if (values == null) {
      throw new IllegalArgumentException(
          "metric must be one training reported " + metrics.keySet() + ", but was '" + name + "'");
    }
    return Collections.unmodifiableList(values);
  }

  /** Whether training reported {@code name}. */
  public boolean has(String name) {
    return metrics.containsKey(name);
  }

  /** The names of the metrics recorded, in the order the progress line shows them. */
  public List<String> metricNames() {
    return List.copyOf(metrics.keySet());
  }

  /** Number of epochs run. */
  public int epochs() {
    return epochs;
  }

  /** The epoch (0-based) at which early stopping ended training, or -1 if it did not. */
  public int stoppedEpoch() {
    return stoppedEpoch;
  }

  /**
   * The epoch (0-based) with the best monitored metric: early stopping's, else {@code val_loss}
   * with validation data, else {@code loss}. -1 before any epoch was watched (none completed, or
   * all were before early stopping's {@code startFromEpoch}).
   */
  public int bestEpoch() {
    return bestEpoch;
  }

  @Override
  public String toString() {
    return "History" + metrics;
  }
}
