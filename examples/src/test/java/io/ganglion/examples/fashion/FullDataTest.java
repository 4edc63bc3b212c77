package io.ganglion.examples.fashion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.ganglion.examples.Cli;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A brief run of the default command on the full Fashion-MNIST from the Debian package {@code
 * dataset-fashion-mnist}, which {@code .ci/run} installs: it fails on CI when the data is missing,
 * and is skipped (saying why) only on a development machine without the package.
 */
class FullDataTest {
  @TempDir Path dir;

  @Test
  void threeEpochsOnTheFullDataBeat85Percent() {
    if (!FashionMnist.hasFiles(FashionMnist.DEBIAN_DIRECTORY)) {
      if (System.getenv("CI") != null) {
        fail("CI must have the full Fashion-MNIST in " + FashionMnist.DEBIAN_DIRECTORY
            + " (.ci/run installs dataset-fashion-mnist), but it was missing");
      }
      Assumptions.abort("the full Fashion-MNIST is not in " + FashionMnist.DEBIAN_DIRECTORY
          + ": install the Debian package dataset-fashion-mnist to run this test");
    }
    Cli cli = Cli.run(
        "--epochs", "3", "--quiet", "--save", dir.resolve("m.safetensors").toString());
    assertEquals(0, cli.exitCode(), cli::toString);
    assertTrue(cli.out().contains("data: Fashion-MNIST, full (60,000 train / 10,000 test) from "
        + FashionMnist.DEBIAN_DIRECTORY), cli::toString);
    double accuracy = cli.number("test accuracy: ");
    assertTrue(accuracy > 0.85, () -> "test accuracy must be above 0.85\n" + cli);
  }
}
