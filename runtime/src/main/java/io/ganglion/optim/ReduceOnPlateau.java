package io.ganglion.optim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Multiplies the learning rate by {@code factor} when a monitored metric has stopped improving for
 * {@code patience} epochs, as Keras's {@code ReduceLROnPlateau}. The metric is {@code val_loss} by
 * default, or {@code loss} when training has no validation data (a metric chosen with {@link
 * #monitor(String)}, {@code val_loss} too, must be reported). Metrics whose name contains
 * {@code accuracy} improve upwards; all others downwards.
 *
 * <p>At the end of each epoch, as in Keras: a running cooldown counts down by one and holds the
 * wait at zero; a value better than the best by more than {@code minDelta} becomes the best and
 * resets the wait; otherwise, unless still cooling down, the wait grows, and when it reaches {@code
 * patience} the rate becomes {@code max(rate * factor, minimum)}, the wait restarts and the
 * cooldown is set to {@code cooldown} (so the {@code cooldown - 1} epochs after a reduction are
 * ignored).
 *
 * <p>An instance keeps what it has learned (the best value, the wait, the scale): give each
 * trainer its own, and use it from that trainer's thread.
 */
public final class ReduceOnPlateau implements LearningRateSchedule {
  private final double factor;
  private final int patience;
  private String monitor = "val_loss";
  /** Whether {@link #monitor(String)} chose the metric (no fallback to {@code loss} then). */
  private boolean chosen;
  private double minDelta = 1e-4;
  private int cooldown;
  private double minimum;

  private double scale = 1;
  private double best = Double.NaN;
  private int wait;
  private int cooldownLeft;
  private double initial = Double.NaN;

  private ReduceOnPlateau(double factor, int patience) {
    if (!(factor > 0 && factor < 1)) {
      throw new IllegalArgumentException("factor must be in (0, 1), but was " + factor);
    }
    if (patience < 0) {
      throw new IllegalArgumentException("patience must not be negative, but was " + patience);
    }
    this.factor = factor;
    this.patience = patience;
  }

  /** Multiplies the rate by {@code factor} after {@code patience} epochs without improvement. */
  public static ReduceOnPlateau of(double factor, int patience) {
    return new ReduceOnPlateau(factor, patience);
  }

  /** The metric to watch, such as {@code "val_loss"} (the default) or {@code "val_accuracy"}. */
  public ReduceOnPlateau monitor(String metric) {
    if (metric == null || metric.isEmpty()) {
      throw new IllegalArgumentException("monitored metric must be a metric name, but was "
          + (metric == null ? "null" : "empty"));
    }
    this.monitor = metric;
    this.chosen = true;
    return this;
  }

  /** The least change that counts as an improvement; 1e-4 by default. */
  public ReduceOnPlateau minDelta(double minDelta) {
    this.minDelta = Optimizer.checkNonNegative("min delta", minDelta);
    return this;
  }

  /** Epochs to wait after a reduction before counting again; 0 by default. */
  public ReduceOnPlateau cooldown(int epochs) {
    if (epochs < 0) {
      throw new IllegalArgumentException("cooldown must not be negative, but was " + epochs);
    }
    this.cooldown = epochs;
    return this;
  }

  /** The rate is never reduced below this; 0 by default. */
  public ReduceOnPlateau minimum(double learningRate) {
    this.minimum = Optimizer.checkNonNegative("minimum learning rate", learningRate);
    return this;
  }

  /** The monitored metric's name. */
  @Override
  public String monitor() {
    return monitor;
  }

  @Override
  public String fallbackMonitor() {
    return chosen ? null : "loss";
  }

  @Override
  public double learningRate(int epoch, double initial) {
    this.initial = initial;
    return Math.max(initial * scale, Math.min(minimum, initial));
  }

  @Override
  public void epochEnded(int epoch, Map<String, Double> metrics) {
    if (metrics == null) {
      throw new IllegalArgumentException("metrics must not be null");
    }
    Double value = metrics.get(monitor);
    if (value == null && !chosen) {
      value = metrics.get("loss");
    }
    if (value == null) {
      throw new IllegalStateException(
          "ReduceOnPlateau must monitor a metric that training reports, but '" + monitor
              + "' is not among " + metrics.keySet());
    }
    boolean up = monitor.contains("accuracy");
    if (cooldownLeft > 0) {
      cooldownLeft--;
      wait = 0;
    }
    if (Double.isNaN(best) || (up ? value > best + minDelta : value < best - minDelta)) {
      best = value;
      wait = 0;
      return;
    }
    if (cooldownLeft > 0) {
      return;
    }
    wait++;
    if (wait >= patience) {
      double current = initial * scale;
      if (current > minimum && initial > 0) {
        scale = Math.max(current * factor, minimum) / initial;
      }
      cooldownLeft = cooldown;
      wait = 0;
    }
  }

  @Override
  public void reset() {
    scale = 1;
    best = Double.NaN;
    wait = 0;
    cooldownLeft = 0;
  }

  /**
   * {@code scale} (the current rate over the initial one), {@code best} (NaN before the first
   * epoch), {@code wait} and {@code cooldown} (epochs of cooldown left).
   */
  @Override
  public Map<String, Double> state() {
    Map<String, Double> state = new LinkedHashMap<>();
    state.put("scale", scale);
    state.put("best", best);
    state.put("wait", (double) wait);
    state.put("cooldown", (double) cooldownLeft);
    return state;
  }

  @Override
  public void loadState(Map<String, Double> state) {
    if (state == null) {
      throw new IllegalArgumentException("ReduceOnPlateau state must not be null");
    }
    if (!state.keySet().equals(state().keySet())
        || state.values().stream().anyMatch(v -> v == null)) {
      throw new IllegalArgumentException("ReduceOnPlateau state must hold a value for each of "
          + state().keySet() + ", but held " + state);
    }
    double s = state.get("scale");
    double w = state.get("wait");
    double c = state.get("cooldown");
    if (!(s >= 0 && s <= 1) || !(w >= 0 && w == Math.rint(w) && w < Math.max(patience, 1))
        || !(c >= 0 && c == Math.rint(c) && c <= cooldown)) {
      throw new IllegalArgumentException("ReduceOnPlateau state must have a scale in [0, 1], a"
          + " whole wait below the patience (" + patience + ") and a whole cooldown of at most "
          + cooldown + ", but was " + state);
    }
    scale = s;
    best = state.get("best");
    wait = (int) w;
    cooldownLeft = (int) c;
  }
}
