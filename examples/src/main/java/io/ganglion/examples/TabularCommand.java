package io.ganglion.examples;

import io.ganglion.data.Csv;
import io.ganglion.data.Dataset;
import io.ganglion.data.Scaler;
import io.ganglion.optim.Adam;
import io.ganglion.train.Evaluation;
import io.ganglion.train.Trainer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ganglion tabular}: classifies the rows of a CSV file with {@link Flowers} (4 features, up
 * to 3 classes): standardized features, a stratified train/test split, Adam.
 */
@Command(name = "tabular", mixinStandardHelpOptions = true,
    version = GanglionCommand.VERSION,
    description = {
      "Classification from a CSV file: 4 numeric feature columns and an integer class label"
          + " (0, 1 or 2), like iris. The network is declared at compile time (Flowers: 4-16-3),"
          + " so other shapes are refused.",
      "Without --csv, a bundled synthetic iris-style file (150 rows, drawn with a fixed seed from"
          + " the per-class means and deviations of Fisher's iris measurements)."
    })
final class TabularCommand implements Callable<Integer>, GanglionCommand.Output {
  private static final String BUNDLED = "/io/ganglion/examples/tabular/flowers.csv";
  private static final List<String> BUNDLED_CLASSES =
      List.of("setosa-like", "versicolor-like", "virginica-like");

  @Option(names = "--csv", paramLabel = "FILE",
      description = "CSV file with a header line (default: the bundled flowers.csv).")
  Path csv;

  @Option(names = "--label", paramLabel = "COLUMN", defaultValue = "species",
      description = "The column holding the class index (default: ${DEFAULT-VALUE}).")
  String label;

  @Option(names = "--delimiter", paramLabel = "CHAR",
      description = "The column separator: one character, or 'tab' (default: ,).")
  String delimiter;

  @Option(names = "--no-header",
      description = "The file has no header line; --label and --features are then column"
          + " numbers, from 0.")
  boolean noHeader;

  @Option(names = "--features", paramLabel = "COLUMNS", split = ",",
      description = "The feature columns by name, or by number (from 0) with --no-header"
          + " (default: every column but the label).")
  List<String> features;

  @Option(names = "--classes", paramLabel = "NAMES", split = ",",
      description = "Class names, by index, comma-separated: the label column holds them, or"
          + " class indexes that they name.")
  List<String> classes;

  @Option(names = "--test-fraction", defaultValue = "0.2",
      description = "Share of each class held out for testing (default: ${DEFAULT-VALUE}).")
  double testFraction;

