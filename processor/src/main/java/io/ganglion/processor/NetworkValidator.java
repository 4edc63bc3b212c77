package io.ganglion.processor;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import io.ganglion.Activation;
import io.ganglion.Init;
import io.ganglion.Loss;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;
import javax.tools.Diagnostic;

/**
 * Checks a {@code @Network} class and turns it into a {@link NetworkModel}. Walks the layer fields
 * in source order carrying the shape from one layer to the next, reports every independent problem
 * on the most precise place (the annotation value, else the annotation, the field, the class), and
 * returns a model only for a class without errors.
 */
final class NetworkValidator {
  /**
   * The most values a parameter or a sample's buffer may hold: the largest Java array that
   * HotSpot allocates, as the runtime's {@code Parameter} checks it.
   */
  static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

  /**
   * The most layers a network may have. Before the generator wrote the per-layer statements of the
   * constructor, {@code initialParameters}, {@code bindTraining} and {@code grow} in parts of 8
   * layers, the largest constructor of 256 layers measured was 50 KB (a convolution, 253 batch
   * norms, a flatten and a dense layer), of the 64 KB a method may hold, and javac refused 650
   * dense layers as "code too large". Now the longest methods of 256 layers are those a step
   * runs, which call each layer's methods once or twice (up to 1.9 KB), and the summary lists
   * every layer: both grow with the depth, and this keeps them far from the limits.
   */
  static final int MAX_LAYERS = 256;

  static final String NETWORK = "io.ganglion.Network";
  static final String DENSE = "io.ganglion.Dense";
  static final String CONV2D = "io.ganglion.Conv2d";
  static final String MAX_POOL2D = "io.ganglion.MaxPool2d";
  static final String AVG_POOL2D = "io.ganglion.AvgPool2d";
  static final String FLATTEN = "io.ganglion.Flatten";
  static final String DROPOUT = "io.ganglion.Dropout";
  static final String BATCH_NORM = "io.ganglion.BatchNorm";
  static final String LAYER = "io.ganglion.Layer";

  /** Layer annotations, by qualified name. */
  static final List<String> LAYER_ANNOTATIONS =
      List.of(DENSE, CONV2D, MAX_POOL2D, AVG_POOL2D, FLATTEN, DROPOUT, BATCH_NORM);

  static final String MODEL = "io.ganglion.Model";

  private final Messager messager;
  private final Elements elements;
  private final Types types;
  private boolean failed;

  /** Whether the last validated class itself (not its layers) was fine to extend. */
  private boolean extendable;

  /** Set when a type could not be resolved yet: another processor may still generate it. */
  private String unresolvedType;

  NetworkValidator(Messager messager, Elements elements, Types types) {
    this.messager = messager;
    this.elements = elements;
    this.types = types;
  }

  /**
   * Whether a class can extend the last validated one: it is a class and none of its own
   * declarations (modifiers, constructors, methods) had errors, whatever its layers had.
   */
  boolean extendable() {
    return extendable;
  }

  /**
   * Whether a class could extend {@code type}, as {@link #extendable()} tells after validating it,
   * without walking its layers (which may use values that are not there yet). Reports what it
   * finds: give this validator a silent messager for the verdict alone.
   */
  boolean checkExtendable(TypeElement type) {
    failed = false;
    String generated = generatedName(ClassName.get(type)).simpleName();
    if (!checkClass(type, type.getSimpleName().toString(), generated)) {
      return false;
    }
    checkMethods(type, generated);
    return !failed;
  }

  /** The name of a type that is not there (yet), if the last validation met one. */
  Optional<String> unresolvedType() {
    return Optional.ofNullable(unresolvedType);
  }

