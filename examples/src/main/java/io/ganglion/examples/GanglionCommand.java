package io.ganglion.examples;

import io.ganglion.examples.fashion.FashionCommand;
import io.ganglion.examples.fashion.PredictCommand;
import io.ganglion.train.TrainingDivergedException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The examples' command line, {@code java -jar ganglion-examples.jar [command] [options]}: trains
 * the Fashion-MNIST classifier when no command is given.
 */
@Command(
    name = "ganglion",
    mixinStandardHelpOptions = true,
    version = GanglionCommand.VERSION,
    description = {
      "Networks declared as annotated Java classes, compiled to Java code and trained here.",
      "Without a command, runs 'fashion' (options such as --epochs go to it)."
    },
    subcommands = {
      FashionCommand.class,
      XorCommand.class,
      CurveCommand.class,
      TabularCommand.class,
      PredictCommand.class,
      CommandLine.HelpCommand.class
    })
public final class GanglionCommand implements Runnable {
  /** What {@code --version} prints, for this command and every subcommand. */
  public static final String VERSION = "ganglion-examples 0.1.0-SNAPSHOT";

  private static final Set<String> OWN_OPTIONS = Set.of("-h", "--help", "-V", "--version");

  @Override
  public void run() {
    // Never reached: execute() routes a command line without a command to 'fashion'.
    throw new CommandLine.ParameterException(new CommandLine(this), "a command is required");
  }

  public static void main(String[] args) {
    System.exit(execute(System.out, System.err, args));
  }

  /** Runs a command line, printing to {@code out} and {@code err}; returns the exit code. */
  public static int execute(PrintStream out, PrintStream err, String... args) {
    String[] line = args;
    if (args.length == 0 || (args[0].startsWith("-") && !OWN_OPTIONS.contains(args[0]))) {
      line = new String[args.length + 1];
      line[0] = "fashion";
      System.arraycopy(args, 0, line, 1, args.length);
    }
    CommandLine commandLine = new CommandLine(new GanglionCommand(), new Factory(out));
    // --model cnn, --network mlp: enum options in lower case, as users type them.
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    commandLine.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    commandLine.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    commandLine.setExecutionExceptionHandler((e, cl, parsed) -> {
      // Expected failures (a missing file, a wrong shape, a diverged run) print one line, not a
      // stack trace.
      if (e instanceof IOException || e instanceof UncheckedIOException
          || e instanceof IllegalArgumentException || e instanceof IllegalStateException
          || e instanceof TrainingDivergedException) {
        cl.getErr().println("error: " + describe(e));
        return 1;
      }
      throw e;
    });
    return commandLine.execute(line);
  }

  /**
   * An exception's message for a one-line error: file-system exceptions say which file and why
   * (their own message is often the bare path).
   */
  static String describe(Throwable e) {
    Throwable cause = e instanceof UncheckedIOException ? e.getCause() : e;
    if (cause instanceof NoSuchFileException) {
      return ((NoSuchFileException) cause).getFile() + ": no such file or directory";
    }
    if (cause instanceof AccessDeniedException) {
      return ((AccessDeniedException) cause).getFile() + ": permission denied";
    }
    if (cause instanceof FileSystemException && ((FileSystemException) cause).getReason() != null) {
      FileSystemException f = (FileSystemException) cause;
      return f.getFile() + ": " + f.getReason();
    }
    return e.getMessage();
  }

  /** Hands every subcommand the output stream. */
  private static final class Factory implements CommandLine.IFactory {
    private final PrintStream out;

    Factory(PrintStream out) {
      this.out = out;
    }

    @Override
    public <K> K create(Class<K> type) throws Exception {
      if (Output.class.isAssignableFrom(type)) {
        K command = CommandLine.defaultFactory().create(type);
        ((Output) command).setOut(out);
        return command;
      }
      return CommandLine.defaultFactory().create(type);
    }
  }

  /** A command that prints to the stream {@link #execute} was given. */
  public interface Output {
    /** Sets the stream for results and progress. */
    void setOut(PrintStream out);
  }
}
