package io.ganglion.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether generated networks use their Vector API kernels: only when the JVM has the incubator
 * module {@code jdk.incubator.vector} (run with {@code --add-modules jdk.incubator.vector}), the
 * system property {@code ganglion.vector} is not {@code false}, and the processor is not an x86
 * without fused multiply-add. Without the module the generated vector class is never loaded, so
 * the plain-Java path works on every JVM.
 */
public final class Vectors {
  /** Decided once, when the first generated network class initializes. */
  public static final boolean ENABLED = detect();

  private Vectors() {}

  private static boolean detect() {
    if ("false".equalsIgnoreCase(System.getProperty("ganglion.vector"))) {
      return false;
    }
    return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent() && fusedMultiplyAdd();
  }

  /**
   * Whether the processor has fused multiply-add, which the kernels' {@code FloatVector.fma}
   * needs to become instructions: ARM64 has it, and an x86 has it when Linux lists the {@code fma}
   * flag (every AVX2 machine; not the x86s before 2013, nor a virtual machine that hides the
   * flag). Without it the Vector API falls back to Java code that allocates per operation: a batch
   * of mnist-mlp predictions ran in 1.2 us per sample with FMA, 5.6 us on the plain kernels, and
   * did not finish in a minute on the vector kernels without FMA ({@code -XX:-UseFMA}). Read from
   * {@code /proc/cpuinfo} only when the module is present; where it cannot be read (another
   * system), the processor is trusted.
   */
  private static boolean fusedMultiplyAdd() {
    String arch = System.getProperty("os.arch", "");
    if (!arch.equals("amd64") && !arch.equals("x86_64")) {
      return true;
    }
    try (BufferedReader in =
        Files.newBufferedReader(Path.of("/proc/cpuinfo"), StandardCharsets.ISO_8859_1)) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.startsWith("flags")) {
          return (line + " ").contains(" fma ");
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux, or not readable: trust the processor.
    }
    return true;
  }
}
