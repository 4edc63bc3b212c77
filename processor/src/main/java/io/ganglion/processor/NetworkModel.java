package io.ganglion.processor;

import com.palantir.javapoet.ClassName;
import io.ganglion.Loss;
import java.util.List;
import javax.lang.model.element.TypeElement;

/**
 * A validated {@code @Network} class: everything the writer needs, with every shape resolved.
 *
 * @param element the annotated class, the generated file's single originating element
 * @param networkClass the annotated class's name
 * @param generatedClass {@code Net_<Name>} ({@code Net_Outer_Inner} for nested classes)
 * @param vector whether to also generate Vector API kernels (the compilation has the module)
 */
record NetworkModel(
    TypeElement element,
    ClassName networkClass,
    ClassName generatedClass,
    Shape input,
    Loss loss,
    List<LayerModel> layers,
    boolean vector) {

  /** The same network, with or without Vector API kernels. */
  NetworkModel withVector(boolean vector) {
    return new NetworkModel(element, networkClass, generatedClass, input, loss, layers, vector);
  }

  /** Input values per sample. */
  int inputs() {
    return (int) input.size();
  }

  boolean has(LayerModel.Kind kind) {
    for (LayerModel layer : layers) {
      if (layer.kind() == kind) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the network behaves differently in training (dropout, batch norm): its generated
   * forward pass then takes a training flag, and its constructor a noise seed.
   */
  boolean hasModes() {
    return has(LayerModel.Kind.DROPOUT) || has(LayerModel.Kind.BATCH_NORM);
  }

  LayerModel last() {
    return layers.get(layers.size() - 1);
  }

  int outputs() {
    return last().units();
  }

  long parameterCount() {
    long total = 0;
    for (LayerModel layer : layers) {
      total += layer.parameterCount();
    }
    return total;
  }

  long multiplyAdds() {
    long total = 0;
    for (LayerModel layer : layers) {
      total += layer.multiplyAdds();
    }
    return total;
  }
}
