package io.ganglion.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ganglion.Parameter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
  @TempDir Path dir;

  @Test
  void writesAParameterInLogicalShapeAndOrder() throws IOException {
    TwoLayerNet net = TwoLayerNet.small().filled(3);
    Parameter weight = net.parameter("hidden.weight");
    Path file = dir.resolve("w.npy");
    Npy.write(file, weight);
    byte[] bytes = Files.readAllBytes(file);
    assertEquals("{'descr': '<f4', 'fortran_order': False, 'shape': (4, 3), }",
        header(bytes).strip());
    assertArrayEquals(weight.toArray(), data(bytes));
  }

  @Test
  void headersFollowTheFormat() throws IOException {
    assertEquals("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }",
        header(bytesOf(new int[] {3}, new float[] {1, 2, 3})).strip());
    assertEquals("{'descr': '<f4', 'fortran_order': False, 'shape': (), }",
        header(bytesOf(new int[] {}, new float[] {5})).strip());
    byte[] fourD = bytesOf(new int[] {2, 1, 2, 1}, new float[] {1, -2, 3, -4});
    assertEquals("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 1, 2, 1), }",
        header(fourD).strip());
    assertArrayEquals(new float[] {1, -2, 3, -4}, data(fourD));
  }

  @Test
  void writesEveryParameterOfAModel() throws IOException {
    TwoLayerNet net = TwoLayerNet.small().filled(4);
    Npy.writeAll(net, dir.resolve("weights"));
    for (Parameter p : net.parameters()) {
      byte[] bytes = Files.readAllBytes(dir.resolve("weights").resolve(p.name() + ".npy"));
      assertArrayEquals(p.toArray(), data(bytes), p.name());
    }
  }

  private static byte[] bytesOf(int[] shape, float[] values) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Npy.writeTo(out, shape, values);
    return out.toByteArray();
  }

  /** Checks the preamble and returns the header dictionary with its padding. */
  private static String header(byte[] bytes) {
    assertEquals((byte) 0x93, bytes[0]);
    assertEquals("NUMPY", new String(bytes, 1, 5, StandardCharsets.US_ASCII));
    assertEquals(1, bytes[6]);
    assertEquals(0, bytes[7]);
    int length = (bytes[8] & 0xff) | (bytes[9] & 0xff) << 8;
    assertEquals(0, (10 + length) % 64, "data must start 64-byte aligned");
    assertEquals('\n', bytes[10 + length - 1]);
    return new String(bytes, 10, length, StandardCharsets.US_ASCII);
  }

  private static float[] data(byte[] bytes) {
    int start = 10 + ((bytes[8] & 0xff) | (bytes[9] & 0xff) << 8);
    float[] values = new float[(bytes.length - start) / 4];
    ByteBuffer.wrap(bytes, start, bytes.length - start).order(ByteOrder.LITTLE_ENDIAN)
        .asFloatBuffer().get(values);
    return values;
  }
}
