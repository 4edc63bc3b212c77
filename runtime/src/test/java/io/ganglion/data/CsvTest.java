package io.ganglion.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CSV reader on files written by the test, well-formed and broken. */
final class CsvTest {
  @TempDir Path dir;

  private Path write(String content) throws IOException {
    Path file = dir.resolve("data.csv");
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return file;
  }

  @Test
  void readsFeaturesAndTheLabelColumn() throws IOException {
    Path file = write("x1,species,x2\n1.5,2,-3\n\n0,0,4e1\n\"7\",1,8\n");
    Dataset data = Csv.reader().labelColumn("species").read(file);
    assertEquals(3, data.size());
    assertEquals(2, data.featureSize());
    assertArrayEquals(new float[] {1.5f, -3, 0, 40, 7, 8}, data.features());
    assertArrayEquals(new int[] {2, 0, 1}, data.labels());
  }

  @Test
  void choosesFeatureColumnsAndTargets() throws IOException {
    Path file = write("a;b;c;y\n1;2;3;0.5\n4;5;6;1.5\n");
    Dataset data = Csv.reader().delimiter(';').features("c", "a").targetColumns("y").read(file);
    assertArrayEquals(new float[] {3, 1, 6, 4}, data.features());
    assertArrayEquals(new float[] {0.5f, 1.5f}, data.targets());
    assertEquals(1, data.targetSize());
  }

  /** A file to predict has no answers: the training file's reader reads its features. */
  @Test
  void readsTheFeaturesOfAFileWithoutAnswers() throws IOException {
    Path train = write("Id,SqFt,Rooms,Price\n1,900,3,1.5\n2,1200,4,2.25\n");
    Csv csv = Csv.reader().features("SqFt", "Rooms").targetColumns("Price");
    assertArrayEquals(new float[] {900, 3, 1200, 4}, csv.read(train).features());
    Path test = dir.resolve("test.csv");
    Files.writeString(test, "Id,Rooms,SqFt\n3,2,700\n4,5,1500\n5,1,400\n");
    assertArrayEquals(new float[] {700, 2, 1500, 5, 400, 1}, csv.readFeatures(test));
    // After a read, the features it took, by name: an extra column is not read as a feature.
    Csv byDefault = Csv.reader().labelColumn("species");
    Files.writeString(train, "a,species,b\n1,0,2\n");
    byDefault.read(train);
    Files.writeString(test, "Id,b,a\n7,20,10\n");
    assertArrayEquals(new float[] {10, 20}, byDefault.readFeatures(test));
    Files.writeString(test, "Id,b\n7,20\n");
    IOException e = assertThrows(IOException.class, () -> byDefault.readFeatures(test));
    assertTrue(e.getMessage().contains("the header must have a column 'a'"), e.getMessage());
    // Before any read: every column but the label or targets named, if the file has them.
    Files.writeString(test, "a,species,b\n1,0,2\n");
    assertArrayEquals(new float[] {1, 2}, Csv.reader().labelColumn("species").readFeatures(test));
    Files.writeString(test, "x,y\n3,4\n");
    assertArrayEquals(new float[] {3, 4}, Csv.reader().labelColumn("species").readFeatures(test));
    // Without a header, by position: the training file's, shifted past a missing label.
    Csv headerless = Csv.reader().header(false).labelColumn(0).features(3, 1);
    Files.writeString(train, "1,10,20,30\n0,11,21,31\n");
    headerless.read(train);
    Files.writeString(test, "12,22,32\n");
    assertArrayEquals(new float[] {32, 12}, headerless.readFeatures(test));
    Files.writeString(test, "9,12,22,32\n");
    assertArrayEquals(new float[] {32, 12}, headerless.readFeatures(test));
    Files.writeString(test, "12,22\n");
    e = assertThrows(IOException.class, () -> headerless.readFeatures(test));
    assertEquals(test + ": must have the 4 columns of the file read before, or the 3 without its"
        + " label, but had 2", e.getMessage());
    // Positions that a missing answer would shift, before any read: refused.
    for (Csv unknown : new Csv[] {Csv.reader().header(false).labelColumn(0),
        Csv.reader().labelColumn("y").features(1, 2)}) {
      IllegalStateException s = assertThrows(IllegalStateException.class,
          () -> unknown.readFeatures(test));
      assertEquals("the features to read from " + test + " must be known, but columns are chosen"
          + " by position, and a file without the label or targets has its columns at other"
          + " positions; read the training file with this reader first, or choose the features of"
          + " this file with a reader of its own", s.getMessage());
    }
    IllegalStateException s =
        assertThrows(IllegalStateException.class, () -> Csv.reader().read(test));
    assertTrue(s.getMessage().endsWith("; to read a file without them (data to predict), use"
        + " readFeatures"), s.getMessage());
  }

