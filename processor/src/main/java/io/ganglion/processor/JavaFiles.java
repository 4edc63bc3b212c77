package io.ganglion.processor;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.TypeSpec;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

  /**
   * The types of packages {@code java} and {@code io} that {@code file}'s code names in full,
   * outside its package and import declarations, comments and literals: for each first name of a
   * package, the first such type ({@code java.lang.Math}). With {@code inExpressions}, only names
   * used to reach a member ({@code java.lang.Math.max(..)}, {@code io.ganglion.Activation.RELU}),
   * the only ones a variable named {@code java} would hide (a type of that name hides all).
   */
  static Map<String, String> qualifiedNames(JavaFile file, boolean inExpressions) {
    Map<String, String> names = new TreeMap<>();
    for (String line : codeOnly(file.toString()).split("\n")) {
      String trimmed = line.strip();
      if (trimmed.startsWith("package ") || trimmed.startsWith("import ")) {
        continue;
      }
      Matcher m = QUALIFIED.matcher(line);
      while (m.find()) {
        String[] parts = m.group(1).replaceAll("\\s", "").split("\\.");
        int type = 1;
        while (type < parts.length && !Character.isUpperCase(parts[type].charAt(0))) {
          type++;
        }
        if (type == parts.length) {
          continue; // no type named: not a name generated code writes
        }
        boolean member = false;
        for (int k = type + 1; k < parts.length; k++) {
          String part = parts[k];
          member |= !part.equals("class") && (Character.isLowerCase(part.charAt(0))
              || part.length() > 1 && part.equals(part.toUpperCase(Locale.ROOT)));
        }
        if (member || !inExpressions) {
          names.putIfAbsent(parts[0], String.join(".", Arrays.copyOf(parts, type + 1)));
        }
      }
    }
    return names;
  }

  /** A qualified name that begins with package java or io (java.lang.Math, io.ganglion.Layer). */
  private static final Pattern QUALIFIED =
      Pattern.compile("(?<![\\w$.])((?:java|io)(?:\\s*\\.\\s*[A-Za-z_$][\\w$]*)+)");

  /** {@code source} with comments and string and character literals blanked out. */
  static String codeOnly(String source) {
    StringBuilder out = new StringBuilder(source.length());
    int n = source.length();
    for (int i = 0; i < n; i++) {
      char c = source.charAt(i);
      char next = i + 1 < n ? source.charAt(i + 1) : 0;
      if (c == '/' && next == '/') {
        while (i < n && source.charAt(i) != '\n') {
          i++;
        }
        out.append('\n');
      } else if (c == '/' && next == '*') {
        int end = source.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 1;
        out.append(' ');
      } else if (c == '"' || c == '\'') {
        for (i++; i < n && source.charAt(i) != c; i++) {
          if (source.charAt(i) == '\\') {
            i++;
          }
        }
        out.append(c).append(c);
      } else {
        out.append(c);
      }
    }
    return out.toString();
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