  /**
   * Validates {@code type}. Returns the model, or empty after reporting errors, or empty with
   * {@link #unresolvedType()} set when the class must wait for a later round (nothing reported).
   */
  Optional<NetworkModel> validate(TypeElement type) {
    failed = false;
    extendable = false;
    unresolvedType = findUnresolved(type);
    if (unresolvedType != null) {
      return Optional.empty();
    }
    AnnotationMirror network = mirror(type, NETWORK);
    ClassName networkClass = ClassName.get(type);
    ClassName generated = generatedName(networkClass);
    String name = type.getSimpleName().toString();

    if (!checkClass(type, name, generated.simpleName())) {
      return Optional.empty();
    }
    checkMethods(type, generated.simpleName());
    extendable = !failed;

    AnnotationValue inputsValue = explicitValue(network, "inputs");
    AnnotationValue inputValue = explicitValue(network, "input");
    int inputs = intValue(network, "inputs", 0);
    // An invalid size is carried on as 1, so the walk goes on, and shown as "?".
    Walk walk = new Walk();
    walk.shape = Shape.vector(Math.max(inputs, 1));
    walk.known = inputs >= 1;
    if (inputValue != null && inputsValue != null) {
      error(Messages.inputTwice(name), type, network, inputValue);
      walk.known = false;
      walk.kindKnown = false;
      walk.inputKindUnknown = true;
    } else if (inputValue != null) {
      List<Integer> dims = intList(inputValue);
      boolean valid = dims.size() == 3;
      for (int d : dims) {
        valid &= d >= 1;
      }
      if (valid) {
        walk.shape = Shape.image(dims.get(0), dims.get(1), dims.get(2));
        walk.known = true;
        Shape in = walk.shape;
        int w = in.width();
        if ((w == 1 || w == 3 || w == 4) && in.channels() >= 8 && in.height() >= 8) {
          // {28, 28, 1}: Keras's height x width x channels, which reads as 28 channels of 28x1.
          warning(Messages.channelsLastInput(name, in), type, network, inputValue);
        }
        if (walk.shape.size() > MAX_ARRAY) {
          error(Messages.tooLarge(name, "the input size", walk.shape.size(), "input gives "
              + walk.shape, "use a smaller input"), type, network, inputValue);
          walk.known = false;
          walk.shape = Shape.image(1, 1, 1);
        }
      } else {
        error(Messages.inputShape(name, dims), type, network, inputValue);
        if (dims.size() == 1 && dims.get(0) >= 1) {
          // input = 784 where inputs = 784 was meant: go on with that vector.
          walk.shape = Shape.vector(dims.get(0));
          walk.known = true;
        } else {
          // Neither the sizes nor whether an image flows are known: the layers after report
          // only what is wrong whatever the input (no DenseBeforeFlatten, no NeedsImage).
          walk.shape = Shape.image(1, 1, 1);
          walk.known = false;
          walk.kindKnown = false;
          walk.inputKindUnknown = true;
        }
      }
    } else if (inputsValue == null) {
      boolean images = false;
      for (VariableElement field : ElementFilter.fieldsIn(type.getEnclosedElements())) {
        for (AnnotationMirror layer : layerAnnotations(field)) {
          // Layers only images go through (Dropout and BatchNorm take vectors too).
          images |= List.of("Conv2d", "MaxPool2d", "AvgPool2d", "Flatten")
              .contains(simpleName(layer));
        }
      }
      error(images ? Messages.inputMissing(name) : Messages.inputsMissing(name), type, network,
          null);
      // Whether an image or a vector was meant is not known: no NeedsImage, no DenseBeforeFlatten.
      walk.kindKnown = false;
      walk.inputKindUnknown = true;
    } else if (inputs < 1) {
      error(Messages.inputsTooSmall(name, inputs), type, network, inputsValue);
    }
    Shape input = walk.shape;
    Loss loss = Loss.valueOf(enumValue(network, "loss", "MSE"));
    // Required, but with a default (see Network.loss) so that javac hands the class over.
    boolean lossGiven = explicitValue(network, "loss") != null;
    if (!lossGiven) {
      error(Messages.lossMissing(name), type, network, null);
    }
    int declaredOutputs = intValue(network, "outputs", 0);
    if (declaredOutputs < 0) {
      error(Messages.outputsTooSmall(name, declaredOutputs), type, network,
          explicitValue(network, "outputs"));
      declaredOutputs = 0;
    }

    List<VariableElement> fields = new ArrayList<>();
    for (VariableElement field : ElementFilter.fieldsIn(type.getEnclosedElements())) {
      if (layerAnnotations(field).size() > 0) {
        fields.add(field);
      } else if (!field.getModifiers().contains(Modifier.STATIC)
          && field.asType().getKind() == TypeKind.DECLARED
          && field.asType().toString().equals(LAYER)) {
        // A layer whose annotation was forgotten: the network is built without it, silently.
        warning(Messages.unannotatedLayer(field.getSimpleName().toString()), field, null, null);
      }
    }
    if (fields.isEmpty()) {
      error(Messages.noLayers(name), type, network, null);
      return Optional.empty();
    }
    if (fields.size() > MAX_LAYERS) {
      // Beyond this the generated constructor nears the JVM's 64 KB limit on a method's code,
      // which javac would report as "code too large" in the generated source.
      // The layers are still checked, so that one build reports every mistake.
      error(Messages.tooManyLayers(name, fields.size(), MAX_LAYERS), fields.get(MAX_LAYERS),
          layerAnnotations(fields.get(MAX_LAYERS)).get(0), null);
    }

    List<LayerModel> layers = new ArrayList<>();
    Map<String, String> generatedMembers = new HashMap<>();
    if (inputValue != null) {
      // The constants of an image input, which a layer named "input" would make again.
      for (String constant : List.of("INPUT_CHANNELS", "INPUT_HEIGHT", "INPUT_WIDTH")) {
        generatedMembers.put(constant, "the network's image input");
      }
    }
    walk.flow = walk.known ? "input gives " + walk.shown() : "the input is unknown: see its error";
    boolean sizesValid = walk.known;
    for (int k = 0; k < fields.size(); k++) {
      VariableElement field = fields.get(k);
      String layerName = field.getSimpleName().toString();
      checkField(field, layerName, generated.simpleName());
      checkGeneratedNames(field, layerName, generatedMembers);
      List<AnnotationMirror> annotations = layerAnnotations(field);
      if (annotations.size() > 1) {
        error(
            Messages.twoLayerAnnotations(
                layerName, simpleName(annotations.get(0)), simpleName(annotations.get(1))),
            field,
            annotations.get(1),
            null);
      }
      AnnotationMirror mirror = annotations.get(0);
      String next = k < fields.size() - 1 ? fields.get(k + 1).getSimpleName().toString() : null;
      if (next != null && isDense(field)
          && fields.subList(k + 1, fields.size()).stream().noneMatch(this::isDense)) {
        // The output layer: what follows it is AfterOutput's error, not this layer's SOFTMAX.
        next = null;
      }
      String shownBefore = walk.shown();
      boolean knownBefore = walk.known;
      LayerModel layer = layer(layerName, k + 1, field, mirror, walk, loss, next);
      sizesValid &= walk.known && !walk.weightsRefused;
      layers.add(layer);
      // A size that a mistake made unknown is said so, rather than shown as "?".
      if (!walk.known) {
        walk.flow = knownBefore ? "unknown after the mistake in " + layerName : walk.flow;
      } else {
        walk.flow = layerName + " makes " + (knownBefore ? shownBefore + " -> " : "")
            + walk.shown();
      }
    }

    LayerModel last = layers.get(layers.size() - 1);
    VariableElement lastField = fields.get(fields.size() - 1);
    int output = -1;
    for (int k = 0; k < layers.size(); k++) {
      if (layers.get(k).kind() == LayerModel.Kind.DENSE) {
        output = k;
      }
    }
    if (last.kind() != LayerModel.Kind.DENSE) {
      // The last @Dense may be the output layer or a hidden one whose output layer was left out:
      // its loss and size checks could then only mislead.
      if (output >= 0) {
        LayerModel after = layers.get(output + 1);
        VariableElement afterField = fields.get(output + 1);
        error(Messages.afterOutput(after.name(), after.kind().display,
            layers.get(output).name(), last.name()), afterField,
            layerAnnotations(afterField).get(0), null);
      } else {
        error(Messages.outputNotDense(name, last.name(), last.kind().display), lastField,
            layerAnnotations(lastField).get(0), null);
      }
      return Optional.empty();
    }
    // The output layer's own checks, also when a size upstream is wrong: they depend on its
    // written units and activation only.
    LayerModel out = last;
    VariableElement outField = lastField;
    AnnotationMirror outMirror = layerAnnotations(outField).get(0);
    boolean unitsValid = intValue(outMirror, "units", 0) >= 1;
    if (lossGiven) {
      checkLoss(loss, out, outField, outMirror, explicitValue(outMirror, "activation"),
          unitsValid);
    }
    if (unitsValid && declaredOutputs != 0 && declaredOutputs != out.units()) {
      error(
          Messages.outputsMismatch(name, declaredOutputs, out.name(), out.units()),
          type,
          network,
          explicitValue(network, "outputs"));
    }
    long total = 0;
    for (LayerModel layer : layers) {
      total += layer.parameterCount();
    }
    if (sizesValid && total > MAX_ARRAY) {
      error(
          Messages.tooLarge(name, "the parameter count", total, "all layers together",
              "use fewer or smaller layers"),
          type,
          network,
          null);
    }
    if (failed) {
      return Optional.empty();
    }
    return Optional.of(
        new NetworkModel(type, networkClass, generated, input, loss, layers, false));
  }

  /** The shape flowing between layers while walking them, and how it is shown in messages. */
  private static final class Walk {
    Shape shape;
    /** False once a size is invalid: it is then carried on as 1 and shown as "?". */
    boolean known;
    /**
     * False while it is not known whether an image or a vector flows (the input was declared both
     * ways, or an image layer met a vector): image layers then report no NeedsImage of their own,
     * which would repeat the first mistake. A dense layer or a flatten makes it a vector again.
     */
    boolean kindKnown = true;
    /**
     * Whether the input's kind is unknown (declared both ways, or unreadably): a vector after a
     * flatten may then have been an image, and the flatten is named as what made it a vector.
     */
    boolean inputKindUnknown;
    /** How the shape came about, for messages: "input gives 784", "pool1 makes ... -> ...". */
    String flow;
    /** The flatten layer that made the vector flowing, or null while it is the input's. */
    String flattenedBy;
    /**
     * Whether a layer's weights were refused as too many while its output stays known: the
     * layers after it are still checked, but the parameter count of all is not reported again.
     */
    boolean weightsRefused;

