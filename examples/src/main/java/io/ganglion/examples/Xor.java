package io.ganglion.examples;

import io.ganglion.Activation;
import io.ganglion.Dense;
import io.ganglion.Layer;
import io.ganglion.Loss;
import io.ganglion.Network;
import io.ganglion.data.Dataset;
import io.ganglion.optim.Sgd;
import io.ganglion.train.History;
import io.ganglion.train.Trainer;
import java.io.PrintStream;
import java.util.Locale;

/** XOR, the smallest problem a linear model cannot solve: a 2-8-1 network learns it. */
@Network(inputs = 2, loss = Loss.BINARY_CROSS_ENTROPY)
abstract class Xor {
  @Dense(units = 8, activation = Activation.TANH)
  Layer hidden;

  @Dense(units = 1)
  Layer output;

  public static void main(String[] args) {
    run(42, System.out);
  }

  /** Trains from {@code seed}, printing the loss every 50 epochs and the four predictions. */
  static void run(long seed, PrintStream out) {
    float[] inputs = {0, 0, 0, 1, 1, 0, 1, 1};
    int[] labels = {0, 1, 1, 0};
    Dataset data = Dataset.ofLabels(inputs, 2, labels);

    Net_Xor net = new Net_Xor(seed);
    out.print(net.summary());
    History history =
        Trainer.of(net).optimizer(Sgd.of(0.5, 0.9)).batchSize(4).epochs(500).verbose(0).fit(data);
    for (int epoch = 0; epoch < history.epochs(); epoch += 50) {
      out.printf(Locale.ROOT, "epoch %3d  loss %.5f%n", epoch + 1,
          history.loss().get(epoch));
    }
    out.printf(Locale.ROOT, "epoch %3d  loss %.5f%n", history.epochs(),
        history.loss().get(history.epochs() - 1));
    for (int s = 0; s < 4; s++) {
      float[] x = {inputs[2 * s], inputs[2 * s + 1]};
      out.printf(Locale.ROOT, "%.0f xor %.0f -> %d  (p = %.4f)%n", x[0], x[1],
          net.classify(x), net.predict(x)[0]);
    }
  }
}
