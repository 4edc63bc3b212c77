package io.ganglion.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static io.ganglion.processor.Sources.compile;
import static io.ganglion.processor.Sources.source;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** The processor as a whole: several classes and mistakes, rounds, failures and the summary. */
class NetworkProcessorTest {

  @Test
  void reportsEveryMistakeOfAClassInOnePass() {
    JavaFileObject foo =
        source("Foo",
            "@Network(inputs = 0, outputs = 7, loss = Loss.SOFTMAX_CROSS_ENTROPY)",
            "final class Foo {",
            "  @Dense(units = 16, activation = Activation.SOFTMAX) Layer hidden;",
            "  @Dense(units = -2) Layer middle;",
            "  @Dense(units = 10, activation = Activation.SIGMOID) private Layer logits;",
            "  abstract void train();",
            "}");
    Compilation compilation = compile(foo);
    assertThat(compilation)
        .hadErrorContaining("[Network/FinalClass] Foo must not be final")
        .inFile(foo)
        .onLineContaining("final class Foo");
    assertThat(compilation)
        .hadErrorContaining("[Network/AbstractMethod] train() must have a body")
        .inFile(foo)
        .onLineContaining("abstract void train()");
    assertThat(compilation)
        .hadErrorContaining("[Network/InputsTooSmall] Foo: inputs must be at least 1, but was 0")
        .inFile(foo)
        .onLineContaining("@Network(inputs = 0");
    assertThat(compilation)
        .hadErrorContaining("[Network/SoftmaxNotLast] hidden: SOFTMAX must only be on the last"
            + " layer, but hidden is followed by middle")
        .inFile(foo)
        .onLineContaining("Layer hidden");
    assertThat(compilation)
        .hadErrorContaining("[Network/UnitsTooSmall] middle: units must be at least 1, but was -2"
            + " (hidden makes 16)")
        .inFile(foo)
        .onLineContaining("Layer middle");
    assertThat(compilation)
        .hadErrorContaining("[Network/PrivateLayer] logits must not be private")
        .inFile(foo)
        .onLineContaining("Layer logits");
    assertThat(compilation)
        .hadErrorContaining("[Network/LossNeedsLogits] logits: the last layer must be LINEAR for"
            + " SOFTMAX_CROSS_ENTROPY, but was SIGMOID")
        .inFile(foo)
        .onLineContaining("Layer logits");
    // outputs = 7 against the 10 units written on logits: a mistake of its own, which no size
    // upstream can cause.
    assertThat(compilation)
        .hadErrorContaining("[Network/OutputsMismatch] Foo: outputs must equal the units of the"
            + " last layer logits, but")
        .inFile(foo)
        .onLineContaining("outputs = 7");
    assertThat(compilation).hadErrorCount(8);
  }

  @Test
  void aBrokenClassDoesNotStopACorrectOne() {
    JavaFileObject broken =
        source("Broken",
            "@Network(inputs = 4, loss = Loss.MSE)",
            "abstract class Broken {",
            "  @Dense(units = 0) Layer out;",
            "}");
    JavaFileObject good =
        source("Good",
            "@Network(inputs = 4, loss = Loss.MSE)",
            "abstract class Good {",
            "  @Dense(units = 3) Layer out;",
            "}");
    Sources.Observer observer = new Sources.Observer("test.Net_Good", "test.Net_Broken");
    Compilation compilation =
        Compiler.javac().withProcessors(new NetworkProcessor(), observer).compile(broken, good);
    assertThat(compilation)
        .hadErrorContaining("[Network/UnitsTooSmall] out: units must be at least 1, but was 0")
        .inFile(broken)
        .onLineContaining("@Dense(units = 0)");
    assertThat(compilation).hadErrorCount(1);
    assertThat(observer.seen.get("test.Net_Good")).startsWith("extends test.Good");
    assertThat(observer.seen.get("test.Net_Good")).contains("forwardOut");
    // Broken gets only a stand-in, which extends it because the class itself is fine.
    assertThat(observer.seen.get("test.Net_Broken")).startsWith("extends test.Broken");
    assertThat(observer.seen.get("test.Net_Broken")).contains("NOT_GENERATED");
    assertThat(observer.seen.get("test.Net_Broken")).doesNotContain("forwardOut");
  }

