package io.ganglion.benchmarks;

/**
 * One implementation of a workload's network, bound to its data: Ganglion's generated network or
 * the hand-written baseline. The benchmark times only {@link #trainStep}, {@link #predict} and
 * {@link #predictBatch}; everything else is set-up and checking.
 */
interface Peer {

  /** The name printed as {@code peer=...}. */
  String name();

  /** The sum of layer {@code l}'s (0-based) weight matrix, in double. */
  double weightSum(int layer);

  /** {@code W_l[o][i]} in PyTorch order, for the test vectors. */
  float weight(int layer, int unit, int input);

  /**
   * One SGD step (learning rate 0.01) on samples {@code [offset, offset + count)}: gradients of the
   * batch's mean loss, all from the pre-step weights, then {@code p -= 0.01 * grad}. This is the
   * only method the training workloads time, and the one place a data-parallel step goes.
   */
  void trainStep(int offset, int count);

  /** Mean per-sample loss over samples {@code [0, count)} with the current weights; untimed. */
  double meanLoss(int count);

  /** The output (softmax probabilities) of sample {@code sample} into {@code out}. */
  void predict(int sample, float[] out);

  /** The outputs of samples {@code [offset, offset + count)}, row-major, into {@code out}. */
  void predictBatch(int offset, int count, float[] out);
}
