package io.ganglion.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFilesTest {
  @TempDir Path dir;

  @Test
  void savesAndLoadsThroughTheModelInterface() throws IOException {
    TwoLayerNet saved = TwoLayerNet.small().filled(1);
    Path file = dir.resolve("net.safetensors");
    saved.save(file);
    TwoLayerNet loaded = TwoLayerNet.small().filled(2);
    assertNotEquals(saved.snapshot()[0][0], loaded.snapshot()[0][0]);
    loaded.load(file);
    assertArrayEquals(saved.snapshot(), loaded.snapshot());
    float[] x = {0.5f, -1f, 2f};
    assertArrayEquals(saved.predict(x), loaded.predict(x));
  }

  @Test
  void writesStateDictNamesShapesAndMetadata() throws IOException {
    TwoLayerNet net = TwoLayerNet.small().filled(1);
    Path file = dir.resolve("net.safetensors");
    net.save(file);
    SafeTensors read = SafeTensors.read(file);
    assertEquals(Map.of("format", "pt", "ganglion.network", "TwoLayerNet",
            "ganglion.spec", "Dense(3->4, RELU) Dense(4->2, LINEAR)",
            "ganglion.format_version", "1"), read.metadata());
    assertEquals(List.of("hidden.weight", "hidden.bias", "out.weight", "out.bias"), names(read));
    Tensor w = read.tensor("hidden.weight");
    assertArrayEquals(new int[] {4, 3}, w.shape());
    // Row-major [out, in]: element (unit 1, input 2) is at 1 * 3 + 2, as layer.weight(1, 2).
    assertEquals(net.layer("hidden").weight(1, 2), w.get(1 * 3 + 2));
  }

  @Test
  void loadsEveryDtypeAndSavesHalves() throws IOException {
    for (DType dtype : List.of(DType.F16, DType.BF16, DType.F32, DType.F64)) {
      TwoLayerNet saved = TwoLayerNet.small().filled(3);
      Path file = dir.resolve(dtype + ".safetensors");
      ModelFiles.save(saved, file, dtype);
      TwoLayerNet loaded = TwoLayerNet.small();
      loaded.load(file);
      float[][] expected = saved.snapshot();
      float[][] actual = loaded.snapshot();
      for (int p = 0; p < expected.length; p++) {
        for (int i = 0; i < expected[p].length; i++) {
          assertEquals(dtype.decode(dtype.encode(expected[p][i])), actual[p][i], dtype + "");
        }
      }
    }
  }

  @Test
  void weightsAreNotSavedAsIntegers() {
    Path file = dir.resolve("i64.safetensors");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ModelFiles.save(TwoLayerNet.small().filled(3), file, DType.I64));
    assertEquals("dtype must be a floating-point type (F16, BF16, F32 or F64) for weights, but"
        + " was I64", e.getMessage());
    assertFalse(Files.exists(file));
  }

  @Test
  void aFileFromADifferentNetworkSaysWhichWroteIt() throws IOException {
    Path file = dir.resolve("other.safetensors");
    new TwoLayerNet("BigNet", 3, 5, 2).filled(1).save(file);
    TwoLayerNet net = TwoLayerNet.small().filled(4);
    float[][] before = net.snapshot();
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> net.load(file));
    assertEquals(file + ": tensor 'hidden.weight': shape must be [4, 3] as in TwoLayerNet, but "
        + "was [5, 3]; the file was saved from network BigNet (Dense(3->5, RELU) Dense(5->2, "
        + "LINEAR)), but is being loaded into TwoLayerNet (Dense(3->4, RELU) Dense(4->2, LINEAR));"
        + " the file's layer has 5 units over 3 inputs: declare hidden with units = 5 to match",
        e.getMessage());
    assertEquals("hidden.weight", e.tensor());
    assertArrayEquals(before, net.snapshot());
  }

  @Test
  void aWeightOfOtherInputsOrTransposedIsNotToldToChangeTheUnits() throws IOException {
    // [3, 4]: hidden's [4, 3] transposed, as a Keras kernel is stored.
    Path transposed = dir.resolve("transposed.safetensors");
    new TwoLayerNet("Keras", 4, 3, 2).filled(1).save(transposed);
    TwoLayerNet net = TwoLayerNet.small().filled(4);
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> net.load(transposed));
    assertTrue(e.getMessage().endsWith("; that is this layer's shape transposed: the file stores"
        + " the weight as [inputs, units] (as Keras does), where PyTorch's nn.Linear and Ganglion"
        + " store [units, inputs]; transpose it when writing the file"), e.getMessage());
    // [4, 5]: other inputs, which no units of hidden can match.
    Path wider = dir.resolve("wider.safetensors");
    new TwoLayerNet("Wider", 5, 4, 2).filled(1).save(wider);
    e = assertThrows(ModelFormatException.class, () -> net.load(wider));
    assertTrue(e.getMessage().endsWith("; the file's layer has 4 units over 5 inputs, where the"
        + " layers before hidden give 3: the networks differ before hidden"), e.getMessage());
  }

  @Test
  void listsMissingAndUnexpectedTensors() throws IOException {
    TwoLayerNet net = TwoLayerNet.small().filled(4);
    float[][] before = net.snapshot();
    Map<String, String> meta = new LinkedHashMap<>(ModelFiles.metadata(net));
    meta.put(ModelFiles.NETWORK_KEY, "Renamed");
    List<Tensor> tensors = new ArrayList<>(ModelFiles.toSafeTensors(net, DType.F32).tensors());
    tensors.remove(3);
    tensors.add(Tensor.of("extra.weight", new int[] {1}, new float[] {1}));
    Path file = dir.resolve("odd.safetensors");
    SafeTensors.of(meta, tensors).write(file);

    ModelFormatException e = assertThrows(ModelFormatException.class, () -> net.load(file));
    assertEquals(file + ": tensors must be TwoLayerNet's parameters "
        + "[hidden.weight, hidden.bias, out.weight, out.bias], but it lacks [out.bias] and has "
        + "unexpected [extra.weight]; the file was saved from network Renamed (Dense(3->4, RELU) "
        + "Dense(4->2, LINEAR)), but is being loaded into TwoLayerNet (Dense(3->4, RELU) "
        + "Dense(4->2, LINEAR))", e.getMessage());
    assertArrayEquals(before, net.snapshot());
  }

  @Test
  void extraTensorsOfDtypesThatAreNotReadAreIgnoredToo() throws IOException {
    // A PyTorch state dict may hold a mask (BOOL) or an index table (I32) beside the weights.
    TwoLayerNet source = TwoLayerNet.small().filled(5);
    Path file = dir.resolve("mask.safetensors");
    byte[] plain = Files.readAllBytes(writeSmall(source));
    Files.write(file, withExtraTensor(plain, "mask", "BOOL", new byte[] {1, 0, 1}));
    TwoLayerNet net = TwoLayerNet.small();
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> net.load(file));
    assertTrue(e.getMessage().contains("but it has unexpected [mask]"), e.getMessage());
    ModelFiles.loadIgnoringUnexpected(net, file);
    assertArrayEquals(source.snapshot(), net.snapshot());
  }

  private Path writeSmall(TwoLayerNet net) throws IOException {
    Path file = dir.resolve("small.safetensors");
    SafeTensors.of(Map.of(), ModelFiles.toSafeTensors(net, DType.F32).tensors()).write(file);
    return file;
  }

  /** {@code plain} (a safetensors file) with one more tensor of {@code dtype} at the end. */
  private static byte[] withExtraTensor(byte[] plain, String name, String dtype, byte[] data) {
    ByteBuffer in = ByteBuffer.wrap(plain).order(ByteOrder.LITTLE_ENDIAN);
    int headerLength = (int) in.getLong();
    String header = new String(plain, 8, headerLength, StandardCharsets.UTF_8)
        .trim();
    int dataLength = plain.length - 8 - headerLength;
    String entry = "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":[" + data.length
        + "],\"data_offsets\":[" + dataLength + "," + (dataLength + data.length) + "]}";
    byte[] newHeader = (header.substring(0, header.length() - 1) + "," + entry + "}")
        .getBytes(StandardCharsets.UTF_8);
    ByteBuffer out = ByteBuffer.allocate(8 + newHeader.length + dataLength
        + data.length).order(ByteOrder.LITTLE_ENDIAN);
    out.putLong(newHeader.length).put(newHeader).put(plain, 8 + headerLength, dataLength)
        .put(data);
    return out.array();
  }

  @Test
  void extraTensorsAreRejectedUnlessAskedToIgnoreThem() throws IOException {
    TwoLayerNet source = TwoLayerNet.small().filled(5);
    List<Tensor> tensors = new ArrayList<>(ModelFiles.toSafeTensors(source, DType.F32).tensors());
    tensors.add(Tensor.of("optimizer.step", new int[] {}, new float[] {7}));
    Path file = dir.resolve("extra.safetensors");
    SafeTensors.of(Map.of(), tensors).write(file);

    TwoLayerNet net = TwoLayerNet.small();
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> net.load(file));
    assertEquals(file + ": tensors must be TwoLayerNet's parameters "
        + "[hidden.weight, hidden.bias, out.weight, out.bias], but it has unexpected "
        + "[optimizer.step]; the file does not say which network wrote it (it has no Ganglion "
        + "metadata)", e.getMessage());
    ModelFiles.loadIgnoringUnexpected(net, file);
    assertArrayEquals(source.snapshot(), net.snapshot());
  }

  @Test
  void aMatchingFileWithoutMetadataOrFromAnotherClassLoads() throws IOException {
    TwoLayerNet source = new TwoLayerNet("SameShapes", 3, 4, 2).filled(6);
    Path file = dir.resolve("same.safetensors");
    source.save(file);
    TwoLayerNet net = TwoLayerNet.small();
    net.load(file);
    assertArrayEquals(source.snapshot(), net.snapshot());

    SafeTensors.of(Map.of(), ModelFiles.toSafeTensors(source, DType.F16).tensors()).write(file);
    TwoLayerNet fromPlain = TwoLayerNet.small();
    fromPlain.load(file);
    assertEquals(Floats16.fromHalf(Floats16.toHalf(source.snapshot()[0][0])),
        fromPlain.snapshot()[0][0]);
  }

  @Test
  void refusesANewerFormatVersion() throws IOException {
    TwoLayerNet net = TwoLayerNet.small().filled(1);
    Map<String, String> meta = new LinkedHashMap<>(ModelFiles.metadata(net));
    meta.put(ModelFiles.VERSION_KEY, "2");
    Path file = dir.resolve("v2.safetensors");
    SafeTensors.of(meta, ModelFiles.toSafeTensors(net, DType.F32).tensors()).write(file);
    assertEquals(file + ": ganglion.format_version must be between 1 and 1 (the newest this "
        + "runtime reads), but was 2; a newer Ganglion wrote it",
        assertThrows(ModelFormatException.class, () -> net.load(file)).getMessage());
    meta.put(ModelFiles.VERSION_KEY, "0");
    SafeTensors.of(meta, ModelFiles.toSafeTensors(net, DType.F32).tensors()).write(file);
    assertTrue(assertThrows(ModelFormatException.class, () -> net.load(file)).getMessage()
        .endsWith("but was 0; no Ganglion writes it: was the metadata edited?"));
  }

  private static List<String> names(SafeTensors set) {
    List<String> names = new ArrayList<>();
    for (Tensor t : set.tensors()) {
      names.add(t.name());
    }
    return names;
  }

  @Test
  void nonFiniteWeightsAreRefusedOnLoadAndOnSave() throws IOException {
    TwoLayerNet saved = TwoLayerNet.small().filled(1);
    Path file = dir.resolve("net.safetensors");
    saved.save(file);
    SafeTensors read = SafeTensors.read(file);
    for (double bad : new double[] {Double.NaN, Double.NEGATIVE_INFINITY, 1e300}) {
      List<Tensor> tensors = new ArrayList<>();
      for (Tensor t : read.tensors()) {
        if (t.name().equals("out.weight")) {
          double[] values = new double[t.size()];
          for (int i = 0; i < values.length; i++) {
            values[i] = t.get(i);
          }
          values[3] = bad;
          t = Tensor.ofDoubles(t.name(), t.shape(), values);
        }
        tensors.add(t);
      }
      Path damaged = dir.resolve("damaged.safetensors");
      SafeTensors.of(read.metadata(), tensors).write(damaged);
      TwoLayerNet net = TwoLayerNet.small().filled(2);
      float[][] before = net.snapshot();
      ModelFormatException e = assertThrows(ModelFormatException.class, () -> net.load(damaged));
      assertEquals("out.weight", e.tensor());
      assertTrue(e.getMessage().startsWith(damaged + ": tensor 'out.weight': values must be"
          + " finite, but value 3 was " + (float) bad), e.getMessage());
      assertArrayEquals(before, net.snapshot());
    }
    TwoLayerNet big = TwoLayerNet.small().filled(1);
    big.parameters().get(0).set(2, 1e6f);
    Path half = dir.resolve("half.safetensors");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ModelFiles.save(big, half, DType.F16));
    assertEquals("weights must be finite to be saved, but value 2 of hidden.weight was 1000000.0,"
        + " beyond F16's range (largest finite: 65504); save as F32", e.getMessage());
    assertFalse(Files.exists(half));
    ModelFiles.save(big, half, DType.BF16); // within bfloat16's range
    big.parameters().get(0).set(2, Float.NaN);
    e = assertThrows(IllegalArgumentException.class, () -> ModelFiles.save(big, file));
    assertTrue(e.getMessage().endsWith("was NaN; did training diverge?"), e.getMessage());
    TwoLayerNet reloaded = TwoLayerNet.small();
    reloaded.load(file); // the earlier file is still there, whole
    assertArrayEquals(saved.snapshot(), reloaded.snapshot());
  }

  @Test
  void anEmptyTensorNameIsShownQuoted() throws IOException {
    // safetensors allows a tensor named "": written by hand, as Ganglion refuses to write one.
    byte[] header = "{\"\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}"
        .getBytes(StandardCharsets.UTF_8);
    Path file = dir.resolve("empty-name.safetensors");
    Files.write(file, SafeTensorsTest.concat(SafeTensorsTest.concat(
        SafeTensorsTest.le(header.length), header), new byte[4]));
    TwoLayerNet net = TwoLayerNet.small();
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> net.load(file));
    assertTrue(e.getMessage().contains("and has unexpected ['']"), e.getMessage());
  }
}