    String shown() {
      return known ? shape.toString() : "?";
    }
  }

  /**
   * A hint for an input declared in Keras's order, height x width x channels (such as {28, 28,
   * 1}), when it is the input that is too narrow: "" otherwise.
   */
  private static String channelsLast(Shape in, Walk walk) {
    if (!walk.flow.startsWith("input gives") || in.width() > 4 || in.channels() <= 4) {
      return "";
    }
    return "; input is {channels, height, width}, PyTorch's order: for " + in.channels() + "x"
        + in.height() + " images of " + in.width() + " channel" + (in.width() == 1 ? "" : "s")
        + " use input = {" + in.width() + ", " + in.channels() + ", " + in.height() + "}";
  }

  /** Checks one layer given the shape flowing in, and moves the walk past it. */
  private LayerModel layer(String layerName, int index, VariableElement field,
      AnnotationMirror mirror, Walk walk, Loss loss, String next) {
    String annotation = ((TypeElement) mirror.getAnnotationType().asElement())
        .getQualifiedName().toString();
    Shape in = walk.shape;
    String flow = walk.flow;
    String shownIn = walk.shown();
    switch (annotation) {
      case DENSE:
        return dense(layerName, index, field, mirror, walk, loss, next);
      case CONV2D:
        return conv(layerName, index, field, mirror, walk, next);
      case MAX_POOL2D:
      case AVG_POOL2D:
        return pool(layerName, index, field, mirror, walk,
            annotation.equals(MAX_POOL2D) ? LayerModel.Kind.MAX_POOL2D
                : LayerModel.Kind.AVG_POOL2D);
      case FLATTEN: {
        if (!in.image() && walk.kindKnown) {
          error(Messages.needsImage(layerName, "Flatten", shownIn, flow, walk.flattenedBy), field,
              mirror, null);
        }
        // A flatten of a vector made no image a vector: an image layer after it is not told to
        // move before it. Whatever came in (an image, or an unknown kind), a vector goes out.
        if ((in.image() || walk.inputKindUnknown) && walk.flattenedBy == null) {
          walk.flattenedBy = layerName;
        }
        walk.shape = Shape.vector((int) Math.min(in.size(), Integer.MAX_VALUE));
        walk.kindKnown = true;
        walk.inputKindUnknown = false; // a vector for certain now
        return new LayerModel(layerName, index, LayerModel.Kind.FLATTEN, in, walk.shape,
            Activation.LINEAR, false, Init.DEFAULT, 0f, 0, 0, 0, 0f, 0f, 0f);
      }
      case DROPOUT: {
        float rate = floatValue(mirror, "rate", 0f);
        if (explicitValue(mirror, "rate") == null) {
          error(Messages.missing(layerName, "Dropout", "rate"), field, mirror, null);
          rate = 0f;
        } else if (!(rate >= 0f && rate < 1f)) {
          double written = doubleValue(mirror, "rate");
          error(Messages.dropoutRate(layerName,
              shown(rate, written, written >= 0 && written < 1)), field, mirror,
              explicitValue(mirror, "rate"));
        }
        return new LayerModel(layerName, index, LayerModel.Kind.DROPOUT, in, in,
            Activation.LINEAR, false, Init.DEFAULT, 0f, 0, 0, 0, rate, 0f, 0f);
      }
      default: {
        float momentum = floatValue(mirror, "momentum", 0.1f);
        float epsilon = floatValue(mirror, "epsilon", 1e-5f);
        boolean cumulative = booleanValue(mirror, "cumulativeAverage", false);
        if (cumulative && explicitValue(mirror, "momentum") != null) {
          // The one error: the momentum's own checks would only add noise.
          error(Messages.momentumWithCumulativeAverage(layerName, Float.toString(momentum)),
              field, mirror, explicitValue(mirror, "momentum"));
        } else if (!(momentum > 0f && momentum <= 1f)) {
          double written = doubleValue(mirror, "momentum");
          error(Messages.batchNormValue(layerName, "momentum",
              shown(momentum, written, written > 0 && written <= 1), "in (0, 1]",
              "0.1 (for its momentum=None, write cumulativeAverage = true)"),
              field, mirror, explicitValue(mirror, "momentum"));
        } else if (momentum >= 0.9f && momentum < 1f) {
          // Keras's momentum is the weight of the old statistics, PyTorch's that of the batch.
          warning(Messages.kerasMomentum(layerName, momentum), field, mirror,
              explicitValue(mirror, "momentum"));
        }
        if (!(epsilon > 0f && Float.isFinite(epsilon))) {
          double written = doubleValue(mirror, "epsilon");
          error(Messages.batchNormValue(layerName, "epsilon",
              shown(epsilon, written, written > 0 && Double.isFinite(written)),
              "positive and finite", "1e-5"), field, mirror, explicitValue(mirror, "epsilon"));
        }
        Activation activation = Activation.valueOf(enumValue(mirror, "activation", "LINEAR"));
        checkActivation(layerName, field, mirror, activation, next, loss, false, flow);
        // The learned scale and shift, as a dense layer's bias: LayerModel.bias() is "affine".
        boolean affine = booleanValue(mirror, "affine", true);
        // A momentum of 0 (which the annotation refuses) stands for the cumulative average.
        return new LayerModel(layerName, index, LayerModel.Kind.BATCH_NORM, in, in,
            activation, affine, Init.DEFAULT, 0f, 0, 0, 0, 0f, cumulative ? 0f : momentum,
            epsilon);
      }
    }
  }

