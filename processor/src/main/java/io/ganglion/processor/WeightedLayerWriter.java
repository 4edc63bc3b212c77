package io.ganglion.processor;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import javax.lang.model.element.Modifier;

/**
 * What the layers with a weight and an optional bias (dense and convolution) write alike: the
 * fields of their parameters and gradients, a transposed copy of the weight for the input
 * gradient, their binding in the constructor, and the zeroing of their gradients.
 */
abstract class WeightedLayerWriter extends LayerWriter {
  WeightedLayerWriter(LayerModel layer, LayerModel previous, boolean inputGradient) {
    super(layer, previous, inputGradient);
  }

  String weight() {
    return layer.name() + "Weight";
  }

  String weightGrad() {
    return layer.name() + "WeightGrad";
  }

  String bias() {
    return layer.name() + "Bias";
  }

  String biasGrad() {
    return layer.name() + "BiasGrad";
  }

  /** The per-step copy of the weights laid out for the input gradient. */
  abstract String weightScratch();

  @Override
  void addParameterFields(TypeSpec.Builder type) {
    type.addField(ROWS, weight(), Modifier.PRIVATE, Modifier.FINAL);
    type.addField(ROWS, weightGrad(), Modifier.PRIVATE);
    if (layer.bias()) {
      type.addField(float[].class, bias(), Modifier.PRIVATE, Modifier.FINAL);
      type.addField(float[].class, biasGrad(), Modifier.PRIVATE);
    }
    if (inputGradient) {
      type.addField(ROWS, weightScratch(), Modifier.PRIVATE);
    }
  }

  @Override
  int tensorCount() {
    return layer.bias() ? 2 : 1;
  }

  /**
   * Binds the weight (parameter {@code k}) and the bias (parameter {@code k + 1}, if any) to
   * their fields; returns the bias parameter's expression for the layer view, or {@code "null"}.
   */
  String assignWeights(CodeBlock.Builder body, CodeBlock.Builder training, int k) {
    body.addStatement("$L = p[$L].data()", weight(), k);
    training.addStatement("$L = p[$L].grad()", weightGrad(), k);
    if (!layer.bias()) {
      return "null";
    }
    body.addStatement("$L = p[$L].data()[0]", bias(), k + 1);
    training.addStatement("$L = p[$L].grad()[0]", biasGrad(), k + 1);
    return "p[" + (k + 1) + "]";
  }

  /** Zeroes the bias gradient, if the layer has a bias. */
  CodeBlock zeroBiasGradient() {
    return layer.bias()
        ? CodeBlock.of("$T.fill($L, 0f);\n", ARRAYS, biasGrad())
        : CodeBlock.of("");
  }
}
