package io.ganglion.optim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A snapshot of an {@link Optimizer}'s state for checkpoints: the kind of optimizer ({@code
 * "Adam"}), the number of steps taken, the learning rate, and one tensor per parameter and slot
 * named {@code <parameter>.<slot>} (such as {@code hidden1.weight.exp_avg}), each in the
 * parameter's logical (PyTorch) element order. The tensors are owned by this record; do not modify
 * them.
 */
public record OptimizerState(
    String optimizer, long steps, double learningRate, Map<String, float[]> tensors) {

  /** The most steps a state holds: 2^53, above which a step count is no longer exact as a double. */
  static final long MAX_STEPS = 1L << 53;

  /** Checks the fields and freezes the tensor map (in insertion order). */
  public OptimizerState {
    if (optimizer == null || tensors == null) {
      throw new IllegalArgumentException("optimizer and tensors must not be null");
    }
    if (steps < 0 || steps > MAX_STEPS) {
      throw new IllegalArgumentException(
          "steps must be from 0 to 2^53, but was " + steps);
    }
    if (!(learningRate >= 0) || Double.isInfinite(learningRate)) {
      throw new IllegalArgumentException(
          "learning rate must be non-negative and finite, but was " + learningRate);
    }
    for (Map.Entry<String, float[]> e : tensors.entrySet()) {
      if (e.getKey() == null || e.getValue() == null) {
        throw new IllegalArgumentException("tensors must not hold a null name or values, but "
            + (e.getKey() == null ? "a name was" : "the values of '" + e.getKey() + "' were")
            + " null");
      }
    }
    learningRate += 0.0; // -0.0 as 0.0, which it equals
    tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
  }

  /** Equal to a state of the same kind, steps, rate and tensors (by their values, in order). */
  @Override
  public boolean equals(Object o) {
    if (!(o instanceof OptimizerState)) {
      return false;
    }
    OptimizerState other = (OptimizerState) o;
    if (!optimizer.equals(other.optimizer) || steps != other.steps
        || Double.compare(learningRate, other.learningRate) != 0
        || !new ArrayList<>(tensors.keySet()).equals(new ArrayList<>(other.tensors.keySet()))) {
      return false;
    }
    for (Map.Entry<String, float[]> e : tensors.entrySet()) {
      if (!Arrays.equals(e.getValue(), other.tensors.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = Objects.hash(optimizer, steps, learningRate);
    for (Map.Entry<String, float[]> e : tensors.entrySet()) {
      h = 31 * h + e.getKey().hashCode() * 17 + Arrays.hashCode(e.getValue());
    }
    return h;
  }

  /** The kind, steps, rate and each tensor's name and size (not its values). */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("OptimizerState[optimizer=" + optimizer + ", steps="
        + steps + ", learningRate=" + learningRate + ", tensors={");
    String separator = "";
    for (Map.Entry<String, float[]> e : tensors.entrySet()) {
      out.append(separator).append(e.getKey()).append(": ").append(e.getValue().length)
          .append(" values");
      separator = ", ";
    }
    return out.append("}]").toString();
  }
}
