package io.ganglion.processor;

import io.ganglion.Activation;
import io.ganglion.Init;

/**
 * One validated dense layer with every size resolved.
 *
 * @param name the field's name, which names the layer everywhere (tensors, errors, summary)
 * @param index 1-based position in the network, which also picks the layer's random stream
 * @param inputs values per sample flowing in
 * @param units values per sample flowing out
 */
record LayerModel(
    String name,
    int index,
    int inputs,
    int units,
    Activation activation,
    boolean bias,
    Init init,
    float initValue) {

  /** Weights plus biases. */
  long parameterCount() {
    return (long) inputs * units + (bias ? units : 0);
  }

  /** Multiply-adds of the forward pass for one sample. */
  long multiplyAdds() {
    return (long) inputs * units;
  }

  /** The name with its first letter upper-cased, for method names such as {@code forwardHidden}. */
  String capitalized() {
    return Character.toUpperCase(name.charAt(0)) + name.substring(1);
  }
}
