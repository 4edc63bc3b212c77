package io.ganglion.examples;

import io.ganglion.data.Dataset;
import io.ganglion.optim.Adam;
import io.ganglion.optim.LearningRateSchedule;
import io.ganglion.train.History;
import io.ganglion.train.Trainer;
import java.io.PrintStream;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ganglion curve}: fits y = sin(x) on [-3, 3] with {@link Curve} and prints the error. */
@Command(name = "curve", mixinStandardHelpOptions = true,
    version = GanglionCommand.VERSION,
    description = "Regression: fits y = sin(x) on [-3, 3] with a 1-32-32-1 tanh network (MSE)"
        + " and prints the fit error on a grid.")
final class CurveCommand implements Callable<Integer>, GanglionCommand.Output {
  static final double RANGE = 3;

  @Option(names = "--epochs", defaultValue = "200",
      description = "Epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  /** The most points the demo draws: 80 MB of inputs and targets. */
  static final int MAX_SAMPLES = 10_000_000;

  @Option(names = "--samples", defaultValue = "512",
      description = "Training points, uniform in [-3, 3] (default: ${DEFAULT-VALUE}).")
  int samples;

  @Option(names = "--batch-size", defaultValue = "32",
      description = "Samples per step (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--seed", defaultValue = "42",
      description = "Seed of the weights, the points and the shuffling"
          + " (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = {"-q", "--quiet"}, description = "Print only the results.")
  boolean quiet;

  private PrintStream out = System.out;

  @Override
  public void setOut(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() {
    if (epochs < 1 || samples < 2 || batchSize < 1) {
      throw new IllegalArgumentException("--epochs, --batch-size must be positive and --samples"
          + " at least 2, but were " + epochs + ", " + batchSize + ", " + samples);
    }
    if (samples > MAX_SAMPLES) {
      throw new IllegalArgumentException("--samples must be at most " + MAX_SAMPLES
          + " (a demo that holds its points in memory), but was " + samples);
    }
    SplittableRandom random = new SplittableRandom(seed);
    float[] x = new float[samples];
    float[] y = new float[samples];
    for (int i = 0; i < samples; i++) {
      x[i] = (float) (random.nextDouble(-RANGE, RANGE));
      y[i] = (float) Math.sin(x[i]);
    }
    Net_Curve net = new Net_Curve(seed);
    if (!quiet) {
      out.print(net.summary());
    }
    Trainer trainer = Trainer.of(net)
        .optimizer(Adam.of(0.01))
        .schedule(LearningRateSchedule.cosine(epochs, 1e-4))
        .batchSize(batchSize)
        .epochs(epochs)
        .threads(1)
        .seed(seed)
        .verbose(0);
    History history = trainer.fit(Dataset.ofTargets(x, 1, y, 1));
    if (!quiet) {
      // Eight lines along the way; the last epoch's line follows (not twice for short runs).
      for (int e = 0; e < history.epochs() - 1; e += Math.max(1, history.epochs() / 8)) {
        out.printf(Locale.ROOT, "epoch %4d  mse %.6f%n", e + 1, history.loss().get(e));
      }
    }
    out.printf(Locale.ROOT, "epoch %4d  mse %.6f%n", history.epochs(),
        history.loss().get(history.epochs() - 1));
    // The error on an evenly spaced grid, which the training points did not choose.
    int grid = 601;
    double squares = 0;
    double worst = 0;
    float[] in = new float[1];
    float[] prediction = new float[1];
    for (int i = 0; i < grid; i++) {
      in[0] = (float) (-RANGE + 2 * RANGE * i / (grid - 1));
      net.predict(in, prediction);
      double error = prediction[0] - Math.sin(in[0]);
      squares += error * error;
      worst = Math.max(worst, Math.abs(error));
    }
    out.println("     x    sin(x)       fit");
    for (int i = 0; i <= 6; i++) {
      in[0] = (float) (-RANGE + i);
      net.predict(in, prediction);
      out.printf(Locale.ROOT, "%6.2f  %8.4f  %8.4f%n", in[0], Math.sin(in[0]), prediction[0]);
    }
    out.printf(Locale.ROOT,
        "fit error on %d evenly spaced points in [-3, 3]: rms %.4f, max %.4f%n", grid,
        Math.sqrt(squares / grid), worst);
    return 0;
  }
}
