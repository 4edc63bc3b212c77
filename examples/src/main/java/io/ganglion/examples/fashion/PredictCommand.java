package io.ganglion.examples.fashion;

import io.ganglion.Model;
import io.ganglion.data.Dataset;
import io.ganglion.data.Idx;
import io.ganglion.examples.GanglionCommand;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Loads a saved {@link FashionMlp} or {@link FashionCnn} and classifies images: files, or test images by index. */
@Command(
    name = "predict",
    mixinStandardHelpOptions = true,
    version = GanglionCommand.VERSION,
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
          + " for a file without Ganglion metadata, such as PyTorch's, the one more of whose"
          + " tensors it holds).")
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
    data.check();
    Model net = FashionNetwork.load(model, network);
    // Everything is read and checked before the first line is printed.
    FashionMnist fashion = null;
    if (testIndexes.length > 0) {
      fashion = data.load(false);
      for (int index : testIndexes) {
        if (index < 0 || index >= fashion.test().size()) {
          throw new IllegalArgumentException("--test-index must be in [0, "
              + fashion.test().size() + "), but was " + index);
        }
      }
    }
    List<List<float[]>> read = new ArrayList<>();
    for (Path file : images) {
      read.add(read(file));
    }
    out.println("model: " + model + " (" + net.name() + ")");
    float[] probabilities = new float[net.outputSize()];
    if (fashion != null) {
      Dataset test = fashion.test();
      out.println("data: " + fashion.description());
      long correct = 0;
      for (int index : testIndexes) {
        float[] pixels = Arrays.copyOfRange(test.features(), index * FashionMnist.PIXELS,
            (index + 1) * FashionMnist.PIXELS);
        int label = test.labels()[index];
        String what = "test[" + index + "] (true: " + FashionMnist.className(label) + ")";
        correct += classify(net, pixels, probabilities, what) == label ? 1 : 0;
        print(what, probabilities);
      }
      out.printf(Locale.ROOT, "%d of %d correct%n", correct, testIndexes.length);
    }
    for (int f = 0; f < images.size(); f++) {
      Path file = images.get(f);
      List<float[]> samples = read.get(f);
      for (int i = 0; i < samples.size(); i++) {
        String what = samples.size() == 1 ? file.toString() : file + "[" + i + "]";
        classify(net, samples.get(i), probabilities, what);
        print(what, probabilities);
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

  /**
   * The class of {@code input}, its probabilities into {@code probabilities}; an input that gives
   * no class (NaN outputs, from values or weights so large that the forward pass overflowed) is an
   * error that names {@code what}, not a line of NaN%.
   */
  private static int classify(Model net, float[] input, float[] probabilities, String what) {
    try {
      return net.classify(input, probabilities);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + ": " + e.getMessage(), e);
    }
  }

  private List<float[]> read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException(file + ": must be an image or IDX file, but "
          + (Files.isDirectory(file) ? "is a directory" : Files.exists(file)
              ? "is not a regular file (a device or a pipe)" : "does not exist"));
    }
    checkImageSize(file);
    BufferedImage image;
    try {
      image = ImageIO.read(file.toFile());
    } catch (OutOfMemoryError e) {
      throw new IOException(file + ": is too large to decode in this JVM's memory; give it"
          + " more (-Xmx) or shrink the image", e);
    } catch (IOException | RuntimeException e) {
      // ImageIO's own messages ("Error reading PNG image data") do not say which file.
      throw new IOException(file + ": could not be read as an image: " + e.getMessage(), e);
    }
    if (image != null) {
      return List.of(pixels(image, exifOrientation(file)));
    }
    Idx.Tensor tensor;
    try {
      tensor = Idx.read(file);
    } catch (IOException e) {
      throw new IOException(file + ": must be an image (PNG, JPEG, GIF, BMP) or an IDX image"
          + " file, but was neither (" + e.getMessage() + ")", e);
    }
    // [n, 28, 28] or [n, 784] images, or one image stored as [28, 28].
    boolean one = Arrays.equals(tensor.shape(), new int[] {FashionMnist.SIDE, FashionMnist.SIDE});
    if (!one && tensor.recordSize() != FashionMnist.PIXELS) {
      throw new IOException(file + ": IDX images must have 28x28 values each ([n, 28, 28],"
          + " [n, 784] or one image as [28, 28]), but the file's shape was "
          + Arrays.toString(tensor.shape()));
    }
    int images = one ? 1 : tensor.records();
    if (images == 0) {
      throw new IOException(file + ": must hold at least one image, but holds none");
    }
    float scale = tensor.type() == 0x08 ? 1 / 255f : 1f;
    List<float[]> out = new ArrayList<>();
    for (int r = 0; r < images; r++) {
      float[] pixels = new float[FashionMnist.PIXELS];
      for (int p = 0; p < pixels.length; p++) {
        float v = tensor.values()[r * FashionMnist.PIXELS + p];
        // The networks learned pixels in [0, 1]: other values (an int file of 0-255, say) would
        // give confident nonsense.
        if (!(v * scale >= 0 && v * scale <= 1)) {
          throw new IOException(file + ": value " + p + " of image " + r + " must be a pixel in"
              + " [0, 1]" + (scale == 1f ? "" : " once divided by 255") + " (unsigned-byte IDX"
              + " files are divided by 255, other types read as they are), but was " + v);
        }
        pixels[p] = v * scale;
      }
      out.add(pixels);
    }
    return out;
  }

  /**
   * The image as 28x28 grey values in [0, 1]: grey images by their own samples (a grey image with
   * alpha went through a linear-to-sRGB conversion in {@code getRGB} and came out too bright),
   * colour ones by luminance; transparent parts are background (dark as in the data set, light
   * with {@code --invert}); shrunk by averaging every source pixel (a single bilinear step
   * skipped most of a large image's pixels), enlarged bilinearly.
   */
  private float[] pixels(BufferedImage image, int orientation) {
    int width = image.getWidth();
    int height = image.getHeight();
    float background = invert ? 1f : 0f;
    float[] grey = new float[width * height];
    Raster raster = image.getRaster();
    ColorModel model = image.getColorModel();
    boolean greyModel = model.getColorSpace().getType() == ColorSpace.TYPE_GRAY
        && model.getNumColorComponents() == 1 && !(model instanceof IndexColorModel);
    float greyMax = greyModel ? (1 << model.getComponentSize(0)) - 1 : 255f;
    float alphaMax = model.hasAlpha()
        ? (1 << model.getComponentSize(model.getNumComponents() - 1)) - 1 : 1f;
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        float v;
        float a;
        if (greyModel) {
          v = raster.getSample(x, y, 0) / greyMax;
          a = model.hasAlpha() ? raster.getSample(x, y, 1) / alphaMax : 1f;
        } else {
          int argb = image.getRGB(x, y);
          v = (0.299f * (argb >> 16 & 0xff) + 0.587f * (argb >> 8 & 0xff) + 0.114f * (argb & 0xff))
              / 255f;
          a = (argb >>> 24) / 255f;
        }
        grey[y * width + x] = a * v + (1 - a) * background;
      }
    }
    if (orientation >= 5) {
      grey = orient(grey, width, height, orientation);
      int w = width;
      width = height;
      height = w;
    } else if (orientation > 1) {
      grey = orient(grey, width, height, orientation);
    }
    int side = FashionMnist.SIDE;
    float[] pixels = width >= side && height >= side
        ? areaAverage(grey, width, height, side) : enlarge(grey, width, height, side);
    if (invert) {
      for (int p = 0; p < pixels.length; p++) {
        pixels[p] = 1 - pixels[p];
      }
    }
    return pixels;
  }

  /**
   * The grey values as a viewer shows an image with this EXIF orientation (1: as stored; 2-8:
   * mirrored and/or turned, 5-8 with width and height swapped), as phone cameras record it.
   */
  static float[] orient(float[] grey, int width, int height, int orientation) {
    boolean swap = orientation >= 5;
    int outWidth = swap ? height : width;
    int outHeight = swap ? width : height;
    float[] out = new float[grey.length];
    for (int y = 0; y < outHeight; y++) {
      for (int x = 0; x < outWidth; x++) {
        int sx;
        int sy;
        switch (orientation) {
          case 2: sx = width - 1 - x; sy = y; break;
          case 3: sx = width - 1 - x; sy = height - 1 - y; break;
          case 4: sx = x; sy = height - 1 - y; break;
          case 5: sx = y; sy = x; break;
          case 6: sx = y; sy = height - 1 - x; break;
          case 7: sx = width - 1 - y; sy = height - 1 - x; break;
          case 8: sx = width - 1 - y; sy = x; break;
          default: sx = x; sy = y; break;
        }
        out[y * outWidth + x] = grey[sy * width + sx];
      }
    }
    return out;
  }

  /** The most pixels an image may have: decoding holds them all (4 bytes each, or more). */
  static final long MAX_PIXELS = 100_000_000;

  /**
   * Bytes of memory an image takes per pixel while it is read: the decoded image (up to 8 for
   * 16-bit colour), its grey copy and a turned copy (4 each).
   */
  private static final long BYTES_PER_PIXEL = 16;

  /**
   * Fails for an image too large to decode in memory, from its header alone (ImageIO would
   * allocate the whole image first and run out of memory); files that are no image pass.
   */
  private static void checkImageSize(Path file) throws IOException {
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
      if (readers == null || !readers.hasNext()) {
        return;
      }
      ImageReader reader = readers.next();
      int width;
      int height;
      try {
        reader.setInput(in, true, true);
        width = reader.getWidth(0);
        height = reader.getHeight(0);
      } catch (IOException | RuntimeException e) {
        return; // a damaged header: reading the image says what is wrong
      } finally {
        reader.dispose();
      }
      // This JVM's heap (-Xmx) may allow fewer.
      long most = Math.min(MAX_PIXELS, Runtime.getRuntime().maxMemory() / BYTES_PER_PIXEL);
      if ((long) width * height > most) {
        throw new IOException(file + ": must be an image of at most " + most + " pixels"
            + (most < MAX_PIXELS ? " (what this JVM's memory, -Xmx, allows)" : "") + ", but was "
            + width + "x" + height);
      }
    }
  }

  /**
   * The EXIF orientation (1-8) a JPEG file records in its APP1 segment, 1 when it records none or
   * is not a JPEG: the tag 0x0112 of the first image directory, read from the raw bytes.
   */
  static int exifOrientation(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer marker = ByteBuffer.allocate(4);
      if (readAt(channel, 0, marker) < 4 || (marker.getShort(0) & 0xffff) != 0xffd8) {
        return 1;
      }
      // Segment by segment, reading only their headers and the EXIF one: other segments before
      // it (an ICC profile, say) can be as large as they like.
      for (long at = 2; ; ) {
        marker.clear();
        if (readAt(channel, at, marker) < 4 || (marker.get(0) & 0xff) != 0xff) {
          return 1;
        }
        int kind = marker.get(1) & 0xff;
        int length = marker.getShort(2) & 0xffff;
        if (kind == 0xda || length < 2) {
          return 1; // the image data starts: no EXIF before it
        }
        if (kind == 0xe1 && length >= 16) {
          ByteBuffer segment = ByteBuffer.allocate(length - 2);
          if (readAt(channel, at + 4, segment) == length - 2 && new String(segment.array(), 0, 6,
              StandardCharsets.ISO_8859_1).equals("Exif\0\0")) {
            return orientationOfTiff(ByteBuffer.wrap(segment.array(), 6, length - 8).slice());
          }
        }
        at += 2 + length;
      }
    }
  }

  /** Reads from {@code position} until {@code buffer} is full or the file ends; the bytes read. */
  private static int readAt(FileChannel channel, long position, ByteBuffer buffer)
      throws IOException {
    int total = 0;
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, position + total);
      if (n < 0) {
        break;
      }
      total += n;
    }
    return total;
  }

  private static int orientationOfTiff(ByteBuffer tiff) {
    if (tiff.remaining() < 8) {
      return 1;
    }
    tiff.order(tiff.get(0) == 'I' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
    long directory = tiff.getInt(4) & 0xffffffffL;
    if (directory + 2 > tiff.limit()) {
      return 1;
    }
    int entries = tiff.getShort((int) directory) & 0xffff;
    for (int e = 0; e < entries; e++) {
      int entry = (int) directory + 2 + 12 * e;
      if (entry + 12 > tiff.limit()) {
        return 1;
      }
      if ((tiff.getShort(entry) & 0xffff) == 0x0112) {
        int value = tiff.getShort(entry + 8) & 0xffff;
        return value >= 1 && value <= 8 ? value : 1;
      }
    }
    return 1;
  }

  /** Shrinks by averaging, over each target pixel, the source pixels its area covers (in part). */
  private static float[] areaAverage(float[] grey, int width, int height, int side) {
    float[] out = new float[side * side];
    for (int ty = 0; ty < side; ty++) {
      double y0 = (double) ty * height / side;
      double y1 = (double) (ty + 1) * height / side;
      for (int tx = 0; tx < side; tx++) {
        double x0 = (double) tx * width / side;
        double x1 = (double) (tx + 1) * width / side;
        double sum = 0;
        for (int y = (int) y0; y < Math.min(height, Math.ceil(y1)); y++) {
          double wy = Math.min(y + 1, y1) - Math.max(y, y0);
          for (int x = (int) x0; x < Math.min(width, Math.ceil(x1)); x++) {
            double wx = Math.min(x + 1, x1) - Math.max(x, x0);
            sum += wy * wx * grey[y * width + x];
          }
        }
        out[ty * side + tx] = (float) (sum / ((y1 - y0) * (x1 - x0)));
      }
    }
    return out;
  }

  /** Enlarges a small image (under 28 pixels on a side) bilinearly. */
  private static float[] enlarge(float[] grey, int width, int height, int side) {
    BufferedImage small = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        small.getRaster().setSample(x, y, 0, Math.round(grey[y * width + x] * 255));
      }
    }
    BufferedImage large = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY);
    Graphics2D g = large.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(small, 0, 0, side, side, null);
    g.dispose();
    float[] pixels = new float[side * side];
    for (int p = 0; p < pixels.length; p++) {
      pixels[p] = large.getRaster().getSample(p % side, p / side, 0) / 255f;
    }
    return pixels;
  }
}
