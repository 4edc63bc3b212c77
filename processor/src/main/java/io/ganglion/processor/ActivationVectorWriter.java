package io.ganglion.processor;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import io.ganglion.Activation;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * Writes the Vector API kernels that apply a convolution's ReLU or leaky ReLU derivative to its
 * output gradient rows and sum its bias gradient, in one pass (the plain path takes two). The
 * derivative is a choice per value, which C2 does not vectorize (the sigmoid's and tanh's are
 * products, which it does); a FashionCnn step spent about a tenth of its time there.
 *
 * <p>A block of 4, 2 or 1 channel vectors runs over one sample's pixel rows with the bias sums in
 * registers, then a scalar tail. Each channel's bias sum adds the same values in the same order as
 * the plain loops, so both paths give the same bits.
 *
 * <p>Dense layers keep the plain loops: the same kernel made the mnist-mlp step 10% faster once
 * compiled (JMH) but its first epochs slower (290K -> 190-240K samples/s on the command line),
 * because vector code runs boxed, allocating per operation, until C2 has compiled it, and a
 * dense network's derivative is too small a part of its step to pay that back soon.
 */
final class ActivationVectorWriter {
  private static final int BLOCK = 4;
  private static final ClassName VECTOR_OPERATORS =
      ClassName.get("jdk.incubator.vector", "VectorOperators");

  private final LayerModel layer;
  private final int width;

  /** {@code width}: the values per row (units or filters). */
  ActivationVectorWriter(LayerModel layer, int width) {
    this.layer = layer;
    this.width = width;
  }

  /** Whether a convolution's derivative runs in these kernels when the Vector API is there. */
  static boolean applies(LayerModel layer) {
    return layer.activation() == Activation.RELU || layer.activation() == Activation.LEAKY_RELU;
  }

  static String name(LayerModel layer) {
    return "activationBackward" + layer.capitalized();
  }

  /**
   * Calls the blocks over the columns for the rows {@code rows} (an expression for the output and
   * the gradient rows, e.g. {@code "y[n], d[n]"}) of which the first {@code bound} are used.
   */
  void columnBlocks(CodeBlock.Builder code, String rows, String bound) {
    ConvVectorWriter.columnBlocks(
        code, name(layer), rows + (layer.bias() ? ", gb, " : ", ") + bound, width);
  }

  /** The block methods: 4, 2 and 1 vectors, and the scalar tail. */
  List<MethodSpec> blocks() {
    List<MethodSpec> methods = new ArrayList<>();
    boolean leaky = layer.activation() == Activation.LEAKY_RELU;
    for (int vectors : new int[] {BLOCK, 2, 1, 0}) {
      MethodSpec.Builder block =
          MethodSpec.methodBuilder(name(layer) + "_" + (vectors == 0 ? "Tail" : vectors))
              .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
              .addParameter(float[][].class, "ys")
              .addParameter(float[][].class, "ds");
      if (layer.bias()) {
        block.addParameter(float[].class, "gb");
      }
      block.addParameter(int.class, "rows").addParameter(int.class, "col");
      CodeBlock.Builder body = CodeBlock.builder();
      if (vectors == 0) {
        body.beginControlFlow("for (int f = col; f < $L; f++)", width);
        if (layer.bias()) {
          body.addStatement("float s = gb[f]");
        }
        body.beginControlFlow("for (int p = 0; p < rows; p++)");
        body.addStatement("float v = $T.$LBackward(ys[p][f], ds[p][f])", DenseWriter.ACTIVATIONS,
            DenseWriter.activationMethod(layer.activation()));
        body.addStatement("ds[p][f] = v");
        if (layer.bias()) {
          body.addStatement("s += v");
        }
        body.endControlFlow();
        if (layer.bias()) {
          body.addStatement("gb[f] = s");
        }
        body.endControlFlow();
      } else {
        if (!leaky) {
          body.addStatement("$T zero = FloatVector.zero(S)", VectorWriter.FLOAT_VECTOR);
        }
        if (layer.bias()) {
          for (int v = 0; v < vectors; v++) {
            body.addStatement("$T a$L = FloatVector.fromArray(S, gb, $L)",
                VectorWriter.FLOAT_VECTOR, v, column(v));
          }
        }
        body.beginControlFlow("for (int p = 0; p < rows; p++)");
        body.addStatement("float[] yr = ys[p]");
        body.addStatement("float[] dr = ds[p]");
        for (int v = 0; v < vectors; v++) {
          body.addStatement("$T d$L = FloatVector.fromArray(S, dr, $L)", VectorWriter.FLOAT_VECTOR,
              v, column(v));
          // y > 0 keeps d; anything else (0, negative, NaN) gives 0 or SLOPE * d, as the scalar
          // form does.
          if (leaky) {
            body.addStatement("d$L = d$L.mul($T.LEAKY_RELU_SLOPE)"
                    + ".blend(d$L, FloatVector.fromArray(S, yr, $L).compare($T.GT, 0f))",
                v, v, LayerWriter.ACTIVATION, v, column(v), VECTOR_OPERATORS);
          } else {
            body.addStatement(
                "d$L = zero.blend(d$L, FloatVector.fromArray(S, yr, $L).compare($T.GT, 0f))",
                v, v, column(v), VECTOR_OPERATORS);
          }
          body.addStatement("d$L.intoArray(dr, $L)", v, column(v));
          if (layer.bias()) {
            body.addStatement("a$L = a$L.add(d$L)", v, v, v);
          }
        }
        body.endControlFlow();
        if (layer.bias()) {
          for (int v = 0; v < vectors; v++) {
            body.addStatement("a$L.intoArray(gb, $L)", v, column(v));
          }
        }
      }
      methods.add(block.addCode(body.build()).build());
    }
    return methods;
  }

  private static String column(int m) {
    return m == 0 ? "col" : "col + " + m + " * L";
  }
}
