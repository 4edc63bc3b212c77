package io.ganglion.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ganglion.Model;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/** What build tools read from the published jars: module name and processor declarations. */
class PackagingTest {

  @Test
  void theRuntimeJarNamesItsModule() throws Exception {
    Path runtime = Path.of(Model.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    // In the reactor's verify the tests run against the packaged jar; from an IDE, classes.
    if (Files.isRegularFile(runtime)) {
      try (JarFile jar = new JarFile(runtime.toFile())) {
        assertEquals("io.ganglion",
            jar.getManifest().getMainAttributes().getValue("Automatic-Module-Name"));
      }
    }
  }

  @Test
  void theProcessorIsDeclaredIsolatingForGradle() throws IOException {
    assertEquals("io.ganglion.processor.NetworkProcessor,isolating\n",
        resource("META-INF/gradle/incremental.annotation.processors"));
    assertEquals("io.ganglion.processor.NetworkProcessor",
        resource("META-INF/services/javax.annotation.processing.Processor").trim());
  }

  private static String resource(String name) throws IOException {
    URL url = PackagingTest.class.getClassLoader().getResource(name);
    assertTrue(url != null, name + " is not on the class path");
    assertTrue(url.toString().contains("processor"), url.toString());
    try (InputStream in = url.openStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
