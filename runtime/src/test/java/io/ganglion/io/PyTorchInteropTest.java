package io.ganglion.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files exchanged with PyTorch, both ways. The fixtures under {@code src/test/resources/pytorch}
 * come from {@code make_fixture.py} there (run by hand where torch is installed; CI only reads
 * them): a PyTorch module with the same attribute names as {@link TwoLayerNet}, its state_dict as
 * safetensors (F32 and F16), PyTorch's outputs on fixed inputs, and PyTorch's outputs after it
 * loaded the file Ganglion writes ({@code ganglion_model.safetensors}) with {@code
 * load_state_dict(strict=True)}.
 */
class PyTorchInteropTest {
  private static final float TOLERANCE = 1e-5f;

  @TempDir Path dir;

  @Test
  void loadsAPyTorchStateDictAndComputesPyTorchsOutputs() throws Exception {
    Map<String, Object> expected = json("torch_outputs.json");
    float[][] inputs = floats(expected.get("inputs"));

    TwoLayerNet net = TwoLayerNet.small();
    net.load(resource("torch_model.safetensors"));
    assertOutputs(floats(expected.get("outputs")), net, inputs);

    TwoLayerNet half = TwoLayerNet.small();
    half.load(resource("torch_model_f16.safetensors"));
    assertOutputs(floats(expected.get("outputs_f16")), half, inputs);
  }

  /** An nn.Sequential names its layers by position: they are mapped to the model's layers. */
  @Test
  void loadsAPyTorchSequentialWithItsLayersMapped() throws Exception {
    Map<String, Object> expected = json("torch_outputs.json");
    Path file = resource("torch_sequential.safetensors");
    TwoLayerNet net = TwoLayerNet.small();
    float[] before = net.parameters().get(0).toArray();
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> net.load(file));
    assertTrue(e.getMessage().endsWith("its layers are named by position, as in a PyTorch"
        + " nn.Sequential: map them with ModelFiles.load(model, file, Map.of(\"<layer>\","
        + " \"0\", ...))"), e.getMessage());
    assertArrayEquals(before, net.parameters().get(0).toArray());

    ModelFiles.load(net, file, Map.of("hidden", "0", "out", "2"));
    assertOutputs(floats(expected.get("outputs")), net, floats(expected.get("inputs")));

    IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
        () -> ModelFiles.load(net, file, Map.of("hiden", "0")));
    assertEquals("layers must map layers of TwoLayerNet [hidden, out], but named 'hiden'",
        wrong.getMessage());
    wrong = assertThrows(IllegalArgumentException.class,
        () -> ModelFiles.load(net, file, Map.of("hidden", "out")));
    assertEquals("layers must give each layer a name of its own in the file, but hidden and out"
        + " would both read 'out'", wrong.getMessage());
    ModelFormatException shape = assertThrows(ModelFormatException.class,
        () -> ModelFiles.load(net, file, Map.of("hidden", "2", "out", "0")));
    assertEquals(file + ": tensor '2.weight': shape must be [4, 3] as hidden.weight in"
        + " TwoLayerNet, but was [2, 4]; the file does not say which network wrote it (it has no"
        + " Ganglion metadata); the layers map reads hidden from '2': check that entry",
        shape.getMessage());
    ModelFormatException partial = assertThrows(ModelFormatException.class,
        () -> ModelFiles.load(net, file, Map.of("hidden", "0")));
    assertEquals(file + ": tensors must be TwoLayerNet's parameters as the"
        + " layers map {hidden=0} names them [0.weight, 0.bias, out.weight, out.bias], but it"
        + " lacks [out.weight, out.bias] and has unexpected [2.weight, 2.bias]; the file does not"
        + " say which network wrote it (it has no Ganglion metadata); the layers map does not name"
        + " [out], which keep their own names", partial.getMessage());
  }

  /** The other way: saved under an nn.Sequential's names, read back with the same map. */
  @Test
  void savesUnderTheNamesOfASequential() throws Exception {
    TwoLayerNet net = TwoLayerNet.small().filled(3);
    Path file = dir.resolve("sequential.safetensors");
    ModelFiles.save(net, file, Map.of("hidden", "0", "out", "2"));
    assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"),
        SafeTensors.read(file).tensors().stream().map(Tensor::name)
            .collect(java.util.stream.Collectors.toList()));
    TwoLayerNet copy = TwoLayerNet.small();
    ModelFiles.load(copy, file, Map.of("hidden", "0", "out", "2"));
    assertArrayEquals(net.snapshot(), copy.snapshot());
  }

  @Test
  void pytorchLoadsWhatGanglionWrites() throws Exception {
    TwoLayerNet net = TwoLayerNet.small().filled(7);
    Path written = dir.resolve("ganglion_model.safetensors");
    net.save(written);
    if (Boolean.getBoolean("ganglion.fixtures.update")) {
      Files.copy(written, Path.of("src/test/resources/pytorch/ganglion_model.safetensors"),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    // The committed file is byte for byte what Ganglion writes today, so PyTorch's verdict on it
    // holds for the current writer; if the format changes on purpose, regenerate both.
    assertArrayEquals(Files.readAllBytes(resource("ganglion_model.safetensors")),
        Files.readAllBytes(written),
        "the writer's output changed: rerun with -Dganglion.fixtures.update=true, then "
            + "make_fixture.py");
    Map<String, Object> pytorch = json("ganglion_outputs.json");
    assertEquals("TwoLayerNet", ((Map<?, ?>) pytorch.get("metadata")).get("ganglion.network"));
    float[][] inputs = floats(json("torch_outputs.json").get("inputs"));
    assertOutputs(floats(pytorch.get("outputs")), net, inputs);
  }

  private static void assertOutputs(float[][] expected, TwoLayerNet net, float[][] inputs) {
    assertEquals(expected.length, inputs.length);
    for (int n = 0; n < inputs.length; n++) {
      float[] actual = net.predict(inputs[n]);
      assertEquals(expected[n].length, actual.length);
      for (int k = 0; k < actual.length; k++) {
        assertEquals(expected[n][k], actual[k], TOLERANCE, "sample " + n + ", output " + k);
      }
    }
  }

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(PyTorchInteropTest.class.getResource("/pytorch/" + name).toURI());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> json(String name) throws Exception {
    String text = Files.readString(resource(name), StandardCharsets.UTF_8);
    return (Map<String, Object>) Json.parse(text);
  }

  /** Rows of floats written by the script as strings (exact decimal forms of float32 values). */
  private static float[][] floats(Object rows) {
    List<?> list = (List<?>) rows;
    float[][] out = new float[list.size()][];
    for (int i = 0; i < out.length; i++) {
      List<?> row = (List<?>) list.get(i);
      out[i] = new float[row.size()];
      for (int j = 0; j < row.size(); j++) {
        out[i][j] = Float.parseFloat((String) row.get(j));
      }
    }
    return out;
  }
}
