package io.ganglion.examples.fashion;

import io.ganglion.Model;
import io.ganglion.data.Dataset;
import io.ganglion.examples.ClassificationText;
import io.ganglion.examples.GanglionCommand;
import io.ganglion.io.AtomicFiles;
import io.ganglion.io.ModelFiles;
import io.ganglion.optim.Adam;
import io.ganglion.optim.LearningRateSchedule;
import io.ganglion.optim.Sgd;
import io.ganglion.train.Evaluation;
import io.ganglion.train.History;
import io.ganglion.train.ParallelGradients;
import io.ganglion.train.Trainer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Trains {@link FashionMlp} or {@link FashionCnn} on Fashion-MNIST, prints its test accuracy, per-class accuracy and
 * confusion matrix, saves it and optionally writes an HTML report.
 */
@Command(
    name = "fashion",
    mixinStandardHelpOptions = true,
    version = GanglionCommand.VERSION,
    description = {
      "Trains a classifier on Fashion-MNIST (the default command): --model mlp (784-256-128-10,"
          + " SGD with momentum 0.9 and a cosine learning-rate schedule) or --model cnn (two"
          + " convolutions, Adam with the learning rate times 0.85 per epoch).",
      "Seeded: the same seed, data, threads and JVM flags give the same weights."
    })
public final class FashionCommand implements Callable<Integer>, GanglionCommand.Output {
  @Mixin DataOptions data = new DataOptions();

  @Option(names = "--model", paramLabel = "mlp|cnn", defaultValue = "mlp",
      description = "The network: mlp (784-256-128-10) or cnn (convolutional; about 0.92 instead"
          + " of 0.89 on the full data, 17x the work per image) (default: ${DEFAULT-VALUE}).")
  FashionNetwork network;

  @Option(names = "--epochs", description = "Epochs (default: 15 for mlp, 10 for cnn).")
  Integer epochs;

  @Option(names = "--batch-size", defaultValue = "64",
      description = "Samples per step (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--learning-rate",
      description = "Initial learning rate (default: 0.05 for mlp, annealed to 0 by a cosine;"
          + " 0.001 for cnn, times 0.85 after each epoch).")
  Double learningRate;

  @Option(names = "--threads", defaultValue = "2",
      description = "Training threads; results are reproducible per thread count"
          + " (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--seed", defaultValue = "42",
      description = "Seed of the initial weights and the shuffling (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--save", paramLabel = "FILE",
      description = "Where to save the trained model (default: fashion.safetensors).")
  Path save;

  @Option(names = "--no-save", description = "Do not save the model.")
  boolean noSave;

  @Option(names = "--report", paramLabel = "FILE.html",
      description = "Also write an HTML report: curves, confusion matrix, misclassified images.")
  Path report;

  @Option(names = {"-q", "--quiet"}, description = "Print only the data used and the results.")
  boolean quiet;

  private PrintStream out = System.out;

  @Override
  public void setOut(PrintStream out) {
    this.out = out;
  }

  /** Fails unless {@code file} can be written: a file (not a directory) in a writable one. */
  static void checkWritable(Path file, String option) {
    try {
      ModelFiles.checkSavable(file);
    } catch (IOException e) {
      throw new IllegalArgumentException(option + " " + e.getMessage(), e);
    }
  }

