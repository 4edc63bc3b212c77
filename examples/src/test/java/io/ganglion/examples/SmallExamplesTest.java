package io.ganglion.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmallExamplesTest {
  @TempDir Path dir;

  @Test
  void xorLearnsAllFourCases() {
    Cli cli = Cli.run("xor");
    assertEquals(0, cli.exitCode(), cli::toString);
    for (String line : List.of("0 xor 0 -> 0", "0 xor 1 -> 1", "1 xor 0 -> 1", "1 xor 1 -> 0")) {
      assertTrue(cli.out().contains(line), () -> line + " missing in\n" + cli);
    }
  }

  @Test
  void curveFitsTheSine() {
    Cli cli = Cli.run("curve", "--quiet");
    assertEquals(0, cli.exitCode(), cli::toString);
    double rms = cli.number("rms ");
    assertTrue(rms < 0.05, () -> "rms error must be below 0.05, but was " + rms + "\n" + cli);
  }

  @Test
  void tabularClassifiesTheBundledFlowers() {
    Cli cli = Cli.run("tabular", "--quiet");
    assertEquals(0, cli.exitCode(), cli::toString);
    double accuracy = cli.number("test accuracy: ");
    assertTrue(accuracy >= 0.8, () -> "test accuracy must be at least 0.8\n" + cli);
    assertTrue(cli.out().contains("versicolor-like"), cli::toString);
  }

  @Test
  void tabularRefusesOptionsOfACsvFileWithoutOne() {
    Cli cli = Cli.run("tabular", "--quiet", "--delimiter", ";", "--features", "a,b");
    assertEquals(1, cli.exitCode(), cli::toString);
    assertTrue(cli.err().startsWith("error: --delimiter, --features must come with --csv FILE,"
        + " as they say how to read that file, but no --csv was given"), cli::toString);
  }

  @Test
  void tabularReadsACsvWithANamedLabelColumn() throws Exception {
    StringBuilder csv = new StringBuilder("a,b,kind,c,d\n");
    for (int i = 0; i < 60; i++) {
      int kind = i % 2;
      csv.append(kind * 3 + (i % 5) * 0.1).append(",1,").append(kind).append(",")
          .append(-kind).append(",").append(i % 7).append('\n');
    }
    Path file = Files.writeString(dir.resolve("two.csv"), csv);
    Cli cli = Cli.run("tabular", "--quiet", "--csv", file.toString(), "--label", "kind",
        "--classes", "left,right");
    assertEquals(0, cli.exitCode(), cli::toString);
    assertEquals(1.0, cli.number("test accuracy: "), cli::toString);
    assertTrue(cli.out().contains("right"), cli::toString);
  }

  /** A label column of class names, which --classes gives in class order. */
  @Test
  void tabularReadsALabelColumnOfTheClassNamesGiven() throws Exception {
    StringBuilder csv = new StringBuilder("a,b,tier,c,d\n");
    String[] tiers = {"bronze", "silver", "gold"};
    for (int i = 0; i < 90; i++) {
      int tier = i % 3;
      csv.append(tier * 3 + (i % 5) * 0.1).append(",1,").append(tiers[tier]).append(",")
          .append(-tier).append(",").append(i % 7).append('\n');
    }
    Path file = Files.writeString(dir.resolve("tiers.csv"), csv);
    Cli cli = Cli.run("tabular", "--quiet", "--csv", file.toString(), "--label", "tier",
        "--classes", "bronze,silver,gold");
    assertEquals(0, cli.exitCode(), cli::toString);
    assertEquals(1.0, cli.number("test accuracy: "), cli::toString);
    assertTrue(cli.out().contains("gold"), cli::toString);
    // Without --classes the reader's hint names the option, not a Java method.
    Cli unnamed = Cli.run("tabular", "--csv", file.toString(), "--label", "tier");
    assertTrue(unnamed.err().contains("give them in class order with --classes"),
        unnamed::toString);
    // A name not given is the error, rather than the index reading's.
    Cli missing = Cli.run("tabular", "--csv", file.toString(), "--label", "tier",
        "--classes", "bronze,silver");
    assertTrue(missing.err().contains("must hold one of the class names given (bronze, silver),"
        + " but was 'gold'"), missing::toString);
    Cli tooMany = Cli.run("tabular", "--csv", file.toString(), "--label", "tier",
        "--classes", "bronze,silver,gold,platinum");
    assertTrue(tooMany.err().contains("--classes must name at most the 3 classes of Flowers, but"
        + " named 4: [bronze, silver, gold, platinum]"), tooMany::toString);
    // Spaces after the commas are no part of the names, read or printed.
    Cli spaced = Cli.run("tabular", "--csv", file.toString(), "--label", "tier",
        "--classes", "bronze, silver, gold");
    assertEquals(0, spaced.exitCode(), spaced::toString);
    assertTrue(spaced.out().contains("\n          bron silv gold\n  bronze     "),
        spaced::toString);
  }

  @Test
  void tabularNamesClassesItCannotShortenAndSkipsClassesWithoutTestSamples() throws Exception {
    // Classes 0 and 1 of 40 rows each, and a class 2 of one row, which the split keeps in
    // training: its report row has no support and zeros (scikit-learn's zero_division=0), no NaN.
    StringBuilder csv = new StringBuilder("a,b,c,d,label\n");
    for (int i = 0; i < 80; i++) {
      csv.append(i % 2 * 4 + i % 3 * 0.1).append(',').append(i % 5).append(",1,")
          .append(i % 7).append(',').append(i % 2).append('\n');
    }
    csv.append("9,9,1,9,2\n");
    Path file = Files.writeString(dir.resolve("three.csv"), csv);
    Cli cli = Cli.run("tabular", "--csv", file.toString(), "--label", "label", "--epochs", "5");
    assertEquals(0, cli.exitCode(), cli::toString);
    assertTrue(cli.out().matches("(?s).*\n +class 2 +0\\.0000 +0\\.0000 +0\\.0000 +0\n.*"),
        cli::toString);
    assertFalse(cli.out().contains("NaN"), cli::toString);
    // "class 0" to "class 2" cut to the matrix's cells would all read "clas": numbers instead.
    assertFalse(cli.out().contains("clas "), cli::toString);
    // Data of two classes, unnamed: the report lists those two, not Flowers's third output, and
    // its macro average is theirs.
    Path binary = Files.writeString(dir.resolve("binary.csv"),
        csv.substring(0, csv.lastIndexOf("9,9,1,9,2\n")));
    Cli unnamed =
        Cli.run("tabular", "--csv", binary.toString(), "--label", "label", "--epochs", "5");
    assertEquals(0, unnamed.exitCode(), unnamed::toString);
    assertTrue(unnamed.out().contains("     class 1 "), unnamed::toString);
    assertFalse(unnamed.out().contains("     class 2 "), unnamed::toString);
    // Two classes named (Flowers has three outputs): the third is its number, not "clas".
    Cli named = Cli.run("tabular", "--csv", binary.toString(), "--label", "label", "--epochs", "5",
        "--classes", "odd,even");
    assertEquals(0, named.exitCode(), named::toString);
    assertTrue(named.out().matches("(?s).*\n +odd +even +2\n.*"), named::toString);
  }

  @Test
  void tabularNamesTheTestFractionWhenTheSplitFails() throws Exception {
    Path file = Files.writeString(dir.resolve("six.csv"),
        "a,b,c,d,label\n1,2,3,4,0\n2,3,4,5,0\n1,1,1,1,1\n2,2,2,2,1\n5,5,5,5,2\n6,6,6,6,2\n");
    // 5% of 6 rows rounds to none (a stratified split holds round(fraction * rows) in all).
    Cli cli = Cli.run("tabular", "--csv", file.toString(), "--label", "label",
        "--test-fraction", "0.05");
    assertEquals(1, cli.exitCode(), cli::toString);
    assertTrue(cli.err().startsWith("error: --test-fraction 0.05 cannot split 6 rows"),
        cli::toString);
  }

  @Test
  void tabularReadsOtherDelimitersHeaderlessFilesAndChosenFeatures() throws Exception {
    StringBuilder semicolons = new StringBuilder("id;a;b;c;d;label\n");
    StringBuilder tabs = new StringBuilder();
    for (int i = 0; i < 60; i++) {
      int kind = i % 2;
      String row = (kind * 3 + (i % 5) * 0.1) + ";1;" + (-kind) + ";" + (i % 7) + ";" + kind;
      semicolons.append(1000 + i).append(';').append(row).append('\n');
      tabs.append(row.replace(';', '\t')).append('\n');
    }
    Path semi = Files.writeString(dir.resolve("semi.csv"), semicolons);
    Cli chosen = Cli.run("tabular", "--quiet", "--csv", semi.toString(), "--delimiter", ";",
        "--label", "label", "--features", "a,b,c,d");
    assertEquals(0, chosen.exitCode(), chosen::toString);
    assertEquals(1.0, chosen.number("test accuracy: "), chosen::toString);
    Path tsv = Files.writeString(dir.resolve("plain.tsv"), tabs);
    Cli headerless = Cli.run("tabular", "--quiet", "--csv", tsv.toString(), "--delimiter", "tab",
        "--no-header", "--label", "4");
    assertEquals(0, headerless.exitCode(), headerless::toString);
    assertTrue(headerless.out().contains("60 rows"), headerless::toString);
    // Without a header, an id column is left out by naming the feature columns by number.
    Path semiNoHeader = Files.writeString(dir.resolve("semi-no-header.csv"),
        semicolons.substring(semicolons.indexOf("\n") + 1));
    Cli byNumber = Cli.run("tabular", "--quiet", "--csv", semiNoHeader.toString(),
        "--delimiter", ";", "--no-header", "--label", "5", "--features", "1,2,3,4");
    assertEquals(0, byNumber.exitCode(), byNumber::toString);
    assertEquals(1.0, byNumber.number("test accuracy: "), byNumber::toString);
    Cli byName = Cli.run("tabular", "--csv", semiNoHeader.toString(), "--delimiter", ";",
        "--no-header", "--label", "5", "--features", "a,b,c,d");
    assertTrue(byName.err().contains("--features must be column numbers (from 0) with"
        + " --no-header, but held 'a'"), byName::toString);
    Cli notANumber = Cli.run("tabular", "--csv", tsv.toString(), "--no-header");
    assertTrue(notANumber.err().contains("--label must be a column number"), notANumber::toString);
    Cli blankName = Cli.run("tabular", "--classes", "a,,c");
    assertTrue(blankName.err().startsWith("error: --classes must give every class a name, but"
        + " was 'a,,c'"), blankName::toString);
    // The bundled file's errors do not name its temporary copy.
    Cli bundled = Cli.run("tabular", "--label", "nosuch");
    assertTrue(bundled.err().startsWith("error: the bundled flowers.csv"), bundled::toString);
  }

  /** The reader's hints name this command's options, not the library's methods. */
  @Test
  void tabularHintsNameItsOptions() throws Exception {
    Path semi = Files.writeString(dir.resolve("semi.csv"), "a;b;c;d;label\n1;2;3;4;0\n");
    Cli delimiter = Cli.run("tabular", "--csv", semi.toString(), "--label", "label");
    assertTrue(delimiter.err().endsWith("holding ';': use --delimiter ';'\n"), delimiter::toString);
    Path numbers = Files.writeString(dir.resolve("numbers.csv"), "1,2,3,4,0\n5,6,7,8,1\n");
    Cli header = Cli.run("tabular", "--csv", numbers.toString(), "--label", "label");
    assertTrue(header.err().endsWith("; the first line holds only numbers: if the file has no"
        + " header, --no-header reads it as a record, with --label and --features as column"
        + " numbers from 0\n"), header::toString);
    Path decimal = Files.writeString(dir.resolve("decimal.csv"), "a,b,c,d,y\n1,2,3,4,0.5\n");
    Cli label = Cli.run("tabular", "--csv", decimal.toString(), "--label", "y");
    assertTrue(label.err().endsWith("; this command trains a classifier, whose labels are class"
        + " indexes 0, 1, ...\n"), label::toString);
    assertFalse(label.err().contains("targetColumns"), label::toString);
  }

  @Test
  void tabularRefusesACsvOfAnotherShape() throws Exception {
    Path file = Files.writeString(
        dir.resolve("wide.csv"), "a,b,c,d,e,y\n1,2,3,4,5,0\n6,7,8,9,1,1\n");
    Cli cli = Cli.run("tabular", "--csv", file.toString(), "--label", "y");
    assertEquals(1, cli.exitCode(), cli::toString);
    assertTrue(cli.err().contains("must have 4 feature columns besides 'y'"), cli::toString);
    assertTrue(cli.err().contains("but had 5"), cli::toString);
  }
}
