package io.ganglion.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ganglion.internal.Vectors;
import org.junit.jupiter.api.Test;

/**
 * The build runs every functional test twice: with {@code jdk.incubator.vector} (vector kernels)
 * and without (plain-Java kernels). This checks each run really takes the path it claims to.
 */
class KernelPathTest {
  @Test
  void runUsesTheExpectedKernels() {
    assertEquals(Boolean.getBoolean("expect.vector"), Vectors.ENABLED);
  }

  @Test
  void smallNetworksGetNoVectorClass() {
    String name = Net_Networks_Xor.class.getName() + "_Vector";
    assertEquals(
        null,
        KernelPathTest.class.getClassLoader().getResource(name.replace('.', '/') + ".class"),
        "layers under 32 x 32 run the plain kernels, so " + name + " should not exist");
  }

  @Test
  void vectorClassIsGeneratedBesideTheNetwork() {
    String name = Net_Networks_Medium.class.getName() + "_Vector";
    assertEquals(
        true,
        KernelPathTest.class.getClassLoader().getResource(name.replace('.', '/') + ".class")
            != null,
        name + " should be generated when compiling with the module");
  }
}
