package io.ganglion.train;

import io.ganglion.Activation;
import io.ganglion.Layer;
import io.ganglion.Loss;
import io.ganglion.Model;
import io.ganglion.Parameter;
import io.ganglion.internal.Activations;
import io.ganglion.internal.Checks;
import io.ganglion.internal.Losses;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A hand-written {@link Model} for runtime tests, where the annotation processor is not available:
 * one dense layer {@code z = x W^T + b} trained with softmax cross-entropy (softmax regression) or
 * mean squared error (linear regression), with the storage layout generated networks use.
 */
final class LinearModel implements Model {
  private final int inputs;
  private final int outputs;
  private final Loss loss;
  private final Parameter weight;
  private final Parameter bias;
  private final List<Parameter> parameters;
  private final List<Layer> layers;
  private final float[] z;
  private final float[] d;

  private LinearModel(int inputs, int outputs, Loss loss, Parameter weight, Parameter bias,
      Activation shown) {
    this.inputs = inputs;
    this.outputs = outputs;
    this.loss = loss;
    this.weight = weight;
    this.bias = bias;
    this.parameters = List.of(weight, bias);
    this.layers = List.of(new Layer("linear", "Dense", shown, new int[] {inputs},
        new int[] {outputs}, weight, bias));
    this.z = new float[outputs];
    this.d = new float[outputs];
  }

  /** A model with weights uniform in [-0.1, 0.1) from {@code seed} and zero biases. */
  static LinearModel create(int inputs, int outputs, Loss loss, long seed) {
    return create(inputs, outputs, loss, seed, Activation.LINEAR);
  }

  /**
   * Like {@link #create(int, int, Loss, long)}, with its layer described as having activation
   * {@code shown} (the computation stays linear): for tests of what the trainer infers from the
   * last layer, with inputs chosen so that the outputs are what such a layer could give.
   */
  static LinearModel create(int inputs, int outputs, Loss loss, long seed, Activation shown) {
    LinearModel m = new LinearModel(inputs, outputs, loss,
        Parameter.transposed("linear.weight", outputs, inputs),
        Parameter.flat("linear.bias", outputs), shown);
    SplittableRandom random = new SplittableRandom(seed);
    for (int e = 0; e < m.weight.size(); e++) {
      m.weight.set(e, (float) (random.nextDouble() * 0.2 - 0.1));
    }
    return m;
  }

  @Override
  public String name() {
    return "Linear";
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
    return loss;
  }

  @Override
  public List<Layer> layers() {
    return layers;
  }

  @Override
  public List<Parameter> parameters() {
    return parameters;
  }

  @Override
  public String summary() {
    return layers.get(0).toString();
  }

  @Override
  public String spec() {
    return "Linear(" + inputs + " -> " + outputs + ", " + loss + ")";
  }

  private void logits(float[] x, int offset) {
    float[][] w = weight.data();
    System.arraycopy(bias.data()[0], 0, z, 0, outputs);
    for (int i = 0; i < inputs; i++) {
      float xi = x[offset + i];
      float[] row = w[i];
      for (int o = 0; o < outputs; o++) {
        z[o] += xi * row[o];
      }
    }
  }

  private void outputsInto(float[] out, int offset) {
    if (loss == Loss.SOFTMAX_CROSS_ENTROPY) {
      Activations.softmax(z, out, offset, outputs);
    } else {
      System.arraycopy(z, 0, out, offset, outputs);
    }
  }

  @Override
  public void predict(float[] input, float[] output) {
    Checks.input(input, inputs);
    Checks.output(output, outputs);
    logits(input, 0);
    outputsInto(output, 0);
  }

  @Override
  public int classify(float[] input) {
    float[] out = predict(input);
    return Checks.classOf(out, outputs, 0.5f);
  }

  @Override
  public void predictBatch(float[] x, int offset, int count, float[] out) {
    Checks.batchInputs(x, offset, count, inputs);
    Checks.batchOutputs(out, count, outputs);
    for (int n = 0; n < count; n++) {
      logits(x, (offset + n) * inputs);
      outputsInto(out, n * outputs);
    }
  }

  @Override
  public void classifyBatch(float[] x, int offset, int count, int[] classes) {
    Checks.batchInputs(x, offset, count, inputs);
    Checks.batchClasses(classes, count);
    for (int n = 0; n < count; n++) {
      logits(x, (offset + n) * inputs);
      outputsInto(d, 0);
      classes[n] = Checks.classOf(d, outputs, 0.5f);
    }
  }

  /**
   * How long a replica's forwardBackward (a worker's slot, whichever thread runs it) sleeps, for
   * tests of waiting; 0: not at all. Meanwhile the original model's forwardBackward (slot 0) waits
   * until a replica's has begun, so that the caller, which runs slot 0, cannot take the replica's
   * slot too: the replica's runs on a worker thread, which the caller then waits for.
   */
  static volatile long workerSleepMillis;

