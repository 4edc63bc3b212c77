package io.ganglion.examples.fashion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ganglion.examples.Cli;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One short training run on the embedded subset through the command line, then checks of what it
 * printed, the report it wrote and the model it saved (through {@code predict}).
 */
class EmbeddedSubsetTest {
  private static final int EPOCHS = 3;

  @TempDir static Path dir;
  static Path model;
  static Path report;
  static Cli training;

  @BeforeAll
  static void train() {
    model = dir.resolve("subset.safetensors");
    report = dir.resolve("report.html");
    training = Cli.run("--subset", "--epochs", Integer.toString(EPOCHS), "--quiet",
        "--save", model.toString(), "--report", report.toString());
  }

  @Test
  void trainsOnTheEmbeddedSubsetAndSaysSo() {
    assertEquals(0, training.exitCode(), training::toString);
    assertTrue(training.out().contains(
        "data: Fashion-MNIST, embedded subset (10,000 train / 2,000 test)"), training::toString);
    double accuracy = training.number("test accuracy: ");
    assertTrue(accuracy > 0.75, () -> "accuracy must be above 0.75\n" + training);
    assertTrue(Files.isRegularFile(model), training::toString);
  }

  @Test
  void printsTheClassificationReportAndTheConfusionMatrixWithClassNames() {
    String out = training.out();
    // The classification report, its rows named by the classes.
    assertTrue(out.contains("   precision    recall  f1-score   support\n"), training::toString);
    assertTrue(out.matches("(?s).*\n  Ankle boot     [01]\\.\\d{4}    [01]\\.\\d{4}"
        + "    [01]\\.\\d{4} +\\d+\n.*"), training::toString);
    assertTrue(out.contains("confusion matrix"), training::toString);
    // A report row for every class, by name (the matrix's rows are counted below).
    for (String name : FashionMnist.CLASSES) {
      assertTrue(out.matches("(?s).*\n *" + java.util.regex.Pattern.quote(name)
          + "( +[01]\\.\\d{4}){3} +\\d+\n.*"), () -> name + " has no report row in\n" + training);
    }
    // Each matrix row holds ten counts; together they are the 2,000 test images.
    long total = 0;
    int rows = 0;
    for (String line : out.split("\n")) {
      for (String name : FashionMnist.CLASSES) {
        String prefix = "  " + name;
        if (line.startsWith(prefix) && line.substring(prefix.length()).trim().matches("[0-9 ]+")) {
          String[] counts = line.substring(prefix.length()).trim().split(" +");
          assertEquals(10, counts.length, line);
          for (String c : counts) {
            total += Long.parseLong(c);
          }
          rows++;
        }
      }
    }
    assertEquals(10, rows, training::toString);
    assertEquals(2000, total, training::toString);
  }

