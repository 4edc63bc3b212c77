package io.ganglion.examples.fashion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {
  @TempDir Path dir;

  @Test
  void withoutTheDebianPackageTheDefaultIsTheEmbeddedSubset() throws IOException {
    FashionMnist data = FashionMnist.standard(dir.resolve("not-installed"), true);
    assertEquals("Fashion-MNIST, embedded subset (10,000 train / 2,000 test) from the jar",
        data.description());
    assertEquals(10_000, data.train().size());
    assertEquals(2_000, data.test().size());
    assertEquals(FashionMnist.PIXELS, data.test().featureSize());
    // The first test image is an ankle boot; pixels are scaled to [0, 1].
    assertEquals(9, data.test().labels()[0]);
    float max = 0;
    for (float v : data.train().features()) {
      max = Math.max(max, v);
    }
    assertEquals(1f, max);
  }

  @Test
  void theTestImagesAloneForPredict() throws IOException {
    FashionMnist data = FashionMnist.embedded(false);
    assertEquals(2_000, data.test().size());
    assertThrows(IllegalStateException.class, data::train);
  }

  @Test
  void aDirectoryWithoutTheFilesIsExplained() {
    IOException e = assertThrows(IOException.class, () -> FashionMnist.fromDirectory(dir));
    assertTrue(e.getMessage().contains("must hold the four Fashion-MNIST files"), e::getMessage);
    assertTrue(e.getMessage().contains("train-images-idx3-ubyte was missing"), e::getMessage);
  }
}