  @Test
  void choosesFeatureColumnsByPositionWithoutAHeader() throws IOException {
    Path file = write("17,1.5,2,0.25\n18,3,4,0.75\n");
    Dataset data = Csv.reader().header(false).features(2, 1).targetColumns(3).read(file);
    assertArrayEquals(new float[] {2, 1.5f, 4, 3}, data.features());
    assertArrayEquals(new float[] {0.25f, 0.75f}, data.targets());
    IOException e = assertThrows(IOException.class,
        () -> Csv.reader().header(false).features(1, 4).targetColumns(3).read(file));
    assertEquals(file + ": feature column must be one of the 4 columns, but was 4",
        e.getMessage());
    e = assertThrows(IOException.class,
        () -> Csv.reader().header(false).features(1, 3).targetColumns(3).read(file));
    assertEquals(file + ": column 3 must be either a feature or a target, but was chosen as both",
        e.getMessage());
    assertEquals("feature columns must be chosen once each, but 1 was chosen twice",
        assertThrows(IllegalArgumentException.class,
            () -> Csv.reader().features(1, 1)).getMessage());
    IllegalStateException s = assertThrows(IllegalStateException.class,
        () -> Csv.reader().header(false).features("a").targetColumns(3).read(file));
    assertTrue(s.getMessage().endsWith("choose them by 0-based position: labelColumn(int),"
        + " targetColumns(int...), features(int...)"), s.getMessage());
  }

