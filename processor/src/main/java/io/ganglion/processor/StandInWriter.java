package io.ganglion.processor;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
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
}
