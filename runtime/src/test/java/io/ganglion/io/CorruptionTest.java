package io.ganglion.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damages a valid model file in thousands of seeded ways and checks that loading either succeeds
 * (a flip in the data only changes values) or fails with a {@link ModelFormatException} naming the
 * file, leaving the model exactly as it was; never another exception, a hang or an {@code
 * OutOfMemoryError}.
 */
class CorruptionTest {
  private static final int MUTATIONS = 4000;
  private static final String JSON_SIGNIFICANT = "{}[],:\"0123456789-\\ eE.";

  @TempDir Path dir;

  @Test
  void damagedFilesFailCleanlyAndLeaveTheModelAlone() throws IOException {
    Path valid = dir.resolve("valid.safetensors");
    TwoLayerNet.small().filled(11).save(valid);
    byte[] original = Files.readAllBytes(valid);
    int headerEnd = 8 + (int) ByteBuffer.wrap(original).order(ByteOrder.LITTLE_ENDIAN).getLong();
    Path damaged = dir.resolve("damaged.safetensors");
    Random random = new Random(20240607L);
    int[] outcomes = new int[2]; // loaded, refused

    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
      TwoLayerNet net = TwoLayerNet.small().filled(99);
      float[][] before = net.snapshot();
      for (int i = 0; i < MUTATIONS; i++) {
        byte[] bytes = mutate(original, headerEnd, random);
        Files.write(damaged, bytes);
        try {
          net.load(damaged);
          outcomes[0]++;
          for (int p = 0; p < before.length; p++) {
            net.parameters().get(p).copyFrom(before[p]);
          }
        } catch (ModelFormatException e) {
          outcomes[1]++;
          assertTrue(e.getMessage().startsWith(damaged + ": "), e.getMessage());
          assertArrayEquals(before, net.snapshot(), "model changed by: " + e.getMessage());
        } catch (Throwable t) {
          fail("mutation " + i + " of " + Arrays.toString(bytes) + " threw " + t, t);
        }
      }
    });
    assertEquals(MUTATIONS, outcomes[0] + outcomes[1]);
    // Both kinds happen, so the test exercises both paths.
    assertTrue(outcomes[0] > MUTATIONS / 20, "loaded " + outcomes[0]);
    assertTrue(outcomes[1] > MUTATIONS / 2, "refused " + outcomes[1]);
  }

  private static byte[] mutate(byte[] original, int headerEnd, Random random) {
    byte[] bytes = original.clone();
    switch (random.nextInt(6)) {
      case 0: // flip bits anywhere
        for (int n = 1 + random.nextInt(4); n > 0; n--) {
          int at = random.nextInt(bytes.length);
          bytes[at] ^= (byte) (1 << random.nextInt(8));
        }
        return bytes;
      case 1: // flip bits in the header, where they matter most
        for (int n = 1 + random.nextInt(3); n > 0; n--) {
          int at = 8 + random.nextInt(headerEnd - 8);
          bytes[at] ^= (byte) (1 << random.nextInt(8));
        }
        return bytes;
      case 2: // replace a header byte with a JSON-significant one
        bytes[8 + random.nextInt(headerEnd - 8)] =
            (byte) JSON_SIGNIFICANT.charAt(random.nextInt(JSON_SIGNIFICANT.length()));
        return bytes;
      case 3: // truncate
        return Arrays.copyOf(bytes, random.nextInt(bytes.length));
      case 4: // extend with random bytes
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 1 + random.nextInt(64));
        for (int i = bytes.length; i < longer.length; i++) {
          longer[i] = (byte) random.nextInt(256);
        }
        return longer;
      default: // a random header length, small or huge
        long length = random.nextBoolean() ? random.nextInt(bytes.length * 2) : random.nextLong();
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(0, length);
        return bytes;
    }
  }
}