  private LayerModel dense(String layerName, int index, VariableElement field,
      AnnotationMirror dense, Walk walk, Loss loss, String next) {
    String flow = walk.flow;
    if (walk.shape.image() && walk.kindKnown) {
      error(Messages.denseBeforeFlatten(layerName, walk.shown(), flow), field, dense, null);
    }
    if (walk.shape.image() && walk.flattenedBy == null) {
      walk.flattenedBy = layerName; // an image layer after it is to move before it
    }
    int flowing = (int) Math.min(walk.shape.size(), Integer.MAX_VALUE);
    AnnotationValue unitsValue = explicitValue(dense, "units");
    int units = intValue(dense, "units", 0);
    Activation activation = Activation.valueOf(enumValue(dense, "activation", "LINEAR"));
    boolean bias = booleanValue(dense, "bias", true);
    Init init = Init.valueOf(enumValue(dense, "init", "DEFAULT"));
    float initValue = floatValue(dense, "initValue", 0f);
    // An input size a mistake made unknown (carried as a stand-in) gets no weight count error.
    boolean inputKnown = walk.known;
    walk.known = true;
    walk.kindKnown = true;
    walk.inputKindUnknown = false; // a vector for certain now
    if (units < 1) {
      error(unitsValue == null ? Messages.missing(layerName, "Dense", "units")
          : Messages.unitsTooSmall(layerName, units, flow), field, dense, unitsValue);
      units = 1;
      walk.known = false;
    }
    long weights = (long) flowing * units;
    if (inputKnown && weights > MAX_ARRAY) {
      error(
          Messages.tooLarge(layerName, "its weight count", weights,
              flowing + " inputs x " + units + " units", "use fewer units or inputs"),
          field,
          dense,
          unitsValue != null ? unitsValue : explicitValue(mirror(field.getEnclosingElement(),
              NETWORK), "inputs"));
      walk.weightsRefused = true; // its output, units values, is still known
    }
    checkActivation(layerName, field, dense, activation, next, loss,
        intValue(dense, "units", 0) == 1, flow);
    checkInit(layerName, field, dense, init, initValue);
    walk.shape = Shape.vector(units);
    return LayerModel.dense(layerName, index, flowing, units, activation, bias, init, initValue);
  }

  private void checkActivation(String layerName, VariableElement field, AnnotationMirror mirror,
      Activation activation, String next, Loss loss, boolean oneUnit, String flow) {
    AnnotationValue activationValue = explicitValue(mirror, "activation");
    if (activation == Activation.SOFTMAX && next != null) {
      error(Messages.softmaxNotLast(layerName, next), field, mirror, activationValue);
    } else if (activation == Activation.SOFTMAX && oneUnit && loss.comparesValues()) {
      // With either cross-entropy loss, LossNeedsLogits already rejects a SOFTMAX last layer.
      error(Messages.softmaxSingleUnit(layerName, flow), field, mirror,
          explicitValue(mirror, "units"));
    }
  }

  private void checkInit(String layerName, VariableElement field, AnnotationMirror mirror,
      Init init, float initValue) {
    AnnotationValue initValueValue = explicitValue(mirror, "initValue");
    if (init == Init.CONSTANT && !Float.isFinite(initValue)) {
      double written = doubleValue(mirror, "initValue");
      error(Messages.initValueNotFinite(layerName,
          shown(initValue, written, Double.isFinite(written))), field, mirror, initValueValue);
    } else if (init != Init.CONSTANT && initValueValue != null) {
      warning(Messages.initValueIgnored(layerName, init.name()), field, mirror, initValueValue);
    }
  }

  /** Reports a size below 1; returns whether it was fine. */
  private boolean positive(String layerName, VariableElement field, AnnotationMirror mirror,
      String what, int value, String flow) {
    if (value >= 1) {
      return true;
    }
    AnnotationValue written = explicitValue(mirror, what);
    // Left out, a required size reads as its default 0 (see Conv2d.kernel).
    error(written == null ? Messages.missing(layerName, simpleName(mirror), what)
        : Messages.notPositive(layerName, what, value, flow), field, mirror, written);
    return false;
  }

  private LayerModel conv(String layerName, int index, VariableElement field,
      AnnotationMirror conv, Walk walk, String next) {
    Shape in = walk.shape;
    String flow = walk.flow;
    String shownIn = walk.shown();
    int filters = intValue(conv, "filters", 0);
    int kernel = intValue(conv, "kernel", 0);
    int stride = intValue(conv, "stride", 1);
    boolean same = enumValue(conv, "padding", "VALID").equals("SAME");
    int explicitPad = intValue(conv, "pad", 0);
    Activation activation = Activation.valueOf(enumValue(conv, "activation", "LINEAR"));
    boolean bias = booleanValue(conv, "bias", true);
    Init init = Init.valueOf(enumValue(conv, "init", "DEFAULT"));
    float initValue = floatValue(conv, "initValue", 0f);
    boolean valid = positive(layerName, field, conv, "filters", filters, flow);
    valid &= positive(layerName, field, conv, "kernel", kernel, flow);
    valid &= positive(layerName, field, conv, "stride", stride, flow);
    if (explicitPad != 0 && (same || explicitPad < 0 || (kernel >= 1 && explicitPad >= kernel))) {
      error(Messages.pad(layerName, explicitPad, kernel, same), field, conv,
          explicitValue(conv, "pad"));
      valid = false;
    }
    checkActivation(layerName, field, conv, activation, next, Loss.MSE, false, flow);
    checkInit(layerName, field, conv, init, initValue);
    if (!in.image()) {
      if (walk.kindKnown) {
        error(Messages.needsImage(layerName, "Conv2d", shownIn, flow, walk.flattenedBy), field,
            conv, null);
      }
      // Go on with the vector, so that the layers after report only their own mistakes.
      walk.known = false;
      walk.kindKnown = false;
      return new LayerModel(layerName, index, LayerModel.Kind.CONV2D, in, in, activation,
          bias, init, initValue, kernel, stride, 0, 0f, 0f, 0f);
    }
    Shape out = Shape.image(Math.max(filters, 1), 1, 1);
    int pad = same ? LayerModel.SAME : 0;
    if (valid && walk.known) {
      long padded = 2L * explicitPad;
      if (!same && (kernel > in.height() + padded || kernel > in.width() + padded)) {
        // (With SAME the padding covers a kernel larger than the input, as in PyTorch.)
        error(Messages.kernelTooLarge(layerName, "kernel", kernel, shownIn, flow,
            Math.min(in.height(), in.width()) + padded
                + (explicitPad > 0 ? " with pad = " + explicitPad : "")
                + ", or padding = SAME" + channelsLast(in, walk)),
            field, conv, explicitValue(conv, "kernel"));
        valid = false;
      } else if (same) {
        // As Keras's padding='same': every stride-th pixel from the first, ceil(input / stride)
        // of them, padded as far as the windows need (LayerModel.padTop).
        out = Shape.image(filters, ceilDiv(in.height(), stride), ceilDiv(in.width(), stride));
      } else {
        // Rows and columns that a last stride would only partly cover are left out, as in
        // PyTorch (floor((input + 2 pad - kernel) / stride) + 1).
        pad = explicitPad;
        out = Shape.image(filters, windows(in.height() + padded, kernel, stride),
            windows(in.width() + padded, kernel, stride));
      }
      long weights = (long) filters * in.channels() * kernel * kernel;
      if (valid && (weights > MAX_ARRAY || out.size() > MAX_ARRAY)) {
        boolean output = out.size() >= weights;
        error(Messages.tooLarge(layerName,
            output ? "its output " + out + " (values per sample)" : "its weight count",
            Math.max(weights, out.size()), flow, !output ? "use fewer filters or a smaller kernel"
                : same && stride == 1
                    ? "use fewer filters or pool before it (or a stride)"
                : "use fewer filters or a larger stride, or pool before it"),
            field, conv, explicitValue(conv, output ? "filters" : "kernel"));
        if (output) {
          valid = false;
        } else {
          walk.weightsRefused = true; // its output is still known
        }
      }
    }
    walk.known = valid && walk.known;
    walk.shape = walk.known ? out : Shape.image(Math.max(filters, 1), 1, 1);
    return new LayerModel(layerName, index, LayerModel.Kind.CONV2D, in, walk.shape, activation,
        bias, init, initValue, kernel, stride, pad, 0f, 0f, 0f);
  }

