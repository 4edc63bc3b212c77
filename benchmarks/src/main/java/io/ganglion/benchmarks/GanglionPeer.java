package io.ganglion.benchmarks;

import io.ganglion.Model;
import io.ganglion.Parameter;
import io.ganglion.optim.Sgd;
import io.ganglion.train.ParallelGradients;
import java.util.List;

/** A workload on Ganglion's generated network, trained with {@link Sgd} at learning rate 0.01. */
final class GanglionPeer implements Peer {
  static final double LEARNING_RATE = 0.01;

  private final Model model;
  private final Data data;
  private final List<Parameter> parameters;
  private final Sgd sgd = Sgd.of(LEARNING_RATE);
  private final ParallelGradients parallel;

  GanglionPeer(Workload workload, Data data, int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, but was " + threads);
    }
    this.model = newModel(workload.name());
    this.data = data;
    this.parameters = model.parameters();
    this.parallel = threads > 1 ? ParallelGradients.of(model, threads) : null;
  }

  /** The workload's generated network, initialized from {@link Networks#SEED}. */
  static Model newModel(String workload) {
    switch (workload) {
      case "xor":
        return new Net_Networks_XorNet(Networks.SEED);
      case "iris":
        return new Net_Networks_IrisNet(Networks.SEED);
      case "mnist-mlp":
      case "infer-mnist":
      case "infer-batch":
        return new Net_Networks_MnistMlp(Networks.SEED);
      case "mnist-deep":
        return new Net_Networks_MnistDeep(Networks.SEED);
      case "wide":
        return new Net_Networks_WideNet(Networks.SEED);
      default:
        throw new IllegalArgumentException("no network for workload " + workload);
    }
  }

  Model model() {
    return model;
  }

  @Override
  public String name() {
    return "ganglion";
  }

  @Override
  public double weightSum(int layer) {
    Parameter w = parameters.get(2 * layer);
    double sum = 0;
    for (float v : w.toArray()) {
      sum += v;
    }
    return sum;
  }

  @Override
  public float weight(int layer, int unit, int input) {
    Parameter w = parameters.get(2 * layer);
    return w.get(unit * w.shape()[1] + input);
  }

  @Override
  public void trainStep(int offset, int count) {
    if (parallel != null) {
      parallel.computeGradients(data.inputs(), offset, data.labels(), data.targets(), count);
      parallel.step(sgd);
    } else {
      model.forwardBackward(
          data.inputs(), offset, data.labels(), data.targets(), count, 1f / count);
      sgd.step(parameters);
    }
  }

  @Override
  public double meanLoss(int count) {
    return model.lossSum(data.inputs(), 0, data.labels(), data.targets(), count) / count;
  }

  @Override
  public void predict(int sample, float[] out) {
    model.predict(data.rows()[sample], out);
  }

  @Override
  public void predictBatch(int offset, int count, float[] out) {
    model.predictBatch(data.inputs(), offset, count, out);
  }
}
