package io.ganglion.train;

/**
 * Thrown by {@link Trainer#fit} when a batch's loss is NaN or infinite. By then the trainer has
 * put back the best weights seen (or the weights from before training), so the model is usable;
 * {@link #history()} holds the epochs that completed.
 */
public final class TrainingDivergedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int epoch;
  private final int step;
  private final transient History history;

  TrainingDivergedException(String message, int epoch, int step, History history) {
    super(message);
    this.epoch = epoch;
    this.step = step;
    this.history = history;
  }

  /** The epoch (0-based) in which the loss diverged. */
  public int epoch() {
    return epoch;
  }

  /** The step (batch, 0-based) of that epoch whose loss was not finite. */
  public int step() {
    return step;
  }

  /** The metrics of the epochs that completed before the divergence. */
  public History history() {
    return history;
  }
}
