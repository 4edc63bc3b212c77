package io.ganglion.processor;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import java.util.List;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.util.ElementFilter;

/**
 * Writes a stand-in {@code Net_<Name>} for a {@code @Network} class that has errors.
 *
 * <p>Why: after a processor reports an error, javac still resolves the declarations of the user's
 * other classes, so every {@code import}, field or method signature naming the missing {@code
 * Net_<Name>} would add a "cannot find symbol" error after ours (method bodies are not attributed,
 * so they add none). The stand-in gives those names something to resolve to, so the user sees only
 * the real mistakes. Its constructors and methods throw; it never runs, since the build fails.
 */
final class StandInWriter {
  private static final ClassName MODEL = ClassName.get("io.ganglion", "Model");

  private StandInWriter() {}

  /**
   * The stand-in for {@code type}; it extends {@code type} only when {@code extendable} (the class
   * itself had no errors), so that it compiles whatever the mistakes were.
   */
  static JavaFile write(TypeElement type, TypeElement model, boolean extendable) {
    ClassName generated = NetworkValidator.generatedName(ClassName.get(type));
    String reason =
        generated.simpleName() + " was not generated because " + type.getSimpleName()
            + " has errors; see the [Network/...] errors of this build";
    TypeSpec.Builder stand =
        JavaFiles.markGenerated(TypeSpec.classBuilder(generated), type)
            .addOriginatingElement(type)
            .addJavadoc(
                "A stand-in: $L. It keeps uses of this class from adding errors; every constructor"
                    + " and method throws.\n",
                reason)
            .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
            .addSuperinterface(MODEL)
            .addField(
                FieldSpec.builder(String.class, "NOT_GENERATED", Modifier.PRIVATE, Modifier.STATIC,
                        Modifier.FINAL)
                    .initializer("$S", reason)
                    .build());
    if (extendable) {
      stand.superclass(ClassName.get(type));
    }
    // The sizes the class declares plainly, for other networks' annotations that use them
    // (inputs = Net_Encoder.OUTPUTS): unknown ones are left out, and such a use stays an error.
    int inputs = declaredInputs(type);
    if (inputs >= 1) {
      stand.addField(FieldSpec.builder(int.class, "INPUTS", Modifier.PUBLIC, Modifier.STATIC,
          Modifier.FINAL).initializer("$L", inputs).build());
    }
    int outputs = declaredOutputs(type);
    if (outputs >= 1) {
      stand.addField(FieldSpec.builder(int.class, "OUTPUTS", Modifier.PUBLIC, Modifier.STATIC,
          Modifier.FINAL).initializer("$L", outputs).build());
    }
    stand.addMethod(
        MethodSpec.constructorBuilder()
            .addModifiers(Modifier.PUBLIC)
            .addStatement("throw new $T(NOT_GENERATED)", IllegalStateException.class)
            .build());
    stand.addMethod(
        MethodSpec.constructorBuilder()
            .addModifiers(Modifier.PUBLIC)
            .addParameter(long.class, "seed")
            .addStatement("throw new $T(NOT_GENERATED)", IllegalStateException.class)
            .build());
    for (ExecutableElement method : ElementFilter.methodsIn(model.getEnclosedElements())) {
      if (method.getModifiers().contains(Modifier.ABSTRACT)) {
        stand.addMethod(
            MethodSpec.overriding(method)
                .addStatement("throw new $T(NOT_GENERATED)", IllegalStateException.class)
                .build());
      }
    }
    if (extendable) {
      NetworkWriter.suppressInherited(stand, type);
    }
    return JavaFiles.of(generated.packageName(), stand, type, extendable);
  }

  /** {@code inputs}, or the size of {@code input}, when written as valid sizes; else 0. */
  private static int declaredInputs(TypeElement type) {
    AnnotationMirror network = NetworkValidator.mirror(type, NetworkValidator.NETWORK);
    if (network == null) {
      return 0;
    }
    AnnotationValue inputs = NetworkValidator.explicitValue(network, "inputs");
    AnnotationValue input = NetworkValidator.explicitValue(network, "input");
    if (inputs != null && input == null && inputs.getValue() instanceof Integer) {
      return (Integer) inputs.getValue();
    }
    if (input != null && inputs == null) {
      List<Integer> dims = NetworkValidator.intList(input);
      long size = 1;
      for (int d : dims) {
        if (d < 1) {
          return 0;
        }
        size *= d;
      }
      return dims.size() == 3 && size <= Integer.MAX_VALUE ? (int) size : 0;
    }
    return 0;
  }

  /** {@code outputs}, or the units of a last {@code @Dense} layer, when valid; else 0. */
  private static int declaredOutputs(TypeElement type) {
    AnnotationMirror network = NetworkValidator.mirror(type, NetworkValidator.NETWORK);
    if (network == null) {
      return 0;
    }
    AnnotationValue outputs = NetworkValidator.explicitValue(network, "outputs");
    if (outputs != null && outputs.getValue() instanceof Integer
        && (Integer) outputs.getValue() >= 1) {
      return (Integer) outputs.getValue();
    }
    AnnotationMirror last = null;
    for (VariableElement field : ElementFilter.fieldsIn(type.getEnclosedElements())) {
      for (String layer : NetworkValidator.LAYER_ANNOTATIONS) {
        AnnotationMirror m = NetworkValidator.mirror(field, layer);
        if (m != null) {
          last = m;
        }
      }
    }
    if (last == null || !((TypeElement) last.getAnnotationType().asElement()).getQualifiedName()
        .contentEquals(NetworkValidator.DENSE)) {
      return 0;
    }
    AnnotationValue units = NetworkValidator.explicitValue(last, "units");
    return units != null && units.getValue() instanceof Integer ? (Integer) units.getValue() : 0;
  }
}
