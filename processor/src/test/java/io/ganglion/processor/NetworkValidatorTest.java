package io.ganglion.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static io.ganglion.processor.Sources.compile;
import static io.ganglion.processor.Sources.source;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * One test per message of {@link Messages}: the exact text users see, on its line, and (for
 * errors) nothing else after it.
 */
class NetworkValidatorTest {

  /** Compiles {@code file}; expects one error, {@code text}, on the line holding {@code line}. */
  private static void assertOnlyError(JavaFileObject file, String text, String line) {
    Compilation compilation = compile(file);
    assertThat(compilation).hadErrorContaining(text).inFile(file).onLineContaining(line);
    assertThat(compilation).hadErrorCount(1);
  }

  private static void assertOnlyWarning(JavaFileObject file, String text, String line) {
    Compilation compilation = compile(file);
    assertThat(compilation).succeeded();
    assertThat(compilation).hadWarningContaining(text).inFile(file).onLineContaining(line);
    assertThat(compilation).hadWarningCount(1);
  }

  // The class.

  @Test
  void notAClass_interface() {
    assertOnlyError(
        source("Foo",
            "@Network(inputs = 4, loss = Loss.MSE)",
            "interface Foo {",
            "  @Dense(units = 3) Layer out = null;",
            "}"),
        "[Network/NotAClass] Foo must be a class to carry @Network, but was an interface;"
            + " declare it as an abstract class whose fields are the layers",
        "interface Foo");
  }

  @Test
  void notAClass_enum() {
    assertOnlyError(
        source("Foo", "@Network(inputs = 4, loss = Loss.MSE)", "enum Foo { A }"),
        "[Network/NotAClass] Foo must be a class to carry @Network, but was an enum;",
        "enum Foo");
  }

  @Test
  void notAClass_record() {
    assertOnlyError(
        source("Foo",
            "@Network(inputs = 4, loss = Loss.MSE)",
            "record Foo(@Dense(units = 3) Layer out) {}"),
        "[Network/NotAClass] Foo must be a class to carry @Network, but was a record;",
        "record Foo");
  }

  @Test
  void notAClass_annotationType() {
    assertOnlyError(
        source("Foo", "@Network(inputs = 4, loss = Loss.MSE)", "@interface Foo {}"),
        "[Network/NotAClass] Foo must be a class to carry @Network, but was an annotation type;",
        "@interface Foo");
  }

  @Test
  void finalClass() {
    assertOnlyError(
        source("Foo",
            "@Network(inputs = 4, loss = Loss.MSE)",
            "final class Foo {",
            "  @Dense(units = 3) Layer out;",
            "}"),
        "[Network/FinalClass] Foo must not be final, but was; Net_Foo extends it, so remove final",
        "final class Foo");
  }

  @Test
  void privateClass() {
    assertOnlyError(
        source("Outer",
            "class Outer {",
            "  @Network(inputs = 4, loss = Loss.MSE)",
            "  private abstract static class Foo {",
            "    @Dense(units = 3) Layer out;",
            "  }",
            "}"),
        "[Network/PrivateClass] Foo must not be private, but was; Net_Outer_Foo extends it from"
            + " its package, so make it package-private or public",
        "private abstract static class Foo");
  }

  @Test
  void privateClass_enclosing() {
    assertOnlyError(
        source("Outer",
            "class Outer {",
            "  private static class Middle {",
            "    @Network(inputs = 4, loss = Loss.MSE)",
            "    abstract static class Foo {",
            "      @Dense(units = 3) Layer out;",
            "    }",
            "  }",
            "}"),
        "[Network/PrivateClass] Middle must not be private, but was; Net_Outer_Middle_Foo extends"
            + " it from its package, so make it package-private or public",
        "private static class Middle");
  }

  @Test
  void innerClass() {
    assertOnlyError(
        source("Outer",
            "class Outer {",
            "  @Network(inputs = 4, loss = Loss.MSE)",
            "  abstract class Foo {",
            "    @Dense(units = 3) Layer out;",
            "  }",
            "}"),
        "[Network/InnerClass] Foo must be static, but was an inner class; Net_Outer_Foo extends"
            + " it from outside its enclosing class, so declare it static",
        "abstract class Foo");
  }

  @Test
  void genericClass() {
    assertOnlyError(
        source("Foo",
            "@Network(inputs = 4, loss = Loss.MSE)",
            "abstract class Foo<T, U> {",
            "  @Dense(units = 3) Layer out;",
            "}"),
        "[Network/GenericClass] Foo must not have type parameters, but had <T, U>; remove them"
            + " (a network's shapes are fixed at compile time)",
        "abstract class Foo<T, U>");
  }

  @Test
  void noConstructor() {
    assertOnlyError(
        source("Foo",
            "@Network(inputs = 4, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Dense(units = 3) Layer out;",
            "  Foo(int size) {}",
            "}"),
        "[Network/NoConstructor] Foo must have a non-private constructor without parameters, but"
            + " had none; Net_Foo calls it, so add Foo() {}",
        "abstract class Foo");
  }

  @Test
  void noConstructor_private() {
    assertOnlyError(
        source("Foo",
            "@Network(inputs = 4, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Dense(units = 3) Layer out;",
            "  private Foo() {}",
            "}"),
        "[Network/NoConstructor] Foo must have a non-private constructor without parameters,",
        "abstract class Foo");
  }

  @Test
  void networkSuperclass() {
    JavaFileObject base =
        source("Base",
            "@Network(inputs = 4, loss = Loss.MSE)",
            "abstract class Base {",
            "  @Dense(units = 3) Layer hidden;",
            "}");
    JavaFileObject foo =
        source("Foo",
            "@Network(inputs = 4, loss = Loss.MSE)",
            "abstract class Foo extends Base {",
            "  @Dense(units = 3) Layer out;",
            "}");
    Compilation compilation = compile(base, foo);
    assertThat(compilation)
        .hadErrorContaining(
            "[Network/NetworkSuperclass] Foo must not extend another @Network class, but extended"
                + " Base; layers are not inherited, so declare every layer in one @Network class"
                + " (a plain abstract superclass may hold shared methods)")
        .inFile(foo)
        .onLineContaining("class Foo extends Base");
    assertThat(compilation).hadErrorCount(1);
  }