  @Test
  void reportHasTheCurvesTheHeatMapAndTheMisclassifiedImages() throws Exception {
    String html = Files.readString(report, StandardCharsets.UTF_8);
    assertTrue(html.startsWith("<!DOCTYPE html>"));
    // Self-contained: no scripts, and no address but the SVG namespace.
    assertEquals(0, count(html, "<script"), "no scripts");
    assertEquals(count(html, "xmlns=\"http://www.w3.org/2000/svg\""), count(html, "http"),
        "nothing fetched");
    assertEquals(3, count(html, "<svg "), "two charts and the heat map");

    // Curves: training and test, for the loss and the accuracy, one point per epoch.
    List<String> curves = matches(html, "<polyline class=\"curve\" data-series=\"(\\w+)\"[^>]*"
        + " points=\"([^\"]*)\"");
    assertEquals(List.of("training", "test", "training", "test"), everyOther(curves, 0));
    for (String points : everyOther(curves, 1)) {
      assertEquals(EPOCHS, points.trim().split(" ").length, points);
    }

    // The heat map: 100 cells, whose counts add up to the test set.
    assertEquals(100, count(html, "<rect class=\"cell\""));
    List<String> titles = matches(html, "<title>true ([^,]+), predicted ([^:]+): (\\d+) ");
    assertEquals(300, titles.size());
    long total = 0;
    for (int i = 2; i < titles.size(); i += 3) {
      total += Long.parseLong(titles.get(i));
    }
    assertEquals(2000, total);
    for (String name : FashionMnist.CLASSES) {
      assertTrue(html.contains(">" + HtmlReport.escape(name) + "</text>"), name);
    }

    // Misclassified images: decodable 28x28 PNGs with their true and predicted classes.
    List<String> images = matches(html, "src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"");
    assertTrue(images.size() >= 20, "at least 20 images, but " + images.size());
    BufferedImage first = ImageIO.read(new ByteArrayInputStream(
        Base64.getDecoder().decode(images.get(0))));
    assertEquals(28, first.getWidth());
    assertEquals(28, first.getHeight());
    List<String> captions = matches(html, "true: ([^<]+)</span><br><span class=\"predicted\">"
        + "predicted: ([^<(]+) \\(");
    assertEquals(2 * images.size(), captions.size());
    for (int i = 0; i < captions.size(); i += 2) {
      assertTrue(!captions.get(i).equals(captions.get(i + 1)), "a mistake must differ");
    }
  }

  @Test
  void theSameSeedGivesTheSameModelAndAnotherSeedAnother() throws Exception {
    byte[][] files = new byte[3][];
    String[] seeds = {"7", "7", "8"};
    for (int i = 0; i < 3; i++) {
      Path file = dir.resolve("seeded-" + i + ".safetensors");
      Cli cli = Cli.run("--subset", "--epochs", "1", "--quiet", "--seed", seeds[i],
          "--save", file.toString());
      assertEquals(0, cli.exitCode(), cli::toString);
      files[i] = Files.readAllBytes(file);
    }
    assertArrayEquals(files[0], files[1]);
    assertFalse(Arrays.equals(files[0], files[2]));
  }

  @Test
  void predictClassifiesTestImagesWithTheSavedModel() {
    Cli cli = Cli.run("predict", "--model", model.toString(), "--subset",
        "--test-index", "0", "1", "2");
    assertEquals(0, cli.exitCode(), cli::toString);
    // The first three test images are an ankle boot, a pullover and a trouser.
    assertTrue(cli.out().contains("test[2] (true: Trouser): Trouser "), cli::toString);
    // The top three classes with their probabilities, the most likely first.
    List<String> first = matches(cli.out(), "test\\[0\\] \\(true: Ankle boot\\): Ankle boot"
        + " ([0-9.]+)%, ([^,]+) ([0-9.]+)%, ([^,]+) ([0-9.]+)%\n");
    assertEquals(5, first.size(), cli::toString);
    assertTrue(Double.parseDouble(first.get(0)) > 50, cli::toString);
    assertTrue(FashionMnist.CLASSES.contains(first.get(1)), cli::toString);
    assertTrue(Double.parseDouble(first.get(2)) >= Double.parseDouble(first.get(4)),
        cli::toString);
    assertTrue(cli.out().contains("3 of 3 correct"), cli::toString);
    // A bad index or a clash of options is refused before any line is printed.
    Cli late = Cli.run("predict", "--model", model.toString(), "--subset",
        "--test-index", "0", "1999", "2000");
    assertEquals(1, late.exitCode(), late::toString);
    assertEquals("", late.out(), late::toString);
    assertTrue(late.err().contains("--test-index must be in [0, 2000), but was 2000"),
        late::toString);
    Cli clash = Cli.run("predict", "--model", model.toString(), "--subset", "--data",
        dir.toString(), "--test-index", "5");
    assertEquals("", clash.out(), clash::toString);
    assertTrue(clash.err().contains("--data and --subset must not be given together"),
        clash::toString);
  }

  @Test
  void predictReadsIdxAndPngFiles() throws Exception {
    FashionMnist fashion = FashionMnist.embedded();
    float[] pixels = fashion.test().features();
    // Test images 0 and 2 (ankle boot, trouser) as an IDX file and as PNG files.
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream idx = new DataOutputStream(bytes);
    idx.writeInt(0x00000803);
    idx.writeInt(2);
    idx.writeInt(28);
    idx.writeInt(28);
    for (int image : new int[] {0, 2}) {
      for (int p = 0; p < 784; p++) {
        idx.writeByte(Math.round(pixels[image * 784 + p] * 255));
      }
    }
    Path idxFile = Files.write(dir.resolve("two-idx3-ubyte"), bytes.toByteArray());
    Path png = Files.write(dir.resolve("boot.png"),
        Base64.getDecoder().decode(HtmlReport.png(Arrays.copyOf(pixels, 784))));
    Cli cli = Cli.run("predict", "--model", model.toString(), "--top", "2", idxFile.toString(),
        png.toString());
    assertEquals(0, cli.exitCode(), cli::toString);
    assertTrue(cli.out().contains(idxFile + "[0]: Ankle boot "), cli::toString);
    assertTrue(cli.out().contains(idxFile + "[1]: Trouser "), cli::toString);
    assertTrue(cli.out().contains(png + ": Ankle boot "), cli::toString);
    assertEquals(3, count(cli.out(), "%, "), "two classes per image:\n" + cli);
  }

  @Test
  void predictReadsGreyAlphaTransparentAndLargeImagesAsTheGreyImage() throws Exception {
    float[] pixels = Arrays.copyOf(FashionMnist.embedded().test().features(), 784);
    // Test image 0 as a grey PNG, as grey + alpha (opaque), as a light garment on a transparent
    // background, and as a 4x larger grey image: all must read as the same pixels.
    BufferedImage greyAlpha = new BufferedImage(
        new java.awt.image.ComponentColorModel(
            java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_GRAY), true,
            false, java.awt.Transparency.TRANSLUCENT, java.awt.image.DataBuffer.TYPE_BYTE),
        java.awt.image.Raster.createInterleavedRaster(
            java.awt.image.DataBuffer.TYPE_BYTE, 28, 28, 2, null), false, null);
    BufferedImage cutOut = new BufferedImage(28, 28, BufferedImage.TYPE_INT_ARGB);
    BufferedImage large = new BufferedImage(112, 112, BufferedImage.TYPE_BYTE_GRAY);
    for (int p = 0; p < 784; p++) {
      int v = Math.round(pixels[p] * 255);
      greyAlpha.getRaster().setSample(p % 28, p / 28, 0, v);
      greyAlpha.getRaster().setSample(p % 28, p / 28, 1, 255);
      cutOut.setRGB(p % 28, p / 28, v << 24 | 0xffffff);
      for (int k = 0; k < 16; k++) {
        large.getRaster().setSample(p % 28 * 4 + k % 4, p / 28 * 4 + k / 4, 0, v);
      }
    }
    Path grey = Files.write(dir.resolve("grey.png"),
        Base64.getDecoder().decode(HtmlReport.png(pixels)));
    List<String> lines = new ArrayList<>();
    for (Object[] image : new Object[][] {{"alpha.png", greyAlpha}, {"cut.png", cutOut},
        {"large.png", large}}) {
      Path file = dir.resolve((String) image[0]);
      ImageIO.write((BufferedImage) image[1], "png", file.toFile());
      lines.add(file.toString());
    }
    Cli cli = Cli.run("predict", "--model", model.toString(), grey.toString(), lines.get(0),
        lines.get(1), lines.get(2));
    assertEquals(0, cli.exitCode(), cli::toString);
    List<String> results = matches(cli.out(), "\\.png: (.*)");
    assertEquals(4, results.size(), cli::toString);
    for (String result : results) {
      assertEquals(results.get(0), result, cli::toString);
    }
    // One image stored in IDX as [28, 28] (not [1, 28, 28]) is one image.
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream idx = new DataOutputStream(bytes);
    idx.writeInt(0x00000802);
    idx.writeInt(28);
    idx.writeInt(28);
    for (int p = 0; p < 784; p++) {
      idx.writeByte(Math.round(pixels[p] * 255));
    }
    Path one = Files.write(dir.resolve("one-idx2-ubyte"), bytes.toByteArray());
    Cli oneCli = Cli.run("predict", "--model", model.toString(), one.toString());
    assertEquals(0, oneCli.exitCode(), oneCli::toString);
    assertTrue(oneCli.out().contains(one + ": " + results.get(0)), oneCli::toString);
    // A file that is not a readable image is named.
    Path broken = Files.write(dir.resolve("broken.png"), Arrays.copyOf(
        Files.readAllBytes(grey), 60));
    Cli bad = Cli.run("predict", "--model", model.toString(), broken.toString());
    assertTrue(bad.err().startsWith("error: " + broken + ": "), bad::toString);
  }

