package io.ganglion.io;

import io.ganglion.Activation;
import io.ganglion.Layer;
import io.ganglion.Loss;
import io.ganglion.Model;
import io.ganglion.Parameter;
import java.util.List;

/**
 * A hand-written stand-in for a generated network (the processor lives in another module): two
 * dense layers named {@code hidden} (ReLU) and {@code out} (linear), with storage laid out as
 * generated code lays it out (weights transposed), and a plain forward pass.
 */
final class TwoLayerNet implements Model {
  private final String name;
  private final int inputs;
  private final int hidden;
  private final int outputs;
  private final Parameter hiddenWeight;
  private final Parameter hiddenBias;
  private final Parameter outWeight;
  private final Parameter outBias;
  private final List<Layer> layers;

  TwoLayerNet(String name, int inputs, int hidden, int outputs) {
    this.name = name;
    this.inputs = inputs;
    this.hidden = hidden;
    this.outputs = outputs;
    hiddenWeight = Parameter.transposed("hidden.weight", hidden, inputs);
    hiddenBias = Parameter.flat("hidden.bias", hidden);
    outWeight = Parameter.transposed("out.weight", outputs, hidden);
    outBias = Parameter.flat("out.bias", outputs);
    layers = List.of(
        new Layer("hidden", "Dense", Activation.RELU, new int[] {inputs}, new int[] {hidden},
            hiddenWeight, hiddenBias),
        new Layer("out", "Dense", Activation.LINEAR, new int[] {hidden}, new int[] {outputs},
            outWeight, outBias));
  }

  /** The usual fixture: 3 inputs, 4 hidden units, 2 outputs. */
  static TwoLayerNet small() {
    return new TwoLayerNet("TwoLayerNet", 3, 4, 2);
  }

  /** Fills every parameter with distinct values derived from {@code seed}. */
  TwoLayerNet filled(long seed) {
    long state = seed;
    for (Parameter p : parameters()) {
      for (int i = 0; i < p.size(); i++) {
        state = state * 6364136223846793005L + 1442695040888963407L;
        p.set(i, ((state >>> 40) / (float) (1 << 24)) * 2 - 1);
      }
    }
    return this;
  }

  /** Every parameter's values, in order. */
  float[][] snapshot() {
    float[][] values = new float[parameters().size()][];
    for (int i = 0; i < values.length; i++) {
      values[i] = parameters().get(i).toArray();
    }
    return values;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int inputSize() {
    return inputs;
  }

  @Override
  public int outputSize() {
    return outputs;
  }

  @Override
  public Loss loss() {
    return Loss.MSE;
  }

  @Override
  public List<Layer> layers() {
    return layers;
  }

  @Override
  public List<Parameter> parameters() {
    return List.of(hiddenWeight, hiddenBias, outWeight, outBias);
  }

  @Override
  public String summary() {
    throw new UnsupportedOperationException();
  }

  @Override
  public String spec() {
    return "Dense(" + inputs + "->" + hidden + ", RELU) Dense(" + hidden + "->" + outputs
        + ", LINEAR)";
  }

  @Override
  public void predict(float[] input, float[] output) {
    float[] h = new float[hidden];
    for (int j = 0; j < hidden; j++) {
      float sum = hiddenBias.get(j);
      for (int i = 0; i < inputs; i++) {
        sum += hiddenWeight.get(j * inputs + i) * input[i];
      }
      h[j] = Math.max(0f, sum);
    }
    for (int k = 0; k < outputs; k++) {
      float sum = outBias.get(k);
      for (int j = 0; j < hidden; j++) {
        sum += outWeight.get(k * hidden + j) * h[j];
      }
      output[k] = sum;
    }
  }

  @Override
  public int classify(float[] input) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void predictBatch(float[] inputs, int offset, int count, float[] outputs) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void classifyBatch(float[] inputs, int offset, int count, int[] classes) {
    throw new UnsupportedOperationException();
  }

  @Override
  public double forwardBackward(
      float[] inputs, int offset, int[] labels, float[] targets, int count, float gradScale) {
    throw new UnsupportedOperationException();
  }

  @Override
  public double lossSum(float[] inputs, int offset, int[] labels, float[] targets, int count) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Model replica() {
    throw new UnsupportedOperationException();
  }
}
