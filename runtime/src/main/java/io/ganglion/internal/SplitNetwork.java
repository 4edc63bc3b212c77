package io.ganglion.internal;

/**
 * A network of dense layers whose training step several workers share by splitting every layer's
 * weight by its input rows (model parallelism), implemented by generated networks made only of
 * dense layers with element-wise hidden activations. {@code io.ganglion.train.ParallelGradients}
 * drives it; nothing else should.
 *
 * <p>Worker {@code w} owns rows {@code [from, to)} of every layer's weight: it computes those
 * rows' share of the layer's output for the whole batch (a partial sum over its rows), then, after
 * all workers have done so, sums the partial sums of the columns it owns of the next layer's input,
 * adds the bias and applies the activation. Backwards it computes the gradient of its weight rows
 * and the input gradient of its columns, and copies the other workers' columns of the deltas. Its
 * weight rows, their gradients and their optimizer state never leave its core: per step only the
 * partial sums and the deltas (batch x units) cross between cores, against the whole gradient and
 * the whole weight for a data-parallel split. The loss is computed by every worker on the whole
 * output (it is small), so that no worker waits for another to begin the backward pass.
 */
public interface SplitNetwork {
  /** A worker's view: the same parameters and gradients as this network, its own work buffers. */
  SplitNetwork splitWorker();

  /** The number of dense layers. */
  int splitLayers();

  /** The inputs of layer {@code layer} (0-based): the storage rows of its weight. */
  int splitInputs(int layer);

  /** The units (outputs) of layer {@code layer}. */
  int splitUnits(int layer);

  /** The index in {@code parameters()} of layer {@code layer}'s weight. */
  int splitWeightIndex(int layer);

  /** Whether layer {@code layer} has a bias, which is then the parameter after its weight. */
  boolean splitHasBias(int layer);

  /**
   * Checks a batch as {@code Model.forwardBackward} does and makes the work buffers hold its
   * {@code count} samples.
   */
  void splitPrepare(float[] inputs, int offset, int[] labels, float[] targets, int count);

  /**
   * Marks a split step as a call that uses this instance's work arrays, as the network's own
   * methods mark theirs: throws {@link Checks#inUse} if another call on it runs; {@link
   * #splitExit} clears the mark.
   */
  void splitEnter(String method);

  /** Clears {@link #splitEnter}'s mark. */
  void splitExit();

  /** Layer {@code layer}'s partial sums, {@code [sample][unit]}. */
  float[][] splitPartial(int layer);

  /** Layer {@code layer}'s output gradients, {@code [sample][unit]}. */
  float[][] splitDelta(int layer);

  /**
   * Sets layer {@code layer}'s partial sums of {@code count} samples to the products of its input
   * rows {@code [from, to)} (for layer 0 the samples start at {@code offset} in {@code inputs}; for
   * the others the input is the previous layer's output columns {@code [from, to)}, which this
   * worker activated).
   */
  void splitForward(int layer, float[] inputs, int offset, int count, int from, int to);

  /**
   * Sets layer {@code layer}'s output columns {@code [from, to)} to the activation of its bias
   * plus the partial sums {@code partials[0] + partials[1] + ...}, in that order.
   */
  void splitActivate(int layer, float[][][] partials, int count, int from, int to);

  /**
   * The loss of the last layer's (whole) output, whose gradient before the activation, times
   * {@code gradScale} (and by the sample's weight, unless {@code weights} is null), goes into the
   * last layer's delta. Returns the sum of the (weighted) per-sample losses.
   */
  double splitLoss(
      int[] labels, float[] targets, float[] weights, int offset, int count, float gradScale);

  /**
   * From layer {@code layer}'s whole delta: sets the gradient of its weight rows {@code [from, to)}
   * (and of its bias if {@code bias}), and, except for layer 0, the previous layer's delta columns
   * {@code [from, to)} (before that layer's activation).
   */
  void splitBackward(
      int layer, float[] inputs, int offset, int count, int from, int to, boolean bias);
}