  @Test
  void commonMixUpsAreNamed() throws IOException {
    Path semicolons = write("a;b;y\n1;2;0\n");
    IOException e = assertThrows(IOException.class,
        () -> Csv.reader().labelColumn("y").read(semicolons));
    assertEquals(semicolons + ": the header must have a column 'y', but its columns are [a;b;y];"
        + " the first line is one column holding ';': set delimiter(';')", e.getMessage());
    Path tabs = write("a\tb\ty\n1\t2\t0\n");
    e = assertThrows(IOException.class, () -> Csv.reader().targetColumns("y").read(tabs));
    assertTrue(e.getMessage().endsWith("; the first line is one column holding tabs: set"
        + " delimiter('\\t')"), e.getMessage());

    Path headed = write("id,x,y\n1,2,3\n");
    e = assertThrows(IOException.class,
        () -> Csv.reader().header(false).targetColumns(2).read(headed));
    assertEquals(headed + ": line 1, column 0 must be a finite decimal number, but was 'id'; is"
        + " line 1 a header? header(false) reads it as a record", e.getMessage());
    e = assertThrows(IOException.class,
        () -> Csv.reader().header(false).labelColumn(2).read(headed));
    assertTrue(e.getMessage().endsWith("; is line 1 a header? header(false) reads it as a"
        + " record"), e.getMessage());

    Path semicolonsNoHeader = write("1;2;0\n");
    e = assertThrows(IOException.class,
        () -> Csv.reader().header(false).labelColumn(2).read(semicolonsNoHeader));
    assertEquals(semicolonsNoHeader + ": label column must be one of the 1 columns, but was 2;"
        + " the first line is one column holding ';': set delimiter(';')", e.getMessage());
    Path nan = write("NaN,1,0\n");
    e = assertThrows(IOException.class, () -> Csv.reader().header(false).labelColumn(2).read(nan));
    assertEquals(nan + ": line 1, column 0 must be a finite decimal number, but was 'NaN'",
        e.getMessage());
    Path wholeDecimals = write("x,y\n1,1.0\n");
    e = assertThrows(IOException.class, () -> Csv.reader().labelColumn("y").read(wholeDecimals));
    assertTrue(e.getMessage().endsWith("; write class indexes as whole numbers (1, not 1.0), or"
        + " for regression read the column as a target value with targetColumns"), e.getMessage());
    Path signs = write("x,y\n1,-1\n");
    e = assertThrows(IOException.class, () -> Csv.reader().labelColumn("y").read(signs));
    assertTrue(e.getMessage().endsWith("; class indexes start at 0: map the labels to 0, 1, ..."
        + " (-1 and 1 to 0 and 1), or for regression read the column as a target value with"
        + " targetColumns"), e.getMessage());
    // UCI's iris.data: no header, class names in the last column.
    Path names = write("5.1,3.5,1.4,0.2,Iris-setosa\n");
    e = assertThrows(IOException.class,
        () -> Csv.reader().header(false).labelColumn(4).read(names));
    assertTrue(e.getMessage().endsWith("but was 'Iris-setosa'; is line 1 a header? header(false)"
        + " reads it as a record, or if the column holds class names, give them in class order"
        + " with classNames(...)"), e.getMessage());
    Path namesWithHeader = write("a,species\n1,setosa\n");
    e = assertThrows(IOException.class,
        () -> Csv.reader().labelColumn("species").read(namesWithHeader));
    assertTrue(e.getMessage().endsWith("but was 'setosa'; if the column holds class names, give"
        + " them in class order with classNames(...)"), e.getMessage());
    Path missing = write("NA,1,0\n");
    e = assertThrows(IOException.class,
        () -> Csv.reader().header(false).labelColumn(2).read(missing));
    assertEquals(missing + ": line 1, column 0 must be a finite decimal number, but was 'NA'",
        e.getMessage());
    Path sodium = write("Na,Mg,type\n1,2,0\n");
    e = assertThrows(IOException.class,
        () -> Csv.reader().header(false).labelColumn(2).read(sodium));
    assertTrue(e.getMessage().endsWith("but was 'Na'; is line 1 a header? header(false) reads it"
        + " as a record"), e.getMessage());

    Path prices = write("x,price\n1,195604.09\n");
    e = assertThrows(IOException.class, () -> Csv.reader().labelColumn("price").read(prices));
    assertEquals(prices + ": line 2, label column 'price' (1) must be a non-negative integer class"
        + " index, but was '195604.09'; for regression, read it as a target value with"
        + " targetColumns", e.getMessage());
  }

  @Test
  void aLineTooLongForMemoryIsRefusedAsItStreamsPast() throws IOException {
    // As /dev/zero would be: no line break, ever.
    Path file = write("a,y\n1,0\r\n\r" + "7".repeat(Csv.MAX_LINE + 1));
    IOException e = assertThrows(IOException.class, () -> Csv.reader().labelColumn("y").read(file));
    assertEquals(file + ": line 4 must be at most 16777216 characters long, but is longer; is"
        + " this a text file?", e.getMessage());
  }

  @Test
  void aLongValueIsQuotedByItsStartAndLength() throws IOException {
    Path file = write("a,y\n" + "9".repeat(30) + "x".repeat(70) + ",0\n");
    IOException e = assertThrows(IOException.class, () -> Csv.reader().labelColumn("y").read(file));
    assertEquals(file + ": line 2, column 'a' (0) must be a finite decimal number, but was '"
        + "9".repeat(30) + "x".repeat(10) + "...' (100 characters)", e.getMessage());
    // A stray quote in a long field, and a long column name.
    Path stray = write("a,y\n" + "1".repeat(100) + "\"2,0\n");
    e = assertThrows(IOException.class, () -> Csv.reader().labelColumn("y").read(stray));
    assertEquals(stray + ": line 2, column 'a' (0) must be quoted whole (\"...\", a quote inside"
        + " doubled) or not at all, but was " + "1".repeat(40) + "... (102 characters)",
        e.getMessage());
    Path header = write("b".repeat(100) + ",y\n1,0\n");
    e = assertThrows(IOException.class, () -> Csv.reader().labelColumn("label").read(header));
    assertEquals(header + ": the header must have a column 'label', but its columns are ["
        + "b".repeat(40) + "... (100 characters), y]", e.getMessage());
  }

