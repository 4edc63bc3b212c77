package io.ganglion;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A read view of one layer of a generated network: its name (the field's), kind, shapes and
 * parameters. The generated constructor assigns one to every layer field of the network class, so
 * {@code net.hidden1.weight(unit, input)} reads a trained weight.
 */
public final class Layer {
  private final String name;
  private final String kind;
  private final Activation activation;
  private final int[] inputShape;
  private final int[] outputShape;
  private final Parameter weight;
  private final Parameter bias;
  private final List<Parameter> parameters;

  /**
   * Creates a view; called by generated code. {@code bias} may be {@code null} for a layer
   * without bias.
   */
  public Layer(
      String name,
      String kind,
      Activation activation,
      int[] inputShape,
      int[] outputShape,
      Parameter weight,
      Parameter bias) {
    if (name == null || kind == null || activation == null || inputShape == null
        || outputShape == null) {
      throw new IllegalArgumentException(
          "name, kind, activation, inputShape and outputShape must not be null");
    }
    this.name = name;
    this.kind = kind;
    this.activation = activation;
    this.inputShape = inputShape.clone();
    this.outputShape = outputShape.clone();
    this.weight = weight;
    this.bias = bias;
    List<Parameter> list = new ArrayList<>(2);
    if (weight != null) {
      list.add(weight);
    }
    if (bias != null) {
      list.add(bias);
    }
    this.parameters = Collections.unmodifiableList(list);
  }

  /** The layer's name: the name of its field. */
  public String name() {
    return name;
  }

  /** The layer's kind, such as {@code "Dense"}. */
  public String kind() {
    return kind;
  }

  /** The activation applied to the layer's output. */
  public Activation activation() {
    return activation;
  }

  /** The shape of one sample's input to this layer (a copy). */
  public int[] inputShape() {
    return inputShape.clone();
  }

  /** The shape of one sample's output of this layer (a copy). */
  public int[] outputShape() {
    return outputShape.clone();
  }

  /** Number of inputs per sample (the product of {@link #inputShape()}). */
  public int inputs() {
    return product(inputShape);
  }

  /** Number of outputs per sample (the product of {@link #outputShape()}). */
  public int units() {
    return product(outputShape);
  }

  /** The weight parameter. */
  public Parameter weight() {
    if (weight == null) {
      throw new IllegalStateException(name + (kind.equals("BatchNorm")
          ? ": the batch norm was declared with affine = false, without a weight (scale)"
          : ": a " + kind + " layer has no weight"));
    }
    return weight;
  }

  /** Whether the layer has a bias. */
  public boolean hasBias() {
    return bias != null;
  }

  /** The bias parameter; fails for a layer declared with {@code bias = false}. */
  public Parameter bias() {
    if (bias == null) {
      throw new IllegalStateException(name + (kind.equals("BatchNorm")
          ? ": the batch norm was declared with affine = false, without a bias (shift)"
          : weight == null ? ": a " + kind + " layer has no bias"
          : ": the layer was declared with bias = false"));
    }
    return bias;
  }

  /**
   * The weight from input {@code input} to unit {@code unit} ({@code W[unit][input]}); for a
   * convolution, unit is the filter and input the flat index of (channel, row, column) in its
   * kernel.
   */
  public float weight(int unit, int input) {
    Parameter w = weight();
    // A scalar weight is one unit of one input; a weight of no units has none to give.
    int units = w.shape().length == 0 ? 1 : w.shape()[0];
    int in = units == 0 ? 0 : w.size() / units;
    if (unit < 0 || unit >= units || input < 0 || input >= in) {
      throw new IndexOutOfBoundsException(
          name + ": weight(unit, input) needs unit in [0, " + units + ") and input in [0, " + in
              + "), but was (" + unit + ", " + input + ")");
    }
    return w.get(unit * in + input);
  }

  /**
   * The bias of unit (or filter) {@code unit}; {@code 0} for a layer declared with {@code bias =
   * false}. A layer without parameters (pooling, flatten, dropout) has no units to ask about, and
   * throws as {@link #bias()} does.
   */
  public float bias(int unit) {
    // Without a weight, the bias's own size (bias() throws for a layer of a kind without one).
    int units = weight != null ? (weight.shape().length == 0 ? 1 : weight.shape()[0])
        : bias().size();
    if (unit < 0 || unit >= units) {
      throw new IndexOutOfBoundsException(
          name + ": bias(unit) needs unit in [0, " + units + "), but was " + unit);
    }
    return bias == null ? 0f : bias.get(unit);
  }

  /** The layer's parameters: weight, then bias if any. */
  public List<Parameter> parameters() {
    return parameters;
  }

  private static int product(int[] shape) {
    int p = 1;
    for (int d : shape) {
      p *= d;
    }
    return p;
  }

  @Override
  public String toString() {
    // Layers without weights (pooling, flatten, dropout) apply no activation of their own.
    return name + ": " + kind + " " + Arrays.toString(inputShape) + " -> "
        + Arrays.toString(outputShape)
        + (weight == null && activation == Activation.LINEAR ? "" : ", " + activation);
  }
}
