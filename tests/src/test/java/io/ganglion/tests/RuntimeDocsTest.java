package io.ganglion.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.DocTrees;
import com.sun.source.util.JavacTask;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.lang.model.element.Modifier;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * Every public type of the runtime has a doc comment, and so has every public member in the
 * packages {@code io.ganglion}, {@code io.ganglion.io} and {@code io.ganglion.internal} (the
 * training, optimizer and data packages are being written; add them to {@link #MEMBERS_CHECKED}
 * when they settle). Javadoc's own doclint runs with {@code -missing} in the build, because it
 * also wants an {@code @param} for every parameter, which the house style does not. Reads the
 * runtime's sources.
 */
class RuntimeDocsTest {
  private static final Path SOURCES = Path.of("../runtime/src/main/java");

  /** Packages whose public members must have doc comments too. */
  static final List<String> MEMBERS_CHECKED =
      List.of("io.ganglion", "io.ganglion.io", "io.ganglion.internal");

  @Test
  void everyPublicTypeAndMemberHasADocComment() throws IOException {
    assertTrue(Files.isDirectory(SOURCES), SOURCES.toAbsolutePath() + " is not there");
    List<Path> files;
    try (Stream<Path> walk = Files.walk(SOURCES)) {
      files = walk.filter(p -> p.toString().endsWith(".java")).sorted()
          .collect(Collectors.toList());
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    List<String> missing = new ArrayList<>();
    int types = 0;
    try (StandardJavaFileManager fileManager =
        javac.getStandardFileManager(null, Locale.ROOT, StandardCharsets.UTF_8)) {
      JavacTask task = (JavacTask) javac.getTask(null, fileManager, d -> { }, List.of(), null,
          fileManager.getJavaFileObjectsFromPaths(files));
      DocTrees docs = DocTrees.instance(task);
      for (CompilationUnitTree unit : task.parse()) {
        Checker checker = new Checker(docs, unit, missing);
        checker.scan(unit, null);
        types += checker.types;
      }
    }
    assertTrue(types > 20, "only " + types + " public types found");
    assertEquals(List.of(), missing, "public API without a doc comment");
  }

  private static final class Checker extends TreePathScanner<Void, Void> {
    private final DocTrees docs;
    private final CompilationUnitTree unit;
    private final List<String> missing;
    int types;

    Checker(DocTrees docs, CompilationUnitTree unit, List<String> missing) {
      this.docs = docs;
      this.unit = unit;
      this.missing = missing;
    }

    @Override
    public Void visitClass(ClassTree type, Void unused) {
      if (!type.getModifiers().getFlags().contains(Modifier.PUBLIC)) {
        return null; // nothing inside a non-public type is API
      }
      types++;
      check(getCurrentPath(), type.getSimpleName().toString());
      if (!MEMBERS_CHECKED.contains(String.valueOf(unit.getPackageName()))) {
        return super.visitClass(type, unused);
      }
      boolean isInterface = type.getKind() == Tree.Kind.INTERFACE
          || type.getKind() == Tree.Kind.ANNOTATION_TYPE;
      for (Tree member : type.getMembers()) {
        TreePath path = new TreePath(getCurrentPath(), member);
        if (member instanceof MethodTree) {
          MethodTree method = (MethodTree) member;
          boolean isPublic = isInterface
              ? !method.getModifiers().getFlags().contains(Modifier.PRIVATE)
              : method.getModifiers().getFlags().contains(Modifier.PUBLIC);
          boolean isOverride = method.getModifiers().getAnnotations().stream()
              .anyMatch(a -> a.getAnnotationType().toString().equals("Override"));
          if (isPublic && !isOverride && !method.getName().contentEquals("<init>")) {
            check(path, type.getSimpleName() + "." + method.getName() + "()");
          }
        } else if (member instanceof VariableTree) {
          VariableTree field = (VariableTree) member;
          boolean isConstant = type.getKind() == Tree.Kind.ENUM
              && field.getModifiers().getFlags().isEmpty();
          if (isInterface || isConstant
              || field.getModifiers().getFlags().contains(Modifier.PUBLIC)) {
            check(path, type.getSimpleName() + "." + field.getName());
          }
        }
      }
      return super.visitClass(type, unused);
    }

    private void check(TreePath path, String what) {
      if (docs.getDocCommentTree(path) == null) {
        long line = unit.getLineMap().getLineNumber(
            docs.getSourcePositions().getStartPosition(unit, path.getLeaf()));
        String file = unit.getSourceFile().toUri().getPath();
        missing.add(file.substring(file.indexOf("/io/ganglion/") + 1) + ":" + line + " " + what);
      }
    }
  }
}