  @Test
  void abstractMethod() {
    assertOnlyError(
        source("Foo",
            "@Network(inputs = 4, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Dense(units = 3) Layer out;",
            "  abstract float score(float[] input);",
            "}"),
        "[Network/AbstractMethod] score(float[]) must have a body, but was abstract; Net_Foo"
            + " implements only the methods of io.ganglion.Model, so implement it or remove it",
        "abstract float score");
  }

  @Test
  void abstractMethod_inheritedFromInterface() {
    assertOnlyError(
        source("Foo",
            "@Network(inputs = 4, loss = Loss.MSE)",
            "abstract class Foo implements Runnable {",
            "  @Dense(units = 3) Layer out;",
            "}"),
        "[Network/AbstractMethod] Runnable.run() must have a body, but was abstract;",
        "abstract class Foo implements Runnable");
  }

  @Test
  void abstractMethod_implementedBySuperclass_isFine() {
    JavaFileObject base = source("Base", "abstract class Base { public void run() {} }");
    JavaFileObject foo =
        source("Foo",
            "@Network(inputs = 4, loss = Loss.MSE)",
            "abstract class Foo extends Base implements Runnable {",
            "  @Dense(units = 3) Layer out;",
            "}");
    assertThat(compile(base, foo)).succeededWithoutWarnings();
  }

  @Test
  void memberCollision_modelMethod() {
    assertOnlyError(
        source("Foo",
            "@Network(inputs = 4, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Dense(units = 3) Layer out;",
            "  String summary() { return \"mine\"; }",
            "}"),
        "[Network/MemberCollision] summary() must not be declared in a @Network class or its"
            + " supertypes, but was; Net_Foo declares a method with the same name and parameters,"
            + " so rename yours",
        "String summary()");
  }

  @Test
  void memberCollision_modelDefaultMethod() {
    assertOnlyError(
        source("Foo",
            "@Network(inputs = 4, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Dense(units = 3) Layer out;",
            "  abstract float[] predict(float[] input);",
            "}"),
        "[Network/MemberCollision] predict(float[]) must not be declared in a @Network class or"
            + " its supertypes,",
        "abstract float[] predict");
  }

  @Test
  void memberCollision_generatedHelper() {
    assertOnlyError(
        source("Foo",
            "@Network(inputs = 4, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Dense(units = 3) Layer out;",
            "  void forwardOut(float[] inputs, int offset, int count) {}",
            "}"),
        "[Network/MemberCollision] forwardOut(float[], int, int) must not be declared in a @Network"
            + " class or its supertypes, but was; Net_Foo declares a method with the same name and"
            + " parameters, so rename yours",
        "void forwardOut");
  }

  @Test
  void hiddenField_aLayerNamedLikeAnotherLayersWorkArray() {
    JavaFileObject foo = source("Foo",
        "@Network(inputs = 4, loss = Loss.MSE)",
        "abstract class Foo {",
        "  @Dense(units = 5) Layer hidden;",
        "  @Dense(units = 3) Layer hiddenOut;",
        "}");
    Compilation compilation = compile(foo);
    assertThat(compilation).succeeded();
    assertThat(compilation).hadWarningContaining("[Network/HiddenField] hiddenOut should not be"
        + " named like a field of Net_Foo, but was: Net_Foo keeps its own work in a private field"
        + " of that name, which hides yours from code that uses Net_Foo (new"
        + " Net_Foo(...).hiddenOut does not compile; through a reference of type Foo it does);"
        + " rename yours")
        .inFile(foo).onLineContaining("Layer hiddenOut");
    assertThat(compilation).hadWarningCount(1);
    // What the warning says: through the generated type the field is the private one.
    Compilation use = compile(foo, source("User",
        "class User { Layer layer = new Net_Foo(1).hiddenOut; }"));
    assertThat(use).hadErrorContaining("hiddenOut has private access in test.Net_Foo");
  }

  @Test
  void hiddenField_anInheritedFieldIsReportedOnTheClass() {
    JavaFileObject base = source("Base", "abstract class Base { int capacity; }");
    JavaFileObject foo =
        source("Foo",
            "@Network(inputs = 4, loss = Loss.MSE)",
            "abstract class Foo extends Base {",
            "  @Dense(units = 3) Layer out;",
            "}");
    Compilation compilation = compile(base, foo);
    assertThat(compilation).succeeded();
    assertThat(compilation)
        .hadWarningContaining("[Network/HiddenField] capacity (declared in Base) should not be"
            + " named like a field of Net_Foo, but was:")
        .inFile(foo)
        .onLineContaining("abstract class Foo extends Base");
    assertThat(compilation).hadWarningCount(1);
  }

  @Test
  void hiddenField_aStaticFieldIsNamedAsStatic() {
    Compilation compilation = compile(source("Foo",
        "@Network(inputs = 4, loss = Loss.MSE)",
        "abstract class Foo {",
        "  static final String SPEC = \"mine\";",
        "  @Dense(units = 3) Layer out;",
        "}"));
    assertThat(compilation).succeeded();
    assertThat(compilation).hadWarningContaining("(Net_Foo.SPEC does not compile; through Foo.SPEC"
        + " it does)");
  }

