package io.ganglion.examples;

import io.ganglion.train.Evaluation;
import java.util.List;
import java.util.Locale;

/** The confusion matrix of an {@link Evaluation} as text, its rows and columns named. */
public final class ClassificationText {
  private ClassificationText() {}

  /** The matrix with a row per true class and a column per predicted class, both named. */
  public static String confusionMatrix(Evaluation evaluation, List<String> names) {
    int[][] m = evaluation.confusionMatrix();
    int width = nameWidth(names);
    int cell = 5;
    for (int[] row : m) {
      for (int v : row) {
        cell = Math.max(cell, Integer.toString(v).length() + 1);
      }
    }
    StringBuilder out = new StringBuilder(
        "confusion matrix (rows: true class, columns: predicted class):\n");
    out.append(" ".repeat(width + 2));
    // Names are cut to the cell; if cut names would look alike ("class 0", "class 1"), every
    // cut one becomes its number.
    boolean cutNamesDiffer = distinctWhenCut(names, m.length, cell - 1);
    for (int c = 0; c < m.length; c++) {
      String shortName = name(names, c);
      if (shortName.length() > cell - 1) {
        // A class the names leave out ("class 2" after --classes a,b) is its number too.
        shortName = cutNamesDiffer && c < names.size()
            ? shortName.substring(0, cell - 1) : Integer.toString(c);
      }
      out.append(String.format(Locale.ROOT, "%" + cell + "s", shortName));
    }
    out.append('\n');
    for (int r = 0; r < m.length; r++) {
      out.append(String.format(Locale.ROOT, "  %-" + width + "s", name(names, r)));
      for (int v : m[r]) {
        out.append(String.format(Locale.ROOT, "%" + cell + "d", v));
      }
      out.append('\n');
    }
    return out.toString();
  }

  private static boolean distinctWhenCut(List<String> names, int classes, int length) {
    java.util.Set<String> cut = new java.util.HashSet<>();
    for (int c = 0; c < classes; c++) {
      String name = name(names, c);
      if (!cut.add(name.length() > length ? name.substring(0, length) : name)) {
        return false;
      }
    }
    return true;
  }

  private static String name(List<String> names, int c) {
    return c < names.size() ? names.get(c) : "class " + c;
  }

  private static int nameWidth(List<String> names) {
    int width = 7;
    for (String name : names) {
      width = Math.max(width, name.length());
    }
    return width;
  }
}