  @Test
  void aLineOfEmptyTabSeparatedFieldsIsARecordNotABlankLine() throws IOException {
    Path file = write("a\tb\ty\n1\t2\t0\n  \n\t\t\n3\t4\t1\n");
    IOException e = assertThrows(IOException.class,
        () -> Csv.reader().delimiter('\t').labelColumn("y").read(file));
    assertEquals(file + ": line 4, column 'a' (0) must be a finite decimal number, but was ''",
        e.getMessage());
    // A line of spaces alone is blank, with tabs as with commas.
    Path spaces = write("a\tb\ty\n1\t2\t0\n  \n3\t4\t1\n");
    assertEquals(2, Csv.reader().delimiter('\t').labelColumn("y").read(spaces).size());
  }

  @Test
  void readsFilesWithoutHeaderByColumnIndex() throws IOException {
    Dataset data = Csv.reader().header(false).labelColumn(0).read(write("1,0.5\n0,0.25\n"));
    assertArrayEquals(new int[] {1, 0}, data.labels());
    assertArrayEquals(new float[] {0.5f, 0.25f}, data.features());
  }

  @Test
  void readsTargetsWithoutHeaderByColumnIndex() throws IOException {
    Path file = write("1,0.5,7\n0,0.25,8\n");
    Dataset data = Csv.reader().header(false).targetColumns(2, 0).read(file);
    assertArrayEquals(new float[] {0.5f, 0.25f}, data.features());
    assertArrayEquals(new float[] {7, 1, 8, 0}, data.targets());
    assertEquals(2, data.targetSize());
    IOException e = assertThrows(IOException.class,
        () -> Csv.reader().header(false).targetColumns(3).read(file));
    assertEquals(file + ": target column must be one of the 3 columns, but was 3", e.getMessage());
    IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
        () -> Csv.reader().targetColumns(1, 1));
    assertEquals("target columns must be chosen once each, but 1 was chosen twice",
        twice.getMessage());
  }

  @Test
  void aBadNumberNamesTheLineAndColumn() throws IOException {
    Path file = write("x1,label,x2\n1,0,2\n3,1,abc\n");
    IOException e =
        assertThrows(IOException.class, () -> Csv.reader().labelColumn("label").read(file));
    assertEquals(file + ": line 3, column 'x2' (2) must be a finite decimal number, but was 'abc'",
        e.getMessage());
  }

  @Test
  void onlyFiniteDecimalNumbersAreValues() throws IOException {
    for (String bad : new String[] {"NaN", "-Infinity", "1e39", "3f", "4d", "0x1p3", "1e", ".",
        "+", "1.2.3", "٣"}) {
      Path file = write("x,label\n1,0\n" + bad + ",1\n");
      IOException e =
          assertThrows(IOException.class, () -> Csv.reader().labelColumn("label").read(file));
      assertTrue(e.getMessage().startsWith(file + ": line 3, column 'x' (0) must be a"), bad);
      assertTrue(e.getMessage().endsWith(", but was '" + bad + "'"), e.getMessage());
    }
    Dataset data = Csv.reader().labelColumn("label")
        .read(write("x,label\n-1,0\n+.5,1\n2.5E-3,0\n7.,1\n"));
    assertArrayEquals(new float[] {-1, 0.5f, 2.5e-3f, 7}, data.features());
  }

  @Test
  void aByteOrderMarkIsNotPartOfTheFirstName() throws IOException {
    Dataset data = Csv.reader().features("a").labelColumn("label")
        .read(write("\uFEFFa,label\n1,0\n2,1\n"));
    assertArrayEquals(new float[] {1, 2}, data.features());
    data = Csv.reader().header(false).labelColumn(1).read(write("\uFEFF1,0\n2,1\n"));
    assertArrayEquals(new float[] {1, 2}, data.features());
  }

  @Test
  void textThatIsNotUtf8NamesTheLine() throws IOException {
    Path file = dir.resolve("latin1.csv");
    Files.write(file, "x,label\n1,0\ncaf\u00e9,1\n".getBytes(StandardCharsets.ISO_8859_1));
    IOException e =
        assertThrows(IOException.class, () -> Csv.reader().labelColumn("label").read(file));
    assertTrue(e.getMessage().startsWith(file + ": line 3 must be UTF-8 text, but was not"),
        e.getMessage());
    // Lines that end in CR alone or in CRLF are counted as the reader counts them.
    for (String end : new String[] {"\r", "\r\n"}) {
      Files.write(file, ("x,label" + end + "1,0" + end + "2,1" + end + "caf\u00e9,1" + end)
          .getBytes(StandardCharsets.ISO_8859_1));
      e = assertThrows(IOException.class, () -> Csv.reader().labelColumn("label").read(file));
      assertTrue(e.getMessage().startsWith(file + ": line 4 must be UTF-8 text"), e.getMessage());
    }
  }

  @Test
  void aColumnIsEitherAFeatureOrTheAnswer() throws IOException {
    Path file = write("a,label,d\n1,0,2\n3,1,4\n");
    IllegalStateException both = assertThrows(IllegalStateException.class,
        () -> Csv.reader().labelColumn("label").targetColumns("d").read(file));
    assertEquals("a label column or target columns must be chosen, not both, but both were"
        + " before reading " + file, both.getMessage());
    IOException e = assertThrows(IOException.class,
        () -> Csv.reader().labelColumn("label").features("a", "label").read(file));
    assertEquals(file + ": column 'label' (1) must be either a feature or a label, but was"
        + " chosen as both", e.getMessage());
    e = assertThrows(IOException.class,
        () -> Csv.reader().labelColumn("label").features("a", "a").read(file));
    assertEquals(file + ": columns must be chosen once each, but 'a' was chosen twice",
        e.getMessage());
    Path twice = Files.writeString(dir.resolve("twice.csv"), "a,label,a\n1,0,2\n");
    e = assertThrows(IOException.class,
        () -> Csv.reader().labelColumn("label").features("a").read(twice));
    assertEquals(twice + ": the header must name column 'a' once, but columns 0 and 2 both have"
        + " that name", e.getMessage());
    // Also when the features are every other column: readFeatures finds them by name later.
    e = assertThrows(IOException.class, () -> Csv.reader().labelColumn("label").read(twice));
    assertEquals(twice + ": the header must name feature column 'a' once, but columns 0 and 2"
        + " both have that name (readFeatures finds the features of a file without the answers"
        + " by name)", e.getMessage());
    e = assertThrows(IOException.class,
        () -> Csv.reader().targetColumns("d").features("a", "d").read(file));
    assertEquals(file + ": column 'd' (2) must be either a feature or a target, but was chosen"
        + " as both", e.getMessage());
  }

  @Test
  void classNamesAreReadAsTheirPositions() throws IOException {
    // UCI's iris.data: no header, class names in the last column.
    Path file = write("5.1,3.5,1.4,0.2,Iris-setosa\n6.3,3.3,6.0,2.5,Iris-virginica\n"
        + "5.9,3.0,4.2,1.5,Iris-versicolor\n");
    Csv csv = Csv.reader().header(false).labelColumn(4)
        .classNames("Iris-setosa", "Iris-versicolor", "Iris-virginica");
    Dataset data = csv.read(file);
    assertArrayEquals(new int[] {0, 2, 1}, data.labels());
    assertEquals(3, data.classes());
    assertEquals(List.of("Iris-setosa", "Iris-versicolor", "Iris-virginica"), data.classNames());
    // A file without the last class still has all the classes named.
    Path partial = write("5.1,3.5,1.4,0.2,Iris-setosa\n5.9,3.0,4.2,1.5,Iris-versicolor\n");
    Dataset part = csv.read(partial);
    assertEquals(3, part.classes());
    assertEquals(data.classNames(), part.classNames());
    // Indexes have no names.
    assertEquals(List.of(), Csv.reader().header(false).labelColumn(4)
        .read(write("5.1,3.5,1.4,0.2,1\n")).classNames());
    // A name not given and an index are refused with the line.
    Path unknown = write("x,answer\n1,yes\n2,maybe\n");
    IOException e = assertThrows(IOException.class,
        () -> Csv.reader().labelColumn("answer").classNames("no", "yes").read(unknown));
    assertEquals(unknown + ": line 3, label column 'answer' (1) must hold one of the class names"
        + " given (no, yes), but was 'maybe'", e.getMessage());
    // Spaces around a field are dropped, as for every field; case is not.
    Path spaced = write("x,answer\n1, yes \n2,no\n");
    assertArrayEquals(new int[] {1, 0},
        Csv.reader().labelColumn("answer").classNames("no", "yes").read(spaced).labels());
    Path upper = write("x,answer\n1,Yes\n");
    assertThrows(IOException.class,
        () -> Csv.reader().labelColumn("answer").classNames("no", "yes").read(upper));
    Path index = write("x,answer\n1,1\n");
    e = assertThrows(IOException.class,
        () -> Csv.reader().labelColumn("answer").classNames("no", "yes").read(index));
    assertTrue(e.getMessage().endsWith("but was '1'; for class indexes, read the column without"
        + " classNames"), e.getMessage());
    // Bad names, and names for a regression, are refused before reading.
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> Csv.reader().classNames("a", "b", "a"));
    assertEquals("class names must differ, but 'a' was given twice", bad.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Csv.reader().classNames());
    assertThrows(IllegalArgumentException.class, () -> Csv.reader().classNames("a", null));
    bad = assertThrows(IllegalArgumentException.class, () -> Csv.reader().classNames("no", " yes"));
    assertEquals("class names must not be empty nor begin or end with spaces, which every field"
        + " drops, but element 1 was ' yes'", bad.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Csv.reader().classNames("", "a"));
    // Names that are numbers: a number not among them gets no hint about indexes.
    Path numbers = write("x,grade\n1,3\n2,4\n");
    e = assertThrows(IOException.class,
        () -> Csv.reader().labelColumn("grade").classNames("1", "2", "3").read(numbers));
    assertTrue(e.getMessage().endsWith("must hold one of the class names given (1, 2, 3), but was"
        + " '4'"), e.getMessage());
    IllegalStateException both = assertThrows(IllegalStateException.class,
        () -> Csv.reader().targetColumns("x").classNames("a").read(unknown));
    assertEquals("class names name the classes of a label column, but target columns were chosen"
        + " before reading " + unknown, both.getMessage());
  }

  @Test
  void aBadLabelIsReported() throws IOException {
    Path file = write("x,label\n1,cat\n");
    IOException e =
        assertThrows(IOException.class, () -> Csv.reader().labelColumn("label").read(file));
    assertEquals(file + ": line 2, label column 'label' (1) must be a non-negative integer class"
        + " index, but was 'cat'; if the column holds class names, give them in class order with"
        + " classNames(...)", e.getMessage());
    // Digits of other scripts are not numbers here, as for features.
    Path arabic = write("x,label\n1,\u0661\n");
    e = assertThrows(IOException.class, () -> Csv.reader().labelColumn("label").read(arabic));
    assertEquals(arabic + ": line 2, label column 'label' (1) must be a non-negative integer"
        + " class index, but was '\u0661'", e.getMessage());
  }

  @Test
  void aShortRecordIsReported() throws IOException {
    Path file = write("x,y,label\n1,2,0\n3,1\n");
    IOException e =
        assertThrows(IOException.class, () -> Csv.reader().labelColumn("label").read(file));
    assertEquals(file + ": line 3 must have 3 fields like the first line, but had 2",
        e.getMessage());
  }

  @Test
  void aMissingColumnListsTheColumns() throws IOException {
    Path file = write("x,y\n1,2\n");
    IOException e =
        assertThrows(IOException.class, () -> Csv.reader().labelColumn("label").read(file));
    assertEquals(file + ": the header must have a column 'label', but its columns are [x, y]",
        e.getMessage());
  }

  /**
   * As RFC 4180 (and pandas): a quoted field may hold line breaks, in a header, a class name or a
   * number's padding; a record's errors name the line it starts on, and the lines after it keep
   * their numbers in the file.
   */
  @Test
  void quotedFieldsMayHoldLineBreaks() throws IOException {
    Path file = write("\"x\nwidth\",label\r\n1,\"two\r\nlines\"\r\n\"\n2.5\n\",\"one\"\n"
        + "\n3,\"one\"\n");
    Dataset data = Csv.reader().labelColumn("label").classNames("one", "two\nlines").read(file);
    assertArrayEquals(new float[] {1, 2.5f, 3}, data.features());
    assertArrayEquals(new int[] {1, 0, 0}, data.labels());
    assertEquals(List.of("one", "two\nlines"), data.classNames());
    // A record over lines 2-3, one over lines 4-6, a blank line 7: the bad number is on line 8.
    Path bad = write("x,label\n1,\"a\nb\"\n\"\n2\n\",c\n\nx,c\n");
    assertEquals(bad + ": line 8, column 'x' (0) must be a finite decimal number, but was 'x'",
        assertThrows(IOException.class,
            () -> Csv.reader().labelColumn("label").classNames("a\nb", "c").read(bad))
            .getMessage());
    Path short_ = write("x,y,label\n1,\"2\n\"\n3,0\n");
    assertEquals(short_ + ": line 2 must have 3 fields like the first line, but had 2",
        assertThrows(IOException.class, () -> Csv.reader().labelColumn("label").read(short_))
            .getMessage());
  }

  @Test
  void anOpenQuoteAndAnEmptyFileAreReported() throws IOException {
    Path quoted = write("x,label\n\"1,0\n2,1\n");
    assertEquals(quoted + ": line 2 must close every quoted field, but a quote was left open to"
        + " the end of the file",
        assertThrows(IOException.class, () -> Csv.reader().labelColumn("label").read(quoted))
            .getMessage());
    // A quote inside an unquoted field, or text after a closing quote, is not RFC 4180.
    String[][] cases = {{"x,label\n1\"2\",0\n", "2, column 'x' (0)", "1\"2\""},
        {"x,label\n\"1\"2,0\n", "2, column 'x' (0)", "\"1\"2"},
        {"x,label\n3, 0\"\n", "2, column 'label' (1)", "0\""},
        {"x,lab\"el\n1,0\n", "1, column 1", "lab\"el"}};
    for (String[] c : cases) {
      Path bad = write(c[0]);
      assertEquals(bad + ": line " + c[1] + " must be quoted whole (\"...\", a quote inside"
          + " doubled) or not at all, but was " + c[2],
          assertThrows(IOException.class, () -> Csv.reader().labelColumn("label").read(bad))
              .getMessage());
    }
    // Quoted whole, with spaces around and a doubled quote inside a name: read.
    Path fine = write("\"x \"\"a\"\"\", label\n \"1.5\" ,\"0\"\n");
    Dataset data = Csv.reader().labelColumn("label").read(fine);
    assertEquals(1.5f, data.features()[0]);
    assertEquals(0, data.labels()[0]);
    Path empty = write("x,label\n");
    assertEquals(empty + ": must hold at least one record, but had none",
        assertThrows(IOException.class, () -> Csv.reader().labelColumn("label").read(empty))
            .getMessage());
  }
}