  /**
   * javac stops before attributing method bodies once a processor has reported an error, but still
   * resolves imports and member declarations: without the stand-in, this file would add three
   * "cannot find symbol Net_Broken" errors.
   */
  @Test
  void usesOfAClassThatWasNotGeneratedAddNoErrors() {
    JavaFileObject broken =
        source("Broken",
            "@Network(inputs = 4, loss = Loss.MSE)",
            "abstract class Broken {",
            "  @Dense(units = 0) Layer out;",
            "}");
    JavaFileObject user =
        JavaFileObjects.forSourceLines("other.User",
            "package other;",
            "import java.util.List;",
            "import test.Net_Broken;",
            "public class User {",
            "  Net_Broken field;",
            "  List<Net_Broken> list;",
            "  static float[] run() {",
            "    Net_Broken net = new Net_Broken(42);",
            "    return net.predict(new float[4]);",
            "  }",
            "}");
    Compilation compilation = compile(broken, user);
    assertThat(compilation).hadErrorContaining("[Network/UnitsTooSmall]");
    assertThat(compilation).hadErrorCount(1);
  }

  /** A class that cannot be extended gets a stand-in that does not extend it and compiles. */
  @Test
  void standInForAClassThatCannotBeExtended() {
    JavaFileObject broken =
        source("Broken",
            "@Network(inputs = 4, loss = Loss.MSE)",
            "final class Broken {",
            "  @Dense(units = 3) Layer out;",
            "  Broken(int size) {}",
            "  abstract void go();",
            "}");
    JavaFileObject user =
        source("User",
            "class User {",
            "  Net_Broken field;",
            "  Model model() { return field; }",
            "}");
    Sources.Observer observer = new Sources.Observer("test.Net_Broken");
    Compilation compilation =
        Compiler.javac().withProcessors(new NetworkProcessor(), observer).compile(broken, user);
    assertThat(compilation).hadErrorContaining("[Network/FinalClass]");
    assertThat(compilation).hadErrorContaining("[Network/NoConstructor]");
    assertThat(compilation).hadErrorContaining("[Network/AbstractMethod]");
    assertThat(compilation).hadErrorCount(3);
    assertThat(observer.seen.get("test.Net_Broken")).startsWith("extends java.lang.Object");
  }

  @Test
  void standInForAnInterface() {
    JavaFileObject broken =
        source("Broken",
            "@Network(inputs = 4, loss = Loss.MSE)",
            "interface Broken {}");
    JavaFileObject user = source("User", "class User {", "  Net_Broken field;", "}");
    Compilation compilation = compile(broken, user);
    assertThat(compilation).hadErrorContaining("[Network/NotAClass]");
    assertThat(compilation).hadErrorCount(1);
  }

  @Test
  void summaryNote_listsLayersInSourceOrder() {
    JavaFileObject order =
        source("Order",
            "@Network(inputs = 4, loss = Loss.MSE)",
            "abstract class Order {",
            "  @Dense(units = 8, activation = Activation.RELU) Layer zeta;",
            "  @Dense(units = 5, activation = Activation.TANH, bias = false) Layer alpha;",
            "  @Dense(units = 3) Layer mid;",
            "}");
    Compilation compilation =
        Compiler.javac()
            .withProcessors(new NetworkProcessor())
            .withOptions("-Aganglion.summary=true")
            .compile(order);
    assertThat(compilation).succeededWithoutWarnings();
    String summary =
        "Order (MSE loss)\n"
            + "Layer    Kind   Output  Activation  Params  Mult-adds\n"
            + "(input)  Input  4\n"
            + "zeta     Dense  8       RELU            40         32\n"
            + "alpha    Dense  5       TANH            40         40\n"
            + "mid      Dense  3       LINEAR          18         15\n"
            + "Total                                   98         87\n"
            + "Multiply-adds are per sample, forward pass.\n";
    // javac indents the lines after the first of a multi-line message by two spaces.
    assertThat(compilation)
        .hadNoteContaining("Net_Order:\n" + summary.strip().replaceAll("(?m)^", "  "))
        .inFile(order)
        .onLineContaining("abstract class Order");
    assertThat(compilation.diagnostics().stream()
            .filter(d -> d.getKind() == Diagnostic.Kind.NOTE)
            .count())
        .isEqualTo(1);
  }

