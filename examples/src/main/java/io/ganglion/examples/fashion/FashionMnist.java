package io.ganglion.examples.fashion;

import io.ganglion.data.Dataset;
import io.ganglion.data.Idx;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;

/**
 * Fashion-MNIST (Zalando Research, MIT licence): 28x28 grey images of ten kinds of clothing, with
 * pixels scaled to [0, 1]. Comes from a directory holding the four standard IDX files (gzipped or
 * not) or from the subset embedded in this jar (the first 10,000 training and 2,000 test images).
 */
public final class FashionMnist {
  /** Pixels per image. */
  public static final int PIXELS = 28 * 28;

  /** Image side in pixels. */
  public static final int SIDE = 28;

  /** The class names, by label. */
  public static final List<String> CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress",
      "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

  /** Where the Debian package {@code dataset-fashion-mnist} installs the data. */
  public static final Path DEBIAN_DIRECTORY = Path.of("/usr/share/datasets/fashion-mnist");

  static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
  static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
  static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
  static final String TEST_LABELS = "t10k-labels-idx1-ubyte";
  private static final String RESOURCES = "/io/ganglion/examples/fashion/";

  private final Dataset train;
  private final Dataset test;
  private final String description;

  private FashionMnist(Dataset train, Dataset test, String description) {
    // Named, so that an evaluation's report names the classes.
    String[] names = CLASSES.toArray(new String[0]);
    this.train = train == null ? null : train.withClassNames(names);
    this.test = test.withClassNames(names);
    this.description = description;
  }

  /** The training images; fails for data read with {@code training = false}. */
  public Dataset train() {
    if (train == null) {
      throw new IllegalStateException("the training images were not read (training = false)");
    }
    return train;
  }

  /** The test images. */
  public Dataset test() {
    return test;
  }

  /** Which data this is, for people: {@code "Fashion-MNIST, full (60,000 train / ...) ..."}. */
  public String description() {
    return description;
  }

  /** The class name of a label. */
  public static String className(int label) {
    return CLASSES.get(label);
  }

  /** Whether {@code directory} holds the four IDX files, gzipped or not. */
  public static boolean hasFiles(Path directory) {
    for (String name : List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS)) {
      if (find(directory, name) == null) {
        return false;
      }
    }
    return true;
  }

  /** The full data from the Debian package when it is installed, else the embedded subset. */
  public static FashionMnist standard() throws IOException {
    return standard(DEBIAN_DIRECTORY, true);
  }

  /**
   * The data in {@code directory} when it holds the four files, else the embedded subset; only
   * the test images unless {@code training}.
   */
  static FashionMnist standard(Path directory, boolean training) throws IOException {
    return hasFiles(directory) ? fromDirectory(directory, training) : embedded(training);
  }

  /** The four IDX files of {@code directory}. */
  public static FashionMnist fromDirectory(Path directory) throws IOException {
    return fromDirectory(directory, true);
  }

  /** The IDX files of {@code directory}: only the two test files unless {@code training}. */
  static FashionMnist fromDirectory(Path directory, boolean training) throws IOException {
    if (!Files.isDirectory(directory)) {
      throw new IOException(directory + " must be a directory holding the Fashion-MNIST files,"
          + " but " + (Files.isRegularFile(directory) ? "is a file" : Files.exists(directory)
              ? "is not a directory (a device or a pipe)" : "does not exist"));
    }
    Path[] files = new Path[4];
    String[] names = {TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS};
    // Predicting reads the two test files only, and needs no others.
    List<String> needed = List.of(names).subList(training ? 0 : 2, 4);
    for (int i = training ? 0 : 2; i < 4; i++) {
      files[i] = find(directory, names[i]);
      if (files[i] == null) {
        throw new IOException(directory + " must hold the " + (training ? "four" : "two test")
            + " Fashion-MNIST files " + needed + " (plain or .gz), but " + names[i]
            + " was missing");
      }
    }
    Dataset train = training ? Idx.dataset(files[0], files[1]) : null;
    Dataset test = Idx.dataset(files[2], files[3]);
    if (train != null) {
      check(train, directory);
    }
    check(test, directory);
    String kind = test.size() == 10_000 && (train == null || train.size() == 60_000)
        ? "full" : "from a directory";
    return new FashionMnist(train, test, describe(kind, train, test) + " from " + directory);
  }

  /** The subset embedded in the jar: the first 10,000 training and 2,000 test images. */
  public static FashionMnist embedded() throws IOException {
    return embedded(true);
  }

  /** The embedded subset: only its test images unless {@code training}. */
  static FashionMnist embedded(boolean training) throws IOException {
    Path directory = Files.createTempDirectory("ganglion-fashion");
    try {
      for (String name : List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS)) {
        // Idx reads paths: copy each resource out of the jar, then delete it.
        try (InputStream in = FashionMnist.class.getResourceAsStream(RESOURCES + name + ".gz")) {
          if (in == null) {
            throw new IOException("the embedded Fashion-MNIST subset must be on the class path at "
                + RESOURCES + ", but " + name + ".gz was missing");
          }
          Files.copy(in, directory.resolve(name + ".gz"), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      Dataset train = training ? Idx.dataset(
          directory.resolve(TRAIN_IMAGES + ".gz"), directory.resolve(TRAIN_LABELS + ".gz")) : null;
      Dataset test = Idx.dataset(
          directory.resolve(TEST_IMAGES + ".gz"), directory.resolve(TEST_LABELS + ".gz"));
      return new FashionMnist(train, test,
          describe("embedded subset", train, test) + " from the jar");
    } finally {
      deleteQuietly(directory);
    }
  }

  private static String describe(String kind, Dataset train, Dataset test) {
    if (train == null) {
      return String.format(Locale.ROOT, "Fashion-MNIST, %s (%,d test)", kind, test.size());
    }
    return String.format(Locale.ROOT, "Fashion-MNIST, %s (%,d train / %,d test)", kind,
        train.size(), test.size());
  }

  private static void check(Dataset data, Path directory) throws IOException {
    if (data.featureSize() != PIXELS) {
      throw new IOException(directory + ": images must be 28x28 (" + PIXELS + " pixels), but had "
          + data.featureSize() + " values");
    }
    for (int label : data.labels()) {
      if (label >= CLASSES.size()) {
        throw new IOException(directory + ": labels must be in [0, 10), but one was " + label);
      }
    }
  }

  private static Path find(Path directory, String name) {
    for (String candidate : List.of(name + ".gz", name, name.replace("-idx", ".idx"))) {
      Path file = directory.resolve(candidate);
      if (Files.isRegularFile(file)) {
        return file;
      }
    }
    return null;
  }

  private static void deleteQuietly(Path directory) {
    try (var files = Files.list(directory)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(file);
      }
      Files.deleteIfExists(directory);
    } catch (IOException | UncheckedIOException e) {
      // A temporary directory left behind is harmless.
    }
  }
}