  private LayerModel pool(String layerName, int index, VariableElement field,
      AnnotationMirror pool, Walk walk, LayerModel.Kind kind) {
    Shape in = walk.shape;
    String flow = walk.flow;
    String shownIn = walk.shown();
    int size = intValue(pool, "size", 0);
    int stride = intValue(pool, "stride", 0);
    int pad = intValue(pool, "pad", 0);
    boolean same = enumValue(pool, "padding", "VALID").equals("SAME");
    boolean valid = positive(layerName, field, pool, "size", size, flow);
    if (stride < 0) {
      error(Messages.poolStrideNegative(layerName, stride, flow), field, pool,
          explicitValue(pool, "stride"));
      valid = false;
    }
    if (pad != 0 && same) {
      error(Messages.pad(layerName, pad, size, true), field, pool, explicitValue(pool, "pad"));
      valid = false;
    } else if (pad < 0 || (size >= 1 && pad > size / 2)) {
      error(Messages.poolPad(layerName, pad, size), field, pool, explicitValue(pool, "pad"));
      valid = false;
    }
    if (stride == 0) {
      stride = Math.max(size, 1);
    }
    if (!in.image()) {
      if (walk.kindKnown) {
        error(Messages.needsImage(layerName, kind.display, shownIn, flow, walk.flattenedBy),
            field, pool, null);
      }
      walk.known = false;
      walk.kindKnown = false;
      return new LayerModel(layerName, index, kind, in, in, Activation.LINEAR, false,
          Init.DEFAULT, 0f, size, stride, 0, 0f, 0f, 0f);
    }
    Shape out = Shape.image(in.channels(), 1, 1);
    if (valid && walk.known && same) {
      // As Keras's padding='same' (any window size, as for a convolution): ceil(input / stride).
      out = Shape.image(in.channels(), ceilDiv(in.height(), stride),
          ceilDiv(in.width(), stride));
    } else if (valid && walk.known) {
      long padded = 2L * pad;
      if (size > in.height() + padded || size > in.width() + padded) {
        error(Messages.kernelTooLarge(layerName, "window", size, shownIn, flow,
            Math.min(in.height(), in.width()) + padded
                + (pad > 0 ? " with pad = " + pad : "") + ", or padding = SAME"
                + channelsLast(in, walk)), field, pool, explicitValue(pool, "size"));
        valid = false;
      } else {
        // As a convolution: what a last window would only partly cover is left out (PyTorch).
        out = Shape.image(in.channels(), windows(in.height() + padded, size, stride),
            windows(in.width() + padded, size, stride));
      }
    }
    walk.known = valid && walk.known;
    walk.shape = out;
    return new LayerModel(layerName, index, kind, in, out, Activation.LINEAR, false,
        Init.DEFAULT, 0f, size, stride, same ? LayerModel.SAME : Math.max(pad, 0), 0f, 0f, 0f);
  }

  /** {@code ceil(input / stride)}, without overflow for the largest ints. */
  private static int ceilDiv(int input, int stride) {
    return (int) (((long) input + stride - 1) / stride);
  }

  /**
   * The windows of {@code size} by {@code stride} that fit a span of {@code padded} (the input
   * and its padding, as long as the absurd annotation values that overflow an int): at most
   * Integer.MAX_VALUE, which the size checks then refuse.
   */
  private static int windows(long padded, int size, int stride) {
    return (int) Math.min(Integer.MAX_VALUE, (padded - size) / stride + 1);
  }

  /** Reports a layer annotation on a field of a class that has no {@code @Network}. */
  void checkOrphanLayer(VariableElement field, Collection<TypeElement> networks) {
    Element owner = field.getEnclosingElement();
    if (mirror(owner, NETWORK) != null) {
      return;
    }
    String layer = field.getSimpleName().toString();
    String ownerName = owner.getSimpleName().toString();
    String kind = owner.getKind().name();
    String what = kind.equals("RECORD") ? "a record"
        : kind.equals("INTERFACE") ? "an interface"
        : kind.equals("ENUM") ? "an enum"
        : kind.equals("ANNOTATION_TYPE") ? "an annotation type" : null;
    TypeElement subclass = null;
    if (what == null && owner.getKind() == ElementKind.CLASS) {
      for (TypeElement network : networks) {
        if (!network.equals(owner) && types.isSubtype(types.erasure(network.asType()),
            types.erasure(owner.asType()))) {
          subclass = network;
          break;
        }
      }
    }
    for (AnnotationMirror annotation : layerAnnotations(field)) {
      String annotationName = simpleName(annotation);
      error(
          field.getKind() == ElementKind.ENUM_CONSTANT
              ? Messages.layerOnEnumConstant(layer, annotationName, ownerName)
              : what != null ? Messages.layerOutsideClass(layer, annotationName, ownerName, what)
              : subclass != null ? Messages.layerInSuperclass(layer, annotationName, ownerName,
                  subclass.getSimpleName().toString())
              : Messages.layerOutsideNetwork(layer, annotationName, ownerName),
          field,
          annotation,
          null);
    }
  }

  static ClassName generatedName(ClassName networkClass) {
    return ClassName.get(
        networkClass.packageName(), "Net_" + String.join("_", networkClass.simpleNames()));
  }

