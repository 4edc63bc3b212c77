package io.ganglion.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ganglion.io.ModelFormatException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Generated networks round-trip through safetensors and refuse files of other networks. */
class SaveLoadTest {
  @TempDir Path dir;

  @Test
  void savedWeightsLoadIntoAFreshNetwork() throws Exception {
    Net_Networks_VectorEdges trained = new Net_Networks_VectorEdges(1);
    Path file = dir.resolve("edges.safetensors");
    trained.save(file);
    Net_Networks_VectorEdges fresh = new Net_Networks_VectorEdges(2);
    float[] x = new float[35];
    for (int i = 0; i < x.length; i++) {
      x[i] = i / 35f;
    }
    fresh.load(file);
    assertArrayEquals(trained.predict(x), fresh.predict(x));
    assertArrayEquals(
        trained.parameter("narrow.weight").toArray(), fresh.parameter("narrow.weight").toArray());
  }

  @Test
  void aFileOfAnotherNetworkIsRefusedAndChangesNothing() throws Exception {
    Path file = dir.resolve("medium.safetensors");
    new Net_Networks_Medium(1).save(file);
    Net_Networks_VectorEdges edges = new Net_Networks_VectorEdges(2);
    float[] before = edges.parameter("wide.weight").toArray();
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> edges.load(file));
    assertTrue(e.getMessage().contains("medium.safetensors"), e.getMessage());
    assertTrue(e.getMessage().contains("Medium"), e.getMessage());
    assertArrayEquals(before, edges.parameter("wide.weight").toArray());
  }
}