  @Test
  void hiddenField_aLayerNamedLikeAGeneratedConstant() {
    JavaFileObject foo = source("Foo",
        "@Network(inputs = 4, loss = Loss.MSE)",
        "abstract class Foo {",
        "  @Dense(units = 5) Layer INPUTS;",
        "  @Dense(units = 3) Layer out;",
        "}");
    Compilation compilation = compile(foo);
    assertThat(compilation).succeeded();
    assertThat(compilation).hadWarningContaining("[Network/HiddenField] INPUTS should not be"
        + " named like a field of Net_Foo, but was: Net_Foo has a constant of that name, which"
        + " hides yours from code that uses Net_Foo (Net_Foo.INPUTS is Net_Foo's constant, not"
        + " yours; through a reference of type Foo it is yours); rename yours")
        .inFile(foo).onLineContaining("Layer INPUTS");
    assertThat(compilation).hadWarningCount(1);
  }

  @Test
  void hiddenField_aConstantOfTheSameValueIsNotHidden() {
    // The user's constants given to the annotations: the generated ones have the same values.
    assertThat(compile(source("Foo",
        "@Network(inputs = Foo.INPUTS, loss = Loss.MSE)",
        "abstract class Foo {",
        "  static final int INPUTS = 4;",
        "  static final int HIDDEN_UNITS = 5;",
        "  @Dense(units = HIDDEN_UNITS) Layer hidden;",
        "  @Dense(units = 3) Layer out;",
        "  static final int OUTPUTS = 3;",
        "}"))).succeededWithoutWarnings();
  }

  @Test
  void hiddenField_aConstantOfAnotherValueIsHidden() {
    Compilation compilation = compile(source("Foo",
        "@Network(inputs = 4, loss = Loss.MSE)",
        "abstract class Foo {",
        "  static final int OUTPUTS = 10;",
        "  @Dense(units = 3) Layer out;",
        "}"));
    assertThat(compilation).succeeded();
    assertThat(compilation).hadWarningContaining("[Network/HiddenField] OUTPUTS should not be"
        + " named like a field of Net_Foo, but was: Net_Foo has a constant of that name");
    assertThat(compilation).hadWarningCount(1);
  }

  @Test
  void hiddenField_aGeneratedFieldThatIsNoConstant() {
    Compilation compilation = compile(source("Foo",
        "@Network(inputs = 4, loss = Loss.MSE)",
        "abstract class Foo {",
        "  long dropoutStep = 7;",
        "  @Dropout(rate = 0.5) Layer drop;",
        "  @Dense(units = 3) Layer out;",
        "}"));
    assertThat(compilation).succeeded();
    assertThat(compilation).hadWarningContaining("[Network/HiddenField] dropoutStep should not be"
        + " named like a field of Net_Foo, but was: Net_Foo has a field of that name, which hides"
        + " yours from code that uses Net_Foo (new Net_Foo(...).dropoutStep is Net_Foo's field,"
        + " not yours; through a reference of type Foo it is yours); rename yours");
  }

  @Test
  void hiddenField_aConstantOfTheSameTextButAnotherTypeIsHidden() {
    Compilation compilation = compile(source("Foo",
        "@Network(inputs = 4, loss = Loss.MSE)",
        "abstract class Foo {",
        "  static final String INPUTS = \"4\";",
        "  @Dense(units = 3) Layer out;",
        "}"));
    assertThat(compilation).succeeded();
    assertThat(compilation).hadWarningContaining("[Network/HiddenField] INPUTS should not be"
        + " named like a field of Net_Foo, but was: Net_Foo has a constant of that name");
  }

  @Test
  void aLayerFieldWithoutAnnotationIsAWarning() {
    JavaFileObject foo = source("Foo",
        "@Network(inputs = 4, loss = Loss.MSE)",
        "abstract class Foo {",
        "  @Dense(units = 5) Layer hidden;",
        "  Layer forgotten;",
        "  static Layer shared;",
        "  @Dense(units = 3) Layer out;",
        "}");
    Compilation compilation = compile(foo);
    assertThat(compilation).succeeded();
    assertThat(compilation).hadWarningContaining("[Network/UnannotatedLayer] forgotten should have"
        + " a layer annotation, but had none: a field of type Layer without one is no layer of"
        + " the network (it stays null); annotate it (@Dense, @Conv2d, ...) or remove it")
        .inFile(foo).onLineContaining("Layer forgotten");
    assertThat(compilation).hadWarningCount(1);
  }

  @Test
  void hiddenField_isSilencedBySuppressWarningsGanglion() {
    assertThat(compile(source("Foo",
        "@Network(inputs = 4, loss = Loss.MSE)",
        "abstract class Foo {",
        "  @Dense(units = 5) Layer hidden;",
        "  @SuppressWarnings(\"ganglion\") @Dense(units = 3) Layer hiddenOut;",
        "}"))).succeededWithoutWarnings();
  }

  @Test
  void hiddenField_aPrivateFieldIsNotHidden() {
    assertThat(compile(source("Foo",
        "@Network(inputs = 4, loss = Loss.MSE)",
        "abstract class Foo {",
        "  private int capacity;",
        "  @Dense(units = 3) Layer out;",
        "}"))).succeededWithoutWarnings();
  }

  @Test
  void memberCollision_inheritedFromSuperclass_reportedOnTheClass() {
    JavaFileObject base = source("Base", "abstract class Base { void grow(int size) {} }");
    JavaFileObject foo =
        source("Foo",
            "@Network(inputs = 4, loss = Loss.MSE)",
            "abstract class Foo extends Base {",
            "  @Dense(units = 3) Layer out;",
            "}");
    Compilation compilation = compile(base, foo);
    assertThat(compilation)
        .hadErrorContaining("[Network/MemberCollision] Base.grow(int) must not be declared in a"
            + " @Network class or its supertypes, but was;")
        .inFile(foo)
        .onLineContaining("abstract class Foo extends Base");
    assertThat(compilation).hadErrorCount(1);
  }

  @Test
  void abstractModelMethod_isImplemented() {
    JavaFileObject foo =
        source("Foo",
            "@Network(inputs = 4, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Dense(units = 3) Layer out;",
            "  abstract String summary();",
            "  abstract int classify(float[] input);",
            "  String describe() { return summary(); }",
            "}");
    assertThat(compile(foo)).succeededWithoutWarnings();
  }

