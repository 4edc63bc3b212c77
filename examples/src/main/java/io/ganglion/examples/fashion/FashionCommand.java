package io.ganglion.examples.fashion;

import io.ganglion.data.Dataset;
import io.ganglion.examples.ClassificationText;
import io.ganglion.examples.GanglionCommand;
import io.ganglion.optim.LearningRateSchedule;
import io.ganglion.optim.Sgd;
import io.ganglion.train.Evaluation;
import io.ganglion.train.History;
import io.ganglion.train.Trainer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Trains {@link FashionMlp} on Fashion-MNIST, prints its test accuracy, per-class accuracy and
 * confusion matrix, saves it and optionally writes an HTML report.
 */
@Command(
    name = "fashion",
    mixinStandardHelpOptions = true,
    description = {
      "Trains a 784-256-128-10 classifier on Fashion-MNIST (the default command).",
      "SGD with momentum 0.9 and a cosine learning-rate schedule; seeded: the same seed, data,"
          + " threads and JVM flags give the same weights."
    })
public final class FashionCommand implements Callable<Integer>, GanglionCommand.Output {
  @Mixin DataOptions data = new DataOptions();

  @Option(names = "--epochs", defaultValue = "15",
      description = "Epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch-size", defaultValue = "64",
      description = "Samples per step (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--learning-rate", defaultValue = "0.05",
      description = "Initial learning rate, annealed to 0 by a cosine (default: ${DEFAULT-VALUE}).")
  double learningRate;

  @Option(names = "--threads", defaultValue = "2",
      description = "Training threads; results are reproducible per thread count"
          + " (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--seed", defaultValue = "42",
      description = "Seed of the initial weights and the shuffling (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--save", paramLabel = "FILE", defaultValue = "fashion.safetensors",
      description = "Where to save the trained model (default: ${DEFAULT-VALUE}).")
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

  @Override
  public Integer call() throws Exception {
    if (epochs < 1 || batchSize < 1 || threads < 1 || !(learningRate > 0)) {
      throw new IllegalArgumentException("--epochs, --batch-size, --threads and --learning-rate"
          + " must be positive, but were " + epochs + ", " + batchSize + ", " + threads + ", "
          + learningRate);
    }
    long loadStart = System.nanoTime();
    FashionMnist fashion = data.load(true);
    out.printf(Locale.ROOT, "data: %s (read in %.1f s)%n", fashion.description(),
        seconds(loadStart));
    Net_FashionMlp net = new Net_FashionMlp(seed);
    if (!quiet) {
      out.print(net.summary());
      out.printf(Locale.ROOT, "kernels: %s%n", vectorKernels() ? "Vector API"
          : "plain Java (run java --add-modules jdk.incubator.vector -jar ... for about 2x speed)");
      out.printf(Locale.ROOT,
          "training: %d epochs, batch %d, SGD lr %s momentum 0.9, cosine schedule, %d threads,"
              + " seed %d; the test set is evaluated after each epoch (not used to choose"
              + " anything)%n", epochs, batchSize, learningRate, threads, seed);
    }
    Trainer trainer = Trainer.of(net)
        .optimizer(Sgd.of(learningRate, 0.9))
        .schedule(LearningRateSchedule.cosine(epochs, 0))
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
    out.printf(Locale.ROOT, "trained %d epochs in %.1f s%n", history.epochs(), trainSeconds);
    out.printf(Locale.ROOT, "test accuracy: %.4f (%d of %d images)%n", evaluation.accuracy(),
        correct(evaluation), evaluation.samples());
    out.print(ClassificationText.perClassAccuracy(evaluation, FashionMnist.CLASSES));
    out.print(ClassificationText.confusionMatrix(evaluation, FashionMnist.CLASSES));
    if (!noSave) {
      net.save(save);
      out.println("saved the model to " + save);
    }
    if (report != null) {
      Dataset test = fashion.test();
      String title = "Fashion-MNIST: " + String.format(Locale.ROOT, "%.2f%%",
          100 * evaluation.accuracy()) + " test accuracy";
      String settings = String.format(Locale.ROOT,
          "%s. FashionMlp (784-256-128-10, %,d parameters), %d epochs, batch %d, SGD lr %s"
              + " momentum 0.9 with a cosine schedule, %d threads, seed %d; %.1f s of training.",
          fashion.description(), net.parameterCount(), history.epochs(), batchSize, learningRate,
          threads, seed, trainSeconds);
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
