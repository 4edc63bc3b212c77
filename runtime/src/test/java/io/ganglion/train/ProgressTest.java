package io.ganglion.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ganglion.Loss;
import io.ganglion.data.Dataset;
import io.ganglion.optim.Adam;
import io.ganglion.optim.LearningRateSchedule;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The progress output's text (never its timing), on a Fashion-MNIST-shaped run. */
final class ProgressTest {
  private static final Dataset TRAIN = Synthetic.blobs(512, 784, 10, 0.5, 3, 4);
  private static final Dataset TEST = Synthetic.blobs(128, 784, 10, 0.5, 3, 5);
  private static final String NUMBER = "\\d+\\.\\d{4}";
  private static final Pattern FINAL_LINE = Pattern.compile(
      "Epoch [12]/2 \\[={30}\\] 512/512 - \\d+s - \\d+ samples/s - loss: " + NUMBER
          + " - val_loss: " + NUMBER + " - val_accuracy: " + NUMBER);

  private static String fit(int verbose, boolean live, boolean schedule) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    Trainer trainer = Trainer.of(LinearModel.create(784, 10, Loss.SOFTMAX_CROSS_ENTROPY, 1))
        .optimizer(Adam.of(1e-3)).batchSize(64).epochs(2).validation(TEST)
        .verbose(verbose).progress(out, live);
    if (schedule) {
      trainer.schedule(LearningRateSchedule.exponential(0.5));
    }
    trainer.fit(TRAIN);
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void plainOutputHasOneBarLinePerEpoch() {
    String text = fit(1, false, false);
    assertFalse(text.contains("\r"), text);
    String[] lines = text.split("\n");
    assertEquals(2, lines.length, text);
    for (String line : lines) {
      assertTrue(FINAL_LINE.matcher(line).matches(), line);
    }
    assertTrue(lines[0].startsWith("Epoch 1/2 "), text);
    assertTrue(lines[1].startsWith("Epoch 2/2 "), text);
  }

  @Test
  void anEpochsLineComesBeforeWhatListenersPrintAtItsEnd() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    Trainer.of(LinearModel.create(784, 10, Loss.SOFTMAX_CROSS_ENTROPY, 1))
        .optimizer(Adam.of(1e-3)).batchSize(64).epochs(2).verbose(1).progress(out, false)
        .listener(new TrainingListener() {
          @Override
          public void epochEnded(int epoch, Map<String, Double> metrics) {
            out.println("listener after epoch " + (epoch + 1));
          }
        }).fit(TRAIN);
    String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
    assertEquals(4, lines.length, String.join("\n", lines));
    assertTrue(lines[0].startsWith("Epoch 1/2 "), lines[0]);
    assertEquals("listener after epoch 1", lines[1]);
    assertTrue(lines[2].startsWith("Epoch 2/2 "), lines[2]);
    assertEquals("listener after epoch 2", lines[3]);
  }

  @Test
  void liveOutputRedrawsTheLineInPlace() {
    String text = fit(1, true, false);
    String[] lines = text.split("\n");
    assertEquals(2, lines.length, text);
    for (String line : lines) {
      assertTrue(line.startsWith("\r"), line);
      String last = line.substring(line.lastIndexOf('\r') + 1).stripTrailing();
      assertTrue(FINAL_LINE.matcher(last).matches(), last);
    }
  }

  @Test
  void verboseTwoPrintsOnePlainLinePerEpochWithTheLearningRateWhenScheduled() {
    String text = fit(2, true, true);
    assertFalse(text.contains("\r") || text.contains("["), text);
    String[] lines = text.split("\n");
    assertEquals(2, lines.length, text);
    Pattern line = Pattern.compile("Epoch 2/2 - \\d+s - \\d+ samples/s - loss: " + NUMBER
        + " - val_loss: " + NUMBER + " - val_accuracy: " + NUMBER + " - lr: 0.0005000");
    assertTrue(line.matcher(lines[1]).matches(), lines[1]);
  }

  @Test
  void verboseZeroIsSilent() {
    assertEquals("", fit(0, true, false));
  }

  @Test
  void aLiveLineShowsBarSamplesRateEtaAndLoss() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    long[] now = {0};
    Progress progress = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), 1,
        true, 3, 512, false, () -> now[0]);
    progress.epochStarted(1);
    now[0] = 50_000_000L;
    progress.batchEnded(64, 2.0);
    assertEquals("", bytes.toString(StandardCharsets.UTF_8), "redraws at most every 100 ms");
    now[0] = 1_000_000_000L;
    progress.batchEnded(256, 0.5);
    assertEquals("\rEpoch 2/3 [===============>..............] 256/512 - 256 samples/s - ETA 1s"
        + " - loss: 0.5000", bytes.toString(StandardCharsets.UTF_8));
    bytes.reset();
    now[0] = 2_000_000_000L;
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("loss", 0.25);
    metrics.put("val_loss", 0.375);
    metrics.put("lr", 0.1);
    progress.epochEnded(metrics);
    String end = "Epoch 2/3 [==============================] 512/512 - 2s - 256 samples/s"
        + " - loss: 0.2500 - val_loss: 0.3750";
    assertEquals("\r" + end + System.lineSeparator(), bytes.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aShorterRedrawBlanksTheRestOfTheLongerLine() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    long[] now = {0};
    Progress progress = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), 1,
        true, 1, 100, false, () -> now[0]);
    progress.epochStarted(0);
    now[0] = 1_000_000_000L;
    progress.batchEnded(10, 12345.0);
    int first = bytes.size();
    now[0] = 2_000_000_000L;
    progress.batchEnded(20, 1.0);
    String second = bytes.toString(StandardCharsets.UTF_8).substring(first);
    assertEquals(first, second.length(), "the redraw must cover the previous line: " + second);
  }

  @Test
  void metricsAtOrBelowAThousandthAreShownInScientificNotationAsKerasShowsThem() {
    assertEquals("0.5000", Progress.number(0.5));
    assertEquals("0.0012", Progress.number(0.00123));
    assertEquals("2.5000e-04", Progress.number(2.5e-4));
    assertEquals("0.0000e+00", Progress.number(0));
    assertEquals("-3.0000e-05", Progress.number(-3e-5));
    assertEquals("1234567.0000", Progress.number(1234567));
    assertEquals("NaN", Progress.number(Double.NaN));
  }

  @Test
  void durations() {
    assertEquals("0s", Progress.duration(0.2));
    assertEquals("59s", Progress.duration(59));
    assertEquals("3:07", Progress.duration(187));
    assertEquals("1:02:03", Progress.duration(3723));
    assertEquals("?", Progress.duration(Double.POSITIVE_INFINITY));
  }
}
