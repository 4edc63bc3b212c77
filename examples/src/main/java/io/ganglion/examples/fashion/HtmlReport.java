package io.ganglion.examples.fashion;

import io.ganglion.io.AtomicFiles;
import io.ganglion.train.Evaluation;
import io.ganglion.train.History;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A training report as one self-contained HTML file: loss and accuracy curves (inline SVG), the
 * confusion matrix as a heat map (SVG), per-class accuracy and a grid of misclassified test images
 * (inline PNG). No scripts, no external resources: it opens from a file in any browser.
 */
final class HtmlReport {
  private static final String TRAIN_COLOR = "#1f77b4";
  private static final String TEST_COLOR = "#ff7f0e";
  private static final int CHART_WIDTH = 460;
  private static final int CHART_HEIGHT = 300;

  private HtmlReport() {}

  static void write(Path file, String title, String settings, History history,
      Evaluation evaluation, List<String> classes, List<Misclassified> mistakes)
      throws IOException {
    StringBuilder html = new StringBuilder(1 << 16);
    html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<title>").append(escape(title)).append("</title>\n<style>\n")
        .append("body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px;")
        .append("color:#222;max-width:1000px}\n")
        .append("h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.6em}\n")
        .append(".charts{display:flex;flex-wrap:wrap;gap:16px}\n")
        .append("svg text{font-family:inherit}\n")
        .append("table{border-collapse:collapse}td,th{padding:2px 10px;text-align:left}\n")
        .append("td.num{text-align:right;font-variant-numeric:tabular-nums}\n")
        .append(".grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(104px,1fr));")
        .append("gap:10px}\n")
        .append("figure{margin:0;text-align:center;font-size:12px}\n")
        .append("figure img{width:84px;height:84px;image-rendering:pixelated;")
        .append("border:1px solid #ccc}\n")
        .append(".true{color:#2a7a2a}.predicted{color:#b22}\n")
        .append("</style>\n</head>\n<body>\n");
    html.append("<h1>").append(escape(title)).append("</h1>\n");
    html.append("<p>").append(escape(settings)).append("</p>\n");

    html.append("<h2>Training curves</h2>\n<div class=\"charts\">\n");
    html.append(chart("Loss (cross-entropy)", "loss", series(history, "loss", "val_loss"), false));
    html.append(chart("Accuracy", "accuracy", series(history, "accuracy", "val_accuracy"), true));
    html.append("</div>\n<p>Training figures are means over each epoch (weights before each"
        + " step); test figures are measured after the epoch. The test set is monitored only,"
        + " never used to choose anything.</p>\n");

    html.append("<h2>Confusion matrix</h2>\n");
    html.append("<p>Rows: true class; columns: predicted class. Colour: the share of the row;"
        + " numbers: images.</p>\n");
    html.append(heatMap(evaluation.confusionMatrix(), classes));

    html.append("<h2>Per-class accuracy</h2>\n<table>\n<tr><th>class</th><th>accuracy</th>"
        + "<th>images</th></tr>\n");
    int[][] m = evaluation.confusionMatrix();
    double[] perClass = evaluation.perClassAccuracy();
    // The images of each class, those whose outputs were NaN (in no cell of the matrix) too.
    int[] support = evaluation.perClassSupport();
    for (int c = 0; c < m.length; c++) {
      long total = support[c];
      // A class without test images has no accuracy: "-", as the console prints it.
      html.append(String.format(Locale.ROOT,
          "<tr><td>%s</td><td class=\"num\">%s</td><td class=\"num\">%d</td></tr>%n",
          escape(classes.get(c)), total == 0 ? "-"
              : String.format(Locale.ROOT, "%.2f%%", 100 * perClass[c]), total));
    }
    html.append("</table>\n");

    html.append("<h2>Misclassified test images</h2>\n");
    html.append(String.format(Locale.ROOT, "<p>The %d most confident mistakes among the %d test"
        + " images: the true class in green, the prediction and its probability in red.</p>%n",
        mistakes.size(), evaluation.samples()));
    html.append("<div class=\"grid\">\n");
    for (Misclassified miss : mistakes) {
      html.append(String.format(Locale.ROOT,
          "<figure><img alt=\"test image %d\" src=\"data:image/png;base64,%s\">"
              + "<figcaption>#%d<br><span class=\"true\">true: %s</span><br>"
              + "<span class=\"predicted\">predicted: %s (%.0f%%)</span></figcaption></figure>%n",
          miss.index(), png(miss.pixels()), miss.index(), escape(classes.get(miss.label())),
          escape(classes.get(miss.predicted())), 100 * miss.probability()));
    }
    html.append("</div>\n</body>\n</html>\n");
    AtomicFiles.writeString(file, html);
  }