  /** Checks the class itself; returns false when it is no class at all, so nothing else applies. */
  private boolean checkClass(TypeElement type, String name, String generated) {
    ElementKind kind = type.getKind();
    if (kind != ElementKind.CLASS) {
      String what;
      switch (kind) {
        case INTERFACE:
          what = "an interface";
          break;
        case ENUM:
          what = "an enum";
          break;
        case ANNOTATION_TYPE:
          what = "an annotation type";
          break;
        default:
          what = kind.name().equals("RECORD") ? "a record" : kind.name().toLowerCase(Locale.ROOT);
      }
      error(Messages.notAClass(name, what), type, null, null);
      return false;
    }
    Set<Modifier> modifiers = type.getModifiers();
    if (modifiers.contains(Modifier.FINAL)) {
      error(Messages.finalClass(name, generated), type, null, null);
    }
    // A private enclosing class hides the class from the generated one just as well.
    for (Element e = type; e instanceof TypeElement; e = e.getEnclosingElement()) {
      if (e.getModifiers().contains(Modifier.PRIVATE)) {
        error(Messages.privateClass(e.getSimpleName().toString(), generated), e, null, null);
        break;
      }
    }
    if (type.getNestingKind() == NestingKind.MEMBER && !modifiers.contains(Modifier.STATIC)) {
      error(Messages.innerClass(name, generated), type, null, null);
    }
    if (!type.getTypeParameters().isEmpty()) {
      List<String> parameters = new ArrayList<>();
      for (Element parameter : type.getTypeParameters()) {
        parameters.add(parameter.getSimpleName().toString());
      }
      error(Messages.genericClass(name, String.join(", ", parameters)), type, null, null);
    }
    boolean usable = false;
    for (ExecutableElement constructor : ElementFilter.constructorsIn(type.getEnclosedElements())) {
      // The implicit constructor has the class's access, which PrivateClass already reports.
      if (constructor.getParameters().isEmpty()
          && (!constructor.getModifiers().contains(Modifier.PRIVATE)
              || elements.getOrigin(constructor) == Elements.Origin.MANDATED)) {
        usable = true;
      }
    }
    if (!usable) {
      error(Messages.noConstructor(name, generated), type, null, null);
    }
    for (ExecutableElement constructor : ElementFilter.constructorsIn(type.getEnclosedElements())) {
      if (constructor.getParameters().isEmpty()) {
        List<String> checked = new ArrayList<>();
        for (TypeMirror thrown : constructor.getThrownTypes()) {
          if (!types.isSubtype(thrown, elements.getTypeElement("java.lang.RuntimeException")
                  .asType())
              && !types.isSubtype(thrown, elements.getTypeElement("java.lang.Error").asType())) {
            checked.add(thrown.toString());
          }
        }
        if (!checked.isEmpty()) {
          error(Messages.constructorThrows(name, String.join(", ", checked), generated),
              constructor, null, null);
        }
      }
    }
    if (type.getModifiers().contains(Modifier.SEALED)) {
      List<String> permitted = new ArrayList<>();
      boolean permitsGenerated = false;
      for (TypeMirror subclass : type.getPermittedSubclasses()) {
        TypeElement element = (TypeElement) types.asElement(subclass);
        String simple = element == null ? subclass.toString() : element.getSimpleName().toString();
        permitted.add(simple);
        permitsGenerated |= simple.equals(generated);
      }
      if (!permitsGenerated) {
        error(Messages.sealedClass(name, String.join(", ", permitted), generated), type, null,
            null);
      }
    }
    for (TypeMirror up = type.getSuperclass(); up.getKind() == TypeKind.DECLARED; ) {
      TypeElement superclass = (TypeElement) types.asElement(up);
      if (mirror(superclass, NETWORK) != null) {
        error(Messages.networkSuperclass(name, superclass.getSimpleName().toString()), type,
            null, null);
        break;
      }
      up = superclass.getSuperclass();
    }
    return true;
  }

  private void checkField(VariableElement field, String layerName, String generated) {
    Set<Modifier> modifiers = field.getModifiers();
    if (modifiers.contains(Modifier.PRIVATE)) {
      error(Messages.privateLayer(layerName, generated), field, null, null);
    }
    if (modifiers.contains(Modifier.STATIC)) {
      error(Messages.staticLayer(layerName), field, null, null);
    }
    if (modifiers.contains(Modifier.FINAL)) {
      error(Messages.finalLayer(layerName, generated), field, null, null);
    }
    TypeMirror type = field.asType();
    if (!(type.getKind() == TypeKind.DECLARED && type.toString().equals(LAYER))) {
      error(Messages.layerType(layerName, type.toString()), field, null, null);
    }
    if (layerName.indexOf('$') >= 0) {
      error(Messages.dollarInLayerName(layerName), field, null, null);
    }
  }

  /** Generated members derived from layer names must not collide (e.g. hiddenOne, hidden_one). */
  private void checkGeneratedNames(
      VariableElement field, String layerName, Map<String, String> generatedMembers) {
    for (String member : NetworkWriter.membersOf(layerName)) {
      String other = generatedMembers.putIfAbsent(member, layerName);
      if (other != null) {
        error(Messages.nameCollision(layerName, member, other), field, null, null);
        return;
      }
    }
  }

  /**
   * Checks the user's methods against {@link io.ganglion.Model}, which the generated class
   * implements: a method with the name and parameters of a Model method would be silently
   * replaced (or break the generated class), and any other abstract method stays unimplemented.
   */
  private void checkMethods(TypeElement type, String generated) {
    TypeElement model = elements.getTypeElement(MODEL);
    Map<String, ExecutableElement> modelMethods = new HashMap<>();
    for (ExecutableElement method : ElementFilter.methodsIn(model.getEnclosedElements())) {
      if (!method.getModifiers().contains(Modifier.PRIVATE)) {
        modelMethods.put(signature(method), method);
      }
    }
    for (ExecutableElement method : userMethods(type)) {
      ExecutableElement twin = modelMethods.get(signature(method));
      boolean isAbstract = method.getModifiers().contains(Modifier.ABSTRACT);
      if (twin != null) {
        boolean implemented = isAbstract
            && twin.getModifiers().contains(Modifier.ABSTRACT)
            && types.isSameType(
                types.erasure(method.getReturnType()), types.erasure(twin.getReturnType()));
        if (!implemented) {
          error(Messages.memberCollision(describe(type, method), generated),
              placeFor(type, method), null, null);
        }
      } else if (isAbstract && !implementedIn(type, method)) {
        error(Messages.abstractMethod(describe(type, method), generated), placeFor(type, method),
            null, null);
      }
    }
  }

  /**
   * Reports the user's methods that clash with the generated class's own helpers (known only once
   * the code is written): overriding them from the generated class would not compile.
   */
  boolean checkGeneratedMethods(TypeElement type, Map<String, String> generatedSignatures,
      String generated) {
    failed = false;
    for (ExecutableElement method : userMethods(type)) {
      if (generatedSignatures.containsKey(signature(method))) {
        error(Messages.memberCollision(describe(type, method), generated),
            placeFor(type, method), null, null);
      }
    }
    return !failed;
  }

  /**
   * Warns of the user's fields that the generated class's own fields hide (known only once the
   * code is written): a layer {@code convOut} beside a layer {@code conv}, whose output the
   * generated class keeps in a private field of that name, or a field named {@code capacity}. The
   * code compiles and runs, but through the generated type ({@code new Net_X(1).convOut}) javac
   * finds the private field and refuses the access, far from the cause. A field named like one of
   * the generated constants ({@code INPUTS}) reads as that constant through the generated type,
   * which is silent unless both are the same constant.
   */
  void checkHiddenFields(TypeElement type, JavaFile file, String generated) {
    Map<String, FieldSpec> hiding = new HashMap<>();
    for (FieldSpec field : file.typeSpec().fieldSpecs()) {
      hiding.put(field.name(), field);
    }
    for (VariableElement field : ElementFilter.fieldsIn(elements.getAllMembers(type))) {
      String name = field.getSimpleName().toString();
      FieldSpec own = hiding.get(name);
      if (own == null || field.getModifiers().contains(Modifier.PRIVATE)
          || sameConstant(field, own, hiding)) {
        continue;
      }
      Element owner = field.getEnclosingElement();
      boolean declaredHere = owner.equals(type);
      String declaredIn = declaredHere ? null : owner.getSimpleName().toString();
      Messages.Hiding kind = own.modifiers().contains(Modifier.PRIVATE)
          ? Messages.Hiding.PRIVATE
          : own.modifiers().contains(Modifier.STATIC) && own.modifiers().contains(Modifier.FINAL)
              ? Messages.Hiding.CONSTANT : Messages.Hiding.FIELD;
      warning(Messages.hiddenField(name, declaredIn, generated, type.getSimpleName().toString(),
              field.getModifiers().contains(Modifier.STATIC), kind),
          declaredHere ? field : type, null, null);
    }
  }