  @Option(names = "--epochs", defaultValue = "100",
      description = "Epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch-size", defaultValue = "16",
      description = "Samples per step (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--seed", defaultValue = "42",
      description = "Seed of the weights, the split and the shuffling (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = {"-q", "--quiet"}, description = "Print only the results.")
  boolean quiet;

  private PrintStream out = System.out;

  @Override
  public void setOut(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() throws IOException {
    if (!(testFraction > 0 && testFraction < 1)) {
      throw new IllegalArgumentException(
          "--test-fraction must be between 0 and 1 (exclusive), but was " + testFraction);
    }
    if (csv == null) {
      List<String> given = new ArrayList<>();
      if (delimiter != null) {
        given.add("--delimiter");
      }
      if (noHeader) {
        given.add("--no-header");
      }
      if (features != null) {
        given.add("--features");
      }
      if (!given.isEmpty()) {
        throw new IllegalArgumentException(String.join(", ", given) + " must come with --csv"
            + " FILE, as " + (given.size() == 1 ? "it says" : "they say") + " how to read that"
            + " file, but no --csv was given (the bundled file is comma-separated with a header)");
      }
    }
    if (classes != null && classes.stream().anyMatch(String::isBlank)) {
      throw new IllegalArgumentException("--classes must give every class a name, but was '"
          + String.join(",", classes) + "'");
    }
    if (classes != null) {
      // "a, b" names a and b, as the reader matches the column's fields without their spaces.
      classes = classes.stream().map(String::strip).toList();
      if (classes.size() > Net_Flowers.OUTPUTS) {
        throw new IllegalArgumentException("--classes must name at most the "
            + Net_Flowers.OUTPUTS + " classes of Flowers, but named " + classes.size() + ": "
            + classes);
      }
    }
    Dataset all = csv != null ? read(csv) : readBundled();
    if (all.featureSize() != Net_Flowers.INPUTS) {
      throw new IllegalArgumentException((csv != null ? csv : "the CSV") + " must have "
          + Net_Flowers.INPUTS + " feature columns besides '" + label + "', the inputs of the"
          + " Flowers network declared at compile time, but had " + all.featureSize());
    }
    if (all.classes() > Net_Flowers.OUTPUTS) {
      throw new IllegalArgumentException((csv != null ? csv : "the CSV") + ": labels in '"
          + label + "' must be in [0, " + Net_Flowers.OUTPUTS + "), the outputs of Flowers,"
          + " but reached " + (all.classes() - 1));
    }
    if (classes != null
        && (classes.size() < all.classes() || classes.size() > Net_Flowers.OUTPUTS)) {
      throw new IllegalArgumentException("--classes must name each of the data's "
          + all.classes() + " classes (at most the " + Net_Flowers.OUTPUTS + " of Flowers), but"
          + " named " + classes.size() + ": " + classes);
    }
    List<String> names = classNames(all.classes());
    out.printf(Locale.ROOT, "data: %s, %d rows, %d features, %d classes%n",
        csv != null ? csv : "bundled synthetic iris-style flowers.csv", all.size(),
        all.featureSize(), all.classes());
    // Named, the classes head the report's rows, those without a test sample too.
    Dataset named = all.withClassNames(names.toArray(String[]::new));
    Dataset.Split split;
    try {
      split = named.split(testFraction, seed);
    } catch (IllegalArgumentException e) {
      // Dataset's message speaks of a "split" and "validation": say which option to change.
      throw new IllegalArgumentException("--test-fraction " + testFraction + " cannot split "
          + all.size() + " rows into training and test rows (" + e.getMessage() + "); use more"
          + " rows or another --test-fraction", e);
    }
    Scaler scaler = Scaler.standardize(split.train());
    Dataset train = scaler.apply(split.train());
    Dataset test = scaler.apply(split.validation());
    Net_Flowers net = new Net_Flowers(seed);
    if (!quiet) {
      out.print(net.summary());
    }
    Trainer trainer = Trainer.of(net)
        .optimizer(Adam.of(0.01))
        .batchSize(batchSize)
        .epochs(epochs)
        .threads(1)
        .seed(seed)
        .trainingAccuracy(true)
        .verbose(0);
    trainer.fit(train);
    Evaluation trained = trainer.evaluate(train);
    Evaluation evaluation = trainer.evaluate(test);
    out.printf(Locale.ROOT, "trained %d epoch%s on %d rows: training accuracy %.4f%n", epochs,
        epochs == 1 ? "" : "s", train.size(), trained.accuracy());
    out.printf(Locale.ROOT, "test accuracy: %.4f (%d rows held out)%n", evaluation.accuracy(),
        test.size());
    out.print(evaluation.report());
    out.print(ClassificationText.confusionMatrix(evaluation, names));
    return 0;
  }

  /**
   * The names given, the bundled file's, or "class k" for each of the data's {@code classes} (not
   * the network's outputs: a class the data lacks would be a row of zeros in the report, and
   * weigh in its macro average).
   */
  private List<String> classNames(int classes) {
    if (this.classes != null) {
      return this.classes;
    }
    if (csv == null) {
      return BUNDLED_CLASSES;
    }
    List<String> names = new ArrayList<>();
    for (int c = 0; c < classes; c++) {
      names.add("class " + c);
    }
    return names;
  }

  /**
   * The data of {@code file}: with {@code --classes}, a label column of those names, or of class
   * indexes that the names only show.
   */
  private Dataset read(Path file) throws IOException {
    if (classes == null) {
      return read(file, false);
    }
    try {
      return read(file, true);
    } catch (IOException named) {
      try {
        return read(file, false); // a label column of class indexes
      } catch (IOException | RuntimeException e) {
        throw named;
      }
    }
  }

  private Dataset read(Path file, boolean named) throws IOException {
    Csv reader = Csv.reader().delimiter(delimiterChar()).header(!noHeader);
    if (named) {
      reader.classNames(classes.toArray(new String[0]));
    }
    if (noHeader) {
      if (features != null) {
        int[] columns = new int[features.size()];
        for (int k = 0; k < columns.length; k++) {
          try {
            columns[k] = Integer.parseInt(features.get(k).trim());
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--features must be column numbers (from 0) with"
                + " --no-header, but held '" + features.get(k) + "'");
          }
        }
        reader.features(columns);
      }
      int column;
      try {
        column = Integer.parseInt(label);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--label must be a column number (from 0) with"
            + " --no-header, but was '" + label + "'");
      }
      reader.labelColumn(column);
    } else {
      reader.labelColumn(label);
      if (features != null) {
        reader.features(features.toArray(new String[0]));
      }
    }
    try {
      return reader.read(file);
    } catch (IOException e) {
      String message = String.valueOf(e.getMessage());
      if (asOptions(message).equals(message)) {
        throw e; // keeps its type: a NoSuchFileException is described as a missing file
      }
      throw new IOException(asOptions(message), e);
    }
  }

  /**
   * The reader's hints name its Java methods ({@code delimiter(';')}, {@code header(false)}) and
   * its regression mode; this command has options for the first two and classifies only.
   */
  static String asOptions(String message) {
    return message
        .replace("set delimiter('\\t')", "use --delimiter tab")
        .replaceAll("set delimiter\\('(.)'\\)", "use --delimiter '$1'")
        .replace("header(false)", "--no-header")
        .replace("with classNames(...)", "with --classes")
        .replace("with columns chosen by 0-based position", "with --label and --features as"
            + " column numbers from 0")
        .replace(", or for regression read the column as a target value with targetColumns", "")
        .replace("; for regression, read it as a target value with targetColumns",
            "; this command trains a classifier, whose labels are class indexes 0, 1, ...");
  }

  private char delimiterChar() {
    if (delimiter == null) {
      return ',';
    }
    if (delimiter.equals("tab") || delimiter.equals("\\t")) {
      return '\t';
    }
    if (delimiter.length() != 1) {
      throw new IllegalArgumentException(
          "--delimiter must be one character or 'tab', but was '" + delimiter + "'");
    }
    return delimiter.charAt(0);
  }

  private Dataset readBundled() throws IOException {
    // Csv reads paths: copy the resource out of the jar first.
    Path file = Files.createTempFile("ganglion-flowers", ".csv");
    try (InputStream in = TabularCommand.class.getResourceAsStream(BUNDLED)) {
      if (in == null) {
        throw new IOException("the bundled " + BUNDLED + " must be on the class path, but was not");
      }
      Files.write(file, in.readAllBytes());
      // Comma-separated with a header (--delimiter and the like need --csv).
      return Csv.reader().labelColumn(label).read(file);
    } catch (IOException | IllegalArgumentException e) {
      // Messages name the file: the temporary copy, gone when the user reads them.
      throw new IllegalArgumentException(
          String.valueOf(e.getMessage()).replace(file.toString(), "the bundled flowers.csv"), e);
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
