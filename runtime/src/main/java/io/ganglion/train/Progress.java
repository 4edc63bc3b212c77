package io.ganglion.train;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The progress output of {@link Trainer#fit}, Keras style. Verbose 1 on a terminal redraws one line
 * per epoch in place ({@code \r}) at most every {@value #REDRAW_MILLIS} ms and ends it with the
 * epoch's metrics; verbose 1 elsewhere prints only that final line; verbose 2 prints one short line
 * per epoch. Per batch it costs one {@link System#nanoTime()} call when live, nothing otherwise.
 */
final class Progress {
  static final int REDRAW_MILLIS = 100;
  private static final int BAR = 30;

  private final PrintStream out;
  private final int verbose;
  private final boolean live;
  private final int epochs;
  private final int samples;
  private final boolean showLearningRate;
  private final LongSupplier nanoTime;
  private int epoch;
  private long started;
  private long lastDraw;
  private int lastLength;

  Progress(PrintStream out, int verbose, boolean live, int epochs, int samples,
      boolean showLearningRate) {
    this(out, verbose, live, epochs, samples, showLearningRate, System::nanoTime);
  }

  /** With a clock in nanoseconds, for tests. */
  Progress(PrintStream out, int verbose, boolean live, int epochs, int samples,
      boolean showLearningRate, LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
    this.out = out;
    this.verbose = verbose;
    this.live = live && verbose == 1;
    this.epochs = epochs;
    this.samples = samples;
    this.showLearningRate = showLearningRate;
  }

  /** Whether a terminal is watching: a console, not CI, not a dumb terminal. */
  static boolean isTerminal() {
    return System.console() != null
        && System.getenv("CI") == null
        && !"dumb".equals(System.getenv("TERM"));
  }

  void epochStarted(int epoch) {
    this.epoch = epoch;
    this.started = nanoTime.getAsLong();
    this.lastDraw = started;
    this.lastLength = 0;
  }

  /** After a batch: {@code done} samples of the epoch so far, with mean loss {@code loss}. */
  void batchEnded(int done, double loss) {
    if (!live) {
      return;
    }
    long now = nanoTime.getAsLong();
    if (now - lastDraw < REDRAW_MILLIS * 1_000_000L && done < samples) {
      return;
    }
    lastDraw = now;
    double seconds = (now - started) / 1e9;
    double rate = done / Math.max(seconds, 1e-9);
    String line = header() + " " + bar(done) + " " + done + "/" + samples
        + String.format(Locale.ROOT, " - %.0f samples/s - ETA %s - loss: %s",
            rate, duration((samples - done) / rate), number(loss));
    redraw(line);
  }

  /**
   * A metric as Keras's progress bar shows it: 4 decimals, in scientific notation at 0.001 and
   * below, where plain decimals would show 0.0000 or 0.0010.
   */
  static String number(double value) {
    return String.format(Locale.ROOT, Math.abs(value) > 1e-3 || !Double.isFinite(value)
        ? "%.4f" : "%.4e", value);
  }

  /** After an epoch, with its metrics. */
  void epochEnded(Map<String, Double> metrics) {
    if (verbose == 0) {
      return;
    }
    double seconds = (nanoTime.getAsLong() - started) / 1e9;
    StringBuilder line = new StringBuilder(header());
    if (verbose == 1) {
      line.append(' ').append(bar(samples)).append(' ').append(samples).append('/').append(samples);
    }
    line.append(" - ").append(duration(seconds));
    line.append(String.format(Locale.ROOT, " - %.0f samples/s", samples / Math.max(seconds, 1e-9)));
    for (Map.Entry<String, Double> e : metrics.entrySet()) {
      if (e.getKey().equals("lr")) {
        if (showLearningRate) {
          line.append(String.format(Locale.ROOT, " - lr: %.4g", e.getValue()));
        }
        continue;
      }
      line.append(" - ").append(e.getKey()).append(": ").append(number(e.getValue()));
    }
    if (live) {
      redraw(line.toString());
      out.println();
    } else {
      out.println(line);
    }
    out.flush();
  }

  /** A line of its own, such as early stopping's report (printed whatever the verbosity). */
  void note(String line) {
    out.println(line);
    out.flush();
  }

  /** Ends a live line before a message about why training stopped. */
  void aborted() {
    if (live && lastLength > 0) {
      out.println();
      out.flush();
    }
  }

  private String header() {
    return "Epoch " + (epoch + 1) + "/" + epochs;
  }

  private void redraw(String line) {
    StringBuilder text = new StringBuilder(line.length() + 8).append('\r').append(line);
    for (int i = line.length(); i < lastLength; i++) {
      text.append(' ');
    }
    lastLength = line.length();
    out.print(text);
    out.flush();
  }

  private String bar(int done) {
    int filled = (int) ((long) BAR * done / samples);
    StringBuilder bar = new StringBuilder(BAR + 2).append('[');
    for (int i = 0; i < BAR; i++) {
      bar.append(i < filled ? '=' : i == filled ? '>' : '.');
    }
    return bar.append(']').toString();
  }

  /** {@code 42s}, {@code 3:07} or {@code 1:02:03}. */
  static String duration(double seconds) {
    if (!(seconds < 1e9)) {
      return "?";
    }
    long s = Math.round(seconds);
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
    return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
  }
}
