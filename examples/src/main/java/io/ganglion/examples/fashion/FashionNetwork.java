package io.ganglion.examples.fashion;

import io.ganglion.Model;
import io.ganglion.Parameter;
import io.ganglion.io.DType;
import io.ganglion.io.ModelFiles;
import io.ganglion.io.SafeTensors;
import io.ganglion.io.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The two Fashion-MNIST classifiers the command line trains and serves, their recommended
 * training settings, and their model files.
 *
 * <p>Model files also hold the networks' buffers (batch norm's running statistics), under
 * PyTorch's names ({@code norm2.running_mean}, ...): {@link ModelFiles} saves parameters only for
 * now, and a batch-norm network predicts with its running statistics, so a file without them would
 * load and then predict badly.
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
    if (model.buffers().isEmpty()) {
      ModelFiles.save(model, file);
      return;
    }
    List<Tensor> tensors = new ArrayList<>();
    for (Parameter p : model.parameters()) {
      tensors.add(Tensor.of(p.name(), DType.F32, p.shape(), p.toArray()));
    }
    for (Parameter b : model.buffers()) {
      tensors.add(Tensor.of(b.name(), DType.F32, b.shape(), b.toArray()));
    }
    SafeTensors.of(ModelFiles.metadata(model), tensors).write(file);
  }

  /**
   * Loads a model file saved by {@link #save}. The network is the one the file names in its
   * metadata; {@code requested}, if not null, must be that one (and chooses the network for a
   * file without Ganglion metadata, such as one written by PyTorch; the default is the MLP).
   */
  static Model load(Path file, FashionNetwork requested) throws IOException {
    SafeTensors tensors = SafeTensors.read(file);
    String recorded = tensors.metadata().get(ModelFiles.NETWORK_KEY);
    FashionNetwork network = requested == null ? MLP : requested;
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
    List<Parameter> buffers = model.buffers();
    if (buffers.isEmpty()) {
      ModelFiles.load(model, file);
      return model;
    }
    Set<String> missing = new LinkedHashSet<>();
    for (Parameter b : buffers) {
      Tensor t = tensors.tensor(b.name());
      if (t == null) {
        missing.add(b.name());
      } else if (!Arrays.equals(t.shape(), b.shape())) {
        throw new IllegalArgumentException(file + ": tensor '" + b.name() + "': shape must be "
            + Arrays.toString(b.shape()) + " as in " + model.name() + ", but was "
            + Arrays.toString(t.shape()));
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(file + ": " + model.name() + " needs its batch-norm"
          + " statistics " + missing + ", but the file does not have them; save the model with"
          + " the fashion command");
    }
    // The parameters are checked by ModelFiles; nothing but them and the buffers may be there.
    Set<String> known = new LinkedHashSet<>();
    for (Parameter p : model.parameters()) {
      known.add(p.name());
    }
    for (Parameter b : buffers) {
      known.add(b.name());
    }
    for (Tensor t : tensors.tensors()) {
      if (!known.contains(t.name())) {
        throw new IllegalArgumentException(file + ": tensor '" + t.name() + "' must be one of "
            + model.name() + "'s parameters or buffers, but is not; they are " + known);
      }
    }
    ModelFiles.loadIgnoringUnexpected(model, file);
    for (Parameter b : buffers) {
      b.copyFrom(tensors.tensor(b.name()).values());
    }
    return model;
  }
}