  /**
   * Whether the user's field is a constant of the value the generated class's public constant of
   * that name has ({@code static final int INPUTS = 784} for {@code inputs = INPUTS}), so that
   * reading either gives the same value. The generated value is a literal or names another
   * generated constant ({@code OUTPUTS = OUTPUT_UNITS}).
   */
  private static boolean sameConstant(VariableElement field, FieldSpec generated,
      Map<String, FieldSpec> fields) {
    Object value = field.getConstantValue();
    if (value == null || generated.modifiers().contains(Modifier.PRIVATE)
        || !generated.type().toString().equals(field.asType().toString())) {
      return false;
    }
    String initializer = generated.initializer().toString();
    FieldSpec named = fields.get(initializer);
    if (named != null) {
      initializer = named.initializer().toString();
    }
    return initializer.equals(String.valueOf(value));
  }

  /**
   * Reports the names that hide a package in which {@code file} names types in full ({@code
   * java.lang.Math} where the network hides {@code Math}), which javac would read as that field or
   * class (JLS 6.4.2), so that the code would not compile: a class of the network's package, and
   * for the network's own class ({@code inherits}) its fields and member classes, its own or
   * inherited. A field hides a package only in a name that reaches a member ({@code
   * java.lang.Math.max}), a class in any. Known only once the code is written, as only then is it
   * known what it names in full.
   */
  boolean checkHiddenPackages(TypeElement type, JavaFile file, boolean inherits,
      String generated) {
    failed = false;
    Map<String, String> anywhere = JavaFiles.qualifiedNames(file, false);
    if (anywhere.isEmpty()) {
      return true;
    }
    Map<String, String> inExpressions = JavaFiles.qualifiedNames(file, true);
    String generatedName = file.typeSpec().name();
    if (inherits) {
      for (Element member : elements.getAllMembers(type)) {
        String name = member.getSimpleName().toString();
        ElementKind kind = member.getKind();
        boolean isClass = kind.isClass() || kind.isInterface();
        String used = kind.isField() ? inExpressions.get(name) : isClass ? anywhere.get(name)
            : null;
        if (used != null && !member.getModifiers().contains(Modifier.PRIVATE)) {
          Element owner = member.getEnclosingElement();
          boolean own = owner.equals(type);
          error(Messages.hidesPackage(name, isClass ? "class" : "field",
              own ? null : owner.toString(), generatedName, used), own ? member : type, null,
              null);
        }
      }
    }
    PackageElement pkg = elements.getPackageOf(type);
    for (Element member : pkg.getEnclosedElements()) {
      String used = anywhere.get(member.getSimpleName().toString());
      if (used != null) {
        error(Messages.hidesPackage(member.getSimpleName().toString(), "class",
            "package " + pkg.getQualifiedName(), generatedName, used), type, null, null);
      }
    }
    return !failed;
  }

  /** Non-private methods the generated class inherits from the user's classes and interfaces. */
  private List<ExecutableElement> userMethods(TypeElement type) {
    List<ExecutableElement> methods = new ArrayList<>();
    for (ExecutableElement method : ElementFilter.methodsIn(elements.getAllMembers(type))) {
      TypeElement owner = (TypeElement) method.getEnclosingElement();
      String ownerName = owner.getQualifiedName().toString();
      if (method.getModifiers().contains(Modifier.PRIVATE)
          || ownerName.equals("java.lang.Object")
          || ownerName.equals(MODEL)) {
        continue;
      }
      methods.add(method);
    }
    return methods;
  }

  /** Whether a concrete method of the class or its superclasses implements {@code method}. */
  private boolean implementedIn(TypeElement type, ExecutableElement method) {
    for (ExecutableElement other : ElementFilter.methodsIn(elements.getAllMembers(type))) {
      if (other != method
          && !other.getModifiers().contains(Modifier.ABSTRACT)
          && elements.overrides(other, method, type)) {
        return true;
      }
    }
    return false;
  }

  /** Name and erased parameter types, the way Java tells overloads apart. */
  String signature(ExecutableElement method) {
    List<String> parameters = new ArrayList<>();
    for (VariableElement parameter : method.getParameters()) {
      parameters.add(types.erasure(parameter.asType()).toString());
    }
    return method.getSimpleName() + "(" + String.join(", ", parameters) + ")";
  }

  private static String describe(TypeElement type, ExecutableElement method) {
    Element owner = method.getEnclosingElement();
    List<String> parameters = new ArrayList<>();
    for (VariableElement parameter : method.getParameters()) {
      parameters.add(parameter.asType().toString());
    }
    String text = method.getSimpleName() + "(" + String.join(", ", parameters) + ")";
    return owner.equals(type) ? text : owner.getSimpleName() + "." + text;
  }

  /** The method if the class declares it, else the class: an inherited one may have no source. */
  private static Element placeFor(TypeElement type, ExecutableElement method) {
    return method.getEnclosingElement().equals(type) ? method : type;
  }

  private void checkLoss(
      Loss loss,
      LayerModel last,
      VariableElement field,
      AnnotationMirror mirror,
      AnnotationValue activationValue,
      boolean unitsValid) {
    Activation activation = last.activation();
    switch (loss) {
      case SOFTMAX_CROSS_ENTROPY:
        if (activation == Activation.SOFTMAX || activation == Activation.SIGMOID) {
          error(
              Messages.lossNeedsLogits(
                  last.name(), loss.name(), activation.name(), "softmax"),
              field, mirror, activationValue);
        } else if (activation != Activation.LINEAR) {
          warning(
              Messages.outputActivation(last.name(), activation.name(), loss.name()),
              field, mirror, activationValue);
        }
        if (unitsValid && last.units() < 2) {
          error(Messages.tooFewClasses(last.name(), last.units()), field, mirror,
              explicitValue(mirror, "units"));
        }
        break;
      case BINARY_CROSS_ENTROPY:
        if (activation != Activation.LINEAR) {
          error(
              Messages.lossNeedsLogits(
                  last.name(), loss.name(), activation.name(), "the sigmoid"),
              field, mirror, activationValue);
        }
        break;
      case MSE:
      case MAE:
      case HUBER:
        if (activation == Activation.SOFTMAX && last.units() > 1) {
          warning(Messages.softmaxWithMse(last.name(), loss.name()), field, mirror,
              activationValue);
        }
        break;
    }
  }