  // The @Network annotation.

  @Test
  void inputsMissing() {
    assertOnlyError(
        source("Foo",
            "@Network(loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Dense(units = 3) Layer out;",
            "}"),
        "[Network/InputsMissing] Foo: @Network must set inputs, but it was missing; add inputs ="
            + " <features per sample>, for example inputs = 784 for 28x28 images",
        "@Network(loss = Loss.MSE)");
  }

  @Test
  void inputsTooSmall() {
    assertOnlyError(
        source("Foo",
            "@Network(",
            "    inputs = 0,",
            "    loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Dense(units = 3) Layer out;",
            "}"),
        "[Network/InputsTooSmall] Foo: inputs must be at least 1, but was 0; set it to the number"
            + " of features per sample",
        "inputs = 0");
  }

  @Test
  void noLayers() {
    assertOnlyError(
        source("Foo",
            "@Network(inputs = 4, loss = Loss.MSE)",
            "abstract class Foo {",
            "  Layer notAnnotated;",
            "}"),
        "[Network/NoLayers] Foo must declare at least one layer, but declared none; add a field"
            + " such as @Dense(units = 10) Layer output;",
        "@Network(inputs = 4, loss = Loss.MSE)");
  }

  @Test
  void tooManyLayers() {
    // 256 layers generate and compile (the limit's own test); the 257th is refused on its line,
    // before javac would refuse the generated constructor as "code too large".
    List<String> lines = new ArrayList<>();
    lines.add("@Network(inputs = 4, loss = Loss.MSE)");
    lines.add("abstract class Foo {");
    for (int k = 0; k < 256; k++) {
      lines.add("  @Dense(units = 4, activation = Activation.TANH) Layer hidden" + k + ";");
    }
    lines.add("  @Dense(units = 1) Layer out;");
    lines.add("}");
    assertOnlyError(source("Foo", lines.toArray(new String[0])),
        "[Network/TooManyLayers] Foo must have at most 256 layers, but had 257 (so that the"
            + " generated constructor, initialization and summary stay well within the JVM's"
            + " limits on a method's code and a constant's length); use fewer layers",
        "Layer out;");
    // The layers are checked all the same: another mistake is reported in the same build.
    List<String> alsoZero = new ArrayList<>(lines);
    alsoZero.set(alsoZero.size() - 2, "  @Dense(units = 0) Layer out;");
    Compilation both = compile(source("Foo", alsoZero.toArray(new String[0])));
    assertThat(both).hadErrorCount(2);
    assertThat(both).hadErrorContaining("[Network/TooManyLayers]");
    assertThat(both).hadErrorContaining("[Network/UnitsTooSmall] out: units must be at least 1");
    lines.remove(lines.size() - 3); // hidden255
    assertThat(compile(source("Foo", lines.toArray(new String[0])))).succeededWithoutWarnings();
  }

