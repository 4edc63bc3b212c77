package io.ganglion.examples.fashion;

import io.ganglion.Model;
import io.ganglion.data.Dataset;
import io.ganglion.data.Idx;
import io.ganglion.examples.GanglionCommand;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Loads a saved {@link FashionMlp} or {@link FashionCnn} and classifies images: files, or test images by index. */
@Command(
    name = "predict",
    mixinStandardHelpOptions = true,
    description = {
      "Classifies Fashion-MNIST images with a saved model, printing the top classes and their"
          + " probabilities.",
      "IMAGE is a PNG/JPEG/GIF/BMP (converted to grey and scaled to 28x28; a light garment on a"
          + " dark background, as in the data set; --invert for dark on light) or an IDX image"
          + " file (every image in it).",
      "Or --test-index picks images of the test set (with their true class)."
    })
public final class PredictCommand implements Callable<Integer>, GanglionCommand.Output {
  @Option(names = "--model", paramLabel = "FILE", defaultValue = "fashion.safetensors",
      description = "The model saved by the fashion command (default: ${DEFAULT-VALUE}).")
  Path model;

  @Option(names = "--network", paramLabel = "mlp|cnn",
      description = "The network the file must hold (default: the one its metadata names;"
          + " mlp for a file without Ganglion metadata).")
  FashionNetwork network;

  @Option(names = "--test-index", paramLabel = "N", arity = "1..*",
      description = "Indexes of test images to classify (0-based).")
  int[] testIndexes = new int[0];

  @Mixin DataOptions data = new DataOptions();

  @Option(names = "--top", paramLabel = "K", defaultValue = "3",
      description = "How many classes to print per image (default: ${DEFAULT-VALUE}).")
  int top;

  @Option(names = "--invert", description = "Invert image files (for dark garments on white).")
  boolean invert;

  @Parameters(paramLabel = "IMAGE", arity = "0..*", description = "Image or IDX files.")
  List<Path> images = new ArrayList<>();

  private PrintStream out = System.out;

  @Override
  public void setOut(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() throws Exception {
    if (images.isEmpty() && testIndexes.length == 0) {
      throw new IllegalArgumentException(
          "give IMAGE files or --test-index N..., but neither was given");
    }
    if (top < 1 || top > FashionMnist.CLASSES.size()) {
      throw new IllegalArgumentException("--top must be in [1, 10], but was " + top);
    }
    Model net = FashionNetwork.load(model, network);
    out.println("model: " + model + " (" + net.name() + ")");
    float[] probabilities = new float[net.outputSize()];
    if (testIndexes.length > 0) {
      FashionMnist fashion = data.load(false);
      Dataset test = fashion.test();
      out.println("data: " + fashion.description());
      long correct = 0;
      for (int index : testIndexes) {
        if (index < 0 || index >= test.size()) {
          throw new IllegalArgumentException("--test-index must be in [0, " + test.size()
              + "), but was " + index);
        }
        float[] pixels = Arrays.copyOfRange(test.features(), index * FashionMnist.PIXELS,
            (index + 1) * FashionMnist.PIXELS);
        int label = test.labels()[index];
        net.predict(pixels, probabilities);
        correct += argmax(probabilities) == label ? 1 : 0;
        print("test[" + index + "] (true: " + FashionMnist.className(label) + ")", probabilities);
      }
      out.printf(Locale.ROOT, "%d of %d correct%n", correct, testIndexes.length);
    }
    for (Path file : images) {
      List<float[]> samples = read(file);
      for (int i = 0; i < samples.size(); i++) {
        net.predict(samples.get(i), probabilities);
        print(samples.size() == 1 ? file.toString() : file + "[" + i + "]", probabilities);
      }
    }
    return 0;
  }

  private void print(String what, float[] probabilities) {
    Integer[] order = new Integer[probabilities.length];
    for (int c = 0; c < order.length; c++) {
      order[c] = c;
    }
    Arrays.sort(order, (a, b) -> Float.compare(probabilities[b], probabilities[a]));
    StringBuilder line = new StringBuilder(what).append(": ");
    for (int k = 0; k < top; k++) {
      line.append(k == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%s %.1f%%",
          FashionMnist.className(order[k]), 100 * probabilities[order[k]]));
    }
    out.println(line);
  }

  private static int argmax(float[] values) {
    int best = 0;
    for (int i = 1; i < values.length; i++) {
      if (values[i] > values[best]) {
        best = i;
      }
    }
    return best;
  }

  private List<float[]> read(Path file) throws IOException {
    BufferedImage image = ImageIO.read(file.toFile());
    if (image != null) {
      return List.of(pixels(image));
    }
    Idx.Tensor tensor;
    try {
      tensor = Idx.read(file);
    } catch (IOException e) {
      throw new IOException(file + ": must be an image (PNG, JPEG, GIF, BMP) or an IDX image"
          + " file, but was neither (" + e.getMessage() + ")", e);
    }
    if (tensor.recordSize() != FashionMnist.PIXELS) {
      throw new IOException(file + ": IDX images must be 28x28, but the file's shape was "
          + Arrays.toString(tensor.shape()));
    }
    float scale = tensor.type() == 0x08 ? 1 / 255f : 1f;
    List<float[]> out = new ArrayList<>();
    for (int r = 0; r < tensor.records(); r++) {
      float[] pixels = new float[FashionMnist.PIXELS];
      for (int p = 0; p < pixels.length; p++) {
        pixels[p] = tensor.values()[r * FashionMnist.PIXELS + p] * scale;
      }
      out.add(pixels);
    }
    return out;
  }

  private float[] pixels(BufferedImage image) {
    int side = FashionMnist.SIDE;
    BufferedImage grey = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY);
    Graphics2D g = grey.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(image, 0, 0, side, side, null);
    g.dispose();
    float[] pixels = new float[side * side];
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        float v = grey.getRaster().getSample(x, y, 0) / 255f;
        pixels[y * side + x] = invert ? 1 - v : v;
      }
    }
    return pixels;
  }
}
