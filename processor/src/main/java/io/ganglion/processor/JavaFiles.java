package io.ganglion.processor;

import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.TypeSpec;
import java.util.Set;
import java.util.TreeSet;
import javax.lang.model.element.Element;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;

/**
 * Builds generated source files so that no name of the user's code hides a type they use. JavaPoet
 * writes simple names for imported and {@code java.lang} types; in the generated class a field of
 * the network class named {@code Math} (a layer, say) would then be read where {@code
 * java.lang.Math} was meant, and so would a class {@code Math} of the network's package. Such
 * names are written qualified instead.
 */
final class JavaFiles {
  /** The {@code java.lang} types generated code may name, which JavaPoet does not import. */
  private static final Set<String> JAVA_LANG = Set.of("Boolean", "Deprecated", "Double",
      "Error", "Exception", "Float", "IllegalArgumentException", "IllegalStateException",
      "Integer", "Long", "Math", "Object", "Override", "RuntimeException", "String",
      "StringBuilder", "SuppressWarnings", "System", "Thread", "UnsupportedOperationException");

  private JavaFiles() {}

  /**
   * The source file of {@code type} in {@code packageName}, written for {@code network}: a class
   * that extends the network ({@code inherits}) also inherits its fields and member types.
   */
  static JavaFile of(String packageName, TypeSpec.Builder type, TypeElement network,
      boolean inherits) {
    if (inherits) {
      type.avoidClashesWithNestedClasses(network);
    }
    JavaFile first = build(packageName, type.build());
    Set<String> used = new TreeSet<>(JAVA_LANG);
    for (String line : first.toString().split("\n")) {
      if (line.startsWith("import ") && line.endsWith(";")) {
        used.add(line.substring(line.lastIndexOf('.') + 1, line.length() - 1));
      }
    }
    Set<String> hidden = new TreeSet<>();
    if (inherits) {
      for (TypeElement t = network; t != null; t = superclass(t)) {
        for (VariableElement field : ElementFilter.fieldsIn(t.getEnclosedElements())) {
          hidden.add(field.getSimpleName().toString());
        }
      }
    }
    Element pkg = network;
    while (!(pkg instanceof PackageElement)) {
      pkg = pkg.getEnclosingElement();
    }
    for (Element member : pkg.getEnclosedElements()) {
      String name = member.getSimpleName().toString();
      if (used.contains(name)) {
        hidden.add(name);
      }
    }
    if (hidden.isEmpty()) {
      return first;
    }
    return build(packageName, type.alwaysQualify(hidden.toArray(new String[0])).build());
  }

  private static TypeElement superclass(TypeElement type) {
    TypeMirror up = type.getSuperclass();
    return up.getKind() == TypeKind.DECLARED
        ? (TypeElement) ((DeclaredType) up).asElement() : null;
  }

  private static JavaFile build(String packageName, TypeSpec type) {
    return JavaFile.builder(packageName, type).skipJavaLangImports(true).indent("  ").build();
  }
}
