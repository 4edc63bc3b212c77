package io.ganglion.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** What {@link Trainer#fit} measured, epoch by epoch. */
public final class History {
  private final List<Double> loss = new ArrayList<>();

  void addEpoch(double meanLoss) {
    loss.add(meanLoss);
  }

  /** The mean training loss of each epoch. */
  public List<Double> loss() {
    return Collections.unmodifiableList(loss);
  }

  /** Number of epochs run. */
  public int epochs() {
    return loss.size();
  }
}