  private String findUnresolved(TypeElement type) {
    if (type.getSuperclass().getKind() == TypeKind.ERROR) {
      return type.getSuperclass().toString();
    }
    AnnotationMirror network = mirror(type, NETWORK);
    String value = network == null ? null : unresolvedValue(network);
    if (value != null) {
      return value + " of @Network";
    }
    for (VariableElement field : ElementFilter.fieldsIn(type.getEnclosedElements())) {
      List<AnnotationMirror> annotations = layerAnnotations(field);
      if (!annotations.isEmpty() && field.asType().getKind() == TypeKind.ERROR) {
        return field.asType().toString();
      }
      for (AnnotationMirror annotation : annotations) {
        value = unresolvedValue(annotation);
        if (value != null) {
          return value + " of " + field.getSimpleName();
        }
      }
    }
    return null;
  }

  /**
   * The name of a value of {@code mirror} that javac could not resolve yet (such as a constant of
   * a class another processor generates in this round), or null. javac gives such a value as the
   * string {@code <error>}; Ganglion's annotations have no string values.
   */
  private static String unresolvedValue(AnnotationMirror mirror) {
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e :
        mirror.getElementValues().entrySet()) {
      Object value = e.getValue().getValue();
      List<?> values = value instanceof List ? (List<?>) value : List.of(value);
      for (Object v : values) {
        Object element = v instanceof AnnotationValue ? ((AnnotationValue) v).getValue() : v;
        if (element instanceof String) {
          return "the value of " + e.getKey().getSimpleName();
        }
      }
    }
    return null;
  }

  static List<AnnotationMirror> layerAnnotations(Element element) {
    List<AnnotationMirror> found = new ArrayList<>();
    for (AnnotationMirror mirror : element.getAnnotationMirrors()) {
      String name =
          ((TypeElement) mirror.getAnnotationType().asElement()).getQualifiedName().toString();
      if (LAYER_ANNOTATIONS.contains(name)) {
        found.add(mirror);
      }
    }
    return found;
  }

  static AnnotationMirror mirror(Element element, String qualifiedName) {
    for (AnnotationMirror mirror : element.getAnnotationMirrors()) {
      TypeElement annotation = (TypeElement) mirror.getAnnotationType().asElement();
      if (annotation.getQualifiedName().contentEquals(qualifiedName)) {
        return mirror;
      }
    }
    return null;
  }

  private boolean isDense(VariableElement field) {
    return layerAnnotations(field).stream().anyMatch(m -> simpleName(m).equals("Dense"));
  }

  private static String simpleName(AnnotationMirror mirror) {
    return mirror.getAnnotationType().asElement().getSimpleName().toString();
  }

  /** The value written in source, or null when the default applies. */
  static AnnotationValue explicitValue(AnnotationMirror mirror, String name) {
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> e :
        mirror.getElementValues().entrySet()) {
      if (e.getKey().getSimpleName().contentEquals(name)) {
        return e.getValue();
      }
    }
    return null;
  }

  private static Object value(AnnotationMirror mirror, String name) {
    AnnotationValue explicit = explicitValue(mirror, name);
    if (explicit != null) {
      return explicit.getValue();
    }
    for (ExecutableElement method :
        ElementFilter.methodsIn(mirror.getAnnotationType().asElement().getEnclosedElements())) {
      if (method.getSimpleName().contentEquals(name) && method.getDefaultValue() != null) {
        return method.getDefaultValue().getValue();
      }
    }
    return null;
  }

  static List<Integer> intList(AnnotationValue value) {
    List<Integer> values = new ArrayList<>();
    if (value.getValue() instanceof List) {
      for (Object element : (List<?>) value.getValue()) {
        Object v = element instanceof AnnotationValue ? ((AnnotationValue) element).getValue()
            : element;
        values.add(v instanceof Integer ? (Integer) v : 0);
      }
    }
    return values;
  }

  private static int intValue(AnnotationMirror mirror, String name, int otherwise) {
    Object v = value(mirror, name);
    return v instanceof Integer ? (Integer) v : otherwise;
  }

  /**
   * A decimal value as the generated code uses it: a float. The annotations declare doubles, so
   * that {@code rate = 0.3} compiles as {@code rate = 0.3f} does.
   */
  private static float floatValue(AnnotationMirror mirror, String name, float otherwise) {
    Object v = value(mirror, name);
    return v instanceof Number ? ((Number) v).floatValue() : otherwise;
  }

  /** A decimal value as written (a double), NaN if absent. */
  private static double doubleValue(AnnotationMirror mirror, String name) {
    Object v = value(mirror, name);
    return v instanceof Number ? ((Number) v).doubleValue() : Double.NaN;
  }

  /**
   * A refused decimal value for a message: the float the generated code would use, and the value
   * as written too when only its rounding to a float made it wrong ({@code 0.99999999} is 1.0).
   */
  private static String shown(float used, double written, boolean writtenWasValid) {
    return writtenWasValid ? written + ", which is " + used + " as a float" : String.valueOf(used);
  }

  private static boolean booleanValue(AnnotationMirror mirror, String name, boolean otherwise) {
    Object v = value(mirror, name);
    return v instanceof Boolean ? (Boolean) v : otherwise;
  }

  private static String enumValue(AnnotationMirror mirror, String name, String otherwise) {
    Object v = value(mirror, name);
    return v instanceof VariableElement ? ((VariableElement) v).getSimpleName().toString()
        : otherwise;
  }

  private void error(String message, Element element, AnnotationMirror mirror,
      AnnotationValue value) {
    failed = true;
    print(Diagnostic.Kind.ERROR, message, element, mirror, value);
  }

  private void warning(String message, Element element, AnnotationMirror mirror,
      AnnotationValue value) {
    if (!suppressed(message, element)) {
      print(Diagnostic.Kind.WARNING, message, element, mirror, value);
    }
  }

  /**
   * Whether {@code @SuppressWarnings("ganglion")}, or {@code "ganglion:<Key>"} for this warning's
   * key, is on the element or on a class around it: a warning that does not apply (a layout that
   * only looks like a mistake) can be silenced where it is made, as javac's own can.
   */
  static boolean suppressed(String message, Element element) {
    int start = message.indexOf('/');
    int end = message.indexOf(']');
    String key = start >= 0 && end > start ? message.substring(start + 1, end) : "";
    for (Element e = element; e != null; e = e.getEnclosingElement()) {
      SuppressWarnings suppress = e.getAnnotation(SuppressWarnings.class);
      if (suppress != null) {
        for (String name : suppress.value()) {
          if (name.equals("ganglion") || name.equals("ganglion:" + key)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private void print(Diagnostic.Kind kind, String message, Element element,
      AnnotationMirror mirror, AnnotationValue value) {
    if (mirror != null && value != null) {
      messager.printMessage(kind, message, element, mirror, value);
    } else if (mirror != null) {
      messager.printMessage(kind, message, element, mirror);
    } else {
      messager.printMessage(kind, message, element);
    }
  }

}
