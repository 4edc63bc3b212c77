package io.ganglion.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The IDX reader on files written by the test, plain, gzipped and broken. */
final class IdxTest {
  @TempDir Path dir;

  private static byte[] idx(int type, int[] shape, byte[] data) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.write(new byte[] {0, 0, (byte) type, (byte) shape.length});
    for (int d : shape) {
      out.writeInt(d);
    }
    out.write(data);
    return bytes.toByteArray();
  }

  private static byte[] images() throws IOException {
    byte[] pixels = new byte[3 * 2 * 2];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (byte) (i * 20 + 15);
    }
    return idx(0x08, new int[] {3, 2, 2}, pixels);
  }

  private static byte[] labels() throws IOException {
    return idx(0x08, new int[] {3}, new byte[] {7, 0, 9});
  }

  private Path write(String name, byte[] content, boolean gzip) throws IOException {
    Path file = dir.resolve(name);
    try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(file))
        : Files.newOutputStream(file)) {
      out.write(content);
    }
    return file;
  }

  @Test
  void aTensorOwnsItsShapeAndComparesByContent() {
    int[] shape = {2, 2};
    Idx.Tensor t = new Idx.Tensor(shape, 0x08, new float[] {1, 2, 3, 4});
    shape[0] = 5;
    t.shape()[0] = 7;
    assertEquals(2, t.records(), "the shape given, and the one returned, are copies");
    assertEquals(new Idx.Tensor(new int[] {2, 2}, 0x08, new float[] {1, 2, 3, 4}), t);
    assertEquals(new Idx.Tensor(new int[] {2, 2}, 0x08, new float[] {1, 2, 3, 4}).hashCode(),
        t.hashCode());
    assertNotEquals(new Idx.Tensor(new int[] {4, 1}, 0x08, new float[] {1, 2, 3, 4}), t);
    assertEquals("Idx.Tensor[shape=[2, 2], type=0x8]", t.toString());
    assertEquals("type must be an IDX type byte (0x08, 0x09, 0x0B, 0x0C, 0x0D or 0x0E), but was"
        + " 0x63", assertThrows(IllegalArgumentException.class,
            () -> new Idx.Tensor(new int[] {1}, 99, new float[1])).getMessage());
  }

  @Test
  void readsImagesAndLabelsIntoADataset() throws IOException {
    Dataset data = Idx.dataset(write("images", images(), false), write("labels", labels(), false));
    assertEquals(3, data.size());
    assertEquals(4, data.featureSize());
    assertArrayEquals(new int[] {7, 0, 9}, data.labels());
    assertEquals(15 / 255f, data.features()[0]);
    assertEquals(235 / 255f, data.features()[11]);
  }

  @Test
  void readsGzippedFilesTheSame() throws IOException {
    Dataset plain = Idx.dataset(write("a", images(), false), write("b", labels(), false));
    Dataset gzipped = Idx.dataset(write("a.gz", images(), true), write("b.gz", labels(), true));
    assertArrayEquals(plain.features(), gzipped.features());
    assertArrayEquals(plain.labels(), gzipped.labels());
  }

  @Test
  void readsWiderTypes() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeFloat(1.5f);
    out.writeFloat(-2.25f);
    Idx.Tensor floats = Idx.read(write("f", idx(0x0D, new int[] {2}, bytes.toByteArray()), false));
    assertArrayEquals(new float[] {1.5f, -2.25f}, floats.values());
    bytes.reset();
    out.writeShort(-300);
    out.writeShort(1000);
    Idx.Tensor shorts = Idx.read(write("s", idx(0x0B, new int[] {1, 2}, bytes.toByteArray()),
        true));
    assertArrayEquals(new int[] {1, 2}, shorts.shape());
    assertArrayEquals(new float[] {-300, 1000}, shorts.values());
    Idx.Tensor signed = Idx.read(write("b", idx(0x09, new int[] {1}, new byte[] {-5}), false));
    assertArrayEquals(new float[] {-5}, signed.values());
  }

  @Test
  void aTruncatedFileNamesTheFileAndTheRecord() throws IOException {
    byte[] full = images();
    Path file = write("short.gz", Arrays.copyOf(full, full.length - 6), true);
    IOException e = assertThrows(IOException.class, () -> Idx.read(file));
    assertEquals(file + ": is truncated: record 1 of 3 must have 4 bytes (4 values of type 08,"
        + " shape [3, 2, 2]), but the file ended after 2", e.getMessage());
  }

  @Test
  void aHeaderClaimingMoreThanTheFileHoldsIsTruncatedNotAllocated() throws IOException {
    // 2,000,000,000 values (8 GB as floats) announced by a file of a few bytes.
    Path file = write("huge.gz", idx(0x08, new int[] {1, 2_000_000_000}, new byte[10]), true);
    IOException e = assertThrows(IOException.class, () -> Idx.read(file));
    assertEquals(file + ": is truncated: record 0 of 1 must have 2000000000 bytes (2000000000"
        + " values of type 08, shape [1, 2000000000]), but the file ended after 10",
        e.getMessage());
    // More values than one array holds, whose byte count overflows an int several times over.
    Path wide = write("wide", idx(0x0E, new int[] {3, 1 << 30, 4}, new byte[0]), false);
    e = assertThrows(IOException.class, () -> Idx.read(wide));
    assertEquals(wide + ": must hold at most 2147483639 values, but its shape [3, 1073741824, 4]"
        + " holds more", e.getMessage());
  }

  @Test
  void aGzipTrailerClaimingMoreThanTheDataIsNotAllocated() throws IOException {
    // The header claims 2,000,000,000 values and the trailer's size field (written by anyone)
    // agrees, 4 GB: read as the array's size, that is 8 GB of floats before a byte is decoded.
    byte[] gz = Files.readAllBytes(
        write("huge.gz", idx(0x08, new int[] {1, 2_000_000_000}, new byte[10]), true));
    gz[gz.length - 4] = gz[gz.length - 3] = gz[gz.length - 2] = gz[gz.length - 1] = (byte) 0xff;
    Path forged = dir.resolve("forged.gz");
    Files.write(forged, gz);
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    IOException e = assertThrows(IOException.class, () -> Idx.read(forged));
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertTrue(e.getMessage().startsWith(forged + ": "), e.getMessage());
    // A few buffers, not the 8 GB claimed (nor the 256 MB a large file may take up front).
    assertTrue(allocated < 16 << 20, allocated + " bytes allocated");
  }

  @Test
  void aRecordTooLargeIsRefusedEvenWithNoRecords() throws IOException {
    // Zero records hold no values, but a record of 46341 x 46341 values overflows an int.
    for (int[] shape : new int[][] {{0, 46341, 46341}, {0, 65536, 65537}}) {
      Path file = write("empty", idx(0x08, shape, new byte[0]), false);
      IOException e = assertThrows(IOException.class, () -> Idx.read(file));
      assertEquals(file + ": must hold at most 2147483639 values, but its shape "
          + Arrays.toString(shape) + " holds more", e.getMessage());
    }
  }

  @Test
  void aDamagedGzipStreamNamesTheFile() throws IOException {
    byte[] gz = Files.readAllBytes(write("images.gz", images(), true));
    Path cut = dir.resolve("cut.gz");
    Files.write(cut, Arrays.copyOf(gz, gz.length / 2));
    IOException e = assertThrows(IOException.class, () -> Idx.read(cut));
    assertTrue(e.getMessage().startsWith(cut + ": must be a whole gzip stream, but its"
        + " compressed data is damaged or cut short"), e.getMessage());
    // Cut in the header, the data and the trailer: the JDK's EOFException there has no message.
    for (int length : new int[] {12, gz.length / 3, gz.length - 4}) {
      Files.write(cut, Arrays.copyOf(gz, length));
      e = assertThrows(IOException.class, () -> Idx.read(cut), "cut to " + length);
      assertTrue(e.getMessage().startsWith(cut + ": must be a whole gzip stream, but its"
          + " compressed data is damaged or cut short"), e.getMessage());
      assertFalse(e.getMessage().contains("null"), e.getMessage());
    }
    byte[] damaged = gz.clone();
    for (int i = 10; i < damaged.length - 8; i++) {
      damaged[i] = (byte) 0xff;
    }
    Path bad = dir.resolve("bad.gz");
    Files.write(bad, damaged);
    e = assertThrows(IOException.class, () -> Idx.read(bad));
    assertTrue(e.getMessage().startsWith(bad + ": must be a whole gzip stream"), e.getMessage());
  }

  @Test
  void aTruncatedHeaderIsReported() throws IOException {
    Path file = write("header", Arrays.copyOf(images(), 9), false);
    IOException e = assertThrows(IOException.class, () -> Idx.read(file));
    assertEquals(file + ": is truncated: the header must give 3 dimensions, but the file ended"
        + " after 1", e.getMessage());
  }

  @Test
  void aFileThatIsNotIdxIsReported() throws IOException {
    Path file = write("text.csv", "a,b\n1,2\n".getBytes(java.nio.charset.StandardCharsets.UTF_8),
        false);
    IOException e = assertThrows(IOException.class, () -> Idx.read(file));
    assertEquals(file + ": must start with an IDX magic number 00 00 <type> <dimensions> with type"
        + " 08, 09, 0B, 0C, 0D or 0E, but began with 61 2C 62 0A", e.getMessage());
  }

  @Test
  void trailingBytesAreReported() throws IOException {
    byte[] full = labels();
    Path file = write("long", Arrays.copyOf(full, full.length + 1), false);
    IOException e = assertThrows(IOException.class, () -> Idx.read(file));
    assertEquals(file + ": must end after the 3 records its header announces [3], but has more"
        + " bytes", e.getMessage());
  }

  @Test
  void labelsMustMatchTheImages() throws IOException {
    Path images = write("images", images(), false);
    Path labels = write("labels", idx(0x08, new int[] {2}, new byte[] {1, 2}), false);
    IOException e = assertThrows(IOException.class, () -> Idx.dataset(images, labels));
    assertEquals(labels + ": must hold one label per image of " + images + " (3), but held 2",
        e.getMessage());
  }

  /** A label file of {@code type} and {@code shape} holding {@code values} is refused so. */
  private void assertLabelsRefused(String message, int type, int[] shape,
      java.nio.ByteBuffer values) throws IOException {
    Path labels = write("refused", idx(type, shape, values.array()), false);
    IOException e = assertThrows(IOException.class,
        () -> Idx.dataset(write("images", images(), false), labels));
    assertEquals(labels + message, e.getMessage());
  }

  @Test
  void valuesAndLabelsADatasetRefusesAreNamedWithTheirFile() throws IOException {
    Path labels = write("labels", labels(), false);
    // Float images (type 0x0D) with a NaN in record 1.
    java.nio.ByteBuffer floats = java.nio.ByteBuffer.allocate(3 * 4 * 4);
    for (int i = 0; i < 12; i++) {
      floats.putFloat(i == 5 ? Float.NaN : i / 12f);
    }
    Path images = write("floats", idx(0x0D, new int[] {3, 2, 2}, floats.array()), false);
    IOException nan = assertThrows(IOException.class, () -> Idx.dataset(images, labels));
    assertEquals(images + ": value 1 of record 1 must be finite, but was NaN", nan.getMessage());
    // A float label of 3e9 was reported as 2147483647.
    String below = ": label of record 1 must be a non-negative integer below 16777216 (2^24), but"
        + " was ";
    assertLabelsRefused(below + "3000000000", 0x0D, new int[] {3},
        java.nio.ByteBuffer.allocate(3 * 4).putFloat(1).putFloat(3e9f).putFloat(2));
    // An int label of 2^24 + 1 read as a float is 2^24, another class: refused, not changed.
    assertLabelsRefused(below + "16777217", 0x0C, new int[] {3},
        java.nio.ByteBuffer.allocate(3 * 4).putInt(0).putInt(16_777_217).putInt(2));
    // A double label with a fraction that a float loses (2.0000001 read as 2.0): refused too.
    assertLabelsRefused(below.replace("record 1", "record 2") + "2.0000001", 0x0E, new int[] {3},
        java.nio.ByteBuffer.allocate(3 * 8).putDouble(0).putDouble(1).putDouble(2.0000001));
    // The file's shape is checked before its values: a [3, 2] file is no label file at all.
    assertLabelsRefused(": must be a one-dimensional label file, but had shape [3, 2]", 0x0C,
        new int[] {3, 2}, java.nio.ByteBuffer.allocate(6 * 4).putInt(0).putInt(16_777_217)
            .putInt(2).putInt(0).putInt(1).putInt(2));
    java.nio.ByteBuffer ints = java.nio.ByteBuffer.allocate(3 * 4);
    ints.putInt(0).putInt(16_777_215).putInt(2);
    assertEquals(16_777_215, Idx.dataset(write("images", images(), false),
        write("ints", idx(0x0C, new int[] {3}, ints.array()), false)).labels()[1]);
    // Images of no values each.
    Path empty = write("empty", idx(0x08, new int[] {3, 0, 28}, new byte[0]), false);
    IOException none = assertThrows(IOException.class, () -> Idx.dataset(empty, labels));
    assertEquals(empty + ": images must have at least one value each, but the shape was"
        + " [3, 0, 28]", none.getMessage());
  }
}
