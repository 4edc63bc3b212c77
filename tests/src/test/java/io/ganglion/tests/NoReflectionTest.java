package io.ganglion.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ganglion.Model;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.lang.invoke.MethodHandles;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The zero-reflection guarantee: no class of the runtime and no generated class uses reflection,
 * class loading, service loading, method handles looked up by name or Java serialization. See
 * {@link ReflectionChecker} for exactly what is checked and allowed.
 */
class NoReflectionTest {

  @Test
  void theRuntimeUsesNoReflection() throws Exception {
    Map<String, byte[]> classes = classesAt(Model.class, name -> true);
    assertTrue(classes.containsKey("io/ganglion/Model.class"), classes.keySet().toString());
    assertTrue(classes.containsKey("io/ganglion/internal/Vectors.class"));
    assertTrue(classes.size() > 20, "only " + classes.size() + " runtime classes found");
    assertClean(classes);
  }

  @Test
  void generatedNetworksUseNoReflection() throws Exception {
    Map<String, byte[]> classes =
        classesAt(NoReflectionTest.class, name -> name.contains("/Net_"));
    assertTrue(classes.containsKey("io/ganglion/tests/Net_Networks_Medium.class"),
        classes.keySet().toString());
    // This module compiles with jdk.incubator.vector, so the Vector API kernels are checked too.
    assertTrue(classes.containsKey("io/ganglion/tests/Net_Networks_Medium_Vector.class"),
        classes.keySet().toString());
    assertClean(classes);
  }

  @Test
  void theCheckerFindsEveryKindOfReflection() throws Exception {
    Map<Class<?>, String> expected = new java.util.LinkedHashMap<>();
    expected.put(Fixtures.ForName.class, "calls Class.forName");
    expected.put(Fixtures.GetMethod.class, "uses java.lang.reflect (java.lang.reflect.Method)");
    expected.put(Fixtures.NewInstance.class, "calls Class.getDeclaredConstructor");
    expected.put(Fixtures.Loader.class, "uses a class loader (java.lang.ClassLoader)");
    expected.put(Fixtures.ContextLoader.class, "calls Thread.getContextClassLoader");
    expected.put(Fixtures.Services.class, "uses ServiceLoader");
    expected.put(Fixtures.Handles.class, "uses method handles (java.lang.invoke.MethodHandles)");
    expected.put(Fixtures.Serialize.class, "uses Java serialization (java.io.ObjectOutputStream)");
    expected.put(Fixtures.SerializableType.class, "uses Java serialization (java.io.Serializable)");
    expected.put(Fixtures.MethodReference.class, "refers to a method that calls Class.forName");
    expected.put(Fixtures.EnumByName.class, "calls Enum.valueOf(Class, String)");
    for (Map.Entry<Class<?>, String> entry : expected.entrySet()) {
      List<String> problems = ReflectionChecker.check(bytesOf(entry.getKey()));
      assertTrue(problems.stream().anyMatch(p -> p.contains(entry.getValue())),
          entry.getKey().getSimpleName() + " should give \"" + entry.getValue() + "\" but gave "
              + problems);
    }
  }

  @Test
  void languageFeaturesAreNotReflection() throws Exception {
    for (Class<?> clean : List.of(Fixtures.Clean.class, Fixtures.Point.class,
        Fixtures.Color.class)) {
      assertEquals(List.of(), ReflectionChecker.check(bytesOf(clean)), clean.getName());
    }
  }

  private static void assertClean(Map<String, byte[]> classes) {
    List<String> problems = new ArrayList<>();
    for (byte[] bytes : classes.values()) {
      problems.addAll(ReflectionChecker.check(bytes));
    }
    assertEquals(List.of(), problems, "reflection found in " + classes.size() + " classes");
  }

  /** The class files under the class path entry (directory or jar) that holds {@code anchor}. */
  private static Map<String, byte[]> classesAt(Class<?> anchor, Function<String, Boolean> filter)
      throws IOException, URISyntaxException {
    Path root = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
    Map<String, byte[]> classes = new TreeMap<>();
    if (Files.isDirectory(root)) {
      try (Stream<Path> files = Files.walk(root)) {
        for (Path file : (Iterable<Path>) files::iterator) {
          String name = root.relativize(file).toString().replace('\\', '/');
          if (name.endsWith(".class") && filter.apply(name)) {
            classes.put(name, Files.readAllBytes(file));
          }
        }
      }
    } else {
      try (JarFile jar = new JarFile(root.toFile())) {
        for (JarEntry entry : (Iterable<JarEntry>) jar.stream()::iterator) {
          if (entry.getName().endsWith(".class") && filter.apply(entry.getName())) {
            try (InputStream in = jar.getInputStream(entry)) {
              classes.put(entry.getName(), in.readAllBytes());
            }
          }
        }
      }
    }
    return classes;
  }

  private static byte[] bytesOf(Class<?> type) throws IOException {
    String resource = "/" + type.getName().replace('.', '/') + ".class";
    try (InputStream in = type.getResourceAsStream(resource)) {
      return in.readAllBytes();
    }
  }

  /** One small class per forbidden use, and clean ones; they are read, never run. */
  @SuppressWarnings({"unused", "serial"})
  static final class Fixtures {
    private Fixtures() {}

    static final class ForName {
      Object run() throws Exception {
        return Class.forName("io.ganglion.Model");
      }
    }

    static final class GetMethod {
      Object run() throws Exception {
        return Model.class.getMethod("name").invoke(null);
      }
    }

    static final class NewInstance {
      Object run() throws Exception {
        return Model.class.getDeclaredConstructor().newInstance();
      }
    }

    static final class Loader {
      Object run() throws Exception {
        return ClassLoader.getSystemClassLoader().loadClass("io.ganglion.Model");
      }
    }

    static final class ContextLoader {
      Object run() {
        return Thread.currentThread().getContextClassLoader();
      }
    }

    static final class Services {
      Object run() {
        return ServiceLoader.load(Model.class).findFirst();
      }
    }

    static final class Handles {
      Object run() throws Exception {
        return MethodHandles.lookup().findStatic(Math.class, "abs",
            java.lang.invoke.MethodType.methodType(int.class, int.class));
      }
    }

    static final class Serialize {
      void run(java.io.OutputStream out) throws IOException {
        new ObjectOutputStream(out).writeObject("x");
      }
    }

    static final class SerializableType implements Serializable {}

    static final class MethodReference {
      Object run() {
        Function<String, Object> load = name -> {
          try {
            return Class.forName(name);
          } catch (ClassNotFoundException e) {
            return null;
          }
        };
        Function<Object, Class<?>> get = Object::getClass;
        return load.apply("x") == null ? get : null;
      }

      interface Loading {
        Class<?> load(String name) throws ClassNotFoundException;
      }

      Loading loading() {
        return Class::forName;
      }
    }

    static final class EnumByName {
      Object run() {
        return Enum.valueOf(Color.class, "RED");
      }
    }

    static final class Clean {
      String run(int units, List<String> names) {
        Function<String, String> upper = s -> s.toUpperCase(java.util.Locale.ROOT);
        names.forEach(String::length);
        assert units > 0;
        return "units=" + units + " " + upper.apply(getClass().getSimpleName()) + Color.RED;
      }
    }

    record Point(float x, float y) {}

    enum Color {
      RED,
      GREEN
    }
  }
}
