package io.ganglion.examples;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ganglion xor}: the {@link Xor} example. */
@Command(name = "xor", mixinStandardHelpOptions = true,
    version = GanglionCommand.VERSION,
    description = "Trains a 2-8-1 network on XOR and prints its four predictions.")
final class XorCommand implements Callable<Integer>, GanglionCommand.Output {
  @Option(names = "--seed", defaultValue = "42",
      description = "Seed of the initial weights (default: ${DEFAULT-VALUE}).")
  long seed;

  private PrintStream out = System.out;

  @Override
  public void setOut(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() {
    Xor.run(seed, out);
    return 0;
  }
}
