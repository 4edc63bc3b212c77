package io.ganglion.train;

import io.ganglion.Model;
import io.ganglion.data.Dataset;
import io.ganglion.optim.Optimizer;
import io.ganglion.optim.Sgd;
import java.util.SplittableRandom;

/**
 * The training loop every model shares: each epoch shuffles the samples (seeded), gathers
 * mini-batches into contiguous buffers, runs the generated forward and backward pass and lets the
 * optimizer update the parameters.
 *
 * <pre>{@code
 * History h = Trainer.of(net).optimizer(Sgd.of(0.1, 0.9)).batchSize(32).epochs(20).fit(train);
 * }</pre>
 */
public final class Trainer {
  private final Model model;
  private Optimizer optimizer = Sgd.of(0.01);
  private int batchSize = 32;
  private int epochs = 1;
  private long seed = 0;
  private boolean shuffle = true;

  private Trainer(Model model) {
    this.model = model;
  }

  /** A trainer for {@code model}. */
  public static Trainer of(Model model) {
    if (model == null) {
      throw new IllegalArgumentException("model must not be null");
    }
    return new Trainer(model);
  }

  /** The optimizer; {@code Sgd.of(0.01)} by default. */
  public Trainer optimizer(Optimizer optimizer) {
    if (optimizer == null) {
      throw new IllegalArgumentException("optimizer must not be null");
    }
    this.optimizer = optimizer;
    return this;
  }

  /** Samples per mini-batch; 32 by default. */
  public Trainer batchSize(int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be at least 1, but was " + batchSize);
    }
    this.batchSize = batchSize;
    return this;
  }

  /** Passes over the training data; 1 by default. */
  public Trainer epochs(int epochs) {
    if (epochs < 1) {
      throw new IllegalArgumentException("epochs must be at least 1, but was " + epochs);
    }
    this.epochs = epochs;
    return this;
  }

  /** Seed of the shuffling; 0 by default. */
  public Trainer seed(long seed) {
    this.seed = seed;
    return this;
  }

  /** Whether to shuffle the samples every epoch; true by default. */
  public Trainer shuffle(boolean shuffle) {
    this.shuffle = shuffle;
    return this;
  }

  /** Trains on {@code data} and returns the loss per epoch. */
  public History fit(Dataset data) {
    checkData(data);
    int n = data.size();
    int batch = Math.min(batchSize, n);
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    float[] x = new float[batch * model.inputSize()];
    int[] y = data.hasLabels() ? new int[batch] : null;
    float[] t = data.hasLabels() ? null : new float[batch * model.outputSize()];
    SplittableRandom random = new SplittableRandom(seed);
    History history = new History();
    for (int epoch = 0; epoch < epochs; epoch++) {
      if (shuffle) {
        for (int i = n - 1; i > 0; i--) {
          int j = random.nextInt(i + 1);
          int tmp = order[i];
          order[i] = order[j];
          order[j] = tmp;
        }
      }
      double sum = 0;
      for (int from = 0; from < n; from += batch) {
        int count = Math.min(batch, n - from);
        data.gather(order, from, count, x, y, t);
        sum += model.forwardBackward(x, 0, y, t, count, 1f / count);
        optimizer.step(model.parameters());
      }
      history.addEpoch(sum / n);
    }
    return history;
  }

  private void checkData(Dataset data) {
    if (data == null) {
      throw new IllegalArgumentException("data must not be null");
    }
    if (data.size() == 0) {
      throw new IllegalArgumentException("data must hold at least one sample");
    }
    if (data.featureSize() != model.inputSize()) {
      throw new IllegalArgumentException(
          model.name() + " takes " + model.inputSize() + " inputs per sample, but the data has "
              + data.featureSize() + " features per sample");
    }
    if (!data.hasLabels() && data.targetSize() != model.outputSize()) {
      throw new IllegalArgumentException(
          model.name() + " produces " + model.outputSize() + " outputs per sample, but the data"
              + " has " + data.targetSize() + " targets per sample");
    }
  }
}
