package io.ganglion.optim;

import java.util.Map;

/**
 * The learning rate of each epoch, as a function of the epoch (0-based) and the optimizer's
 * initial learning rate. The trainer sets the optimizer's rate from it at the start of every
 * epoch and reports the epoch's metrics to it at the end, which is all {@link ReduceOnPlateau}
 * needs. The factories mirror PyTorch's schedulers in their closed forms.
 */
public interface LearningRateSchedule {

  /** The learning rate of {@code epoch} (0-based) when the optimizer began at {@code initial}. */
  double learningRate(int epoch, double initial);

  /**
   * Receives the metrics of a finished epoch (names as in {@code History}: {@code loss}, {@code
   * val_loss}, {@code val_accuracy}, ...). Stateless schedules ignore it.
   */
  default void epochEnded(int epoch, Map<String, Double> metrics) {}

  /** Forgets what {@link #epochEnded} taught, before a new training run. */
  default void reset() {}

  /**
   * The metric this schedule watches ({@link ReduceOnPlateau}'s, also inside {@link #warmup}), or
   * null for a schedule of the epoch alone; the trainer checks before the first epoch that it will
   * be reported.
   */
  default String monitor() {
    return null;
  }

  /**
   * The metric watched instead when {@link #monitor()} is not reported, or null for none: by
   * default {@code loss} for a schedule that watches {@code val_loss} in training without
   * validation data (as {@link ReduceOnPlateau} does unless {@code val_loss} was chosen with its
   * {@code monitor}), else none.
   */
  default String fallbackMonitor() {
    return "val_loss".equals(monitor()) ? "loss" : null;
  }

  /**
   * What {@link #epochEnded} has taught so far, for checkpoints: named values that {@link
   * #loadState} puts back. Empty (the default) for schedules that are functions of the epoch alone.
   */
  default Map<String, Double> state() {
    return Map.of();
  }

  /**
   * Restores a {@link #state()} of a schedule configured the same way, after {@link #reset()}.
   * Fails, changing nothing, unless {@code state} has exactly the names {@link #state()} has.
   */
  default void loadState(Map<String, Double> state) {
    if (state == null) {
      throw new IllegalArgumentException("schedule state must not be null");
    }
    if (!state.isEmpty()) {
      throw new IllegalArgumentException(
          "schedule state must be empty for a schedule that depends on the epoch alone, but was "
              + state.keySet());
    }
  }

  /** Always the initial learning rate. */
  static LearningRateSchedule constant() {
    return (epoch, initial) -> initial;
  }

  /**
   * {@code initial * gamma^floor(epoch / stepSize)}: the rate falls by {@code gamma} every {@code
   * stepSize} epochs (PyTorch's {@code StepLR}).
   */
  static LearningRateSchedule step(int stepSize, double gamma) {
    if (stepSize < 1) {
      throw new IllegalArgumentException("step size must be at least 1, but was " + stepSize);
    }
    Optimizer.checkPositive("gamma", gamma);
    return (epoch, initial) -> initial * Math.pow(gamma, epoch / stepSize);
  }

  /** {@code initial * gamma^epoch} (PyTorch's {@code ExponentialLR}). */
  static LearningRateSchedule exponential(double gamma) {
    Optimizer.checkPositive("gamma", gamma);
    return (epoch, initial) -> initial * Math.pow(gamma, epoch);
  }

  /**
   * Cosine annealing from the initial rate down to {@code minimum} over {@code period} epochs:
   * {@code minimum + (initial - minimum) (1 + cos(pi min(epoch, period) / period)) / 2} (PyTorch's
   * {@code CosineAnnealingLR}, held at {@code minimum} after {@code period} epochs rather than
   * rising again).
   */
  static LearningRateSchedule cosine(int period, double minimum) {
    if (period < 1) {
      throw new IllegalArgumentException("period must be at least 1 epoch, but was " + period);
    }
    Optimizer.checkNonNegative("minimum learning rate", minimum);
    return (epoch, initial) ->
        minimum
            + (initial - minimum) * (1 + Math.cos(Math.PI * Math.min(epoch, period) / period)) / 2;
  }

  /**
   * Linear warm-up for {@code epochs} epochs, then {@code after} (counting its epochs from the end
   * of the warm-up): during warm-up the rate is {@code initial * (startFactor + (1 - startFactor)
   * epoch / epochs)}, as PyTorch's {@code LinearLR} followed by {@code SequentialLR}.
   */
  static LearningRateSchedule warmup(int epochs, double startFactor, LearningRateSchedule after) {
    if (epochs < 1) {
      throw new IllegalArgumentException("warm-up must last at least 1 epoch, but was " + epochs);
    }
    if (!(startFactor > 0 && startFactor <= 1)) {
      throw new IllegalArgumentException(
          "warm-up start factor must be in (0, 1], but was " + startFactor);
    }
    if (after == null) {
      throw new IllegalArgumentException("the schedule after warm-up must not be null");
    }
    return new LearningRateSchedule() {
      @Override
      public double learningRate(int epoch, double initial) {
        if (epoch < epochs) {
          return initial * (startFactor + (1 - startFactor) * epoch / epochs);
        }
        return after.learningRate(epoch - epochs, initial);
      }

      @Override
      public void epochEnded(int epoch, Map<String, Double> metrics) {
        if (epoch >= epochs) {
          after.epochEnded(epoch - epochs, metrics);
        }
      }

      @Override
      public void reset() {
        after.reset();
      }

      @Override
      public String monitor() {
        return after.monitor();
      }

      @Override
      public String fallbackMonitor() {
        return after.fallbackMonitor();
      }

      @Override
      public Map<String, Double> state() {
        return after.state();
      }

      @Override
      public void loadState(Map<String, Double> state) {
        after.loadState(state);
      }
    };
  }
}
