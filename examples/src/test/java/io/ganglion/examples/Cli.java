package io.ganglion.examples;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs the command line in the test's JVM and keeps what it printed. */
public record Cli(int exitCode, String out, String err) {

  public static Cli run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = GanglionCommand.execute(o, e, args);
    }
    return new Cli(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** The number after {@code label} in the output, such as {@code "test accuracy: "}. */
  public double number(String label) {
    Matcher m = Pattern.compile(Pattern.quote(label) + "([0-9.]+)").matcher(out);
    if (!m.find()) {
      throw new AssertionError("output must contain '" + label + "<number>', but was:\n" + this);
    }
    return Double.parseDouble(m.group(1));
  }

  @Override
  public String toString() {
    return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
  }
}