  @Override
  public Integer call() throws Exception {
    int epochs = this.epochs != null ? this.epochs : network.epochs();
    double learningRate = this.learningRate != null ? this.learningRate : network.learningRate();
    if (epochs < 1 || batchSize < 1 || threads < 1 || !(learningRate > 0)) {
      throw new IllegalArgumentException("--epochs, --batch-size, --threads and --learning-rate"
          + " must be positive, but were " + epochs + ", " + batchSize + ", " + threads + ", "
          + learningRate);
    }
    if (threads > ParallelGradients.MAX_WORKERS) {
      throw new IllegalArgumentException("--threads must be at most "
          + ParallelGradients.MAX_WORKERS + ", but was " + threads);
    }
    if (noSave && save != null) {
      throw new IllegalArgumentException(
          "--save " + save + " and --no-save contradict each other; give one of them");
    }
    Path save = this.save != null ? this.save : Path.of("fashion.safetensors");
    // The outputs are checked before training, not after it.
    if (!noSave) {
      checkWritable(save, "--save");
    }
    if (report != null) {
      checkWritable(report, "--report");
      if (!noSave && AtomicFiles.sameTarget(save, report)) {
        throw new IllegalArgumentException("--save and --report must name different files, but"
            + " both name " + report + ": the report would overwrite the model");
      }
    }
    long loadStart = System.nanoTime();
    FashionMnist fashion = data.load(true);
    out.printf(Locale.ROOT, "data: %s (read in %.1f s)%n", fashion.description(),
        seconds(loadStart));
    Model net = network.create(seed);
    String optimizer = network == FashionNetwork.MLP
        ? "SGD lr " + learningRate + " momentum 0.9, cosine schedule"
        : "Adam lr " + learningRate + ", times 0.85 per epoch";
    if (!quiet) {
      out.print(net.summary());
      out.printf(Locale.ROOT, "kernels: %s%n", vectorKernels() ? "Vector API"
          : "plain Java (run java --add-modules jdk.incubator.vector -jar ... for about 2x speed)");
      out.printf(Locale.ROOT,
          "training: %d epoch%s, batch %d, %s, %d thread%s, seed %d; the test set is evaluated"
              + " after each epoch (not used to choose anything)%n",
          epochs, epochs == 1 ? "" : "s", batchSize, optimizer, threads, threads == 1 ? "" : "s",
          seed);
    }
    Trainer trainer = Trainer.of(net)
        .optimizer(network == FashionNetwork.MLP ? Sgd.of(learningRate, 0.9)
            : Adam.of(learningRate))
        .schedule(network == FashionNetwork.MLP ? LearningRateSchedule.cosine(epochs, 0)
            : LearningRateSchedule.exponential(0.85))
        .batchSize(batchSize)
        .epochs(epochs)
        .threads(threads)
        .seed(seed)
        .trainingAccuracy(true)
        .validation(fashion.test())
        .verbose(quiet ? 0 : 1);
    if (out != System.out) {
      trainer.progress(out);
    }
    long trainStart = System.nanoTime();
    History history = trainer.fit(fashion.train());
    double trainSeconds = seconds(trainStart);
    Evaluation evaluation = trainer.evaluate(fashion.test());
    out.printf(Locale.ROOT, "trained %d epoch%s in %.1f s%n", history.epochs(),
        history.epochs() == 1 ? "" : "s", trainSeconds);
    out.printf(Locale.ROOT, "test accuracy: %.4f (%d of %d images)%n", evaluation.accuracy(),
        correct(evaluation), evaluation.samples());
    out.print(evaluation.report());
    out.println();
    out.print(ClassificationText.confusionMatrix(evaluation, FashionMnist.CLASSES));
    if (!noSave) {
      FashionNetwork.save(net, save);
      out.println("saved the model to " + save);
    }
    if (report != null) {
      Dataset test = fashion.test();
      String title = "Fashion-MNIST: " + String.format(Locale.ROOT, "%.2f%%",
          100 * evaluation.accuracy()) + " test accuracy";
      String settings = String.format(Locale.ROOT,
          "%s. %s (%s; %,d parameters), %d epochs, batch %d, %s, %d threads, seed %d;"
              + " %.1f s of training.",
          fashion.description(), network.className(), network.architecture(),
          net.parameterCount(), history.epochs(), batchSize, optimizer, threads, seed,
          trainSeconds);
      HtmlReport.write(report, title, settings, history, evaluation, FashionMnist.CLASSES,
          Misclassified.mostConfident(net, test, 60));
      out.println("wrote the report to " + report);
    }
    return 0;
  }

  private static long correct(Evaluation evaluation) {
    int[][] m = evaluation.confusionMatrix();
    long correct = 0;
    for (int c = 0; c < m.length; c++) {
      correct += m[c][c];
    }
    return correct;
  }

  /** Whether generated networks run their Vector API kernels (the JVM has the module). */
  static boolean vectorKernels() {
    return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
        && !"false".equalsIgnoreCase(System.getProperty("ganglion.vector"));
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }
}
