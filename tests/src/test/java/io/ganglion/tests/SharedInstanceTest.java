package io.ganglion.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ganglion.Model;
import io.ganglion.internal.SplitNetwork;
import io.ganglion.train.ParallelGradients;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * One model instance used by two threads at once fails loudly (it used to give wrong numbers in
 * silence); one after the other, replicas side by side, and a call after a refused one all work.
 */
class SharedInstanceTest {
  private static final String MESSAGE = " must not run while another call on the same model"
      + " instance runs, but one had not returned: a model keeps its work arrays, so give each"
      + " thread its own instance (replica() shares the parameters)";

  @Test
  void twoThreadsOnOneInstanceAreRefused() throws Exception {
    Model net = new Net_Networks_Medium(1);
    int batch = 2_000;
    RandomBatch data = new RandomBatch(net, batch, 2);
    float[] outputs = new float[batch * net.outputSize()];
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Throwable> other = new AtomicReference<>();
    Thread busy = new Thread(() -> {
      try {
        while (!stop.get()) {
          net.predictBatch(data.x, 0, batch, outputs);
        }
      } catch (Throwable e) {
        other.set(e);
      }
    });
    busy.start();
    IllegalStateException refused = null;
    float[] one = new float[net.outputSize()];
    float[] input = new float[net.inputSize()];
    long deadline = System.nanoTime() + 30_000_000_000L;
    try {
      // Each long predictBatch leaves plenty of overlap: the first is caught at once, in
      // practice; the deadline only keeps a broken check from hanging the build.
      while (refused == null && other.get() == null && System.nanoTime() < deadline) {
        try {
          net.predict(input, one);
        } catch (IllegalStateException e) {
          refused = e;
        }
      }
    } finally {
      stop.set(true);
      busy.join();
    }
    Throwable caught = refused != null ? refused : other.get();
    assertTrue(caught instanceof IllegalStateException, "no call was refused: " + caught);
    assertTrue(caught.getMessage().endsWith(MESSAGE), caught.getMessage());
    // Free again once both have returned.
    net.predict(input, one);
  }

  /**
   * Workers that split a dense network by rows use the model's own arrays as worker 0's: a
   * predict on it meanwhile is refused too (or the step is).
   */
  @Test
  void aPredictDuringASplitTrainingStepIsRefused() throws Exception {
    Model net = new Net_Networks_Medium(1);
    RandomBatch data = new RandomBatch(net, 256, 3);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Throwable> other = new AtomicReference<>();
    Thread predicting = new Thread(() -> {
      float[] one = new float[net.outputSize()];
      float[] input = new float[net.inputSize()];
      try {
        while (!stop.get()) {
          net.predict(input, one);
        }
      } catch (Throwable e) {
        other.set(e);
      }
    });
    Throwable caught = null;
    try (ParallelGradients parallel =
        ParallelGradients.of(net, 2, ParallelGradients.Split.ROWS)) {
      assertTrue(parallel.splitsByRows(), "Medium should split by rows");
      predicting.start();
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (caught == null && other.get() == null && System.nanoTime() < deadline) {
        try {
          parallel.computeGradients(data.x, 0, data.labels, null, 256);
        } catch (IllegalStateException e) {
          caught = e;
        }
      }
    } finally {
      stop.set(true);
      predicting.join();
    }
    Throwable refused = caught != null ? caught : other.get();
    assertTrue(refused instanceof IllegalStateException, "no call was refused: " + refused);
    assertTrue(refused.getMessage().endsWith(MESSAGE), refused.getMessage());
  }

  @Test
  void oneThreadAfterAnotherAndReplicasSideBySideAreFine() throws Exception {
    Model net = new Net_Networks_Medium(3);
    RandomBatch data = new RandomBatch(net, 300, 4);
    float[] expected = new float[300 * net.outputSize()];
    net.predictBatch(data.x, 0, 300, expected);
    Thread later = new Thread(() -> net.predictBatch(data.x, 0, 300, new float[expected.length]));
    later.start();
    later.join();
    Model[] replicas = {net.replica(), net.replica(), net.replica()};
    float[][] got = new float[replicas.length][expected.length];
    Thread[] threads = new Thread[replicas.length];
    AtomicReference<Throwable> failure = new AtomicReference<>();
    for (int t = 0; t < threads.length; t++) {
      int k = t;
      threads[t] = new Thread(() -> {
        try {
          for (int r = 0; r < 50; r++) {
            replicas[k].predictBatch(data.x, 0, 300, got[k]);
          }
        } catch (Throwable e) {
          failure.set(e);
        }
      });
      threads[t].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    assertEquals(null, failure.get());
    for (float[] g : got) {
      assertArrayEquals(expected, g);
    }
  }

  @Test
  void aRefusedArgumentLeavesTheInstanceFree() {
    Model net = new Net_Networks_Medium(5);
    assertThrows(IllegalArgumentException.class,
        () -> net.predict(new float[3], new float[net.outputSize()]));
    assertThrows(IllegalArgumentException.class,
        () -> net.forwardBackward(new float[net.inputSize()], 0, new int[] {99}, null, 1, 1f));
    float[] out = new float[net.outputSize()];
    net.predict(new float[net.inputSize()], out);
    net.forwardBackward(new float[net.inputSize()], 0, new int[] {1}, null, 1, 1f);
  }
}
