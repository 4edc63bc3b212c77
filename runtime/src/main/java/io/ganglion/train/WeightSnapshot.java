package io.ganglion.train;

import io.ganglion.Parameter;
import java.util.List;

/** A preallocated copy of parameter values, for restoring the best weights. */
final class WeightSnapshot {
  private final List<Parameter> parameters;
  private final float[][][] copy;

  WeightSnapshot(List<Parameter> parameters) {
    this.parameters = parameters;
    this.copy = new float[parameters.size()][][];
    for (int k = 0; k < copy.length; k++) {
      float[][] data = parameters.get(k).data();
      copy[k] = new float[data.length][];
      for (int r = 0; r < data.length; r++) {
        copy[k][r] = new float[data[r].length];
      }
    }
  }

  /** Copies the parameters' current values into the snapshot. */
  void save() {
    for (int k = 0; k < copy.length; k++) {
      float[][] data = parameters.get(k).data();
      for (int r = 0; r < data.length; r++) {
        System.arraycopy(data[r], 0, copy[k][r], 0, data[r].length);
      }
    }
  }

  /** Copies the snapshot back into the parameters. */
  void restore() {
    for (int k = 0; k < copy.length; k++) {
      float[][] data = parameters.get(k).data();
      for (int r = 0; r < data.length; r++) {
        System.arraycopy(copy[k][r], 0, data[r], 0, data[r].length);
      }
    }
  }
}
