package io.ganglion.examples.fashion;

import io.ganglion.Model;
import io.ganglion.Parameter;
import io.ganglion.io.ModelFiles;
import io.ganglion.io.SafeTensorsReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The two Fashion-MNIST classifiers the command line trains and serves, their recommended
 * training settings, and their model files.
 *
 * <p>Model files hold the parameters and the buffers (batch norm's running statistics) under
 * PyTorch's names, through {@link ModelFiles}.
 */
enum FashionNetwork {
  MLP("FashionMlp", "784-256-128-10, ReLU", 15, 0.05),
  CNN("FashionCnn", "conv 32 3x3, max pool 2, conv 64 3x3, batch norm, max pool 2, dropout 0.25,"
      + " dense 64, dense 10", 10, 1e-3);

  private final String className;
  private final String architecture;
  private final int epochs;
  private final double learningRate;

  FashionNetwork(String className, String architecture, int epochs, double learningRate) {
    this.className = className;
    this.architecture = architecture;
    this.epochs = epochs;
    this.learningRate = learningRate;
  }

  /** The network class's simple name, as recorded in model files ({@code ganglion.network}). */
  String className() {
    return className;
  }

  /** The layers in a few words. */
  String architecture() {
    return architecture;
  }

  /** The recommended number of epochs. */
  int epochs() {
    return epochs;
  }

  /** The recommended initial learning rate (SGD with momentum for the MLP, Adam for the CNN). */
  double learningRate() {
    return learningRate;
  }

  /** The option value that selects this network: {@code mlp} or {@code cnn}. */
  String optionValue() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** A new network with weights drawn from {@code seed}. */
  Model create(long seed) {
    return this == MLP ? new Net_FashionMlp(seed) : new Net_FashionCnn(seed);
  }

  /** Saves the parameters and the buffers of {@code model} to {@code file}, atomically. */
  static void save(Model model, Path file) throws IOException {
    ModelFiles.save(model, file);
  }

  /**
   * Loads a model file saved by {@link #save}. The network is the one the file names in its
   * metadata; {@code requested}, if not null, must be that one (and chooses the network for a
   * file without Ganglion metadata, such as one written by PyTorch; without it, the network more
   * of whose tensors such a file holds, else the MLP).
   */
  static Model load(Path file, FashionNetwork requested) throws IOException {
    // The header only: the load reads the values, and names a tensor it cannot read or expect.
    SafeTensorsReader tensors;
    try (SafeTensorsReader reader = SafeTensorsReader.open(file)) {
      tensors = reader;
    }
    String recorded = tensors.metadata().get(ModelFiles.NETWORK_KEY);
    FashionNetwork network = requested == null ? MLP : requested;
    if (recorded == null && requested == null) {
      // A file from PyTorch (no metadata): the network more of whose tensors it holds (the load
      // then names what is missing or extra), else the MLP.
      int most = 0;
      for (FashionNetwork candidate : values()) {
        int held = tensorsHeld(tensors, candidate.create(0));
        if (held > most) {
          most = held;
          network = candidate;
        }
      }
    }
    if (recorded != null) {
      FashionNetwork found = null;
      for (FashionNetwork candidate : values()) {
        if (candidate.className.equals(recorded)) {
          found = candidate;
        }
      }
      if (found == null) {
        throw new IllegalArgumentException(file + " holds a " + recorded + ", but predict serves"
            + " only FashionMlp and FashionCnn; give a model saved by the fashion command");
      }
      if (requested != null && requested != found) {
        throw new IllegalArgumentException(file + " holds a " + recorded + ", but --network "
            + requested.optionValue() + " asks for a " + requested.className + "; use --network "
            + found.optionValue() + " or leave it out");
      }
      network = found;
    }
    Model model = network.create(0);
    ModelFiles.load(model, file);
    return model;
  }

  /** How many of {@code model}'s parameters and buffers the file holds, by name. */
  private static int tensorsHeld(SafeTensorsReader tensors, Model model) {
    int held = 0;
    for (Parameter p : ModelFiles.state(model)) {
      held += tensors.tensor(p.name()) != null ? 1 : 0;
    }
    return held;
  }
}
