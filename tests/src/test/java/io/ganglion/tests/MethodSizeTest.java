package io.ganglion.tests;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every method of every generated class stays far below HotSpot's 8000-byte {@code
 * HugeMethodLimit} (a larger method is never JIT-compiled), whatever the layer sizes: the
 * generator unrolls only the register-blocking dimension, never the units. Reads the bytecode
 * length of each method from the class files.
 */
class MethodSizeTest {
  /** Far below 8000: a method this size still compiles and inlines its small callees. */
  private static final int LIMIT = 2000;

  @Test
  void generatedMethodsAreSmallForEveryNetworkSize() throws IOException {
    List<String> classes = new ArrayList<>();
    for (String network :
        List.of("Xor", "Blobs", "Medium", "VectorEdges", "SoftmaxTanhSigmoid", "Large")) {
      classes.add("Net_Networks_" + network);
    }
    // Only networks with a layer of at least 32 x 32 get vector kernels.
    for (String network : List.of("Medium", "VectorEdges", "Large", "ConvVectorEdges")) {
      classes.add("Net_Networks_" + network + "_Vector");
    }
    int checked = 0;
    for (String name : classes) {
      Map<String, Integer> sizes = codeLengths(name);
      assertFalse(sizes.isEmpty(), name + " has no methods");
      for (Map.Entry<String, Integer> e : sizes.entrySet()) {
        assertTrue(
            e.getValue() < LIMIT,
            name + "." + e.getKey() + " is " + e.getValue() + " bytes of bytecode");
        checked++;
      }
    }
    assertTrue(checked > 100, "checked only " + checked + " methods");
  }

  @Test
  void largeLayersDoNotMakeLargerMethods() throws IOException {
    int small = maximum(codeLengths("Net_Networks_Medium"));
    int large = maximum(codeLengths("Net_Networks_Large"));
    assertTrue(large < small * 1.5, "largest method: Medium " + small + ", Large " + large);
  }

  /**
   * A network of 73 layers: the methods a training step or a prediction runs stay below the
   * limit, as each layer adds a call or two to them and nothing more. Only the methods that run
   * once per model (the constructor, the initial parameters, the first training pass's binding)
   * grow with the depth, and stay below the 8,000 bytes HotSpot compiles.
   */
  @Test
  void deepNetworksKeepTheirStepSmall() throws IOException {
    Map<String, Integer> sizes = codeLengths("Net_Networks_Deep");
    List<String> once = List.of("<init>", "initialParameters", "initialBuffers", "bindTraining");
    int checked = 0;
    for (Map.Entry<String, Integer> e : sizes.entrySet()) {
      String method = e.getKey().substring(0, e.getKey().indexOf('('));
      int limit = once.contains(method) ? 8000 : LIMIT;
      assertTrue(e.getValue() < limit,
          "Net_Networks_Deep." + e.getKey() + " is " + e.getValue() + " bytes of bytecode");
      checked += limit == LIMIT ? 1 : 0;
    }
    assertTrue(checked > 140, "checked only " + checked + " methods");
  }

  private static int maximum(Map<String, Integer> sizes) {
    return sizes.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
  }

  /** Method name and descriptor to the length of its Code attribute, from a class file. */
  static Map<String, Integer> codeLengths(String simpleName) throws IOException {
    String resource = simpleName + ".class";
    try (InputStream raw = MethodSizeTest.class.getResourceAsStream(resource)) {
      assertTrue(raw != null, "no class file " + resource);
      DataInputStream in = new DataInputStream(raw);
      if (in.readInt() != 0xCAFEBABE) {
        throw new IOException(resource + " is not a class file");
      }
      in.readUnsignedShort();
      in.readUnsignedShort();
      int count = in.readUnsignedShort();
      String[] utf8 = new String[count];
      for (int i = 1; i < count; i++) {
        int tag = in.readUnsignedByte();
        switch (tag) {
          case 1:
            utf8[i] = in.readUTF();
            break;
          case 3: case 4:
            in.readInt();
            break;
          case 5: case 6:
            in.readLong();
            i++;
            break;
          case 7: case 8: case 16: case 19: case 20:
            in.readUnsignedShort();
            break;
          case 9: case 10: case 11: case 12: case 17: case 18:
            in.readInt();
            break;
          case 15:
            in.readUnsignedByte();
            in.readUnsignedShort();
            break;
          default:
            throw new IOException(resource + ": unknown constant tag " + tag);
        }
      }
      in.readUnsignedShort();
      in.readUnsignedShort();
      in.readUnsignedShort();
      skip(in, in.readUnsignedShort() * 2);
      int fields = in.readUnsignedShort();
      for (int f = 0; f < fields; f++) {
        in.readUnsignedShort();
        in.readUnsignedShort();
        in.readUnsignedShort();
        skipAttributes(in);
      }
      Map<String, Integer> sizes = new LinkedHashMap<>();
      int methods = in.readUnsignedShort();
      for (int m = 0; m < methods; m++) {
        in.readUnsignedShort();
        String name = utf8[in.readUnsignedShort()] + utf8[in.readUnsignedShort()];
        int attributes = in.readUnsignedShort();
        for (int a = 0; a < attributes; a++) {
          String attribute = utf8[in.readUnsignedShort()];
          int length = in.readInt();
          if (attribute.equals("Code")) {
            in.readUnsignedShort();
            in.readUnsignedShort();
            int code = in.readInt();
            sizes.put(name, code);
            skip(in, length - 8);
          } else {
            skip(in, length);
          }
        }
      }
      return sizes;
    }
  }

  private static void skipAttributes(DataInputStream in) throws IOException {
    int attributes = in.readUnsignedShort();
    for (int a = 0; a < attributes; a++) {
      in.readUnsignedShort();
      skip(in, in.readInt());
    }
  }

  private static void skip(DataInputStream in, int bytes) throws IOException {
    in.readFully(new byte[bytes]);
  }
}
