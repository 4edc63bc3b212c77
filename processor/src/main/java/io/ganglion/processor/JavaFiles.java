package io.ganglion.processor;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.TypeSpec;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;
import javax.lang.model.element.Element;
import javax.lang.model.element.ModuleElement;
import javax.lang.model.element.ModuleElement.RequiresDirective;
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
 * the network class (or a constant of its interfaces) named {@code Math} or {@code List} would
 * then be read where the type was meant, and a class {@code Math} of the network's package would
 * be taken for {@code java.lang.Math} (not for an imported type: a single-type import shadows the
 * package's own classes). Such names are written qualified instead.
 */
final class JavaFiles {
  /** The {@code java.lang} types generated code may name, which JavaPoet does not import. */
  private static final Set<String> JAVA_LANG = Set.of("Boolean", "Deprecated", "Double",
      "Error", "Exception", "Float", "IllegalArgumentException", "IllegalStateException",
      "Integer", "Long", "Math", "Object", "Override", "RuntimeException", "String",
      "StringBuilder", "SuppressWarnings", "System", "Thread", "UnsupportedOperationException");

  private static final ClassName GENERATED =
      ClassName.get("javax.annotation.processing", "Generated");

  private JavaFiles() {}

  /**
   * Marks {@code type} {@code @Generated} by Ganglion, where the code it is compiled with can see
   * that annotation: a named module that does not read {@code java.compiler} (which holds {@code
   * javax.annotation.processing}) could not compile a generated class that names it, so there the
   * mark is left out (the {@code ganglion.network} metadata and the name still say where the class
   * comes from).
   */
  static TypeSpec.Builder markGenerated(TypeSpec.Builder type, TypeElement network) {
    if (reads(network, "java.compiler")) {
      type.addAnnotation(
          AnnotationSpec.builder(GENERATED).addMember("value", "$S", NetworkWriter.PROCESSOR)
              .build());
    }
    return type;
  }

  /**
   * Whether the module of {@code element} reads the module {@code name}; the unnamed module reads
   * every module the compilation has.
   */
  static boolean reads(Element element, String name) {
    Element e = element;
    while (e != null && !(e instanceof ModuleElement)) {
      e = e.getEnclosingElement();
    }
    if (e == null || ((ModuleElement) e).isUnnamed()) {
      return true;
    }
    ModuleElement module = (ModuleElement) e;
    if (module.getQualifiedName().contentEquals(name)) {
      return true;
    }
    // Its own requires, and what those require transitively (java.se requires java.compiler so).
    Deque<ModuleElement> next = new ArrayDeque<>();
    Set<ModuleElement> seen = new HashSet<>();
    for (RequiresDirective r : ElementFilter.requiresIn(module.getDirectives())) {
      next.add(r.getDependency());
    }
    while (!next.isEmpty()) {
      ModuleElement m = next.poll();
      if (!seen.add(m)) {
        continue;
      }
      if (m.getQualifiedName().contentEquals(name)) {
        return true;
      }
      for (RequiresDirective r : ElementFilter.requiresIn(m.getDirectives())) {
        if (r.isTransitive()) {
          next.add(r.getDependency());
        }
      }
    }
    return false;
  }

  /**
   * The source file of {@code type} in {@code packageName}, written for {@code network}: a class
   * that extends the network ({@code inherits}) also inherits its fields and member types.
   */
  static JavaFile of(String packageName, TypeSpec.Builder type, TypeElement network,
      boolean inherits) {
    Set<String> hidden = new TreeSet<>();
    if (inherits) {
      type.avoidClashesWithNestedClasses(network);
      for (TypeElement t : hierarchy(network)) {
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
      if (JAVA_LANG.contains(name)) {
        hidden.add(name);
      }
    }
    return build(packageName, type.alwaysQualify(hidden.toArray(new String[0])).build());
  }

  /** {@code type}, its superclasses and its interfaces, each once. */
  static Set<TypeElement> hierarchy(TypeElement type) {
    Set<TypeElement> all = new LinkedHashSet<>();
    addHierarchy(type.asType(), all);
    return all;
  }

  private static void addHierarchy(TypeMirror type, Set<TypeElement> all) {
    if (type.getKind() != TypeKind.DECLARED
        || !all.add((TypeElement) ((DeclaredType) type).asElement())) {
      return;
    }
    TypeElement element = (TypeElement) ((DeclaredType) type).asElement();
    addHierarchy(element.getSuperclass(), all);
    for (TypeMirror i : element.getInterfaces()) {
      addHierarchy(i, all);
    }
  }

  private static JavaFile build(String packageName, TypeSpec type) {
    return JavaFile.builder(packageName, type).skipJavaLangImports(true).indent("  ").build();
  }
}
