package io.ganglion.processor;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * Writes inverted dropout: in training, a mask of zeros and {@code 1 / (1 - rate)} drawn from the
 * noise seed, the step and the value's position multiplies the values (and, backward, their
 * gradients); in inference the values pass unchanged.
 */
final class DropoutWriter extends LayerWriter {
  static final ClassName DROPOUTS = ClassName.get("io.ganglion.internal", "Dropouts");

  DropoutWriter(LayerModel layer, LayerModel previous, boolean inputGradient) {
    super(layer, previous, inputGradient);
  }

  private String mask() {
    return layer.name() + "Mask";
  }

  private String comment() {
    return layer.name() + ": Dropout " + layer.out() + ", rate " + layer.rate();
  }

  @Override
  boolean usesMode() {
    return true;
  }

  @Override
  void addWorkFields(TypeSpec.Builder type) {
    super.addWorkFields(type);
    type.addField(bufferType(layer.out()), mask(), Modifier.PRIVATE);
  }

  @Override
  void growTraining(MethodSpec.Builder grow) {
    super.growTraining(grow);
    grow.addStatement("$L = $L", mask(), allocation(layer.out()));
  }

  @Override
  List<MethodSpec> forwardMethods() {
    Shape shape = layer.out();
    String width = rowWidth(shape);
    CodeBlock.Builder code = CodeBlock.builder();
    code.beginControlFlow("if (!training)");
    beginRows(code, shape, "x", input(), "y", out());
    code.addStatement("$T.arraycopy(x, 0, y, 0, $L)", System.class, width);
    endRows(code, shape);
    code.addStatement("return");
    code.endControlFlow();
    code.addStatement("long stream = $T.stream(noiseSeed, $L, dropoutStep)", DROPOUTS,
        layer.index());
    beginRows(code, shape, "x", input(), "y", out(), "m", mask());
    code.addStatement("$T.fill(m, $L, $Lf, stream, (long) $L * $L)", DROPOUTS, width,
        NetworkWriter.floatLiteral(layer.rate()),
        shape.image() ? "(n * " + shape.positions() + " + q)" : "n", width);
    code.beginControlFlow("for (int j = 0; j < $L; j++)", width);
    code.addStatement("y[j] = x[j] * m[j]");
    code.endControlFlow();
    endRows(code, shape);
    return List.of(method(forwardName(), comment())
        .addParameter(int.class, "count")
        .addParameter(boolean.class, "training")
        .addCode(code.build())
        .build());
  }

  @Override
  List<MethodSpec> backwardMethods() {
    Shape shape = layer.out();
    CodeBlock.Builder code = CodeBlock.builder();
    beginRows(code, shape, "dx", inputDelta(), "d", delta(), "m", mask());
    code.beginControlFlow("for (int j = 0; j < $L; j++)", rowWidth(shape));
    code.addStatement("dx[j] = d[j] * m[j]");
    code.endControlFlow();
    endRows(code, shape);
    return List.of(method(backwardName(), comment())
        .addParameter(int.class, "count")
        .addCode(code.build())
        .build());
  }
}