  /**
   * Unless null, a replica's forwardBackward counts this down on entering and then waits for
   * {@link #workerRelease}: a test holds a step in progress.
   */
  static volatile java.util.concurrent.CountDownLatch workerEntered;
  static volatile java.util.concurrent.CountDownLatch workerRelease;

  /** Whether every forwardBackward (model's and replicas') throws, for tests of failing slots. */
  static volatile boolean failEverySlot;

  /** Whether a replica's forwardBackward has begun since the test set {@link #workerSleepMillis}. */
  static volatile boolean replicaBegun;

  /** Whether this is a replica (made by {@link #replica()}): a worker's slot. */
  private boolean isReplica;

  @Override
  public double forwardBackward(
      float[] x, int offset, int[] labels, float[] targets, int count, float gradScale) {
    if (workerSleepMillis > 0) {
      if (isReplica) {
        replicaBegun = true;
        try {
          Thread.sleep(workerSleepMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      } else {
        // Spinning, not waiting on a latch: the caller may be interrupted.
        long end = System.nanoTime() + 10_000_000_000L;
        while (!replicaBegun && System.nanoTime() < end) {
          Thread.onSpinWait();
        }
      }
    }
    if (failEverySlot) {
      throw new IllegalStateException("a failing " + (isReplica ? "replica" : "model"));
    }
    if (workerEntered != null && isReplica) {
      workerEntered.countDown();
      try {
        workerRelease.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Checks.batch(x, offset, count, inputs, labels, targets, outputs, 1);
    weight.zeroGradient();
    bias.zeroGradient();
    float[][] gw = weight.grad();
    float[] gb = bias.grad()[0];
    double sum = 0;
    for (int n = 0; n < count; n++) {
      int s = offset + n;
      logits(x, s * inputs);
      sum += sampleLoss(labels, targets, s, true, gradScale);
      for (int i = 0; i < inputs; i++) {
        float xi = x[s * inputs + i];
        float[] row = gw[i];
        for (int o = 0; o < outputs; o++) {
          row[o] += xi * d[o];
        }
      }
      for (int o = 0; o < outputs; o++) {
        gb[o] += d[o];
      }
    }
    return sum;
  }

  @Override
  public double lossSum(float[] x, int offset, int[] labels, float[] targets, int count) {
    Checks.batch(x, offset, count, inputs, labels, targets, outputs, 0);
    double sum = 0;
    for (int n = 0; n < count; n++) {
      logits(x, (offset + n) * inputs);
      sum += sampleLoss(labels, targets, offset + n, false, 0f);
    }
    return sum;
  }

  private float sampleLoss(int[] labels, float[] targets, int s, boolean grad, float scale) {
    if (loss == Loss.SOFTMAX_CROSS_ENTROPY && labels == null) {
      return grad ? Losses.softmaxCrossEntropy(z, outputs, targets, s * outputs, d, scale)
          : Losses.softmaxCrossEntropy(z, outputs, targets, s * outputs);
    }
    if (loss == Loss.SOFTMAX_CROSS_ENTROPY) {
      return grad ? Losses.softmaxCrossEntropy(z, outputs, labels[s], s, d, scale)
          : Losses.softmaxCrossEntropy(z, outputs, labels[s], s);
    }
    if (labels != null) {
      return grad ? Losses.meanSquaredError(z, outputs, labels[s], s, d, scale)
          : Losses.meanSquaredError(z, outputs, labels[s], s);
    }
    return grad ? Losses.meanSquaredError(z, outputs, targets, s * outputs, d, scale)
        : Losses.meanSquaredError(z, outputs, targets, s * outputs);
  }

  /** The mistakes a hand-written replica() can make, for tests of what catches them. */
  enum Replica { RIGHT, NULL, SELF, SAME_PARAMETERS, OWN_VALUES }

  /** What {@link #replica()} returns: a right one unless a test says otherwise. */
  Replica replicaKind = Replica.RIGHT;

  @Override
  public Model replica() {
    Activation shown = layers.get(0).activation();
    switch (replicaKind) {
      case NULL:
        return null;
      case SELF:
        return this;
      case SAME_PARAMETERS:
        return new LinearModel(inputs, outputs, loss, weight, bias, shown);
      case OWN_VALUES:
        LinearModel copy = create(inputs, outputs, loss, 0, shown);
        copy.weight.copyFrom(weight.toArray());
        return copy;
      default:
        LinearModel replica = new LinearModel(inputs, outputs, loss, weight.withOwnGradient(),
            bias.withOwnGradient(), shown);
        replica.isReplica = true;
        return replica;
    }
  }

  /** All parameter values, in logical order, concatenated. */
  float[] weights() {
    float[] out = new float[(int) parameterCount()];
    float[] w = weight.toArray();
    System.arraycopy(w, 0, out, 0, w.length);
    System.arraycopy(bias.toArray(), 0, out, w.length, outputs);
    return out;
  }
}
