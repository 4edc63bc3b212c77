package io.ganglion.benchmarks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ganglion.internal.SplitMix;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The test vectors and check figures of BENCHMARKS.md, on both peers. No timing. */
class WorkloadTest {

  @Test
  void splitMixMatchesTheTestVectorsAndSplittableRandom() {
    assertEquals(-7995527694508729151L, SplitMix.at(1, 0));
    assertEquals(-4689498862643123097L, SplitMix.at(1, 1));
    assertEquals(-534904783426661026L, SplitMix.at(1, 2));
    assertEquals(0.5665615200996399, SplitMix.uniform(1, 0));
    assertEquals(0.7457817196846008, SplitMix.uniform(1, 1));
    assertEquals(0.9710026979446411, SplitMix.uniform(1, 2));
    assertEquals(0.8164411783218384, SplitMix.uniform(101, 0));
    SplittableRandom random = new SplittableRandom(102);
    for (int k = 0; k < 1000; k++) {
      assertEquals(random.nextLong(), SplitMix.at(102, k));
    }
  }

  @Test
  void mnistTestVectors() {
    Workload workload = Workload.named("mnist-mlp");
    Data data = Data.of(workload);
    assertArrayEquals(
        new float[] {0.56656152f, 0.74578172f, 0.97100270f},
        new float[] {data.inputs()[0], data.inputs()[1], data.inputs()[2]}, 1e-8f);
    int[] firstLabels = new int[10];
    System.arraycopy(data.labels(), 0, firstLabels, 0, 10);
    assertArrayEquals(new int[] {5, 7, 5, 7, 3, 3, 7, 7, 2, 7}, firstLabels);
    for (Peer peer :
        List.of(new GanglionPeer(workload, data, 1), new BaselineMlp(workload, data, 1))) {
      assertArrayEquals(
          new float[] {0.055365674f, -0.084473915f, -0.040477414f},
          new float[] {peer.weight(0, 0, 0), peer.weight(0, 0, 1), peer.weight(0, 0, 2)},
          1e-9f, peer.name());
      assertArrayEquals(
          new float[] {-0.18041267f, 0.040085979f, -0.0061307196f},
          new float[] {peer.weight(1, 0, 0), peer.weight(1, 0, 1), peer.weight(1, 0, 2)},
          1e-9f, peer.name());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"xor", "iris", "mnist-mlp", "mnist-deep", "wide", "infer-batch"})
  void ganglionMatchesTheTable(String name) {
    Workload workload = Workload.named(name);
    Data data = Data.of(workload);
    assertEquals(List.of(), StartChecks.mismatches(workload, data,
        new GanglionPeer(workload, data, 1)));
  }

  // wide is left out: the per-sample baseline needs seconds for its loss before training.
  @ParameterizedTest
  @ValueSource(strings = {"xor", "iris", "mnist-mlp", "mnist-deep"})
  void baselineMatchesTheTable(String name) {
    Workload workload = Workload.named(name);
    Data data = Data.of(workload);
    assertEquals(List.of(), StartChecks.mismatches(workload, data,
        new BaselineMlp(workload, data, 1)));
  }

  @Test
  void aWrongFigureIsReported() {
    Workload xor = Workload.named("xor");
    Workload wrong =
        new Workload("xor", xor.sizes(), true, 4, 4, 1, 1, 1, 1,
            new Workload.Expected(4, new double[] {0.056701, -1.3}, -1, 0.260647));
    Data data = Data.of(xor);
    assertEquals(List.of("sum of W2 must be -1.300000, but was -1.307181"),
        StartChecks.mismatches(wrong, data, new GanglionPeer(xor, data, 1)));
  }

  /** The hand-fused xor peer: the table's start, and Ganglion's weights after 2,000 epochs. */
  @org.junit.jupiter.api.Test
  void fusedXorMatchesTheTableAndGanglionsTraining() {
    Workload xor = Workload.named("xor");
    Data data = Data.of(xor);
    Peer fused = new FusedXor(xor, data, 1);
    Peer ganglion = new GanglionPeer(xor, data, 1);
    assertEquals(List.of(), StartChecks.mismatches(xor, data, fused));
    for (int step = 0; step < 8000; step++) {
      fused.trainStep(step % 4, 1);
      ganglion.trainStep(step % 4, 1);
    }
    assertEquals(ganglion.meanLoss(4), fused.meanLoss(4), 1e-6);
    for (int o = 0; o < 8; o++) {
      assertEquals(ganglion.weight(1, 0, o), fused.weight(1, 0, o), 1e-5, "W2[0][" + o + "]");
    }
    assertEquals("the fused peer runs only xor on 1 thread, but was asked for iris on 1",
        org.junit.jupiter.api.Assertions.assertThrows(UnsupportedOperationException.class,
            () -> new FusedXor(Workload.named("iris"), Data.of(Workload.named("iris")), 1))
            .getMessage());
  }

  /** One step from the same weights: the two peers compute the same update to float rounding. */
  @ParameterizedTest
  @ValueSource(strings = {"xor", "iris", "mnist-mlp", "mnist-deep"})
  void oneStepAgreesWithTheBaseline(String name) {
    Workload workload = Workload.named(name);
    Data data = Data.of(workload);
    Peer ganglion = new GanglionPeer(workload, data, 1);
    Peer baseline = new BaselineMlp(workload, data, 1);
    int count = Math.min(workload.batch(), data.count());
    ganglion.trainStep(0, count);
    baseline.trainStep(0, count);
    for (int l = 0; l < workload.layerCount(); l++) {
      for (int o = 0; o < workload.sizes()[l + 1]; o++) {
        for (int i = 0; i < workload.sizes()[l]; i++) {
          assertEquals(baseline.weight(l, o, i), ganglion.weight(l, o, i), 2e-7,
              name + " W" + (l + 1) + "[" + o + "][" + i + "]");
        }
      }
    }
  }

  /**
   * The double-precision reference starts where the table says, and Ganglion's float training
   * ends where it does: the whole xor and iris workloads (2,000 and 160 epochs), and two epochs
   * of mnist-mlp, to BENCHMARKS.md's "about 1e-4" of final loss.
   */
  @ParameterizedTest
  @ValueSource(strings = {"xor", "iris", "mnist-mlp"})
  void ganglionEndsWhereTheDoublePrecisionReferenceEnds(String name) {
    Workload workload = Workload.named(name);
    Data data = Data.of(workload);
    Peer reference = new ReferenceMlp(workload, data, 1);
    Peer ganglion = new GanglionPeer(workload, data, 1);
    assertEquals(List.of(), StartChecks.mismatches(workload, data, reference));
    int epochs = name.equals("mnist-mlp")
        ? 2 : workload.warmup() + workload.chunks() * workload.perChunk();
    for (int e = 0; e < epochs; e++) {
      Main.epoch(reference, workload.samples(), workload.batch());
      Main.epoch(ganglion, workload.samples(), workload.batch());
    }
    double exact = reference.meanLoss(data.count());
    assertTrue(exact < workload.expected().initialLoss() - 0.01, name + " did not learn: " + exact);
    assertEquals(exact, ganglion.meanLoss(data.count()), 1e-4, name);
  }
}
