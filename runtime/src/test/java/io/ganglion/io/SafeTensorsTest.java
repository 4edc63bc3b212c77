package io.ganglion.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SafeTensorsTest {
  @TempDir Path dir;

  private static final float[] AWKWARD = {
    0f, -0f, 1f, -2.5f, 1f / 3, 65504f, 1e-7f, -1e-30f, 3.4e38f, Float.POSITIVE_INFINITY,
    Float.NEGATIVE_INFINITY, Float.MIN_VALUE, 123.456f, -7e4f, 0x1p-24f, 0.1f
  };

  @ParameterizedTest
  @EnumSource(DType.class)
  void roundTripsEveryDtypeAndRank(DType dtype) throws IOException {
    // The awkward values the dtype can hold; it refuses the others (rejectsBadWrites).
    float[] awkward = AWKWARD.clone();
    for (int i = 0; i < awkward.length; i++) {
      float v = awkward[i];
      boolean holds = dtype == DType.I64 ? Math.abs(v) < 0x1p63f
          : !Float.isFinite(v) || Float.isFinite(dtype.decode(dtype.encode(v)));
      if (!holds) {
        int k = i;
        assertThrows(IllegalArgumentException.class,
            () -> Tensor.of("conv.weight", dtype, new int[] {16}, awkward), "value " + k);
        awkward[i] = 0.25f;
      }
    }
    List<Tensor> tensors = List.of(
        Tensor.of("conv.weight", dtype, new int[] {2, 2, 2, 2}, awkward),
        Tensor.of("scalar", dtype, new int[] {}, new float[] {42.5f}),
        Tensor.of("empty", dtype, new int[] {0, 3}, new float[0]),
        Tensor.of("bn.running_mean", dtype, new int[] {3},
            new float[] {1f, dtype == DType.I64 ? 7f : Float.NaN, -1f}));
    Path file = dir.resolve("t.safetensors");
    SafeTensors.of(Map.of("k", "v\u00e9\"\n"), tensors).write(file);

    SafeTensors read = SafeTensors.read(file);
    assertEquals(Map.of("k", "v\u00e9\"\n"), read.metadata());
    assertEquals(List.of("conv.weight", "scalar", "empty", "bn.running_mean"),
        read.tensors().stream().map(Tensor::name).collect(java.util.stream.Collectors.toList()));
    for (Tensor t : tensors) {
      Tensor r = read.tensor(t.name());
      assertEquals(dtype, r.dtype());
      assertArrayEquals(t.shape(), r.shape());
      for (int i = 0; i < t.size(); i++) {
        float expected = dtype.decode(dtype.encode(t.get(i)));
        assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(r.get(i)),
            t.name() + "[" + i + "] = " + t.get(i));
      }
    }
    if (dtype == DType.F32 || dtype == DType.F64) {
      assertArrayEquals(AWKWARD, read.tensor("conv.weight").values());
    }
    // Integers round to the nearest (half up), as PyTorch's float-to-long copy of a counter.
    assertEquals(dtype == DType.I64 ? 43f : 42.5f, read.tensor("scalar").get(0));
  }

  @Test
  void f64TensorsKeepTheirExactDoubles() throws IOException {
    double[] exact = {0.1, Math.PI, 1e-300, Double.NaN, -0.0};
    Path file = dir.resolve("f64.safetensors");
    SafeTensors.of(Map.of(), List.of(Tensor.ofDoubles("h", new int[] {5}, exact))).write(file);
    Tensor read = SafeTensors.read(file).tensor("h");
    assertEquals(DType.F64, read.dtype());
    assertArrayEquals(exact, read.doubles());
    assertEquals((float) Math.PI, read.get(1));
    assertArrayEquals(new double[] {0.5f}, Tensor.of("f", new int[] {1}, new float[] {0.5f})
        .doubles());
  }

  @Test
  void writesTheExactLayoutOfTheFormat() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SafeTensors.of(Map.of("m", "1"), List.of(
            Tensor.of("a", new int[] {2}, new float[] {1f, -2f}),
            Tensor.of("b", DType.F16, new int[] {1, 1}, new float[] {1f})))
        .writeTo(out);
    byte[] bytes = out.toByteArray();
    ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int headerLength = (int) buffer.getLong(0);
    String header = new String(bytes, 8, headerLength, StandardCharsets.UTF_8);
    assertEquals("{\"__metadata__\":{\"m\":\"1\"},"
        + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
        + "\"b\":{\"dtype\":\"F16\",\"shape\":[1,1],\"data_offsets\":[8,10]}}", header.strip());
    assertEquals(0, (8 + headerLength) % 8, "data must be 8-byte aligned");
    assertEquals(8 + headerLength + 10, bytes.length);
    assertEquals(1f, buffer.getFloat(8 + headerLength));
    assertEquals(-2f, buffer.getFloat(8 + headerLength + 4));
    assertEquals((short) 0x3c00, buffer.getShort(8 + headerLength + 8));
  }

  @Test
  void openReadsTheHeaderOnly() throws IOException {
    Path file = dir.resolve("t.safetensors");
    SafeTensors.of(Map.of(), List.of(Tensor.of("x", DType.BF16, new int[] {2, 3},
        new float[] {1, 2, 3, 4, 5, 6}))).write(file);
    try (SafeTensorsReader reader = SafeTensors.open(file)) {
      TensorInfo x = reader.tensor("x");
      assertEquals(DType.BF16, x.dtype());
      assertArrayEquals(new int[] {2, 3}, x.shape());
      assertEquals(0, x.begin());
      assertEquals(12, x.end());
      assertNull(reader.tensor("y"));
      assertTrue(reader.metadata().isEmpty());
      assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, reader.read("x").values());
      ModelFormatException e = assertThrows(ModelFormatException.class, () -> reader.read("y"));
      assertEquals(file + ": tensor 'y': tensor must be in the file, but the file has only [x]",
          e.getMessage());
    }
  }

  @Test
  void rejectsBadWrites() {
    Tensor a = Tensor.of("a", new int[] {1}, new float[] {1});
    assertThrows(IllegalArgumentException.class, () -> SafeTensors.of(Map.of(), List.of(a, a)));
    assertEquals("a: values must number 6 for shape [2, 3], but were 5",
        assertThrows(IllegalArgumentException.class,
            () -> Tensor.of("a", new int[] {2, 3}, new float[5])).getMessage());
    assertThrows(IllegalArgumentException.class, () -> SafeTensors.of(Map.of(),
        List.of(Tensor.of("__metadata__", new int[] {0}, new float[0]))));
    // Values a dtype would store as something else than their rounding are refused.
    assertEquals("x: value 2 must fit I64 (a number below 2^63 in size), but was 1.0E30; store it"
        + " as F32", assertThrows(IllegalArgumentException.class, () -> Tensor.of("x", DType.I64,
            new int[] {3}, new float[] {0, 1.5f, 1e30f})).getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> Tensor.of("x", DType.I64, new int[] {1}, new float[] {Float.NaN}));
    assertEquals("x: value 0 must fit F16 (at most 65504 in size), but was 1.0E9; store it as"
        + " F32", assertThrows(IllegalArgumentException.class, () -> Tensor.of("x", new int[] {1},
            new float[] {1e9f}).withDType(DType.F16)).getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> Tensor.of("x", DType.BF16, new int[] {1}, new float[] {Float.MAX_VALUE}));
    // What they can store is taken: values to round, and NaN or infinities in the float types.
    Tensor.of("x", DType.I64, new int[] {2}, new float[] {1.5f, -0x1p63f});
    Tensor.of("x", DType.F16, new int[] {3}, new float[] {65504, Float.NaN,
        Float.NEGATIVE_INFINITY});
  }

  /** A file's I64 values read as the nearest floats, the extremes of the 64-bit range too. */
  @Test
  void readsI64ValuesAtTheEndsOfTheRange() throws IOException {
    String header = "{\"ids\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]}}";
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    Path file = dir.resolve("ids.safetensors");
    Files.write(file, concat(concat(le(json.length), json),
        concat(le(Long.MAX_VALUE), le(Long.MIN_VALUE))));
    assertArrayEquals(new float[] {0x1p63f, -0x1p63f},
        SafeTensors.read(file).tensor("ids").values());
  }

  // --- Every check of the reader, on hand-made files.

  private static final String A = "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";

  @Test
  void refusesAHugeHeaderLengthBeforeReadingIt() throws IOException {
    Path file = dir.resolve("huge.safetensors");
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.write(le(SafeTensors.MAX_HEADER_BYTES + 1));
      f.setLength(1000);
    }
    assertEquals(file + ": header length must be at most 104857600 bytes, but was 104857601; is"
        + " it a safetensors file?", message(file));
    Files.write(file, le(-1L));
    assertEquals(file + ": header length must be at most 104857600 bytes, but was "
        + "18446744073709551615; is it a safetensors file?", message(file));
    Files.write(file, concat(le(SafeTensors.MAX_HEADER_BYTES), new byte[10]));
    assertEquals(file + ": header length must fit in the file (at most 10 bytes), but was "
        + "104857600", message(file));
    Files.write(file, new byte[5]);
    assertEquals(file + ": file must start with an 8-byte header length, but was 5 bytes long;"
        + " is it a safetensors file?", message(file));
    // What torch.save writes: a zip archive, or (before PyTorch 1.6) a pickle.
    Files.write(file, concat("PK".getBytes(StandardCharsets.US_ASCII),
        new byte[] {3, 4, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0}));
    assertTrue(message(file).endsWith("; it is a zip archive, as torch.save writes (.pt, .pth):"
        + " save the state_dict with safetensors.torch.save_file instead"), message(file));
    Files.write(file, new byte[] {(byte) 0x80, 2, (byte) 0x8a, 10, 0, 0, 0, 0, 0, 0, 0, 0});
    assertTrue(message(file).endsWith("; it is a Python pickle, as an older torch.save writes:"
        + " save the state_dict with safetensors.torch.save_file instead"), message(file));
  }

  @Test
  void rejectsHeadersThatAreNotStrictJsonObjects() throws IOException {
    assertEquals("header must be valid JSON, but was not: character 1 must be a string key, "
        + "but was ','", detail("{,}", 0));
    assertEquals("header must be a JSON object, but was a list", detail("[]", 0));
    assertEquals("header must be valid JSON, but was not: keys must be unique, but \"a\" was "
        + "repeated at character 54", detail("{" + A + "," + A + "}", 8));
    assertTrue(detail("{\"a\":1}\u0000", 0).startsWith("header must be valid JSON"));
    Path file = dir.resolve("bad.safetensors");
    Files.write(file, concat(le(3), new byte[] {'{', (byte) 0xff, '}'}));
    assertTrue(message(file).startsWith(file + ": header must be UTF-8, but was not"));
  }

  @Test
  void checksEveryEntry() throws IOException {
    // The format's other dtypes are laid out (and checked) but not read as numbers.
    assertEquals("tensor 'a': dtype must be one of [F16, BF16, F32, F64, I64] to be read as"
        + " numbers, but was I32",
        detail("{\"a\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4));
    assertEquals("tensor 'a': data_offsets must span 3 bytes (3 BOOL values of shape [3]), but"
        + " spanned 4 [0, 4]",
        detail("{\"a\":{\"dtype\":\"BOOL\",\"shape\":[3],\"data_offsets\":[0,4]}}", 4));
    assertEquals("tensor 'a': dtype must be one of the safetensors dtypes [F16, BF16, F32, F64,"
        + " I64, BOOL, F4, F6_E2M3, F6_E3M2, U8, I8, F8_E5M2, F8_E4M3, F8_E8M0, F8_E4M3FNUZ,"
        + " F8_E5M2FNUZ, I16, U16, I32, U32, C64, U64], but was a number",
        detail("{\"a\":{\"dtype\":3,\"shape\":[1],\"data_offsets\":[0,8]}}", 8));
    // Values of fewer bits than a byte: two F4 in a byte; three F4 would leave half a byte.
    assertTrue(detail("{\"a\":{\"dtype\":\"F4\",\"shape\":[2],\"data_offsets\":[0,1]}}", 1)
        .endsWith("to be read as numbers, but was F4"));
    assertEquals("tensor 'a': shape must give whole bytes of F4 values (4 bits each), but [3]"
        + " holds 3",
        detail("{\"a\":{\"dtype\":\"F4\",\"shape\":[3],\"data_offsets\":[0,2]}}", 2));
    assertTrue(detail("{\"a\":{\"dtype\":\"F2\",\"shape\":[4],\"data_offsets\":[0,1]}}", 1)
        .endsWith(", but was F2"));
    assertEquals("tensor 'a': entry must have shape, but had none",
        detail("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", 8));
    assertEquals("tensor 'a': entry must have only dtype, shape and data_offsets, but also had "
        + "'x'", detail("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],"
            + "\"x\":1}}", 8));
    assertEquals("tensor 'a': shape must be a list of non-negative integers, but was [2, -1]",
        detail("{\"a\":{\"dtype\":\"F32\",\"shape\":[2,-1],\"data_offsets\":[0,8]}}", 8));
    assertEquals("tensor 'a': data_offsets must be a list of 2 non-negative integers, but was "
        + "[0]", detail("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}}", 8));
    assertEquals("tensor 'a': data_offsets must span 8 bytes (2 F32 values of shape [2]), but "
        + "spanned 4 [0, 4]",
        detail("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", 8));
    assertEquals("tensor 'a': data_offsets must not end before they begin, but were [8, 0]",
        detail("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", 8));
    assertEquals("tensor 'a': shape must hold fewer than 2^31 - 8 values (a Java array), but was "
        + "[65536, 65536]", detail(
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[65536,65536],\"data_offsets\":[0,8]}}", 8));
    assertEquals("__metadata__ value 'k' must be a string, but was a number",
        detail("{\"__metadata__\":{\"k\":1}," + A + "}", 8));
  }

  @Test
  void checksTheLayout() throws IOException {
    String b = "\"b\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[%d,%d]}";
    assertEquals("tensor 'b': data must start at 8, where tensor 'a' ends (no gaps or overlaps), "
        + "but started at 6", detail("{" + A + "," + String.format(b, 6, 10) + "}", 12));
    assertEquals("tensor 'b': data must start at 8, where tensor 'a' ends (no gaps or overlaps), "
        + "but started at 10", detail("{" + A + "," + String.format(b, 10, 14) + "}", 14));
    assertEquals("tensor 'b': data must start at 0, the start of the data (no gaps or overlaps), "
        + "but started at 2", detail("{" + String.format(b, 2, 6) + "}", 6));
    assertEquals("tensor 'a': data_offsets must lie inside the file's 7 data bytes, but were "
        + "[0, 8]", detail("{" + A + "}", 7));
    assertEquals("file must end where the last tensor ends (data byte 8), but had 1 trailing "
        + "bytes", detail("{" + A + "}", 9));
    // Header order need not be data order, and the header may be padded with spaces.
    assertEquals("", detail("{" + String.format(b, 8, 12) + "," + A + "}    ", 12));
  }

  @Test
  void namesAndMetadataMustBeEncodableUnicode() {
    // "w\uD800" and "w\uDC00" would both be written as "w?": two names made one.
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Tensor.of("w\uD800", new int[] {1}, new float[] {1}));
    assertEquals("tensor name must be valid Unicode (UTF-8 encodable), but 'w?' has a lone"
        + " surrogate \\uD800 at index 1", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> SafeTensors.of(Map.of("note", "\uDC00x"), List.of()));
    assertEquals("metadata value of note must be valid Unicode (UTF-8 encodable), but '?x' has a"
        + " lone surrogate \\uDC00 at index 0", e.getMessage());
    // A pair is a character: accepted.
    Tensor pair = Tensor.of("w\uD83D\uDE00", new int[] {1}, new float[] {1});
    assertEquals("w\uD83D\uDE00", pair.name());
  }

  /** The message of reading a file with this header and data size, without the file name. */
  private String detail(String header, int dataBytes) throws IOException {
    Path file = dir.resolve("hand.safetensors");
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    Files.write(file, concat(concat(le(h.length), h), new byte[dataBytes]));
    try {
      SafeTensors.read(file);
      return "";
    } catch (ModelFormatException e) {
      assertEquals(file, e.file());
      assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
      return e.getMessage().substring(file.toString().length() + 2);
    }
  }

  private static String message(Path file) {
    return assertThrows(ModelFormatException.class, () -> SafeTensors.read(file)).getMessage();
  }

  static byte[] le(long value) {
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array();
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