  @Test
  void predictExplainsAMissingModel() {
    Cli cli = Cli.run("predict", "--model", dir.resolve("none.safetensors").toString(),
        "--test-index", "0");
    assertEquals(1, cli.exitCode(), cli::toString);
    assertTrue(cli.err().startsWith("error: "), cli::toString);
    assertTrue(cli.err().contains("none.safetensors"), cli::toString);
  }

  @Test
  void saveAndNoSaveTogetherAreRefusedBeforeTraining() {
    Path file = dir.resolve("both.safetensors");
    Cli cli = Cli.run("--subset", "--epochs", "1", "--quiet", "--no-save", "--save",
        file.toString());
    assertEquals(1, cli.exitCode(), cli::toString);
    assertTrue(cli.err().startsWith("error: --save " + file + " and --no-save contradict"),
        cli::toString);
    assertFalse(cli.out().contains("trained"), cli::toString);
    assertFalse(Files.exists(file), cli::toString);
  }

  @Test
  void saveAndReportOfOneFileAreRefusedBeforeTraining() {
    Path file = dir.resolve("same.out");
    Cli cli = Cli.run("--subset", "--epochs", "1", "--quiet", "--save", file.toString(),
        "--report", file.toString());
    assertEquals(1, cli.exitCode(), cli::toString);
    assertTrue(cli.err().startsWith("error: --save and --report must name different files, but"
        + " both name " + file), cli::toString);
    assertFalse(Files.exists(file), cli::toString);
    // Through a link to the model file, which does not exist yet.
    Path model = dir.resolve("linked.safetensors");
    Path link = dir.resolve("linked.html");
    try {
      Files.createSymbolicLink(link, model.getFileName());
    } catch (java.io.IOException | UnsupportedOperationException e) {
      return; // no links on this file system
    }
    cli = Cli.run("--subset", "--epochs", "1", "--quiet", "--save", model.toString(),
        "--report", link.toString());
    assertEquals(1, cli.exitCode(), cli::toString);
    assertTrue(cli.err().startsWith("error: --save and --report must name different files"),
        cli::toString);
    assertFalse(Files.exists(model), cli::toString);
  }

