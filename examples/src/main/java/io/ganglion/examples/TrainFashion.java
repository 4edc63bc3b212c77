package io.ganglion.examples;

import io.ganglion.data.Dataset;
import io.ganglion.optim.Sgd;
import io.ganglion.train.History;
import io.ganglion.train.Trainer;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * Trains {@link FashionMlp} on Fashion-MNIST (the gzipped IDX files; Debian's {@code
 * dataset-fashion-mnist} puts them in {@code /usr/share/datasets/fashion-mnist}), prints its
 * accuracy on the test images and saves it for {@link Serve}.
 *
 * <pre>
 * java -cp ... io.ganglion.examples.TrainFashion \
 *     [--data DIR] [--epochs 3] [--out fashion.safetensors]
 * </pre>
 */
final class TrainFashion {
  private TrainFashion() {}

  public static void main(String[] args) throws IOException {
    Path data = Path.of("/usr/share/datasets/fashion-mnist");
    Path out = Path.of("fashion.safetensors");
    int epochs = 3;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--data":
          data = Path.of(args[i + 1]);
          break;
        case "--out":
          out = Path.of(args[i + 1]);
          break;
        case "--epochs":
          epochs = Integer.parseInt(args[i + 1]);
          break;
        default:
          throw new IllegalArgumentException("unknown option " + args[i]
              + "; usage: TrainFashion [--data DIR] [--epochs N] [--out FILE]");
      }
    }
    Dataset train = Dataset.ofLabels(images(data.resolve("train-images-idx3-ubyte.gz")), 784,
        labels(data.resolve("train-labels-idx1-ubyte.gz")));
    float[] testImages = images(data.resolve("t10k-images-idx3-ubyte.gz"));
    int[] testLabels = labels(data.resolve("t10k-labels-idx1-ubyte.gz"));

    Net_FashionMlp net = new Net_FashionMlp(42);
    System.out.print(net.summary());
    History history = Trainer.of(net).optimizer(Sgd.of(0.05, 0.9)).batchSize(64).epochs(epochs)
        .seed(1).fit(train);
    for (int epoch = 0; epoch < history.epochs(); epoch++) {
      System.out.printf(Locale.ROOT, "epoch %d  loss %.4f%n", epoch + 1,
          history.loss().get(epoch));
    }
    int[] predicted = net.classifyBatch(testImages);
    int correct = 0;
    for (int i = 0; i < predicted.length; i++) {
      correct += predicted[i] == testLabels[i] ? 1 : 0;
    }
    System.out.printf(Locale.ROOT, "test accuracy %.2f%% (%d images)%n",
        100.0 * correct / predicted.length, predicted.length);
    net.save(out);
    System.out.println("saved " + out);
  }

  /** IDX3 images scaled to [0, 1], row-major, 784 values per image. */
  static float[] images(Path file) throws IOException {
    try (DataInputStream in = open(file, 0x803)) {
      int count = in.readInt();
      int rows = in.readInt();
      int columns = in.readInt();
      if (rows * columns != 784) {
        throw new IOException(file + ": images must be 28x28, but were " + rows + "x" + columns);
      }
      byte[] pixels = in.readNBytes(count * 784);
      if (pixels.length != count * 784) {
        throw new IOException(file + " is truncated");
      }
      float[] images = new float[pixels.length];
      for (int i = 0; i < pixels.length; i++) {
        images[i] = (pixels[i] & 0xff) / 255f;
      }
      return images;
    }
  }

  /** IDX1 labels. */
  static int[] labels(Path file) throws IOException {
    try (DataInputStream in = open(file, 0x801)) {
      int count = in.readInt();
      byte[] bytes = in.readNBytes(count);
      if (bytes.length != count) {
        throw new IOException(file + " is truncated");
      }
      int[] labels = new int[count];
      for (int i = 0; i < count; i++) {
        labels[i] = bytes[i] & 0xff;
      }
      return labels;
    }
  }

  private static DataInputStream open(Path file, int magic) throws IOException {
    InputStream raw = Files.newInputStream(file);
    DataInputStream in = new DataInputStream(new GZIPInputStream(raw, 1 << 16));
    int actual = in.readInt();
    if (actual != magic) {
      in.close();
      throw new IOException(file + ": IDX magic must be 0x" + Integer.toHexString(magic)
          + ", but was 0x" + Integer.toHexString(actual));
    }
    return in;
  }
}
