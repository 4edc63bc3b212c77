package io.ganglion;

import io.ganglion.io.ModelFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A network generated from a {@link Network} class: its shapes, parameters, forward pass
 * (inference) and backward pass (gradients). The generated {@code Net_<Name>} implements it.
 *
 * <p>Batches are row-major: sample {@code n} of a batch with {@code inputSize()} features occupies
 * {@code inputs[(offset + n) * inputSize() .. (offset + n + 1) * inputSize())}. An instance keeps
 * its work buffers, so it is not safe to use from several threads at once; give each thread its own
 * {@link #replica()}, which shares the parameters. A generated network refuses a call made while
 * another call on the same instance runs with an {@code IllegalStateException} (most of the time:
 * two calls starting at the same moment may both pass).
 *
 * <p>Generated networks implement it; a model written by hand may too ({@code Trainer} and {@code
 * ModelFiles} take any), but later versions may add methods to this interface, with defaults.
 */
public interface Model {

  /** The simple name of the network class, such as {@code "FashionMlp"}. */
  String name();

  /** Number of input features per sample. */
  int inputSize();

  /**
   * The shape of one input sample: {@code {inputSize()}} for a vector, {@code {channels, height,
   * width}} for an image (flattened in that order in the input arrays).
   */
  default int[] inputShape() {
    return new int[] {inputSize()};
  }

  /** Number of outputs per sample. */
  int outputSize();

  /** The loss this network trains on. */
  Loss loss();

  /** The layers in order. */
  List<Layer> layers();

  /** The layer with the given field name. */
  default Layer layer(String name) {
    for (Layer layer : listedLayers()) {
      if (layer.name().equals(name)) {
        return layer;
      }
    }
    throw new IllegalArgumentException(
        name() + " has no layer named '" + name + "'; its layers are " + layerNames());
  }

  /** Every learned parameter, layer by layer, weight before bias; names as in PyTorch. */
  List<Parameter> parameters();

  /**
   * State that is saved with the model but not learned by gradients: batch normalization's {@code
   * running_mean}, {@code running_var} and {@code num_batches_tracked}, named as in a PyTorch
   * {@code state_dict}. Optimizers leave them alone; {@link #forwardBackward} updates them.
   */
  default List<Parameter> buffers() {
    return List.of();
  }

  /**
   * The state of the model's own random numbers (dropout's mask stream: its seed, the training
   * steps taken and the replicas made), for checkpoints; empty for a model without randomness.
   */
  default long[] randomState() {
    return new long[0];
  }

  /** Restores a {@link #randomState()}, so that resumed training draws the same masks. */
  default void setRandomState(long[] state) {
    if (state == null || state.length != 0) {
      throw new IllegalArgumentException(
          name() + " has no random state, but was given " + java.util.Arrays.toString(state));
    }
  }

  /** The parameter with the given name, such as {@code "hidden1.weight"}. */
  default Parameter parameter(String name) {
    for (Parameter p : parameters()) {
      if (p.name().equals(name)) {
        return p;
      }
    }
    StringBuilder names = new StringBuilder();
    for (Parameter p : parameters()) {
      names.append(names.length() == 0 ? "" : ", ").append(p.name());
    }
    boolean buffer = false;
    for (Parameter b : buffers()) {
      buffer |= b.name().equals(name);
    }
    throw new IllegalArgumentException(
        name() + " has no parameter named '" + name + "'; its parameters are [" + names + "]"
            + (buffer ? "; '" + name + "' is a buffer (a statistic, not learned): see buffers()"
                : ""));
  }

  /** Total number of learned values. */
  default long parameterCount() {
    long count = 0;
    for (Parameter p : parameters()) {
      count += p.size();
    }
    return count;
  }

  /**
   * Multiply-adds of the forward pass for one sample, known at compile time (as in {@link
   * #summary()}); a measure of work per sample, which for convolutions is far more than the
   * parameter count. The default, for models that do not know, is {@link #parameterCount()}.
   */
  default long multiplyAdds() {
    return parameterCount();
  }

  /**
   * A table of the layers with their output shapes, parameter counts and multiply-adds per
   * sample, computed at compile time.
   */
  String summary();

  /** A one-line description of the architecture, recorded in saved files. */
  String spec();

  /**
   * Runs the forward pass on one sample and writes the network's output into {@code output}
   * ({@link #outputSize()} values): probabilities for the cross-entropy losses (softmax or
   * sigmoid applied to the logits), the last layer's output otherwise. Allocates nothing.
   */
  void predict(float[] input, float[] output);

  /** Like {@link #predict(float[], float[])}, returning a new array. */
  default float[] predict(float[] input) {
    float[] output = new float[outputSize()];
    predict(input, output);
    return output;
  }

  /**
   * The predicted class of one sample: the index of the largest output, or, for a network with a
   * single output, {@code 1} if the output ({@link #predict predicted} probability or value) is
   * above 0.5, else {@code 0} (as Keras's {@code binary_accuracy} decides). With binary
   * cross-entropy the test is on the logit, above 0: the same but for logits within about 1e-7 of
   * 0, whose probability rounds to exactly 0.5.
   */
  int classify(float[] input);

  /**
   * {@link #classify(float[])} that also writes the outputs the class was decided on into {@code
   * output}, as {@link #predict(float[], float[])} would: a server that answers with both needs
   * one forward pass, not two. Generated networks run one pass and allocate nothing; this default,
   * for models written by hand, runs {@code predict} and then {@code classify}.
   */
  default int classify(float[] input, float[] output) {
    predict(input, output);
    // As generated networks: NaN probabilities (softmax of an infinite logit) give no class.
    io.ganglion.internal.Checks.outputNumbers(output, outputSize(), -1);
    return classify(input);
  }

  /**
   * Runs the forward pass on {@code count} samples starting at sample {@code offset} of {@code
   * inputs} and writes {@code count * outputSize()} values, row-major, into {@code outputs} from
   * its index 0 (the offset is the inputs' only: a loop over chunks writes each into its own
   * array, or copies it out).
   */
  void predictBatch(float[] inputs, int offset, int count, float[] outputs);

  /**
   * Like {@link #predictBatch(float[], int, int, float[])} on all of {@code inputs}; no samples
   * give no outputs.
   */
  default float[] predictBatch(float[] inputs) {
    int count = sampleCount(inputs);
    float[] outputs = new float[count * outputSize()];
    if (count > 0) { // no samples, no outputs (as a Keras or PyTorch model gives for none)
      predictBatch(inputs, 0, count, outputs);
    }
    return outputs;
  }

  /**
   * The predicted classes of {@code count} samples starting at sample {@code offset} of {@code
   * inputs}, written into {@code classes} from its index 0.
   */
  void classifyBatch(float[] inputs, int offset, int count, int[] classes);

  /**
   * Like {@link #classifyBatch(float[], int, int, int[])} on all of {@code inputs}; no samples
   * give no classes.
   */
  default int[] classifyBatch(float[] inputs) {
    int count = sampleCount(inputs);
    int[] classes = new int[count];
    if (count > 0) {
      classifyBatch(inputs, 0, count, classes);
    }
    return classes;
  }

  /**
   * Forward pass, loss and backward pass over {@code count} samples starting at sample {@code
   * offset}. Exactly one of {@code labels} (class indexes, one per sample) and {@code targets}
   * ({@link #outputSize()} values per sample, row-major) is non-null; both are indexed from {@code
   * offset} like the inputs. Overwrites every parameter's gradient with {@code gradScale} times the
   * sum over the samples of the per-sample loss gradient, and returns the sum of the per-sample
   * losses. Allocates nothing once the buffers have grown to the batch size.
   *
   * <p>Labels are checked against the outputs; float targets are taken as given, as PyTorch's
   * losses take them (a NaN gives a NaN loss; cross-entropy targets outside [0, 1], or softmax
   * rows that do not sum to 1, give a loss of no meaning): check them once beforehand, as {@code
   * Trainer.fit} does for its data.
   *
   * <p>This is the only method that runs in training mode: dropout drops values and batch
   * normalization uses the batch's statistics and updates its running ones. Every other method
   * ({@link #lossSum}, {@link #predict}, ...) runs in inference mode.
   */
  double forwardBackward(
      float[] inputs, int offset, int[] labels, float[] targets, int count, float gradScale);

  /**
   * {@link #forwardBackward(float[], int, int[], float[], int, float)} with sample weights, as
   * Keras's {@code sample_weight} (and {@code class_weight}, which {@code Trainer.classWeights}
   * turns into sample weights): unless {@code weights} is null, the loss of sample {@code offset +
   * i} and its gradient are multiplied by {@code weights[offset + i]} (finite, at least 0), and
   * the weighted sum of the losses is returned. Null weights are the unweighted method, bit for
   * bit. Generated networks implement it; this default, for models written by hand, takes null
   * weights only.
   */
  default double forwardBackward(float[] inputs, int offset, int[] labels, float[] targets,
      float[] weights, int count, float gradScale) {
    if (weights != null) {
      throw new UnsupportedOperationException(name() + " must implement forwardBackward with"
          + " sample weights to train with weights, but it is a model written by hand that"
          + " implements only the method without them");
    }
    return forwardBackward(inputs, offset, labels, targets, count, gradScale);
  }

  /**
   * Writes the class that the last {@link #forwardBackward} call's own forward pass gave each of
   * its samples into {@code classes[at..at + n)} and returns {@code n}, that call's sample count (0
   * before any call; -1 once an inference call such as {@link #predict} has run since, as it
   * reuses the buffers). The classes are those of training mode (dropout applied, batch statistics)
   * on the weights before any update, as Keras reports training accuracy; {@code Trainer} reads
   * them instead of running a second forward pass. Generated networks keep them; this default, for
   * models written by hand, keeps none and returns -1.
   */
  default int lastBatchClasses(int[] classes, int at) {
    return -1;
  }

  /**
   * Writes the outputs that the last {@link #forwardBackward} call's own forward pass gave its
   * samples ({@link #outputSize()} per sample, row-major, as {@link #predictBatch} writes them)
   * into {@code outputs[at..at + n x outputSize())} and returns {@code n}, that call's sample
   * count, as {@link #lastBatchClasses} does (0 before any call; -1 once an inference call has run
   * since). {@code Trainer} reads them for the training mse and mae of a network that outputs
   * values. This default, for models written by hand, keeps none and returns -1.
   */
  default int lastBatchOutputs(float[] outputs, int at) {
    return -1;
  }

  /**
   * The sum of the per-sample losses over {@code count} samples starting at {@code offset},
   * without computing gradients, in inference mode (no dropout; batch normalization with its
   * running statistics). Labels and targets as in {@link #forwardBackward}.
   */
  double lossSum(float[] inputs, int offset, int[] labels, float[] targets, int count);

  /**
   * {@link #lossSum}, {@link #predictBatch} and {@link #classifyBatch} from one forward pass (in
   * inference mode): returns the sum of the per-sample losses and, unless null, writes each
   * sample's outputs into {@code outputs[0..count x outputSize())} and its class into {@code
   * classes[0..count)}. Generated networks run the forward pass once; this default, for models
   * written by hand, calls the three methods.
   */
  default double evaluateBatch(float[] inputs, int offset, int[] labels, float[] targets,
      int count, float[] outputs, int[] classes) {
    double loss = lossSum(inputs, offset, labels, targets, count);
    if (outputs != null) {
      predictBatch(inputs, offset, count, outputs);
    }
    if (classes != null) {
      classifyBatch(inputs, offset, count, classes);
    }
    return loss;
  }

  /**
   * One training step's worth of gradients on a batch with class labels: returns the mean loss and
   * leaves the mean gradient in every parameter's {@link Parameter#grad()}.
   */
  default float trainStep(float[] inputs, int[] labels, int count) {
    if (labels == null) {
      throw new IllegalArgumentException("labels must not be null");
    }
    checkTrainingCount(count);
    return (float) (forwardBackward(inputs, 0, labels, null, count, 1f / count) / count);
  }

  /**
   * One training step's worth of gradients on a batch with float targets ({@link #outputSize()}
   * per sample): returns the mean loss and leaves the mean gradient in the parameters.
   */
  default float trainStep(float[] inputs, float[] targets, int count) {
    if (targets == null) {
      throw new IllegalArgumentException("targets must not be null");
    }
    checkTrainingCount(count);
    return (float) (forwardBackward(inputs, 0, null, targets, count, 1f / count) / count);
  }

  /**
   * A model that shares this one's parameter values but has its own work buffers and gradients,
   * for use on another thread (data-parallel training or concurrent inference).
   */
  Model replica();

  /**
   * Saves the parameters to {@code file} in the safetensors format, with PyTorch's {@code
   * state_dict} names and shapes, replacing the file atomically. See {@link ModelFiles#save}.
   */
  default void save(Path file) throws IOException {
    ModelFiles.save(this, file);
  }

  /**
   * Loads every parameter from a safetensors {@code file} written by Ganglion or by PyTorch with
   * matching names and shapes; on any error the model is left unchanged. See {@link
   * ModelFiles#load}.
   */
  default void load(Path file) throws IOException {
    ModelFiles.load(this, file);
  }

  /** {@link #layers()}, which a model written by hand may leave out (null): then an error. */
  private List<Layer> listedLayers() {
    List<Layer> layers = layers();
    if (layers == null) {
      throw new IllegalStateException(name() + " does not list its layers (its layers() returned"
          + " null), so it has no layer to look up");
    }
    return layers;
  }

  /** The number of samples in {@code inputs}, which must be a whole number of them. */
  private int sampleCount(float[] inputs) {
    if (inputs == null) {
      throw new IllegalArgumentException("inputs must not be null");
    }
    int size = inputSize();
    if (size < 1) {
      throw new IllegalStateException(name() + "'s inputSize() must be at least 1, but was "
          + size);
    }
    if (inputs.length % size != 0) {
      throw new IllegalArgumentException(
          "inputs must hold a whole number of samples of " + size + " values, but held "
              + inputs.length);
    }
    return inputs.length / size;
  }

  /** Refuses a batch of no samples to train on, as generated networks do. */
  private static void checkTrainingCount(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1, but was " + count);
    }
  }

  private String layerNames() {
    StringBuilder names = new StringBuilder("[");
    for (Layer layer : listedLayers()) {
      names.append(names.length() == 1 ? "" : ", ").append(layer.name());
    }
    return names.append(']').toString();
  }
}
