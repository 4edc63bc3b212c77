package io.ganglion.processor;

import io.ganglion.Activation;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Formats a network's summary table at compile time; the generated class returns it as is. */
final class Summary {
  private Summary() {}

  static String of(NetworkModel network) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"Layer", "Kind", "Output", "Activation", "Params", "Mult-adds"});
    rows.add(
        new String[] {"(input)", "Input", network.input().toString(), "", "", ""});
    for (LayerModel layer : network.layers()) {
      boolean activates =
          layer.kind() == LayerModel.Kind.DENSE || layer.kind() == LayerModel.Kind.CONV2D
              || layer.kind() == LayerModel.Kind.BATCH_NORM
                  && layer.activation() != Activation.LINEAR;
      rows.add(
          new String[] {
            layer.name(),
            kind(layer),
            layer.out().toString(),
            activates ? layer.activation().name() : "",
            grouped(layer.parameterCount()),
            grouped(layer.multiplyAdds())
          });
    }
    rows.add(
        new String[] {
          "Total", "", "", "", grouped(network.parameterCount()), grouped(network.multiplyAdds())
        });
    int[] widths = new int[6];
    for (String[] row : rows) {
      for (int c = 0; c < row.length; c++) {
        widths[c] = Math.max(widths[c], row[c].length());
      }
    }
    StringBuilder out = new StringBuilder();
    out.append(network.networkClass().simpleName())
        .append(" (")
        .append(network.loss().name())
        .append(" loss)\n");
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < row.length; c++) {
        boolean numeric = c >= 4;
        String cell = numeric ? pad(row[c], widths[c], true) : pad(row[c], widths[c], false);
        line.append(c == 0 ? "" : "  ").append(cell);
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    out.append("Multiply-adds are per sample, forward pass.\n");
    return out.toString();
  }

  /** The kind column: the annotation's name and the options that shape the output. */
  private static String kind(LayerModel layer) {
    switch (layer.kind()) {
      case CONV2D:
        return "Conv2d " + window(layer) + (layer.same() && layer.kernel() > 1 ? " same"
            : layer.pad() > 0 ? " pad " + layer.pad() : "");
      case MAX_POOL2D:
      case AVG_POOL2D:
        return layer.kind().display + " " + window(layer)
            + (layer.same() ? " same" : layer.pad() > 0 ? " pad " + layer.pad() : "");
      case DROPOUT:
        return "Dropout " + layer.rate();
      default:
        return layer.kind().display;
    }
  }

  /**
   * The window, and its stride after a slash unless it is the default (1 for a convolution, the
   * window's size for pooling).
   */
  private static String window(LayerModel layer) {
    int usual = layer.kind() == LayerModel.Kind.CONV2D ? 1 : layer.kernel();
    return layer.kernel() + "x" + layer.kernel()
        + (layer.stride() != usual ? "/" + layer.stride() : "");
  }

  /**
   * A convolution's zero rows above and columns left of the image, where its shapes do not imply
   * them: a pad, or SAME with a stride, may give the shapes of another padding (which loading
   * compares). None, and SAME at stride 1, are implied, and unmarked as in files written before
   * other paddings existed.
   */
  private static String padding(LayerModel layer) {
    int top = layer.padTop();
    int left = layer.padLeft();
    int half = (layer.kernel() - 1) / 2;
    boolean sameAtStrideOne = layer.stride() == 1 && layer.out().height() == layer.in().height()
        && layer.out().width() == layer.in().width() && top == half && left == half;
    if ((top == 0 && left == 0) || sameAtStrideOne) {
      return "";
    }
    return ",pad" + top + (top == left ? "" : "x" + left);
  }

  /** A compact one-line description recorded in saved files. */
  static String spec(NetworkModel network) {
    StringBuilder spec = new StringBuilder();
    spec.append(network.input().image() ? "input=" : "inputs=").append(network.input())
        .append(";loss=").append(network.loss());
    for (LayerModel layer : network.layers()) {
      if (layer.kind() != LayerModel.Kind.DENSE) {
        spec.append(';').append(layer.name()).append('=').append(layer.kind().display)
            .append('(').append(layer.in()).append("->").append(layer.out());
        if (layer.kernel() > 0) {
          spec.append(",k").append(layer.kernel()).append(",s").append(layer.stride());
        }
        if (layer.kind() == LayerModel.Kind.CONV2D) {
          spec.append(padding(layer));
        } else if (layer.same() && layer.reachesPast()) {
          // A pooling layer's (SAME that pads nothing computes as VALID, and is written so).
          spec.append(",same");
        } else if (layer.pad() > 0) {
          spec.append(",pad").append(layer.pad()); // a pooling layer's
        }
        if (layer.kind() == LayerModel.Kind.CONV2D) {
          spec.append(',').append(layer.activation()).append(layer.bias() ? "" : ",nobias");
        }
        if (layer.kind() == LayerModel.Kind.DROPOUT) {
          spec.append(",p").append(layer.rate());
        }
        if (layer.kind() == LayerModel.Kind.BATCH_NORM && layer.activation() != Activation.LINEAR) {
          spec.append(',').append(layer.activation()); // (none written for LINEAR, as before)
        }
        if (layer.kind() == LayerModel.Kind.BATCH_NORM && !layer.bias()) {
          spec.append(",noaffine");
        }
        spec.append(')');
        continue;
      }
      spec.append(';')
          .append(layer.name())
          .append("=Dense(")
          .append(layer.inputs())
          .append("->")
          .append(layer.units())
          .append(',')
          .append(layer.activation())
          .append(layer.bias() ? "" : ",nobias")
          .append(')');
    }
    return spec.toString();
  }

  static String grouped(long value) {
    return String.format(Locale.ROOT, "%,d", value);
  }

  private static String pad(String s, int width, boolean right) {
    StringBuilder b = new StringBuilder();
    if (right) {
      b.append(" ".repeat(width - s.length())).append(s);
    } else {
      b.append(s).append(" ".repeat(width - s.length()));
    }
    return b.toString();
  }
}
