package io.ganglion.tests;

import io.ganglion.data.Dataset;
import io.ganglion.data.Idx;
import io.ganglion.optim.Adam;
import io.ganglion.optim.LearningRateSchedule;
import io.ganglion.train.History;
import io.ganglion.train.Trainer;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Not a test: trains {@link FashionCnn} on the full Fashion-MNIST data and prints the test
 * accuracy per epoch. Run by hand (it takes minutes):
 *
 * <pre>
 * java -cp runtime/target/classes:tests/target/test-classes io.ganglion.tests.FashionCnnFullRun \
 *     /usr/share/datasets/fashion-mnist [epochs] [threads]
 * </pre>
 */
final class FashionCnnFullRun {
  private FashionCnnFullRun() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 12;
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    Dataset train = read(dir, "train", 60_000);
    Dataset test = read(dir, "t10k", 10_000);
    Net_FashionCnn net = new Net_FashionCnn(42);
    System.out.println(net.summary());
    long start = System.nanoTime();
    History history =
        Trainer.of(net)
            .optimizer(Adam.of(1e-3))
            .schedule(LearningRateSchedule.exponential(0.85))
            .batchSize(64)
            .epochs(epochs)
            .seed(1)
            .threads(threads)
            .validation(test)
            .progress(System.out, false)
            .fit(train);
    System.out.printf("%d epochs in %.0f s; val_accuracy per epoch %s%n", epochs,
        (System.nanoTime() - start) / 1e9, history.metric("val_accuracy"));
  }

  private static Dataset read(Path dir, String prefix, int limit) throws IOException {
    Idx.Tensor x = Idx.read(dir.resolve(prefix + "-images-idx3-ubyte.gz"));
    Idx.Tensor y = Idx.read(dir.resolve(prefix + "-labels-idx1-ubyte.gz"));
    int n = Math.min(limit, x.records());
    float[] features = new float[n * x.recordSize()];
    for (int k = 0; k < features.length; k++) {
      features[k] = x.values()[k] / 255f;
    }
    int[] labels = new int[n];
    for (int k = 0; k < n; k++) {
      labels[k] = (int) y.values()[k];
    }
    return Dataset.ofLabels(features, x.recordSize(), labels);
  }
}
