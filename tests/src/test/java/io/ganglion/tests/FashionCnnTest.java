package io.ganglion.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ganglion.data.Dataset;
import io.ganglion.data.Idx;
import io.ganglion.optim.Adam;
import io.ganglion.train.History;
import io.ganglion.train.Trainer;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A short CNN training run on the embedded Fashion-MNIST subset (the examples module's 10,000
 * training and 2,000 test images): the loss falls and held-out accuracy clears what a linear model
 * reaches on this subset.
 */
class FashionCnnTest {
  private static final Path DATA =
      Path.of("../examples/src/main/resources/io/ganglion/examples/fashion");

  static Dataset read(String images, String labels, int limit) throws IOException {
    Idx.Tensor x = Idx.read(DATA.resolve(images));
    Idx.Tensor y = Idx.read(DATA.resolve(labels));
    int n = Math.min(limit, x.records());
    float[] features = new float[n * x.recordSize()];
    for (int k = 0; k < features.length; k++) {
      features[k] = x.values()[k] / 255f;
    }
    int[] classes = new int[n];
    for (int k = 0; k < n; k++) {
      classes[k] = (int) y.values()[k];
    }
    return Dataset.ofLabels(features, x.recordSize(), classes);
  }

  @Test
  void cnnLearnsFashionSubset() throws IOException {
    Dataset train = read("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", 4000);
    Dataset test = read("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", 1000);
    Net_FashionCnn net = new Net_FashionCnn(7);
    assertEquals(784, net.inputSize());
    long start = System.nanoTime();
    History history =
        Trainer.of(net).optimizer(Adam.of(1e-3)).batchSize(32).epochs(2).seed(3).verbose(0)
            .fit(train);
    double seconds = (System.nanoTime() - start) / 1e9;
    int[] predicted = net.classifyBatch(test.features());
    int correct = 0;
    for (int n = 0; n < test.size(); n++) {
      if (predicted[n] == test.labels()[n]) {
        correct++;
      }
    }
    double accuracy = (double) correct / test.size();
    System.out.printf("FashionCnn: %d training images x 2 epochs in %.1f s, loss %s, test"
        + " accuracy %.3f%n", train.size(), seconds, history.loss(), accuracy);
    assertTrue(history.loss().get(1) < history.loss().get(0), "loss " + history.loss());
    assertTrue(accuracy > 0.78, "test accuracy " + accuracy);
  }
}
