package io.ganglion.data;

import io.ganglion.internal.Checks;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.FilterReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads numeric CSV files into a {@link Dataset}: one sample per record, an optional header, one
 * label column holding integer class indexes or {@linkplain #classNames class names} (or target
 * columns holding floats, for regression),
 * and numeric feature columns (all the others unless chosen with {@link #features}). Fields may be
 * quoted whole with {@code "} (a quote inside doubled, as RFC 4180; a stray quote is an error),
 * and a quoted field may hold line breaks (read as {@code \n}); blank lines are skipped. Every
 * error names the file, the line (where the record starts) and the column.
 *
 * <pre>{@code
 * Dataset iris = Csv.reader().labelColumn("species").read(Path.of("iris.csv"));
 * }</pre>
 *
 * <p>A reader is mutable (its settings, and what its last {@link #read} took, which {@link
 * #readFeatures} reads again): use one per thread.
 */
public final class Csv {
  private boolean header = true;
  private char delimiter = ',';
  private String labelName;
  private int labelIndex = -1;
  private String[] targetNames;
  private int[] targetIndexes;
  private String[] featureNames;
  private int[] featureIndexes;
  /** The label column's class names, by class index; null for labels written as indexes. */
  private Map<String, Integer> classNames;
  private List<String> classNameList;
  /** What the last {@link #read} took, for {@link #readFeatures}: 0 columns before any. */
  private int readColumns;
  private int[] readFeatures;
  private List<String> readFeatureNames;
  private int[] readAnswers;

  private Csv() {}

  /** A reader expecting a header line and comma-separated fields. */
  public static Csv reader() {
    return new Csv();
  }

  /** Whether the first line names the columns; true by default. */
  public Csv header(boolean header) {
    this.header = header;
    return this;
  }

  /** The field delimiter; {@code ','} by default. */
  public Csv delimiter(char delimiter) {
    if (delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
      throw new IllegalArgumentException(
          "delimiter must not be a quote or a line break, but was '" + delimiter + "'");
    }
    this.delimiter = delimiter;
    return this;
  }

  /** The column, by header name, holding integer class labels. */
  public Csv labelColumn(String name) {
    if (name == null) {
      throw new IllegalArgumentException("label column must not be null");
    }
    this.labelName = name;
    this.labelIndex = -1;
    return this;
  }

  /** The column, by 0-based position, holding integer class labels (for files without header). */
  public Csv labelColumn(int index) {
    if (index < 0) {
      throw new IllegalArgumentException("label column must not be negative, but was " + index);
    }
    this.labelIndex = index;
    this.labelName = null;
    return this;
  }

  /**
   * The label column holds these class names instead of indexes: each is read as its position in
   * {@code names} ({@code classNames("no", "yes")} reads {@code no} as 0 and {@code yes} as 1), an
   * exact match of the field (whose surrounding spaces every field drops); any other value in the
   * column is refused. Give the same order for every file of one model (training, validation,
   * test). The data read has these {@linkplain Dataset#classNames() names}, and {@link
   * Dataset#classes()} counts them, also where the file lacks some class.
   */
  public Csv classNames(String... names) {
    if (names == null || names.length == 0) {
      throw new IllegalArgumentException("class names must name at least one class");
    }
    checkNames("class names", names);
    Map<String, Integer> byName = new HashMap<>();
    for (int k = 0; k < names.length; k++) {
      if (names[k].isEmpty() || !names[k].strip().equals(names[k])) {
        throw new IllegalArgumentException("class names must not be empty nor begin or end with"
            + " spaces, which every field drops, but element " + k + " was " + quoted(names[k]));
      }
      if (byName.put(names[k], k) != null) {
        throw new IllegalArgumentException("class names must differ, but " + quoted(names[k])
            + " was given twice");
      }
    }
    this.classNames = byName;
    this.classNameList = List.of(names);
    return this;
  }

  /** The columns, by header name, holding float targets (regression) instead of a label. */
  public Csv targetColumns(String... names) {
    if (names == null || names.length == 0) {
      throw new IllegalArgumentException("target columns must name at least one column");
    }
    checkNames("target columns", names);
    this.targetNames = names.clone();
    this.targetIndexes = null;
    return this;
  }

  /**
   * The columns, by 0-based position, holding float targets (regression) instead of a label (for
   * files without header).
   */
  public Csv targetColumns(int... indexes) {
    this.targetIndexes = checkIndexes("target columns", indexes);
    this.targetNames = null;
    return this;
  }

  /** Non-negative positions, each once, at least one: a copy of {@code indexes}. */
  private static int[] checkIndexes(String what, int[] indexes) {
    if (indexes == null || indexes.length == 0) {
      throw new IllegalArgumentException(what + " must name at least one column");
    }
    for (int k = 0; k < indexes.length; k++) {
      if (indexes[k] < 0) {
        throw new IllegalArgumentException(what + " must not be negative, but element "
            + k + " was " + indexes[k]);
      }
      for (int j = 0; j < k; j++) {
        if (indexes[j] == indexes[k]) {
          throw new IllegalArgumentException(what + " must be chosen once each, but "
              + indexes[k] + " was chosen twice");
        }
      }
    }
    return indexes.clone();
  }

  /** The feature columns, by header name, in this order; all non-label columns by default. */
  public Csv features(String... names) {
    if (names == null || names.length == 0) {
      throw new IllegalArgumentException("feature columns must name at least one column");
    }
    checkNames("feature columns", names);
    this.featureNames = names.clone();
    this.featureIndexes = null;
    return this;
  }

  /**
   * The feature columns, by 0-based position, in this order (for files without header, where an
   * id column, say, is left out by naming the others); all non-label columns by default.
   */
  public Csv features(int... indexes) {
    this.featureIndexes = checkIndexes("feature columns", indexes);
    this.featureNames = null;
    return this;
  }

  private static void checkNames(String what, String[] names) {
    for (int k = 0; k < names.length; k++) {
      if (names[k] == null) {
        throw new IllegalArgumentException(what + " must not hold null, but element " + k
            + " of " + names.length + " was");
      }
    }
  }

  /** Reads {@code file} (UTF-8). */
  public Dataset read(Path file) throws IOException {
    if (file == null) {
      throw new IllegalArgumentException("file must not be null");
    }
    boolean regression = targetNames != null || targetIndexes != null;
    if (!regression && labelName == null && labelIndex < 0) {
      throw new IllegalStateException(
          "a label column or target columns must be chosen before reading " + file
              + "; to read a file without them (data to predict), use readFeatures");
    }
    if (regression && (labelName != null || labelIndex >= 0)) {
      throw new IllegalStateException("a label column or target columns must be chosen, not both,"
          + " but both were before reading " + file);
    }
    if (regression && classNames != null) {
      throw new IllegalStateException("class names name the classes of a label column, but"
          + " target columns were chosen before reading " + file);
    }
    checkNamesHaveHeader();
    Table table = parse(file, true);
    if (regression) {
      return Dataset.ofTargets(table.features, table.featureSize, table.targets, table.targetSize);
    }
    Dataset labelled = Dataset.ofLabels(table.features, table.featureSize, table.labels);
    return classNames != null
        ? labelled.withClassNames(classNameList.toArray(new String[0])) : labelled;
  }

  /**
   * Reads the feature columns only of {@code file} (UTF-8), for samples without answers, such as
   * a competition's {@code test.csv} to predict. After a {@link #read} of the training file, the
   * features that read took: by name when the files have a header (in any order of columns,
   * others ignored), else by position, in a file with the training file's columns or with those
   * but the label or targets. Before any {@code read}: the columns chosen with {@code
   * features(...)}, or every column but the label and targets named. Returns the features
   * row-major, as {@link io.ganglion.Model#predictBatch(float[])} takes them ({@code length /
   * features} samples; {@link Scaler#applyRows} scales them).
   */
  public float[] readFeatures(Path file) throws IOException {
    if (file == null) {
      throw new IllegalArgumentException("file must not be null");
    }
    boolean answersByPosition = labelIndex >= 0 || targetIndexes != null;
    boolean answersChosen = answersByPosition || labelName != null || targetNames != null;
    if (readColumns == 0 && (answersByPosition && featureNames == null
        || answersChosen && featureIndexes != null)) {
      throw new IllegalStateException("the features to read from " + file + " must be known, but"
          + " columns are chosen by position, and a file without the label or targets has its"
          + " columns at other positions; read the training file with this reader first, or"
          + " choose the features of this file with a reader of its own");
    }
    checkNamesHaveHeader();
    return parse(file, false).features;
  }

  /** The feature columns of a file without answers (see {@link #readFeatures}). */
  private int[] featuresWithoutAnswers(List<String> names, int columns, Path file)
      throws IOException {
    if (readColumns == 0) {
      return featureNames != null ? columns(names, featureNames, file)
          : featureIndexes != null ? featureIndexes
          : others(columns, -1, namedAnswers(names));
    }
    if (readFeatureNames != null && names != null) {
      return columns(names, readFeatureNames.toArray(new String[0]), file);
    }
    if (columns == readColumns) {
      return readFeatures;
    }
    if (columns != readColumns - readAnswers.length) {
      throw new IOException(file + ": must have the " + readColumns + " columns of the file read"
          + " before, or the " + (readColumns - readAnswers.length) + " without its "
          + (readAnswers.length == 1 ? "label" : "targets") + ", but had " + columns);
    }
    int[] shifted = new int[readFeatures.length];
    for (int k = 0; k < shifted.length; k++) {
      int p = readFeatures[k];
      shifted[k] = p - (int) Arrays.stream(readAnswers).filter(a -> a < p).count();
    }
    return shifted;
  }

  private void checkNamesHaveHeader() {
    if ((labelName != null || featureNames != null || targetNames != null) && !header) {
      throw new IllegalStateException(
          "columns chosen by name need a header line, but header(false) was set; choose them"
              + " by 0-based position: labelColumn(int), targetColumns(int...), features(int...)");
    }
  }

  /** What a file held: features, and targets (regression) or labels, row-major. */
  private static final class Table {
    final float[] features;
    final int featureSize;
    final float[] targets;
    final int targetSize;
    final int[] labels;

    Table(float[] features, int featureSize, float[] targets, int targetSize, int[] labels) {
      this.features = features;
      this.featureSize = featureSize;
      this.targets = targets;
      this.targetSize = targetSize;
      this.labels = labels;
    }
  }

  /** Reads {@code file}: the chosen features and answers, or without {@code answers} features. */
  private Table parse(Path file, boolean answers) throws IOException {
    boolean regression = answers && (targetNames != null || targetIndexes != null);
    Checks.fileToRead(file, "a CSV file");
    try (BufferedReader in = new BufferedReader(new LineLimit(new InputStreamReader(
        Files.newInputStream(file), StandardCharsets.UTF_8.newDecoder()), file))) {
      int lineNumber = 0;
      String line;
      List<String> names = null;
      int columns = -1;
      int[] featureColumns = null;
      int[] targetColumns = null;
      int labelColumn = -1;
      List<float[]> rows = new ArrayList<>();
      List<Integer> labels = new ArrayList<>();
      while ((line = readLine(in, file)) != null) {
        lineNumber++;
        if (lineNumber == 1 && line.startsWith("\uFEFF")) {
          line = line.substring(1); // a UTF-8 byte order mark
        }
        if (line.isBlank() && line.indexOf(delimiter) < 0) {
          continue; // a blank line; a line of empty fields (tabs, say) is a record, as in pandas
        }
        int first = lineNumber;
        if (endsQuoted(line, false)) {
          // A quoted field holding a line break (RFC 4180): the record goes on to the line that
          // closes it; messages name the line it starts on.
          StringBuilder record = new StringBuilder(line);
          boolean open = true;
          while (open) {
            String next = readLine(in, file);
            if (next == null) {
              throw new IOException(file + ": line " + first + " must close every quoted field,"
                  + " but a quote was left open to the end of the file");
            }
            lineNumber++;
            if (record.length() + 1L + next.length() > MAX_LINE) {
              throw new IOException(file + ": the record of line " + first + " must be at most "
                  + MAX_LINE + " characters long, but a quoted field in it goes on past"
                  + " line " + lineNumber + "; is a quote left open?");
            }
            record.append('\n').append(next);
            open = endsQuoted(next, true);
          }
          line = record.toString();
        }
        List<String> fields = split(line, file, first, names);
        if (columns < 0) {
          columns = fields.size();
          if (header) {
            names = fields;
          }
          labelColumn = !answers || regression ? -1 : labelName != null
              ? column(names, labelName, file) : labelIndex;
          if (labelColumn >= columns) {
            throw new IOException(file + ": label column must be one of the " + columns
                + " columns, but was " + labelColumn + delimiterHint(fields));
          }
          targetColumns = !regression ? new int[0]
              : targetIndexes != null ? targetIndexes : columns(names, targetNames, file);
          for (int c : targetColumns) {
            if (c >= columns) {
              throw new IOException(file + ": target column must be one of the " + columns
                  + " columns, but was " + c + delimiterHint(fields));
            }
          }
          featureColumns = !answers ? featuresWithoutAnswers(names, columns, file)
              : featureNames != null ? columns(names, featureNames, file)
              : featureIndexes != null ? featureIndexes
              : others(columns, labelColumn, targetColumns);
          for (int c : featureColumns) {
            if (c >= columns) {
              throw new IOException(file + ": feature column must be one of the " + columns
                  + " columns, but was " + c + delimiterHint(fields));
            }
          }
          checkDisjoint(featureColumns, labelColumn, targetColumns, names, file);
          if (header && answers) {
            for (int c : featureColumns) {
              String name = c < names.size() ? names.get(c) : null;
              if (name != null && names.indexOf(name) != names.lastIndexOf(name)) {
                throw new IOException(file + ": the header must name feature column '" + name
                    + "' once, but columns " + names.indexOf(name) + " and "
                    + names.lastIndexOf(name) + " both have that name (readFeatures finds the"
                    + " features of a file without the answers by name)");
              }
            }
          }
          if (featureColumns.length == 0) {
            throw new IOException(file + ": must have at least one feature column, but all "
                + columns + " columns are labels or targets");
          }
          if (header) {
            continue;
          }
        }
        if (fields.size() != columns) {
          throw new IOException(file + ": line " + first + " must have " + columns
              + " fields like the first line, but had " + fields.size());
        }
        // The first line of a file read with header(false): text in it may be a header's.
        boolean firstWithoutHeader = !header && rows.isEmpty();
        float[] row = new float[featureColumns.length + targetColumns.length];
        for (int i = 0; i < featureColumns.length; i++) {
          row[i] = number(fields, featureColumns[i], names, file, first, firstWithoutHeader);
        }
        for (int i = 0; i < targetColumns.length; i++) {
          row[featureColumns.length + i] = number(fields, targetColumns[i], names, file,
              first, firstWithoutHeader);
        }
        rows.add(row);
        if (answers && !regression) {
          String text = fields.get(labelColumn);
          labels.add(classNames != null
              ? className(text, labelColumn, names, file, first)
              : label(text, labelColumn, names, file, first, firstWithoutHeader));
        }
      }
      if (rows.isEmpty()) {
        throw new IOException(file + ": must hold at least one record, but had none");
      }
      int d = featureColumns.length;
      int targets = targetColumns.length;
      float[] x = new float[rows.size() * d];
      float[] t = new float[rows.size() * targets];
      for (int s = 0; s < rows.size(); s++) {
        System.arraycopy(rows.get(s), 0, x, s * d, d);
        System.arraycopy(rows.get(s), d, t, s * targets, targets);
      }
      int[] y = new int[labels.size()];
      for (int s = 0; s < y.length; s++) {
        y[s] = labels.get(s);
      }
      if (answers) {
        readColumns = columns;
        readFeatures = featureColumns;
        readFeatureNames = null;
        if (names != null) {
          readFeatureNames = new ArrayList<>();
          for (int c : featureColumns) {
            readFeatureNames.add(names.get(c));
          }
        }
        readAnswers = labelColumn >= 0 ? new int[] {labelColumn} : targetColumns;
      }
      return new Table(x, d, t, targets, y);
    }
  }

  private static String readLine(BufferedReader in, Path file) throws IOException {
    try {
      return in.readLine();
    } catch (CharacterCodingException e) {
      // The reader decodes ahead of the line it returns: find the line in the bytes.
      throw new IOException(file + ": line " + firstLineNotUtf8(file) + " must be UTF-8 text,"
          + " but was not (" + e + ")", e);
    }
  }

  /** The number of the first line of {@code file} that is not valid UTF-8. */
  private static long firstLineNotUtf8(Path file) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      long number = 1;
      for (int b = in.read(), previous = -1; ; previous = b, b = in.read()) {
        if (b == '\n' && previous == '\r') {
          continue; // the second byte of a CRLF line end
        }
        if (b == '\n' || b == '\r' || b == -1) {
          try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(line.toByteArray()));
          } catch (CharacterCodingException e) {
            return number;
          }
          if (b == -1) {
            return number;
          }
          line.reset();
          number++;
        } else {
          line.write(b);
        }
      }
    }
  }

  /** A label or target column must not also be a feature: the answer would be an input. */
  private static void checkDisjoint(int[] features, int label, int[] targets, List<String> names,
      Path file) throws IOException {
    for (int f : features) {
      if (f == label || Arrays.stream(targets).anyMatch(t -> t == f)) {
        throw new IOException(file + ": column " + name(names, f) + " must be either a feature"
            + " or a " + (f == label ? "label" : "target") + ", but was chosen as both");
      }
    }
  }

  /**
   * Whether a quoted field is open at the end of {@code text}, read as {@link #split} reads it
   * from a state inside a quoted field or at the start of a record (a stray quote, which split
   * refuses, opens nothing).
   */
  private boolean endsQuoted(String text, boolean quoted) {
    boolean closed = false;
    boolean blank = true; // the field so far is blank
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
          i++;
        } else if (c == '"') {
          quoted = false;
          closed = true;
        }
      } else if (c == delimiter) {
        closed = false;
        blank = true;
      } else if (c == '"' && !closed && blank) {
        quoted = true;
      } else if (!Character.isWhitespace(c)) {
        blank = false;
      }
    }
    return quoted;
  }

  private List<String> split(String line, Path file, int lineNumber, List<String> names)
      throws IOException {
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    boolean closed = false; // the field was quoted and its closing quote has been read
    int start = 0; // where the field starts in the line
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
          closed = true;
        } else {
          field.append(c);
        }
      } else if (c == delimiter) {
        fields.add(field.toString().trim());
        field.setLength(0);
        closed = false;
        start = i + 1;
      } else if (c == '"' && !closed && field.toString().isBlank()) {
        quoted = true;
        field.setLength(0);
      } else if (c == '"' || (closed && !Character.isWhitespace(c))) {
        // As RFC 4180: a quote opens a whole field or is doubled inside one ("1"2"" is no number).
        int end = line.indexOf(delimiter, i);
        int column = fields.size();
        throw new IOException(file + ": line " + lineNumber + ", column "
            + (names != null && column < names.size() ? name(names, column)
                : String.valueOf(column))
            + " must be quoted whole (\"...\", a quote inside doubled) or not at all, but was "
            + cut(line.substring(start, end < 0 ? line.length() : end).trim()));
      } else {
        field.append(c);
      }
    }
    if (quoted) {
      throw new IOException(file + ": line " + lineNumber
          + " must close every quoted field, but a quote was left open");
    }
    fields.add(field.toString().trim());
    return fields;
  }

  private int column(List<String> names, String name, Path file) throws IOException {
    int index = names.indexOf(name);
    if (index < 0) {
      List<String> shown = new ArrayList<>();
      for (String column : names) {
        shown.add(cut(column));
      }
      throw new IOException(file + ": the header must have a column " + quoted(name)
          + ", but its columns are " + (shown.size() <= 50 ? shown
              : shown.subList(0, 50) + " and " + (shown.size() - 50) + " more")
          + delimiterHint(names) + numbersHint(names));
    }
    if (names.lastIndexOf(name) != index) {
      throw new IOException(file + ": the header must name column '" + name + "' once, but"
          + " columns " + index + " and " + names.lastIndexOf(name) + " both have that name");
    }
    return index;
  }

  private int[] columns(List<String> names, String[] wanted, Path file)
      throws IOException {
    int[] out = new int[wanted.length];
    for (int i = 0; i < wanted.length; i++) {
      out[i] = column(names, wanted[i], file);
      for (int j = 0; j < i; j++) {
        if (wanted[j].equals(wanted[i])) {
          throw new IOException(file + ": columns must be chosen once each, but '" + wanted[i]
              + "' was chosen twice");
        }
      }
    }
    return out;
  }

  /** The positions in {@code names} of the label and target columns chosen by name. */
  private int[] namedAnswers(List<String> names) {
    List<String> chosen = new ArrayList<>();
    if (labelName != null) {
      chosen.add(labelName);
    }
    if (targetNames != null) {
      chosen.addAll(Arrays.asList(targetNames));
    }
    return chosen.stream().mapToInt(names::indexOf).filter(c -> c >= 0).toArray();
  }

  private static int[] others(int columns, int labelColumn, int[] targetColumns) {
    int[] out = new int[columns];
    int n = 0;
    for (int c = 0; c < columns; c++) {
      final int column = c;
      if (c != labelColumn && Arrays.stream(targetColumns).noneMatch(t -> t == column)) {
        out[n++] = c;
      }
    }
    return Arrays.copyOf(out, n);
  }

  private static float number(List<String> fields, int column, List<String> names, Path file,
      int lineNumber, boolean firstWithoutHeader) throws IOException {
    String text = fields.get(column);
    if (isDecimal(text)) {
      float value = Float.parseFloat(text);
      if (Float.isFinite(value)) {
        return value;
      }
      throw new IOException(file + ": line " + lineNumber + ", column " + name(names, column)
          + " must be a number within the float range, but was " + quoted(text));
    }
    throw new IOException(file + ": line " + lineNumber + ", column " + name(names, column)
        + " must be a finite decimal number, but was " + quoted(text)
        + headerHint(text, lineNumber, firstWithoutHeader));
  }

  /** For a word in the first line read as data: the line may be a header. */
  private static String headerHint(String text, int lineNumber, boolean firstWithoutHeader) {
    return firstWithoutHeader && isWord(text)
        ? "; is line " + lineNumber + " a header? header(false) reads it as a record" : "";
  }

  /**
   * Whether {@code text} has letters and is no spelling of a non-finite number or of R's missing
   * value {@code NA} (but {@code Na}, sodium, is a word).
   */
  private static boolean isWord(String text) {
    boolean number = text.equals("NA")
        || text.toLowerCase(Locale.ROOT).matches("[+-]?(nan|inf|infinity)");
    return !number && text.chars().anyMatch(Character::isLetter);
  }

  /**
   * Whether {@code text} is a decimal number such as {@code -1}, {@code .5} or {@code 2.5e-3}:
   * what spreadsheets and NumPy write, without Java's other forms ({@code NaN}, {@code Infinity},
   * hexadecimal, a trailing {@code f} or {@code d}).
   */
  private static boolean isDecimal(String text) {
    int n = text.length();
    int i = text.startsWith("+") || text.startsWith("-") ? 1 : 0;
    int end = digitsEnd(text, i);
    int digits = end - i;
    i = end;
    if (i < n && text.charAt(i) == '.') {
      end = digitsEnd(text, i + 1);
      digits += end - i - 1;
      i = end;
    }
    if (digits == 0) {
      return false;
    }
    if (i < n && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
      i++;
      if (i < n && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
        i++;
      }
      end = digitsEnd(text, i);
      if (end == i) {
        return false;
      }
      i = end;
    }
    return i == n;
  }

  /** The index after the ASCII digits of {@code text} from {@code i}. */
  private static int digitsEnd(String text, int i) {
    while (i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
      i++;
    }
    return i;
  }

  private static int label(String text, int column, List<String> names, Path file,
      int lineNumber, boolean firstWithoutHeader) throws IOException {
    try {
      // ASCII digits only, as for features (parseInt also takes other scripts' digits).
      boolean ascii = !text.isEmpty() && text.chars().allMatch(c -> c >= '0' && c <= '9'
          || c == '+' || c == '-');
      int label = ascii ? Integer.parseInt(text) : -1;
      if (label >= 0 && label < Integer.MAX_VALUE) {
        return label;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IOException(file + ": line " + lineNumber + ", label column " + name(names, column)
        + " must be a non-negative integer class index, but was " + quoted(text)
        + labelHint(text, lineNumber, firstWithoutHeader));
  }

  /** The index of a class name (see {@link #classNames}). */
  private int className(String text, int column, List<String> names, Path file, int lineNumber)
      throws IOException {
    Integer index = classNames.get(text);
    if (index != null) {
      return index;
    }
    String shown = classNameList.size() <= 10 ? String.join(", ", classNameList)
        : String.join(", ", classNameList.subList(0, 10)) + ", ... ("
            + classNameList.size() + " names)";
    throw new IOException(file + ": line " + lineNumber + ", label column " + name(names, column)
        + " must hold one of the class names given (" + shown + "), but was " + quoted(text)
        + (isDecimal(text) && classNameList.stream().noneMatch(Csv::isDecimal)
            ? "; for class indexes, read the column without classNames" : ""));
  }

  /** What a label that is no class index may be instead. */
  private static String labelHint(String text, int lineNumber, boolean firstWithoutHeader) {
    if (!isDecimal(text)) {
      String header = headerHint(text, lineNumber, firstWithoutHeader);
      return isWord(text) ? header + (header.isEmpty() ? "; " : ", or ") + "if the column holds"
          + " class names, give them in class order with classNames(...)" : header;
    }
    double value = Double.parseDouble(text);
    if (value < 0 && value == Math.rint(value)) {
      return "; class indexes start at 0: map the labels to 0, 1, ... (-1 and 1 to 0 and 1), or"
          + " for regression read the column as a target value with targetColumns";
    }
    return value == Math.rint(value) && value < Integer.MAX_VALUE
        ? "; write class indexes as whole numbers (" + (long) value + ", not " + text + "), or"
            + " for regression read the column as a target value with targetColumns"
        : "; for regression, read it as a target value with targetColumns";
  }

  private static String name(List<String> names, int column) {
    return names == null ? String.valueOf(column) : quoted(names.get(column)) + " (" + column + ")";
  }

  /** {@code text} in quotes for a message; a long one cut to its start and its length. */
  static String quoted(String text) {
    return shown(text, "'");
  }

  /** {@code text} for a message: a long one cut to its start, with its length. */
  private static String cut(String text) {
    return shown(text, "");
  }

  /** For a header of numbers only: the file may have no header. */
  private static String numbersHint(List<String> names) {
    return names.size() > 1 && names.stream().allMatch(Csv::isDecimal)
        ? "; the first line holds only numbers: if the file has no header, header(false) reads"
            + " it as a record, with columns chosen by 0-based position"
        : "";
  }

  /** For a first line read as one column: the separator it does hold, if a usual one. */
  private String delimiterHint(List<String> names) {
    if (names.size() != 1) {
      return "";
    }
    for (char c : new char[] {';', '\t', '|', ','}) {
      if (c != delimiter && names.get(0).indexOf(c) >= 0) {
        return "; the first line is one column holding " + (c == '\t' ? "tabs" : "'" + c + "'")
            + ": set delimiter('" + (c == '\t' ? "\\t" : String.valueOf(c)) + "')";
      }
    }
    return "";
  }

  /** Values up to 60 characters are shown whole, longer ones by their first 40. */
  private static String shown(String text, String quote) {
    return text.length() <= 60 ? quote + text + quote
        : quote + text.substring(0, 40) + "..." + quote + " (" + text.length() + " characters)";
  }

  /** The longest line read: a file without line breaks (such as /dev/zero) would fill memory. */
  static final int MAX_LINE = 1 << 24;

  /** Refuses a line of more than {@link #MAX_LINE} characters as it streams past. */
  private static final class LineLimit extends FilterReader {
    private final Path file;
    private long line = 1;
    private int run;
    private boolean afterCr;

    LineLimit(Reader in, Path file) {
      super(in);
      this.file = file;
    }

    @Override
    public int read() throws IOException {
      int c = super.read();
      if (c >= 0) {
        see((char) c);
      }
      return c;
    }

    @Override
    public int read(char[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      for (int i = offset; i < offset + n; i++) {
        see(buffer[i]);
      }
      return n;
    }

    private void see(char c) throws IOException {
      if (c == '\n' || c == '\r') {
        line += c == '\n' && afterCr ? 0 : 1;
        run = 0;
      } else if (++run > MAX_LINE) {
        throw new IOException(file + ": line " + line + " must be at most " + MAX_LINE
            + " characters long, but is longer; is this a text file?");
      }
      afterCr = c == '\r';
    }
  }
}
