package io.ganglion.examples.fashion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ganglion.Parameter;
import io.ganglion.examples.Cli;
import io.ganglion.io.ModelFiles;
import io.ganglion.io.SafeTensors;
import io.ganglion.io.Tensor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fashion --model cnn}: one epoch of the convolutional network on the embedded subset
 * through the command line, its report, and {@code predict} on the file it saved.
 */
class CnnSubsetTest {
  @TempDir static Path dir;
  static Path model;
  static Path report;
  static Cli training;

  @BeforeAll
  static void train() {
    model = dir.resolve("cnn.safetensors");
    report = dir.resolve("cnn.html");
    training = Cli.run("--subset", "--model", "cnn", "--epochs", "1", "--quiet",
        "--save", model.toString(), "--report", report.toString());
  }

  @Test
  void trainsTheCnnForOneEpoch() {
    assertEquals(0, training.exitCode(), training::toString);
    assertTrue(training.out().contains("trained 1 epoch in "), training::toString);
    // One epoch on 10,000 images gave 0.85 (plain Java) and 0.85 (Vector API).
    double accuracy = training.number("test accuracy: ");
    assertTrue(accuracy > 0.75, () -> "accuracy must be above 0.75\n" + training);
  }

  @Test
  void theSameSeedGivesTheSameFile() throws Exception {
    // Dropout masks, batch norm statistics and two threads: still bit-identical.
    Path again = dir.resolve("again.safetensors");
    Cli cli = Cli.run("--subset", "--model", "cnn", "--epochs", "1", "--quiet",
        "--save", again.toString());
    assertEquals(0, cli.exitCode(), cli::toString);
    assertArrayEquals(Files.readAllBytes(model), Files.readAllBytes(again));
  }

  @Test
  void savesTheBatchNormStatisticsWithTheWeights() throws Exception {
    Net_FashionCnn fresh = new Net_FashionCnn(0);
    String header = new String(Files.readAllBytes(model), StandardCharsets.ISO_8859_1);
    assertTrue(header.contains("\"FashionCnn\""), "metadata names the network");
    for (var buffer : fresh.buffers()) {
      assertTrue(header.contains("\"" + buffer.name() + "\""), buffer.name());
    }
    var loaded = FashionNetwork.load(model, null);
    assertEquals("FashionCnn", loaded.name());
    // Trained running statistics, not the initial mean 0 and variance 1.
    assertTrue(loaded.buffers().get(0).get(0) != 0f, "running_mean was loaded");
  }

  @Test
  void reportShowsTheCnnRun() throws Exception {
    String html = Files.readString(report, StandardCharsets.UTF_8);
    assertTrue(html.contains("FashionCnn (conv 32 3x3"), "settings name the network");
    assertTrue(html.contains("Adam lr 0.001"), "settings name the optimizer");
    assertEquals(3, html.split("<svg ", -1).length - 1, "two charts and the heat map");
    assertTrue(html.split("data:image/png;base64,", -1).length > 20, "misclassified images");
  }

  @Test
  void predictFindsTheCnnInTheFile() {
    Cli cli = Cli.run("predict", "--model", model.toString(), "--subset",
        "--test-index", "0", "1", "2");
    assertEquals(0, cli.exitCode(), cli::toString);
    assertTrue(cli.out().contains("(FashionCnn)"), cli::toString);
    assertTrue(cli.out().contains("test[0] (true: Ankle boot): Ankle boot "), cli::toString);
    assertTrue(cli.out().contains("test[2] (true: Trouser): Trouser "), cli::toString);
  }

  @Test
  void predictRefusesAnotherNetworkThanAsked() {
    Cli cli = Cli.run("predict", "--model", model.toString(), "--network", "mlp",
        "--test-index", "0");
    assertEquals(1, cli.exitCode(), cli::toString);
    assertTrue(cli.err().contains("holds a FashionCnn, but --network mlp asks for a FashionMlp;"
        + " use --network cnn or leave it out"), cli::toString);
  }

  @Test
  void predictFindsTheCnnInAFileWithoutMetadataByItsTensors() throws Exception {
    // As PyTorch's save_file writes it: the tensors, no Ganglion metadata.
    Path fromTorch = dir.resolve("from-torch.safetensors");
    SafeTensors.of(java.util.Map.of("format", "pt"), SafeTensors.read(model).tensors())
        .write(fromTorch);
    Cli cli = Cli.run("predict", "--model", fromTorch.toString(), "--subset",
        "--test-index", "0");
    assertEquals(0, cli.exitCode(), cli::toString);
    assertTrue(cli.out().contains("(FashionCnn)"), cli::toString);
    assertTrue(cli.out().contains("test[0] (true: Ankle boot): Ankle boot "), cli::toString);
  }

  @Test
  void predictRefusesACnnFileWithoutItsBatchNormStatistics() throws Exception {
    Path weightsOnly = dir.resolve("weights-only.safetensors");
    Net_FashionCnn cnn = new Net_FashionCnn(1);
    List<Tensor> weights = new ArrayList<>();
    for (Parameter p : cnn.parameters()) {
      weights.add(Tensor.of(p.name(), p.shape(), p.toArray()));
    }
    SafeTensors.of(ModelFiles.metadata(cnn), weights).write(weightsOnly);
    Cli cli = Cli.run("predict", "--model", weightsOnly.toString(), "--test-index", "0");
    assertEquals(1, cli.exitCode(), cli::toString);
    assertTrue(
        cli.err().contains("tensors must be FashionCnn's parameters and buffers"), cli::toString);
    assertTrue(cli.err().contains(
        "it lacks [norm2.running_mean, norm2.running_var]"),
        cli::toString);
    // The same without metadata (as from PyTorch): still read as the CNN it mostly is.
    SafeTensors.of(java.util.Map.of(), weights).write(weightsOnly);
    cli = Cli.run("predict", "--model", weightsOnly.toString(), "--test-index", "0");
    assertEquals(1, cli.exitCode(), cli::toString);
    assertTrue(cli.err().contains("it lacks [norm2.running_mean, norm2.running_var]"),
        cli::toString);
  }

  @Test
  void predictReadsAnMlpFileAsTheMlpEvenWhenCnnIsAsked() throws Exception {
    Path mlp = dir.resolve("mlp.safetensors");
    ModelFiles.save(new Net_FashionMlp(1), mlp);
    Cli cli = Cli.run("predict", "--model", mlp.toString(), "--network", "cnn",
        "--test-index", "0");
    assertEquals(1, cli.exitCode(), cli::toString);
    assertTrue(cli.err().contains("holds a FashionMlp, but --network cnn asks for a FashionCnn"),
        cli::toString);
    Cli plain = Cli.run("predict", "--model", mlp.toString(), "--subset", "--test-index", "0");
    assertEquals(0, plain.exitCode(), plain::toString);
    assertTrue(plain.out().contains("(FashionMlp)"), plain::toString);
  }
}
