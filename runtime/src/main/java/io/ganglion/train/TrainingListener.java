package io.ganglion.train;

import java.util.Map;

/**
 * Callbacks from {@link Trainer#fit}, in the order epoch start, batch end (once per mini-batch),
 * epoch end. Epochs and batches are numbered from 0. Implement only the methods you need; keep
 * {@link #batchEnded} cheap, it runs on every step.
 */
public interface TrainingListener {

  /** Called before the first batch of {@code epoch}. */
  default void epochStarted(int epoch) {}

  /**
   * Called after the optimizer has stepped on batch {@code batch} of {@code epoch}, with the mean
   * loss of the batch's samples (before the step).
   */
  default void batchEnded(int epoch, int batch, double loss) {}

  /**
   * Called after {@code epoch} with its metrics ({@code loss}, {@code val_loss}, {@code
   * val_accuracy}, ..., and the learning rate as {@code lr}), in the order the progress line shows.
   */
  default void epochEnded(int epoch, Map<String, Double> metrics) {}
}
