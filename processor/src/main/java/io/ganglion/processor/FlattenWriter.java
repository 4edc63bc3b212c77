package io.ganglion.processor;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import java.util.List;

/**
 * Writes {@code @Flatten}: from one row of channels per pixel back to PyTorch's order (channel,
 * row, column), so that the dense weights that follow match a PyTorch {@code state_dict}.
 */
final class FlattenWriter extends LayerWriter {
  FlattenWriter(LayerModel layer, LayerModel previous, boolean inputGradient) {
    super(layer, previous, inputGradient);
  }

  private String comment() {
    return layer.name() + ": Flatten " + layer.in() + " -> " + layer.out();
  }

  @Override
  List<MethodSpec> forwardMethods() {
    int positions = layer.in().positions();
    CodeBlock.Builder code = CodeBlock.builder();
    code.beginControlFlow("for (int n = 0; n < count; n++)");
    code.addStatement("float[][] x = $L[n]", input());
    code.addStatement("float[] y = $L[n]", out());
    code.beginControlFlow("for (int q = 0; q < $L; q++)", positions);
    code.addStatement("float[] xq = x[q]");
    code.beginControlFlow("for (int c = 0; c < $L; c++)", layer.in().channels());
    code.addStatement("y[c * $L + q] = xq[c]", positions);
    code.endControlFlow();
    code.endControlFlow();
    code.endControlFlow();
    return List.of(method(forwardName(), comment()).addParameter(int.class, "count")
        .addCode(code.build()).build());
  }

  @Override
  List<MethodSpec> backwardMethods() {
    int positions = layer.in().positions();
    CodeBlock.Builder code = CodeBlock.builder();
    code.beginControlFlow("for (int n = 0; n < count; n++)");
    code.addStatement("float[][] dx = $L[n]", inputDelta());
    code.addStatement("float[] d = $L[n]", delta());
    code.beginControlFlow("for (int q = 0; q < $L; q++)", positions);
    code.addStatement("float[] dxq = dx[q]");
    code.beginControlFlow("for (int c = 0; c < $L; c++)", layer.in().channels());
    code.addStatement("dxq[c] = d[c * $L + q]", positions);
    code.endControlFlow();
    code.endControlFlow();
    code.endControlFlow();
    return List.of(method(backwardName(), comment()).addParameter(int.class, "count")
        .addCode(code.build()).build());
  }
}