  @Test
  void optionsWithoutAValueAreOnAndOtherValuesAreWarnedAbout() {
    JavaFileObject foo = source("Foo",
        "@Network(inputs = 4, loss = Loss.MSE)",
        "abstract class Foo {",
        "  @Dense(units = 1) Layer out;",
        "}");
    Compilation flag = Compiler.javac().withProcessors(new NetworkProcessor())
        .withOptions("-Aganglion.summary").compile(foo);
    assertThat(flag).succeededWithoutWarnings();
    assertThat(flag).hadNoteContaining("Net_Foo:");
    Compilation misspelled = Compiler.javac().withProcessors(new NetworkProcessor())
        .withOptions("-Aganglion.vector=off", "-Aganglion.summary=yes").compile(foo);
    assertThat(misspelled).succeeded();
    assertThat(misspelled).hadWarningContaining(
        "[Network/Option] -Aganglion.vector must be true or false, but was 'off'; the default,"
            + " true, applies");
    assertThat(misspelled).hadWarningContaining(
        "[Network/Option] -Aganglion.summary must be true or false, but was 'yes'; the default,"
            + " false, applies");
    assertThat(misspelled).hadWarningCount(2);
  }

  @Test
  void summaryNote_offByDefault() {
    Compilation compilation =
        compile(
            source("Foo",
                "@Network(inputs = 4, loss = Loss.MSE)",
                "abstract class Foo {",
                "  @Dense(units = 3) Layer out;",
                "}"));
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation.diagnostics().stream()
            .filter(d -> d.getKind() == Diagnostic.Kind.NOTE)
            .count())
        .isEqualTo(0);
  }

  /** Layer names that are also names the generated code uses for locals, fields or methods. */
  @Test
  void layerNamesLikeGeneratedNames_compile() {
    Compilation compilation =
        compile(
            source("Foo",
                "@Network(inputs = 4, loss = Loss.SOFTMAX_CROSS_ENTROPY)",
                "abstract class Foo {",
                "  @Dense(units = 5) Layer count;",
                "  @Dense(units = 5) Layer inputs;",
                "  @Dense(units = 5) Layer x;",
                "  @Dense(units = 5) Layer p;",
                "  @Dense(units = 5) Layer seed;",
                "  @Dense(units = 5) Layer layers;",
                "  @Dense(units = 5) Layer parameters;",
                "  @Dense(units = 5) Layer capacity;",
                "  @Dense(units = 3) Layer offset;",
                "}"));
    assertThat(compilation).succeeded();
    // The generated class's own fields of these names hide the layers from a Net_Foo reference.
    for (String hidden : new String[] {"layers", "parameters", "capacity"}) {
      assertThat(compilation).hadWarningContaining("[Network/HiddenField] " + hidden
          + " should not be named like a field of Net_Foo");
    }
    assertThat(compilation).hadWarningCount(3);
  }

  /**
   * Layer names and classes of the network's package that are simple names of types the generated
   * code uses: the generated code names those types in full.
   */
  @Test
  void namesThatHideTypesTheGeneratedCodeUses_compile() {
    Compilation compilation =
        compile(
            source("Foo",
                "@Deprecated",
                "@Network(input = {2, 5, 5}, loss = Loss.SOFTMAX_CROSS_ENTROPY)",
                "abstract class Foo implements java.io.Serializable, Sizes {",
                "  @Deprecated Foo() {}",
                "  int Arrays;",
                "  @Conv2d(filters = 3, kernel = 3) Layer Math;",
                "  @Dropout(rate = 0.5f) Layer System;",
                "  @Flatten Layer List;",
                "  @Deprecated @Dense(units = 4, activation = Activation.TANH) Layer Parameter;",
                "  @BatchNorm Layer Parameter2;",
                "  @Dense(units = 3) Layer Checks;",
                "}",
                "interface Sizes { int Float = 1; int Activations = 2; }"),
            source("Override", "@interface Override {}"),
            source("Float", "class Float {}"),
            source("Parameter", "class Parameter {}"),
            source("String", "class String {}"),
            source("IllegalArgumentException", "class IllegalArgumentException {}"),
            source("Initializers", "class Initializers {}"));
    assertThat(compilation).succeededWithoutWarnings();
  }

  /** The same with the Vector API kernels, whose class is in the network's package too. */
  @Test
  void namesThatHideTypesTheVectorKernelsUse_compile() {
    Compilation compilation =
        Compiler.javac()
            .withOptions("--add-modules", "jdk.incubator.vector")
            .withProcessors(new NetworkProcessor())
            .compile(
                source("Foo",
                    "@Network(input = {1, 12, 12}, loss = Loss.SOFTMAX_CROSS_ENTROPY)",
                    "abstract class Foo {",
                    "  @Conv2d(filters = 8, kernel = 3) Layer Math;",
                    "  @MaxPool2d(size = 2) Layer Vectors;",
                    "  @Flatten Layer flat;",
                    "  @Dense(units = 64, activation = Activation.RELU) Layer FloatVector;",
                    "  @Dense(units = 2) Layer out;",
                    "}"),
                source("Float", "class Float {}"),
                source("FloatVector", "class FloatVector {}"),
                source("VectorMask", "class VectorMask {}"),
                source("Integer", "class Integer {}"));
    assertThat(compilation).succeeded();
    assertThat(compilation.generatedSourceFile("test.Net_Foo_Vector")).isPresent();
  }

  /** A constant of a class generated in the same compilation, such as another network's size. */
  @Test
  void constantsOfGeneratedClassesAreWaitedFor() throws java.io.IOException {
    Compilation compilation =
        compile(
            source("Encoder",
                "@Network(inputs = 8, loss = Loss.MSE)",
                "abstract class Encoder {",
                "  @Dense(units = 3, activation = Activation.TANH) Layer code;",
                "}"),
            source("Decoder",
                "@Network(inputs = Net_Encoder.OUTPUTS, loss = Loss.MSE)",
                "abstract class Decoder {",
                "  @Dense(units = Net_Encoder.INPUTS) Layer out;",
                "}",
                "class Check {",
                "  static int[] sizes() {",
                "    Decoder d = new Net_Decoder(1);",
                "    return new int[] {Net_Decoder.INPUTS, Net_Decoder.OUTPUTS};",
                "  }",
                "}"));
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation.generatedSourceFile("test.Net_Decoder").get().getCharContent(true)
        .toString()).contains("public static final int INPUTS = 3;");
  }

  /** A network with errors still gives the sizes it declares plainly to the networks using them. */
  @Test
  void aValueFromANetworkWithErrorsAddsNoErrors() {
    JavaFileObject nets =
        source("Nets",
            "@Network(inputs = 6, loss = Loss.MSE)",
            "abstract class Encoder {",
            "  @Dense(units = 0) Layer hidden;",
            "  @Dense(units = 3) Layer code;",
            "}",
            "@Network(inputs = Net_Encoder.OUTPUTS, loss = Loss.MSE)",
            "abstract class Decoder {",
            "  @Dense(units = 6) Layer out;",
            "}");
    Compilation compilation = compile(nets);
    assertThat(compilation).hadErrorContaining("[Network/UnitsTooSmall] hidden:");
    assertThat(compilation).hadErrorCount(1);
  }

  /**
   * A network waiting for a size that the stand-in of a network with errors lacks: javac runs no
   * more rounds after an error, so it gets a stand-in too, and uses of its class add no errors.
   */
  @Test
  void aNetworkWaitingOnANetworkWithErrorsGetsAStandInInTheSameRound() {
    JavaFileObject nets =
        source("Nets",
            "@Network(inputs = 8, loss = Loss.MSE)",
            "abstract class Encoder {",
            "  @Dense(units = 0) Layer hidden;",
            "  @Dense(units = 3, activation = Activation.TANH) Layer code;",
            "}",
            "@Network(inputs = Net_Encoder.OUTPUTS, loss = Loss.MSE)",
            "abstract class Decoder {",
            "  @Dense(units = Net_Encoder.INPUTS) Layer out;",
            "}");
    JavaFileObject use =
        source("Use",
            "class Use {",
            "  Net_Encoder encoder;",
            "  Decoder decoder = new Net_Decoder(1);",
            "  Net_Decoder make() { return new Net_Decoder(2); }",
            "}");
    Compilation compilation = compile(nets, use);
    assertThat(compilation).hadErrorContaining("[Network/UnitsTooSmall] hidden:");
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadWarningCount(0);
    // The round's one error on a layer outside any network ends the rounds just the same.
    JavaFileObject good =
        source("Good",
            "@Network(inputs = 4, loss = Loss.MSE)",
            "abstract class Good {",
            "  @Dense(units = 3) Layer out;",
            "}",
            "@Network(inputs = Net_Good.OUTPUTS, loss = Loss.MSE)",
            "abstract class Next {",
            "  @Dense(units = 2) Layer out;",
            "}",
            "class Orphan {",
            "  @Dense(units = 2) Layer stray;",
            "}",
            "class UseNext {",
            "  Net_Next next;",
            "}");
    compilation = compile(good);
    assertThat(compilation).hadErrorContaining("[Network/LayerOutsideNetwork] stray:");
    assertThat(compilation).hadErrorCount(1);
    assertThat(compilation).hadWarningCount(0);
  }

  @Test
  void unresolvedConstant_reportedOnceByJavacWhenItNeverAppears() {
    JavaFileObject foo =
        source("Foo",
            "@Network(inputs = 4, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Dense(units = HIDDEN) Layer out;",
            "}");
    Compilation compilation = compile(foo);
    // javac's "cannot find symbol" on the value: no second error of the processor's, and no
    // "units must be at least 1" from reading the unresolved value as 0.
    assertThat(compilation).hadErrorContaining("cannot find symbol")
        .inFile(foo).onLineContaining("units = HIDDEN");
    assertThat(compilation).hadErrorCount(1);
  }

  /**
   * A network named Vector nested in network Curve would be generated as Net_Curve_Vector, the
   * name of Curve's Vector API kernels: reported with or without the module, so that the source
   * compiles the same either way.
   */
  @Test
  void aNetworkNamedLikeAnotherNetworksKernels() {
    JavaFileObject curve =
        source("Curve",
            "@Network(inputs = 4, loss = Loss.MSE)",
            "abstract class Curve {",
            "  @Dense(units = 3) Layer out;",
            "  @Network(inputs = 2, loss = Loss.MSE)",
            "  abstract static class Vector {",
            "    @Dense(units = 1) Layer out;",
            "  }",
            "}");
    Compilation compilation = compile(curve);
    assertThat(compilation)
        .hadErrorContaining("[Network/GeneratedNameTaken] Vector must have a generated class of"
            + " its own, but Net_Curve_Vector is the name of Curve's Vector API kernels (generated"
            + " when compiling with --add-modules jdk.incubator.vector); rename Vector")
        .inFile(curve)
        .onLineContaining("abstract static class Vector");
    assertThat(compilation).hadErrorCount(1);
  }

  /**
   * With the Vector API and layers that get kernels, the same errors, one on each network of the
   * kernels' name (nested, and beside), and none on the owner, which is written without kernels.
   */
  @Test
  void aNetworkNamedLikeAnotherNetworksKernelsWithTheVectorApi() {
    JavaFileObject curve =
        source("Curve",
            "@Network(inputs = 64, loss = Loss.MSE)",
            "abstract class Curve {",
            "  @Dense(units = 64) Layer wide;",
            "  @Dense(units = 3) Layer out;",
            "  @Network(inputs = 2, loss = Loss.MSE)",
            "  abstract static class Vector {",
            "    @Dense(units = 1) Layer out;",
            "  }",
            "}");
    JavaFileObject beside =
        source("Curve_Vector",
            "@Network(inputs = 2, loss = Loss.MSE)",
            "abstract class Curve_Vector {",
            "  @Dense(units = 1) Layer out;",
            "}");
    JavaFileObject user =
        source("User",
            "class User { int n = Net_Curve_Vector.OUTPUTS + Net_Curve.OUTPUTS; }");
    Compilation compilation = Compiler.javac().withProcessors(new NetworkProcessor())
        .withOptions("--add-modules", "jdk.incubator.vector")
        .compile(beside, curve, user);
    assertThat(compilation).hadErrorContaining("[Network/GeneratedNameTaken] Vector must have");
    assertThat(compilation).hadErrorContaining("[Network/GeneratedNameTaken] Curve_Vector must"
        + " have a generated class of its own, but Net_Curve_Vector is the name of Curve's"
        + " Vector API kernels");
    assertThat(compilation).hadErrorCount(2);
  }

  @Test
  void generatedNamesThatCoincide_reportedOnTheSecondClass() {
    JavaFileObject outer =
        source("A",
            "class A {",
            "  @Network(inputs = 4, loss = Loss.MSE)",
            "  abstract static class B {",
            "    @Dense(units = 3) Layer out;",
            "  }",
            "}");
    JavaFileObject flat =
        source("A_B",
            "@Network(inputs = 4, loss = Loss.MSE)",
            "abstract class A_B {",
            "  @Dense(units = 3) Layer out;",
            "}");
    Compilation compilation = compile(outer, flat);
    assertThat(compilation)
        .hadErrorContaining("[Network/GeneratedNameTaken] A_B must have a generated class of its"
            + " own, but test.Net_A_B was already created in this compilation (by another @Network"
            + " class or a class of that name); rename one of them")
        .inFile(flat)
        .onLineContaining("abstract class A_B");
    assertThat(compilation).hadErrorCount(1);
  }

  @Test
  void aTakenNameIsReportedAlsoForAClassWithErrors() {
    // The stand-in written for a class with errors met the taken name: it was an InternalError.
    JavaFileObject taken = source("Net_P", "class Net_P {}");
    JavaFileObject network =
        source("P",
            "@Network(inputs = 4, loss = Loss.MSE)",
            "abstract class P {",
            "  @Dense(units = 0) Layer out;",
            "}");
    Compilation compilation = compile(taken, network);
    assertThat(compilation).hadErrorContaining("[Network/UnitsTooSmall]");
    assertThat(compilation).hadErrorContaining("[Network/GeneratedNameTaken] P must have a"
        + " generated class of its own");
    for (javax.tools.Diagnostic<? extends JavaFileObject> d : compilation.errors()) {
      assertThat(d.getMessage(null)).doesNotContain("InternalError");
    }
  }

  /** A generated source of an earlier build, passed back in as a source (an IDE's source root). */
  @Test
  void aStaleGeneratedSourceIsNamedAsSuch() {
    JavaFileObject stale = source("Net_P",
        "@javax.annotation.processing.Generated(\"io.ganglion.processor.NetworkProcessor\")",
        "final class Net_P {}");
    JavaFileObject network =
        source("P",
            "@Network(inputs = 4, loss = Loss.MSE)",
            "abstract class P {",
            "  @Dense(units = 2) Layer out;",
            "}");
    Compilation compilation = compile(stale, network);
    assertThat(compilation).hadErrorContaining("[Network/GeneratedNameTaken] P must have a"
        + " generated class of its own, but test.Net_P is already among the sources, a copy that"
        + " an earlier build generated; remove the generated sources from the source path, or"
        + " rebuild clean");
    assertThat(compilation).hadErrorCount(1);
  }

  @Test
  void defaultPackage_works() {
    Compilation compilation =
        compile(
            JavaFileObjects.forSourceLines("Foo",
                "import io.ganglion.*;",
                "@Network(inputs = 4, loss = Loss.MSE)",
                "abstract class Foo {",
                "  @Dense(units = 3) Layer out;",
                "}",
                "class User {",
                "  static float[] run() { return new Net_Foo(1).predict(new float[4]); }",
                "}"));
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation.generatedSourceFile("Net_Foo")).isPresent();
  }

  @Test
  void nestedClass_generatesOuterInnerName() {
    Compilation compilation =
        compile(
            source("Outer",
                "class Outer {",
                "  @Network(inputs = 4, loss = Loss.MSE)",
                "  abstract static class Inner {",
                "    @Dense(units = 3) Layer out;",
                "  }",
                "  static Model make() { return new Net_Outer_Inner(1); }",
                "}"));
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation.generatedSourceFile("test.Net_Outer_Inner")).isPresent();
  }

  /** A type another processor generates in its first round is waited for, not reported. */
  @Test
  void typesGeneratedByAnotherProcessorAreWaitedFor() {
    JavaFileObject foo =
        source("Foo",
            "@Network(inputs = 4, loss = Loss.MSE)",
            "abstract class Foo extends Base {",
            "  @Dense(units = 3) Layer out;",
            "}");
    Compilation compilation =
        Compiler.javac()
            .withProcessors(new NetworkProcessor(), new GeneratesBase())
            .compile(foo);
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation.generatedSourceFile("test.Net_Foo")).isPresent();
  }

  @Test
  void unresolvedType_reportedOnceByJavacWhenItNeverAppears() {
    JavaFileObject foo =
        source("Foo",
            "@Network(inputs = 4, loss = Loss.MSE)",
            "abstract class Foo extends Missing {",
            "  @Dense(units = 3) Layer out;",
            "}");
    Compilation compilation = compile(foo);
    assertThat(compilation).hadErrorContaining("cannot find symbol")
        .inFile(foo).onLineContaining("abstract class Foo extends Missing");
    assertThat(compilation).hadErrorCount(1);
  }

  @Test
  void unresolvedLayerType_reportedOnceByJavacWhenItNeverAppears() {
    JavaFileObject foo =
        source("Foo",
            "@Network(inputs = 4, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Dense(units = 3) Layr out;",
            "}");
    Compilation compilation = compile(foo);
    assertThat(compilation).hadErrorContaining("cannot find symbol")
        .inFile(foo).onLineContaining("Layr out");
    assertThat(compilation).hadErrorCount(1);
  }

  @Test
  void aMissingDependencyOnTheProcessorPathIsNamedNotCalledABug() {
    Throwable runtime = new RuntimeException(new NoClassDefFoundError("io/ganglion/Loss"));
    assertThat(Messages.internalError("demo.Net", runtime)).isEqualTo("[Network/ProcessorPath]"
        + " Ganglion's processor cannot run on demo.Net: class io.ganglion.Loss is missing from"
        + " the annotation processor path; put ganglion-runtime on it beside ganglion-processor"
        + " (Maven's annotationProcessorPaths with the BOM, Gradle's annotationProcessor, or javac"
        + " -processorpath), as the README shows");
    assertThat(Messages.internalError("demo.Net", new NoClassDefFoundError("org/other/X")))
        .startsWith("[Network/InternalError]");
  }

  @Test
  void internalError_becomesOneErrorOnTheClass() {
    JavaFileObject foo =
        source("Foo",
            "@Network(inputs = 4, loss = Loss.MSE)",
            "abstract class Foo {",
            "  @Dense(units = 3) Layer out;",
            "}");
    Compilation compilation =
        Compiler.javac()
            .withProcessors(
                new NetworkProcessor(
                    model -> {
                      throw new IllegalStateException("boom");
                    }))
            .compile(foo);
    assertThat(compilation)
        .hadErrorContaining(
            "[Network/InternalError] Ganglion's processor failed on test.Foo:"
                + " java.lang.IllegalStateException: boom at io.ganglion.processor."
                + "NetworkProcessorTest.lambda$internalError_becomesOneErrorOnTheClass$")
        .inFile(foo)
        .onLineContaining("abstract class Foo");
    assertThat(compilation)
        .hadErrorContaining(
            "; this is a bug in Ganglion, please report it with the class that triggers it");
    assertThat(compilation).hadErrorCount(1);
  }

  /** Stands for another annotation processor: generates {@code test.Base} in its first round. */
  static final class GeneratesBase extends AbstractProcessor {
    private boolean done;

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
      if (!done) {
        done = true;
        try (Writer out = processingEnv.getFiler().createSourceFile("test.Base").openWriter()) {
          out.write("package test;\npublic abstract class Base {}\n");
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return false;
    }
  }
}
