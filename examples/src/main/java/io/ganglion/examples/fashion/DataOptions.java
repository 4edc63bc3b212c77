package io.ganglion.examples.fashion;

import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Which Fashion-MNIST data a command uses: {@code --data DIR}, {@code --subset} or the default. */
final class DataOptions {
  @Option(
      names = "--data",
      paramLabel = "DIR",
      description = "Directory with the four Fashion-MNIST IDX files (plain or .gz; predict"
          + " reads only the two test files). Default: "
          + "/usr/share/datasets/fashion-mnist when the Debian package dataset-fashion-mnist is "
          + "installed, else the subset embedded in the jar.")
  Path directory;

  @Option(
      names = "--subset",
      description = "Use the embedded subset (10,000 train / 2,000 test) even if the full data"
          + " is installed.")
  boolean subset;

  /** Fails for options that do not go together, before anything is read. */
  void check() {
    if (directory != null && subset) {
      throw new IllegalArgumentException("--data and --subset must not be given together");
    }
  }

  /** The chosen data; only its test images unless {@code training}. */
  FashionMnist load(boolean training) throws IOException {
    check();
    if (directory != null) {
      return FashionMnist.fromDirectory(directory, training);
    }
    return subset ? FashionMnist.embedded(training)
        : FashionMnist.standard(FashionMnist.DEBIAN_DIRECTORY, training);
  }
}