  /**
   * Layer names so long that the summary (every line padded to the longest name) and the spec pass
   * the 65,535 bytes of a class file's string constant: still compiled, without warnings.
   */
  @Test
  void longLayerNamesInManyLayersStillCompile() {
    List<String> lines = new ArrayList<>(List.of("@Network(inputs = 3, loss = Loss.MSE)",
        "abstract class Foo {"));
    String padding = "x".repeat(700);
    for (int k = 0; k < 100; k++) {
      lines.add("  @Dense(units = 3) Layer l" + k + "_" + padding + ";");
    }
    lines.add("  @Dense(units = 1) Layer out;");
    lines.add("}");
    Compilation compilation = compile(source("Foo", lines.toArray(new String[0])));
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation).generatedSourceFile("test.Net_Foo").contentsAsUtf8String()
        .contains("private static final String SUMMARY = String.join(\"\", ");
  }

  /** javac refuses a string constant of 65,535 bytes: from there on it is joined at run time. */
  @Test
  void stringConstantsAreJoinedFromTheLengthJavacRefuses() {
    for (String value : List.of("a".repeat(65_534), "a".repeat(65_535), "\u00e9".repeat(32_767),
        "\u00e9".repeat(32_768), "\ud83d\ude00".repeat(20_000))) {
      String initializer = NetworkWriter.stringConstant(value).toString();
      long bytes =
          value.chars().mapToLong(c -> c >= 1 && c <= 0x7F ? 1 : c <= 0x7FF ? 2 : 3).sum();
      assertEquals(bytes >= 65_535, initializer.startsWith("java.lang.String.join("), initializer
          .substring(0, 30));
      Compilation compilation = Compiler.javac().compile(JavaFileObjects.forSourceLines("test.S",
          "package test;", "class S { static final String S = " + initializer + "; }"));
      assertThat(compilation).succeededWithoutWarnings();
    }
  }

  @Test
  void outputsMismatch() {
    assertOnlyError(
        source("Foo",
            "@Network(inputs = 4,",
            "    outputs = 10,",
            "    loss = Loss.SOFTMAX_CROSS_ENTROPY)",
            "abstract class Foo {",
            "  @Dense(units = 9) Layer logits;",
            "}"),
        "[Network/OutputsMismatch] Foo: outputs must equal the units of the last layer logits, but"
            + " outputs = 10 and logits has 9; change units of logits or outputs",
        "outputs = 10");
  }

  @Test
  void outputsNegative_isAnErrorOnTheValueAndNotAMismatch() {
    assertOnlyError(
        source("Foo",
            "@Network(inputs = 4,",
            "    outputs = -1,",
            "    loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Dense(units = 9) Layer out;",
            "}"),
        "[Network/OutputsTooSmall] Foo: outputs must be at least 1 (or 0, not checked), but was -1;"
            + " set it to the number of values the network produces per sample",
        "outputs = -1");
  }

  @Test
  void outputsMatching_isFine() {
    assertThat(
            compile(
                source("Foo",
                    "@Network(inputs = 4, outputs = 3, loss = Loss.MSE)",
                    "abstract class Foo {",
                    "  @Dense(units = 3) Layer out;",
                    "}")))
        .succeededWithoutWarnings();
  }

  // Layer fields.

  @Test
  void privateLayer() {
    assertOnlyError(
        source("Foo",
            "@Network(inputs = 4, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Dense(units = 3)",
            "  private Layer out;",
            "}"),
        "[Network/PrivateLayer] out must not be private, but was; Net_Foo assigns the layer's"
            + " view to it, so make it package-private",
        "private Layer out");
  }

  @Test
  void staticLayer() {
    assertOnlyError(
        source("Foo",
            "@Network(inputs = 4, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Dense(units = 3)",
            "  static Layer out;",
            "}"),
        "[Network/StaticLayer] out must not be static, but was; each network instance has its own"
            + " layers, so remove static",
        "static Layer out");
  }

  @Test
  void finalLayer() {
    assertOnlyError(
        source("Foo",
            "@Network(inputs = 4, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Dense(units = 3)",
            "  final Layer out = null;",
            "}"),
        "[Network/FinalLayer] out must not be final, but was; Net_Foo assigns the layer's view to"
            + " it, so remove final",
        "final Layer out");
  }

  @Test
  void twoLayerAnnotations() {
    assertOnlyError(
        source("Foo",
            "@Network(inputs = 4, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Dense(units = 3)",
            "  @Dropout(rate = 0.5f)",
            "  Layer out;",
            "}"),
        "[Network/TwoLayerAnnotations] out must have one layer annotation, but had @Dense and"
            + " @Dropout; declare one field per layer",
        "@Dropout(rate = 0.5f)");
  }

  @Test
  void layerType() {
    assertOnlyError(
        source("Foo",
            "@Network(inputs = 4, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Dense(units = 3)",
            "  float[] out;",
            "}"),
        "[Network/LayerType] out must be of type io.ganglion.Layer, but was float[]; declare it as"
            + " Layer out",
        "float[] out");
  }

  @Test
  void aLayerOnAnEnumConstantIsReported() {
    assertOnlyError(
        source("Kinds",
            "enum Kinds {",
            "  @Dense(units = 3) A, B",
            "}"),
        "[Network/LayerOutsideNetwork] A: @Dense must be on a field of a @Network class, but A is"
            + " a constant of the enum Kinds; declare the layer as a Layer field of an abstract"
            + " @Network class",
        "@Dense(units = 3) A");
  }

  @Test
  void layerOutsideNetwork() {
    assertOnlyError(
        source("Foo",
            "abstract class Foo {",
            "  @Dense(units = 3) Layer out;",
            "}"),
        "[Network/LayerOutsideNetwork] out: @Dense must be on a field of a @Network class, but Foo"
            + " has no @Network; annotate Foo with @Network(inputs = ..., loss = ...)",
        "@Dense(units = 3) Layer out;");
  }

  @Test
  void aLayerInTheSuperclassOfANetworkIsToBeMovedIntoIt() {
    // Annotating Base with @Network, as the plain message said, gives NetworkSuperclass instead.
    assertOnlyError(
        source("Foo",
            "abstract class Base {",
            "  @Dense(units = 3) Layer hidden;",
            "}",
            "@Network(inputs = 4, loss = Loss.MSE)",
            "abstract class Foo extends Base {",
            "  @Dense(units = 2) Layer out;",
            "}"),
        "[Network/LayerOutsideNetwork] hidden: @Dense must be on a field of a @Network class, but"
            + " Base is a superclass of the @Network class Foo, whose layers are its own fields"
            + " only (they are not inherited); move hidden into Foo",
        "@Dense(units = 3) Layer hidden;");
  }

  @Test
  void aLayerFieldOfAnEnumIsReported() {
    assertOnlyError(
        source("Kinds",
            "enum Kinds {",
            "  A;",
            "  @Dense(units = 2) Layer stray;",
            "}"),
        "[Network/LayerOutsideNetwork] stray: @Dense must be on a field of a @Network class, but"
            + " Kinds is an enum; declare the layer as a Layer field of an abstract @Network class",
        "Layer stray");
  }

  @Test
  void aLayerOnARecordComponentIsReported() {
    assertOnlyError(
        source("Foo",
            "record Foo(@Dense(units = 3) Layer out) {}"),
        "[Network/LayerOutsideNetwork] out: @Dense must be on a field of a @Network class, but"
            + " Foo is a record; declare the layer as a Layer field of an abstract @Network class",
        "record Foo");
  }

  @Test
  void nameCollision() {
    assertOnlyError(
        source("Foo",
            "@Network(inputs = 4, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Dense(units = 3) Layer hiddenOne;",
            "  @Dense(units = 3) Layer hidden_one;",
            "}"),
        "[Network/NameCollision] hidden_one must have a name whose generated members are unique,"
            + " but was one that makes HIDDEN_ONE_UNITS like hiddenOne does; rename one of them",
        "Layer hidden_one");
  }

  @Test
  void nameCollision_imageInput() {
    assertOnlyError(
        source("Foo",
            "@Network(input = {1, 4, 4}, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Conv2d(filters = 2, kernel = 3) Layer input;",
            "  @Flatten Layer flat;",
            "  @Dense(units = 1) Layer out;",
            "}"),
        "[Network/NameCollision] input must have a name whose generated members are unique, but"
            + " was one that makes INPUT_CHANNELS like the network's image input does; rename"
            + " one of them",
        "Layer input");
    // A vector network has no INPUT_* constants: the name is free there.
    assertThat(compile(source("Bar",
            "@Network(inputs = 4, loss = Loss.MSE)",
            "abstract class Bar {",
            "  @Dense(units = 3) Layer input;",
            "  @Dense(units = 1) Layer out;",
            "}")))
        .succeededWithoutWarnings();
  }

  @Test
  void dollarInLayerName() {
    assertOnlyError(
        source("Foo",
            "@Network(inputs = 4, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Dense(units = 3) Layer a$b;",
            "}"),
        "[Network/LayerName] a$b must be a name without '$', but was not; the generated members"
            + " are named after the layer, so rename it",
        "Layer a$b");
  }

  @Test
  void aNameThatHidesAPackageTheGeneratedCodeNamesTypesIn() {
    // With a class Math in the package, Net_Foo calls java.lang.Math.max, which javac would read
    // as a member of the field named java.
    JavaFileObject math = source("Math", "class Math {}");
    JavaFileObject foo = source("Foo",
        "@Network(inputs = 4, loss = Loss.MSE)",
        "abstract class Foo {",
        "  @Dense(units = 3) Layer java;",
        "  @Dense(units = 1) Layer out;",
        "}");
    Compilation compilation = compile(foo, math);
    assertThat(compilation).hadErrorContaining("[Network/HidesPackage] java must not be a field"
        + " named after package java, but was; Net_Foo names java.lang.Math in full (since a"
        + " name of the network or its package hides Math), which javac would read as this"
        + " field, so rename it")
        .inFile(foo).onLineContaining("Layer java");
    assertThat(compilation).hadErrorCount(1);
    // Without a hidden name nothing is named in full: a layer or field named java is harmless.
    assertThat(compile(source("Plain",
        "@Network(inputs = 4, loss = Loss.MSE)",
        "abstract class Plain {",
        "  int io;",
        "  @Dense(units = 3) Layer java;",
        "  @Dense(units = 1) Layer out;",
        "}"))).succeededWithoutWarnings();
    // An inherited field, with a layer named Parameter (io.ganglion.Parameter in full); a member
    // class hides a package too. A private field is not inherited, so harmless.
    JavaFileObject base = source("Base", "abstract class Base { int io; private int java; }");
    JavaFileObject bar = source("Bar",
        "@Network(inputs = 4, loss = Loss.MSE)",
        "abstract class Bar extends Base {",
        "  @Dense(units = 3) Layer Parameter;",
        "  @Dense(units = 1) Layer out;",
        "}");
    compilation = compile(bar, base);
    assertThat(compilation).hadErrorContaining("[Network/HidesPackage] io must not be a field"
        + " named after package io (it is in test.Base), but was; Net_Bar names"
        + " io.ganglion.Parameter in full")
        .inFile(bar).onLineContaining("class Bar");
    assertThat(compilation).hadErrorCount(1);
    JavaFileObject baz = source("Baz",
        "@Network(inputs = 4, loss = Loss.MSE)",
        "abstract class Baz {",
        "  static class java {}",
        "  @Dense(units = 3) Layer Math;",
        "  @Dense(units = 1) Layer out;",
        "}");
    compilation = compile(baz);
    assertThat(compilation).hadErrorContaining("[Network/HidesPackage] java must not be a class"
        + " named after package java, but was;")
        .inFile(baz).onLineContaining("static class java");
    assertThat(compilation).hadErrorCount(1);
  }

  @Test
  void aNameThatHidesAPackageOnlyInTypesIsHarmlessForAField() {
    // A class String in the package makes Net_Foo declare java.lang.String values: a type
    // name, which a field named java does not hide (only a class would).
    assertThat(compile(
        source("Foo",
            "@Network(inputs = 4, loss = Loss.MSE)",
            "abstract class Foo {",
            "  int java;",
            "  @Dense(units = 1) Layer out;",
            "}"),
        source("String", "class String {}")))
        .succeededWithoutWarnings();
  }

  @Test
  void aClassThatHidesAPackageTheVectorKernelsNameTypesIn() {
    // The kernels' class names java.lang.Float in full when the package has a class Float; a
    // class java in the package hides package java there too.
    JavaFileObject foo = source("Foo",
        "@Network(input = {1, 12, 12}, loss = Loss.SOFTMAX_CROSS_ENTROPY)",
        "abstract class Foo {",
        "  @Conv2d(filters = 8, kernel = 3) Layer conv;",
        "  @Flatten Layer flat;",
        "  @Dense(units = 2) Layer out;",
        "}");
    Compilation compilation = Compiler.javac()
        .withOptions("--add-modules", "jdk.incubator.vector")
        .withProcessors(new NetworkProcessor())
        .compile(foo, source("Float", "class Float {}"), source("java", "class java {}"));
    assertThat(compilation).hadErrorContaining("[Network/HidesPackage] java must not be a class"
        + " named after package java (it is in package test), but was; Net_Foo_Vector names"
        + " java.lang.Float in full")
        .inFile(foo).onLineContaining("abstract class Foo");
    assertThat(compilation).hadErrorCount(1);
  }

  @Test
  void constructorThrows() {
    assertOnlyError(
        source("Foo",
            "@Network(inputs = 4, loss = Loss.MSE)",
            "abstract class Foo {",
            "  Foo() throws Exception, IllegalStateException {}",
            "  @Dense(units = 3) Layer out;",
            "}"),
        "[Network/ConstructorThrows] Foo() must not declare checked exceptions, but throws"
            + " java.lang.Exception; Net_Foo's constructors call it and cannot pass them on",
        "Foo() throws");
  }

  @Test
  void sealedClass() {
    assertOnlyError(
        source("Foo",
            "@Network(inputs = 4, loss = Loss.MSE)",
            "abstract sealed class Foo permits Other {",
            "  @Dense(units = 3) Layer out;",
            "}",
            "final class Other extends Foo {}"),
        "[Network/SealedClass] Foo is sealed, so it must permit Net_Foo, but permits Other; add"
            + " Net_Foo to its permits clause",
        "sealed class Foo");
    assertThat(compile(source("Bar",
            "@Network(inputs = 4, loss = Loss.MSE)",
            "abstract sealed class Bar permits Net_Bar {",
            "  @Dense(units = 3) Layer out;",
            "}")))
        .succeededWithoutWarnings();
  }

  // Layer values and shapes.

  @Test
  void unitsTooSmall() {
    assertOnlyError(
        source("Foo",
            "@Network(inputs = 4, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Dense(units = 8) Layer hidden;",
            "  @Dense(units = 0) Layer out;",
            "}"),
        "[Network/UnitsTooSmall] out: units must be at least 1, but was 0 (hidden makes 4 -> 8);"
            + " set units to the number of outputs the layer should have",
        "@Dense(units = 0)");
  }

  @Test
  void tooLarge_layer() {
    assertOnlyError(
        source("Foo",
            "@Network(inputs = 100000, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Dense(units = 100000) Layer hidden;",
            "  @Dense(units = 1) Layer out;",
            "}"),
        "[Network/TooLarge] hidden: its weight count must be at most 2,147,483,639 (the largest Java"
            + " array), but was 10,000,000,000 (100000 inputs x 100000 units); use"
            + " fewer units or inputs",
        "@Dense(units = 100000)");
  }

  @Test
  void tooLarge_total() {
    assertOnlyError(
        source("Foo",
            "@Network(inputs = 40000, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Dense(units = 40000) Layer hidden;",
            "  @Dense(units = 40000) Layer out;",
            "}"),
        "[Network/TooLarge] Foo: the parameter count must be at most 2,147,483,639 (the largest Java"
            + " array), but was 3,200,080,000 (all layers together); use fewer or"
            + " smaller layers",
        "@Network(inputs = 40000");
  }

  @Test
  void tooLarge_hugeInputs() {
    assertOnlyError(
        source("Foo",
            "@Network(inputs = Integer.MAX_VALUE, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Dense(units = 2) Layer out;",
            "}"),
        "[Network/TooLarge] out: its weight count must be at most 2,147,483,639 (the largest Java"
            + " array), but was 4,294,967,294 (2147483647 inputs x 2 units); use fewer"
            + " units or inputs",
        "@Dense(units = 2)");
  }

  @Test
  void tooLarge_weightsLeaveTheOutputKnownForTheNextLayersChecks() {
    // big's 100000 units still flow on: zero's own mistake is reported in the same build.
    Compilation compilation = compile(source("Foo",
        "@Network(inputs = 100000, loss = Loss.MSE)",
        "abstract class Foo {",
        "  @Dense(units = 100000) Layer big;",
        "  @Dense(units = 0) Layer zero;",
        "  @Dense(units = 1) Layer out;",
        "}"));
    assertThat(compilation).hadErrorContaining("[Network/TooLarge] big: its weight count");
    assertThat(compilation).hadErrorContaining(
        "[Network/UnitsTooSmall] zero: units must be at least 1, but was 0 (big makes 100000 -> 100000)");
    assertThat(compilation).hadErrorCount(2);
  }

  @Test
  void tooLarge_aWeightJustBeyondTheLargestArray() {
    // 2^31 - 1 weights fit an int, but no Java array: the runtime refuses them, so javac does.
    assertOnlyError(
        source("Foo",
            "@Network(inputs = Integer.MAX_VALUE, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Dense(units = 1, bias = false) Layer out;",
            "}"),
        "[Network/TooLarge] out: its weight count must be at most 2,147,483,639 (the largest Java"
            + " array), but was 2,147,483,647 (2147483647 inputs x 1 units); use fewer"
            + " units or inputs",
        "@Dense(units = 1, bias = false)");
  }

  @Test
  void softmaxNotLast() {
    assertOnlyError(
        source("Foo",
            "@Network(inputs = 4, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Dense(units = 8,",
            "      activation = Activation.SOFTMAX) Layer hidden;",
            "  @Dense(units = 3) Layer out;",
            "}"),
        "[Network/SoftmaxNotLast] hidden: SOFTMAX must only be on the last layer, but hidden is"
            + " followed by out; use RELU, TANH or another element-wise activation for hidden"
            + " layers",
        "activation = Activation.SOFTMAX");
  }

  @Test
  void softmaxOnABatchNormIsRefused() {
    assertOnlyError(
        source("Foo",
            "@Network(inputs = 4, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Dense(units = 8) Layer hidden;",
            "  @BatchNorm(activation = Activation.SOFTMAX) Layer norm;",
            "  @Dense(units = 3) Layer out;",
            "}"),
        "[Network/SoftmaxNotLast] norm: SOFTMAX must only be on the last layer, but norm is"
            + " followed by out",
        "activation = Activation.SOFTMAX");
  }

  @Test
  void softmaxSingleUnit() {
    assertOnlyError(
        source("Foo",
            "@Network(inputs = 4, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Dense(units = 1, activation = Activation.SOFTMAX) Layer out;",
            "}"),
        "[Network/SoftmaxSingleUnit] out: a SOFTMAX layer must have at least 2 units, but was 1"
            + " (input gives 4); the softmax of one value is always 1, so use SIGMOID for a single"
            + " output",
        "Layer out");
  }

  @Test
  void initValueNotFinite() {
    assertOnlyError(
        source("Foo",
            "@Network(inputs = 4, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Dense(units = 3, init = Init.CONSTANT,",
            "      initValue = 1f / 0f) Layer out;",
            "}"),
        "[Network/InitValueNotFinite] out: initValue must be a finite number with init ="
            + " CONSTANT, but was Infinity; use a value such as 0.01f",
        "initValue = 1f / 0f");
  }

  // The loss and the last layer.

  @Test
  void lossNeedsLogits_softmaxCrossEntropyAfterSoftmax() {
    assertOnlyError(
        source("Foo",
            "@Network(inputs = 4, loss = Loss.SOFTMAX_CROSS_ENTROPY)",
            "abstract class Foo {",
            "  @Dense(units = 10,",
            "      activation = Activation.SOFTMAX) Layer out;",
            "}"),
        "[Network/LossNeedsLogits] out: the last layer must be LINEAR for SOFTMAX_CROSS_ENTROPY,"
            + " but was SOFTMAX; SOFTMAX_CROSS_ENTROPY applies softmax to the logits itself, so"
            + " remove the activation (predict() still returns probabilities)",
        "activation = Activation.SOFTMAX");
  }

  @Test
  void lossNeedsLogits_softmaxCrossEntropyAfterSigmoid() {
    assertOnlyError(
        source("Foo",
            "@Network(inputs = 4, loss = Loss.SOFTMAX_CROSS_ENTROPY)",
            "abstract class Foo {",
            "  @Dense(units = 10,",
            "      activation = Activation.SIGMOID) Layer out;",
            "}"),
        "[Network/LossNeedsLogits] out: the last layer must be LINEAR for SOFTMAX_CROSS_ENTROPY,"
            + " but was SIGMOID;",
        "activation = Activation.SIGMOID");
  }

  @Test
  void lossNeedsLogits_binaryCrossEntropy() {
    assertOnlyError(
        source("Foo",
            "@Network(inputs = 4, loss = Loss.BINARY_CROSS_ENTROPY)",
            "abstract class Foo {",
            "  @Dense(units = 1,",
            "      activation = Activation.SIGMOID) Layer out;",
            "}"),
        "[Network/LossNeedsLogits] out: the last layer must be LINEAR for BINARY_CROSS_ENTROPY,"
            + " but was SIGMOID; BINARY_CROSS_ENTROPY applies the sigmoid to the logits itself,"
            + " so remove the activation (predict() still returns probabilities)",
        "activation = Activation.SIGMOID");
  }

  @Test
  void lossNeedsLogits_binaryCrossEntropyAfterSoftmax() {
    assertOnlyError(
        source("Foo",
            "@Network(inputs = 4, loss = Loss.BINARY_CROSS_ENTROPY)",
            "abstract class Foo {",
            "  @Dense(units = 2,",
            "      activation = Activation.SOFTMAX) Layer out;",
            "}"),
        "[Network/LossNeedsLogits] out: the last layer must be LINEAR for BINARY_CROSS_ENTROPY,"
            + " but was SOFTMAX;",
        "activation = Activation.SOFTMAX");
  }

  @Test
  void tooFewClasses() {
    assertOnlyError(
        source("Foo",
            "@Network(inputs = 4, loss = Loss.SOFTMAX_CROSS_ENTROPY)",
            "abstract class Foo {",
            "  @Dense(units = 1) Layer out;",
            "}"),
        "[Network/TooFewClasses] out: the last layer must have at least 2 units for"
            + " SOFTMAX_CROSS_ENTROPY (one per class), but was 1; use 2 or more units, or"
            + " BINARY_CROSS_ENTROPY for a single yes/no output",
        "@Dense(units = 1)");
  }

  // Warnings.

  @Test
  void outputActivation_warning() {
    assertOnlyWarning(
        source("Foo",
            "@Network(inputs = 4, loss = Loss.SOFTMAX_CROSS_ENTROPY)",
            "abstract class Foo {",
            "  @Dense(units = 10,",
            "      activation = Activation.RELU) Layer out;",
            "}"),
        "[Network/OutputActivation] out: the last layer should be LINEAR for"
            + " SOFTMAX_CROSS_ENTROPY, but was RELU, which limits the logits SOFTMAX_CROSS_ENTROPY"
            + " expects; usually the last layer is LINEAR (the default)",
        "activation = Activation.RELU");
  }

  @Test
  void initValueIgnored_warning() {
    assertOnlyWarning(
        source("Foo",
            "@Network(inputs = 4, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Dense(units = 3,",
            "      initValue = 0.5f) Layer out;",
            "}"),
        "[Network/InitValueIgnored] out: initValue should only be set with init = CONSTANT, but"
            + " init was DEFAULT, which ignores it; add init = Init.CONSTANT or remove initValue",
        "initValue = 0.5f");
  }

  @Test
  void softmaxWithMse_warningNamesTheValueLossUsed() {
    Compilation compilation = compile(source("Foo",
        "@Network(inputs = 4, loss = Loss.HUBER)",
        "abstract class Foo {",
        "  @Dense(units = 3, activation = Activation.SOFTMAX) Layer out;",
        "}"));
    assertThat(compilation).succeeded();
    assertThat(compilation).hadWarningContaining("SOFTMAX_CROSS_ENTROPY, but the loss was HUBER,");
  }

  @Test
  void softmaxWithMse_warning() {
    assertOnlyWarning(
        source("Foo",
            "@Network(inputs = 4, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Dense(units = 3,",
            "      activation = Activation.SOFTMAX) Layer out;",
            "}"),
        "[Network/SoftmaxWithMse] out: a SOFTMAX last layer should be trained with"
            + " SOFTMAX_CROSS_ENTROPY, but the loss was MSE, which learns slowly on probabilities;"
            + " for classification use loss = SOFTMAX_CROSS_ENTROPY and a LINEAR last layer",
        "activation = Activation.SOFTMAX");
  }

  @Test
  void kerasMomentum_warning() {
    assertOnlyWarning(
        source("Foo",
            "@Network(inputs = 4, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Dense(units = 8) Layer hidden;",
            "  @BatchNorm(momentum = 0.99) Layer norm;",
            "  @Dense(units = 1) Layer out;",
            "}"),
        "[Network/KerasMomentum] norm: momentum is the weight of each new batch in the running"
            + " statistics (PyTorch's meaning), so 0.99 nearly forgets them at every step; Keras's"
            + " momentum = 0.99 is PyTorch's 0.01: write momentum = 0.01 if that was meant",
        "momentum = 0.99");
  }

  @Test
  void constantInit_withFiniteValue_isFine() {
    assertThat(
            compile(
                source("Foo",
                    "@Network(inputs = 4, loss = Loss.MSE)",
                    "abstract class Foo {",
                    "  @Dense(units = 3, init = Init.CONSTANT, initValue = 0.5f) Layer out;",
                    "}")))
        .succeededWithoutWarnings();
  }
}
