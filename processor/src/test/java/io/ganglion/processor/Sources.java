package io.ganglion.processor;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;
import javax.tools.JavaFileObject;

/** Helpers that compile small sources with the processor, as a user's build would. */
final class Sources {
  private Sources() {}

  /** A source {@code test.<name>} starting with the package and {@code import io.ganglion.*;}. */
  static JavaFileObject source(String name, String... lines) {
    List<String> all = new ArrayList<>();
    all.add("package test;");
    all.add("import io.ganglion.*;");
    all.addAll(Arrays.asList(lines));
    return JavaFileObjects.forSourceLines("test." + name, all);
  }

  static Compilation compile(JavaFileObject... files) {
    return Compiler.javac().withProcessors(new NetworkProcessor()).compile(files);
  }

  /**
   * Records, in the last round, how the named classes look: their superclass and member names.
   * compile-testing hides generated files once a compilation failed; this still sees them.
   */
  static final class Observer extends AbstractProcessor {
    private final List<String> names;
    final Map<String, String> seen = new LinkedHashMap<>();

    Observer(String... names) {
      this.names = List.of(names);
    }

    @Override
    public Set<String> getSupportedAnnotationTypes() {
      return Set.of("*");
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
      return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
      if (round.processingOver()) {
        for (String name : names) {
          TypeElement type = processingEnv.getElementUtils().getTypeElement(name);
          if (type == null) {
            seen.put(name, "missing");
            continue;
          }
          List<String> members = new ArrayList<>();
          for (Element member : type.getEnclosedElements()) {
            members.add(member.getSimpleName().toString());
          }
          seen.put(name, "extends " + type.getSuperclass() + " " + members);
        }
      }
      return false;
    }
  }
}