  @Test
  void predictRefusesAnImageThatGivesNoClassAndValuesOutsideThePixelRange() throws Exception {
    // Float IDX images: one of 3e38 (the forward pass overflows), one of 0-255 ints as floats.
    for (float value : new float[] {3e38f, 200f}) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream idx = new DataOutputStream(bytes);
      idx.writeInt(0x00000D02);
      idx.writeInt(1);
      idx.writeInt(784);
      for (int p = 0; p < 784; p++) {
        idx.writeFloat(value);
      }
      Path file = Files.write(dir.resolve("big-" + value + ".idx"), bytes.toByteArray());
      Cli cli = Cli.run("predict", "--model", model.toString(), file.toString());
      assertEquals(1, cli.exitCode(), cli::toString);
      assertTrue(cli.err().startsWith("error: " + file + ": value 0 of image 0 must be a pixel in"
          + " [0, 1] (unsigned-byte IDX files are divided by 255, other types read as they are),"
          + " but was " + value), cli::toString);
    }
  }

  @Test
  void predictRefusesAnImageThatGivesNoClass() throws Exception {
    // Weights of 3e38: the forward pass overflows to NaN, which has no class (it printed NaN%).
    Net_FashionMlp net = new Net_FashionMlp(1);
    io.ganglion.Parameter weight = net.parameter("hidden1.weight");
    float[] huge = new float[weight.size()];
    Arrays.fill(huge, 3e38f);
    weight.copyFrom(huge);
    Path file = dir.resolve("huge.safetensors");
    net.save(file);
    Cli cli = Cli.run("predict", "--model", file.toString(), "--test-index", "0");
    assertEquals(1, cli.exitCode(), cli::toString);
    assertTrue(cli.err().startsWith("error: test[0] (true: Ankle boot): "), cli::toString);
    assertTrue(cli.err().contains("NaN"), cli::toString);
    assertFalse(cli.out().contains("NaN%"), cli::toString);
  }

  @Test
  void everyCommandPrintsTheVersion() {
    for (String command : List.of("fashion", "predict", "xor", "curve", "tabular")) {
      Cli cli = Cli.run(command, "--version");
      assertEquals(0, cli.exitCode(), cli::toString);
      assertEquals("ganglion-examples 0.1.0-SNAPSHOT", cli.out().strip(), command);
    }
  }

  private static int count(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }

  /** Every group of every match, in order. */
  private static List<String> matches(String text, String regex) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile(regex).matcher(text);
    while (m.find()) {
      for (int g = 1; g <= m.groupCount(); g++) {
        out.add(m.group(g));
      }
    }
    return out;
  }

  private static List<String> everyOther(List<String> list, int start) {
    List<String> out = new ArrayList<>();
    for (int i = start; i < list.size(); i += 2) {
      out.add(list.get(i));
    }
    return out;
  }
}