  private record Series(String name, String color, List<Double> values) {}

  private static List<Series> series(History history, String train, String test) {
    List<Series> out = new ArrayList<>();
    if (history.has(train)) {
      out.add(new Series("training", TRAIN_COLOR, history.metric(train)));
    }
    if (history.has(test)) {
      out.add(new Series("test", TEST_COLOR, history.metric(test)));
    }
    return out;
  }

  /** A line chart of the series over epochs 1..n, with axes, ticks and a legend. */
  private static String chart(String title, String yLabel, List<Series> series, boolean percent) {
    int left = 58;
    int right = 16;
    int top = 34;
    int bottom = 44;
    int plotWidth = CHART_WIDTH - left - right;
    int plotHeight = CHART_HEIGHT - top - bottom;
    int epochs = 0;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      epochs = Math.max(epochs, s.values().size());
      for (double v : s.values()) {
        if (Double.isFinite(v)) {
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
      }
    }
    if (!(max >= min)) {
      min = 0;
      max = 1;
    }
    double pad = Math.max((max - min) * 0.08, 1e-3);
    min = Math.max(0, min - pad);
    max = percent ? Math.min(1, max + pad) : max + pad;
    StringBuilder svg = new StringBuilder();
    svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\""
        + " height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">%n",
        CHART_WIDTH, CHART_HEIGHT, CHART_WIDTH, CHART_HEIGHT, escape(title)));
    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"20\" font-size=\"15\""
        + " font-weight=\"bold\">%s</text>%n", left, escape(title)));
    svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\""
        + " fill=\"#fafafa\" stroke=\"#999\"/>%n", left, top, plotWidth, plotHeight));
    int ticks = 5;
    for (int i = 0; i <= ticks; i++) {
      double v = min + (max - min) * i / ticks;
      double y = top + plotHeight - plotHeight * (double) i / ticks;
      svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\""
          + " stroke=\"#e3e3e3\"/>%n", left, left + plotWidth, y, y));
      String label = percent ? String.format(Locale.ROOT, "%.1f%%", 100 * v)
          : String.format(Locale.ROOT, "%.3f", v);
      svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\""
          + " text-anchor=\"end\">%s</text>%n", left - 6, y + 4, label));
    }
    int step = Math.max(1, (int) Math.ceil(epochs / 10.0));
    for (int e = 1; e <= epochs; e += step) {
      double x = xOf(e, epochs, left, plotWidth);
      svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\""
          + " text-anchor=\"middle\">%d</text>%n", x, top + plotHeight + 16, e));
    }
    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\""
        + " text-anchor=\"middle\">epoch</text>%n", left + plotWidth / 2, CHART_HEIGHT - 8));
    svg.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%d\" font-size=\"12\""
        + " text-anchor=\"middle\" transform=\"rotate(-90 14 %d)\">%s</text>%n",
        top + plotHeight / 2, top + plotHeight / 2, escape(yLabel)));
    for (Series s : series) {
      StringBuilder points = new StringBuilder();
      StringBuilder dots = new StringBuilder();
      for (int i = 0; i < s.values().size(); i++) {
        double v = s.values().get(i);
        if (!Double.isFinite(v)) {
          continue;
        }
        double x = xOf(i + 1, epochs, left, plotWidth);
        double y = top + plotHeight - plotHeight * (v - min) / (max - min);
        points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
        dots.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\""
            + " fill=\"%s\"><title>%s, epoch %d: %s</title></circle>%n", x, y, s.color(),
            s.name(), i + 1, percent ? String.format(Locale.ROOT, "%.2f%%", 100 * v)
                : String.format(Locale.ROOT, "%.4f", v)));
      }
      svg.append(String.format(Locale.ROOT, "<polyline class=\"curve\" data-series=\"%s\""
          + " fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>%n", s.name(),
          s.color(), points.toString().trim()));
      svg.append(dots);
    }
    for (int i = 0; i < series.size(); i++) {
      Series s = series.get(i);
      int x = left + plotWidth - 150 + 75 * i;
      svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\""
          + " stroke=\"%s\" stroke-width=\"3\"/><text x=\"%d\" y=\"%d\" font-size=\"12\">%s"
          + "</text>%n", x, x + 16, 16, 16, s.color(), x + 20, 20, s.name()));
    }
    return svg.append("</svg>\n").toString();
  }

  private static double xOf(int epoch, int epochs, int left, int plotWidth) {
    if (epochs <= 1) {
      return left + plotWidth / 2.0;
    }
    double margin = 12;
    return left + margin + (plotWidth - 2 * margin) * (epoch - 1) / (epochs - 1);
  }

  /** The confusion matrix as an SVG heat map, one cell per (true, predicted) pair. */
  private static String heatMap(int[][] matrix, List<String> classes) {
    int n = matrix.length;
    int cell = 46;
    int left = 130;
    int top = 100;
    int width = left + n * cell + 80;
    int height = top + n * cell + 40;
    StringBuilder svg = new StringBuilder();
    svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\""
        + " width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\""
        + " aria-label=\"confusion matrix\">%n", width, height, width, height));
    for (int c = 0; c < n; c++) {
      double x = left + c * cell + cell / 2.0;
      svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"12\""
          + " transform=\"rotate(-45 %.1f %d)\">%s</text>%n", x, top - 8, x, top - 8,
          escape(classes.get(c))));
      svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"12\""
          + " text-anchor=\"end\">%s</text>%n", left - 8, top + c * cell + cell / 2.0 + 4,
          escape(classes.get(c))));
    }
    for (int r = 0; r < n; r++) {
      long total = 0;
      for (int v : matrix[r]) {
        total += v;
      }
      for (int c = 0; c < n; c++) {
        double share = total == 0 ? 0 : (double) matrix[r][c] / total;
        // Square root: the few percent off the diagonal stay visible next to the 90% on it.
        double t = Math.sqrt(share);
        int red = (int) Math.round(247 - t * (247 - 8));
        int green = (int) Math.round(251 - t * (251 - 48));
        int blue = (int) Math.round(255 - t * (255 - 107));
        int x = left + c * cell;
        int y = top + r * cell;
        svg.append(String.format(Locale.ROOT, "<rect class=\"cell\" x=\"%d\" y=\"%d\""
            + " width=\"%d\" height=\"%d\" fill=\"rgb(%d,%d,%d)\" stroke=\"#fff\"><title>true"
            + " %s, predicted %s: %d (%.1f%%)</title></rect>%n", x, y, cell, cell, red, green,
            blue, escape(classes.get(r)), escape(classes.get(c)), matrix[r][c], 100 * share));
        svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\""
            + " text-anchor=\"middle\" fill=\"%s\">%d</text>%n", x + cell / 2.0,
            y + cell / 2.0 + 4, t > 0.6 ? "#fff" : "#222", matrix[r][c]));
      }
    }
    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\""
        + " text-anchor=\"middle\">predicted class</text>%n", left + n * cell / 2,
        top + n * cell + 24));
    svg.append(String.format(Locale.ROOT, "<text x=\"16\" y=\"%d\" font-size=\"12\""
        + " text-anchor=\"middle\" transform=\"rotate(-90 16 %d)\">true class</text>%n",
        top + n * cell / 2, top + n * cell / 2));
    return svg.append("</svg>\n").toString();
  }

  /** A grey PNG of one image, pixels in [0, 1], base64. */
  static String png(float[] pixels) {
    int side = (int) Math.round(Math.sqrt(pixels.length));
    BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        int v = Math.round(255 * Math.max(0, Math.min(1, pixels[y * side + x])));
        image.getRaster().setSample(x, y, 0, v);
      }
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Base64.getEncoder().encodeToString(bytes.toByteArray());
  }

  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
