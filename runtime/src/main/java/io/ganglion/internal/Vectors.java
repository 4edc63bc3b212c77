package io.ganglion.internal;

/**
 * Whether generated networks use their Vector API kernels: only when the JVM has the incubator
 * module {@code jdk.incubator.vector} (run with {@code --add-modules jdk.incubator.vector}) and
 * the system property {@code ganglion.vector} is not {@code false}. Without the module the
 * generated vector class is never loaded, so the plain-Java path works on every JVM.
 */
public final class Vectors {
  /** Decided once, when the first generated network class initializes. */
  public static final boolean ENABLED = detect();

  private Vectors() {}

  private static boolean detect() {
    if ("false".equalsIgnoreCase(System.getProperty("ganglion.vector"))) {
      return false;
    }
    return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
  }
}
