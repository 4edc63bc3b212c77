package io.ganglion.processor;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Every text the processor shows users, in one place. Form: {@code [Network/<Key>] <subject> must
 * <rule>, but was <actual>; <how to fix>}. Layers are named by their fields, with the shapes that
 * flow into them. Each text has a test asserting it at its line ({@code MessagesTest} and friends).
 */
final class Messages {
  private Messages() {}

  private static String tag(String key) {
    return "[Network/" + key + "] ";
  }

  // The class.

  static String notAClass(String name, String kind) {
    return tag("NotAClass") + name + " must be a class to carry @Network, but was " + kind
        + "; declare it as an abstract class whose fields are the layers";
  }

  static String finalClass(String name, String generated) {
    return tag("FinalClass") + name + " must not be final, but was; " + generated
        + " extends it, so remove final";
  }

  static String privateClass(String name, String generated) {
    return tag("PrivateClass") + name + " must not be private, but was; " + generated
        + " extends it from its package, so make it package-private or public";
  }

  static String innerClass(String name, String generated) {
    return tag("InnerClass") + name + " must be static, but was an inner class; " + generated
        + " extends it from outside its enclosing class, so declare it static";
  }

  static String genericClass(String name, String typeParameters) {
    return tag("GenericClass") + name + " must not have type parameters, but had <"
        + typeParameters + ">; remove them (a network's shapes are fixed at compile time)";
  }

  static String noConstructor(String name, String generated) {
    return tag("NoConstructor") + name + " must have a non-private constructor without"
        + " parameters, but had none; " + generated + " calls it, so add " + name + "() {}";
  }

  static String networkSuperclass(String name, String superclass) {
    return tag("NetworkSuperclass") + name + " must not extend another @Network class, but"
        + " extended " + superclass + "; layers are not inherited, so declare every layer in one"
        + " @Network class (a plain abstract superclass may hold shared methods)";
  }

  static String abstractMethod(String method, String generated) {
    return tag("AbstractMethod") + method + " must have a body, but was abstract; " + generated
        + " implements only the methods of io.ganglion.Model, so implement it or remove it";
  }

  static String memberCollision(String method, String generated) {
    return tag("MemberCollision") + method + " must not be declared in a @Network class or its"
        + " supertypes, but was; " + generated + " declares a method with the same name and"
        + " parameters, so rename yours";
  }

  /** What hides a user's field in the generated class. */
  enum Hiding {
    /** A private field (work arrays): access through the generated type does not compile. */
    PRIVATE,
    /** A constant such as {@code INPUTS}: access through the generated type gives it. */
    CONSTANT,
    /** Another field, such as {@code dropoutStep}: access through the generated type gives it. */
    FIELD
  }

  /**
   * HiddenField: a field of the network's class that a field of the generated class hides, so
   * that code holding the generated type reaches the generated field instead, or fails to
   * compile.
   */
  static String hiddenField(String field, String owner, String generated, String network,
      boolean isStatic, Hiding hiding) {
    String through = isStatic ? generated + "." + field : "new " + generated + "(...)." + field;
    String own = isStatic ? network + "." + field : "a reference of type " + network;
    String start = tag("HiddenField") + field
        + (owner == null ? "" : " (declared in " + owner + ")")
        + " should not be named like a field of " + generated + ", but was: " + generated;
    switch (hiding) {
      case PRIVATE:
        return start + " keeps its own work in a private field of that name, which hides yours"
            + " from code that uses " + generated + " (" + through + " does not compile; through "
            + own + " it does); rename yours";
      case CONSTANT:
        return start + " has a constant of that name, which hides yours from code that uses "
            + generated + " (" + generated + "." + field + " is " + generated + "'s constant, not"
            + " yours; through " + own + " it is yours); rename yours";
      default:
        return start + " has a field of that name, which hides yours from code that uses "
            + generated + " (new " + generated + "(...)." + field + " is " + generated + "'s field,"
            + " not yours; through " + own + " it is yours); rename yours";
    }
  }

  // The @Network annotation.

  static String inputsMissing(String name) {
    return tag("InputsMissing") + name + ": @Network must set inputs, but it was missing;"
        + " add inputs = <features per sample>, for example inputs = 784 for 28x28 images";
  }

  /** InputsMissing for a network of image layers. */
  static String inputMissing(String name) {
    return tag("InputsMissing") + name + ": @Network must set input, but it was missing; add"
        + " input = {channels, height, width}, for example input = {1, 28, 28} for 28x28 gray"
        + " images or input = {3, 32, 32} for 32x32 color images";
  }

  static String channelsLastInput(String name, Shape in) {
    return tag("ChannelsLast") + name + ": input should be {channels, height, width}, but {"
        + in.channels() + ", " + in.height() + ", " + in.width() + "} reads as " + in.channels()
        + " channels of " + in.height() + "x" + in.width() + " images; that is Keras's order"
        + " (height, width, channels): for " + in.channels() + "x" + in.height() + " images of "
        + in.width() + " channel" + (in.width() == 1 ? "" : "s") + " use input = {" + in.width()
        + ", " + in.channels() + ", " + in.height() + "}, PyTorch's order";
  }

  static String lossMissing(String name) {
    return tag("Missing") + name + ": @Network must set loss, but it was missing; add loss ="
        + " Loss.SOFTMAX_CROSS_ENTROPY for classes, Loss.BINARY_CROSS_ENTROPY for yes/no outputs"
        + " or Loss.MSE (MAE, HUBER) for values";
  }

  /** A required layer value left out, such as a @Conv2d without kernel. */
  static String missing(String layer, String annotation, String what) {
    String example;
    switch (what) {
      case "units":
        example = "the number of outputs, such as units = 128";
        break;
      case "filters":
        example = "the number of output channels, such as filters = 32";
        break;
      case "kernel":
        example = "the kernel's height and width, such as kernel = 3";
        break;
      case "size":
        example = "the window's height and width, such as size = 2";
        break;
      default:
        example = "the probability of dropping a value, such as rate = 0.5";
        break;
    }
    return tag("Missing") + layer + ": @" + annotation + " must set " + what + ", but it was"
        + " missing; add " + example;
  }

  static String inputsTooSmall(String name, int inputs) {
    return tag("InputsTooSmall") + name + ": inputs must be at least 1, but was " + inputs
        + "; set it to the number of features per sample";
  }

  static String outputsTooSmall(String name, int outputs) {
    return tag("OutputsTooSmall") + name + ": outputs must be at least 1 (or 0, not checked), but"
        + " was " + outputs + "; set it to the number of values the network produces per sample";
  }

  static String noLayers(String name) {
    return tag("NoLayers") + name + " must declare at least one layer, but declared none;"
        + " add a field such as @Dense(units = 10) Layer output;";
  }

  static String tooManyLayers(String name, int layers, int most) {
    return tag("TooManyLayers") + name + " must have at most " + most + " layers, but had "
        + layers + " (so that the generated constructor, initialization and summary stay well"
        + " within the JVM's limits on a method's code and a constant's length); use fewer"
        + " layers";
  }

  static String outputsMismatch(String name, int outputs, String layer, int units) {
    return tag("OutputsMismatch") + name + ": outputs must equal the units of the last layer "
        + layer + ", but outputs = " + outputs + " and " + layer + " has " + units
        + "; change units of " + layer + " or outputs";
  }

  // Layer fields.

  static String dollarInLayerName(String layer) {
    return tag("LayerName") + layer + " must be a name without '$', but was not; the generated"
        + " members are named after the layer, so rename it";
  }

  static String hidesPackage(String name, String kind, String owner, String generated,
      String used) {
    return tag("HidesPackage") + name + " must not be a " + kind + " named after package " + name
        + (owner != null ? " (it is in " + owner + ")" : "") + ", but was; " + generated
        + " names " + used + " in full (since a name of the network or its package hides "
        + used.substring(used.lastIndexOf('.') + 1) + "), which javac would read as this "
        + kind + ", so rename it";
  }

  static String constructorThrows(String name, String thrown, String generated) {
    return tag("ConstructorThrows") + name + "() must not declare checked exceptions, but"
        + " throws " + thrown + "; " + generated + "'s constructors call it and cannot pass them"
        + " on";
  }

  static String sealedClass(String name, String permitted, String generated) {
    return tag("SealedClass") + name + " is sealed, so it must permit " + generated + ", but"
        + " permits " + permitted + "; add " + generated + " to its permits clause";
  }

  static String generatedNameTaken(String name, String generated, boolean stale) {
    if (stale) {
      return tag("GeneratedNameTaken") + name + " must have a generated class of its own, but "
          + generated + " is already among the sources, a copy that an earlier build generated;"
          + " remove the generated sources from the source path, or rebuild clean";
    }
    return tag("GeneratedNameTaken") + name + " must have a generated class of its own, but "
        + generated + " was already created in this compilation (by another @Network class or"
        + " a class of that name); rename one of them";
  }

  /** A network whose generated class has the name of another network's Vector API kernels. */
  static String kernelNameTaken(String name, String generated, String network) {
    return tag("GeneratedNameTaken") + name + " must have a generated class of its own, but "
        + generated + " is the name of " + network + "'s Vector API kernels (generated when"
        + " compiling with --add-modules jdk.incubator.vector); rename " + name;
  }

  static String privateLayer(String layer, String generated) {
    return tag("PrivateLayer") + layer + " must not be private, but was; " + generated
        + " assigns the layer's view to it, so make it package-private";
  }

  static String staticLayer(String layer) {
    return tag("StaticLayer") + layer + " must not be static, but was; each network instance"
        + " has its own layers, so remove static";
  }

  static String finalLayer(String layer, String generated) {
    return tag("FinalLayer") + layer + " must not be final, but was; " + generated
        + " assigns the layer's view to it, so remove final";
  }

  static String unannotatedLayer(String field) {
    return tag("UnannotatedLayer") + field + " should have a layer annotation, but had none: a"
        + " field of type Layer without one is no layer of the network (it stays null); annotate"
        + " it (@Dense, @Conv2d, ...) or remove it";
  }

  static String layerType(String layer, String actual) {
    return tag("LayerType") + layer + " must be of type io.ganglion.Layer, but was " + actual
        + "; declare it as Layer " + layer;
  }

  static String twoLayerAnnotations(String layer, String first, String second) {
    return tag("TwoLayerAnnotations") + layer + " must have one layer annotation, but had @"
        + first + " and @" + second + "; declare one field per layer";
  }

  static String layerOutsideNetwork(String layer, String annotation, String owner) {
    return tag("LayerOutsideNetwork") + layer + ": @" + annotation
        + " must be on a field of a @Network class, but " + owner
        + " has no @Network; annotate " + owner + " with @Network(inputs = ..., loss = ...)";
  }

  static String layerInSuperclass(
      String layer, String annotation, String owner, String network) {
    return tag("LayerOutsideNetwork") + layer + ": @" + annotation
        + " must be on a field of a @Network class, but " + owner + " is a superclass of the"
        + " @Network class " + network + ", whose layers are its own fields only (they are not"
        + " inherited); move " + layer + " into " + network;
  }

  static String layerOutsideClass(String layer, String annotation, String owner, String what) {
    return tag("LayerOutsideNetwork") + layer + ": @" + annotation
        + " must be on a field of a @Network class, but " + owner + " is " + what
        + "; declare the layer as a Layer field of an abstract @Network class";
  }

  static String layerOnEnumConstant(String layer, String annotation, String owner) {
    return tag("LayerOutsideNetwork") + layer + ": @" + annotation
        + " must be on a field of a @Network class, but " + layer + " is a constant of the enum "
        + owner + "; declare the layer as a Layer field of an abstract @Network class";
  }

  static String nameCollision(String layer, String generatedMember, String other) {
    return tag("NameCollision") + layer + " must have a name whose generated members are unique,"
        + " but was one that makes " + generatedMember + " like " + other
        + " does; rename one of them";
  }

  // Layer values and shapes.

  static String unitsTooSmall(String layer, int units, String flow) {
    return tag("UnitsTooSmall") + layer + ": units must be at least 1, but was " + units + " ("
        + flow + "); set units to the number of outputs the layer should have";
  }

  static String tooLarge(
      String subject, String what, long actual, String flow, String remedy) {
    return tag("TooLarge") + subject + ": " + what + " must be at most "
        + grouped(NetworkValidator.MAX_ARRAY) + " (the largest Java array), but was "
        + grouped(actual) + " (" + flow + "); " + remedy;
  }

  static String softmaxNotLast(String layer, String next) {
    return tag("SoftmaxNotLast") + layer + ": SOFTMAX must only be on the last layer, but "
        + layer + " is followed by " + next + "; use RELU, TANH or another element-wise"
        + " activation for hidden layers";
  }

  static String softmaxSingleUnit(String layer, String flow) {
    return tag("SoftmaxSingleUnit") + layer + ": a SOFTMAX layer must have at least 2 units, but"
        + " was 1 (" + flow + "); the softmax of one value is always 1, so use SIGMOID for a"
        + " single output";
  }

  static String initValueNotFinite(String layer, String value) {
    return tag("InitValueNotFinite") + layer + ": initValue must be a finite number with"
        + " init = CONSTANT, but was " + value + "; use a value such as 0.01f";
  }

  // Images: input shapes, convolutions, pooling, flattening, dropout, batch norm.

  static String inputTwice(String name) {
    return tag("InputTwice") + name + ": @Network must set one of inputs and input, but set both;"
        + " keep inputs = <features> for vectors or input = {channels, height, width} for images";
  }

  static String inputShape(String name, List<Integer> dims) {
    String actual = dims.stream().map(String::valueOf).collect(Collectors.joining(", "));
    boolean positive = dims.stream().allMatch(d -> d >= 1);
    String hint;
    if (dims.size() == 1 && positive) {
      hint = "for vectors of " + dims.get(0) + " features use inputs = " + dims.get(0);
    } else if (dims.size() == 2 && positive) {
      hint = "for " + dims.get(0) + "x" + dims.get(1) + " gray images use input = {1, "
          + dims.get(0) + ", " + dims.get(1) + "}";
    } else if (dims.size() == 3 && dims.get(1) >= 1 && dims.get(2) >= 1) {
      hint = "for " + dims.get(1) + "x" + dims.get(2) + " images give their channels, such as"
          + " input = {1, " + dims.get(1) + ", " + dims.get(2) + "} for gray ones";
    } else if (dims.size() == 3 && dims.get(0) >= 1) {
      hint = "give the images' height and width, such as input = {" + dims.get(0) + ", 28, 28}";
    } else if (dims.size() == 4 && dims.subList(1, 4).stream().allMatch(d -> d >= 1)
        && (dims.get(3) == 1 || dims.get(3) == 3 || dims.get(3) == 4) && dims.get(1) >= 8
        && dims.get(2) >= 8) {
      // {1, 28, 28, 1}: Keras's batch x height x width x channels, as ChannelsLast reads
      // three values; but {1, 64, 100, 1} may be PyTorch's too.
      hint = "leave out the batch size (the first dimension), with the channels first:"
          + " input = {" + dims.get(3) + ", " + dims.get(1) + ", " + dims.get(2) + "} if {"
          + actual + "} is Keras's order (batch, height, width, channels), or input = {"
          + dims.get(1) + ", " + dims.get(2) + ", " + dims.get(3) + "} if it is PyTorch's"
          + " (batch, channels, height, width)";
    } else if (dims.size() == 4 && dims.subList(1, 4).stream().allMatch(d -> d >= 1)) {
      hint = "leave out the batch size (PyTorch's first dimension): input = {" + dims.get(1)
          + ", " + dims.get(2) + ", " + dims.get(3) + "}";
    } else {
      hint = "for 28x28 gray images use input = {1, 28, 28}";
    }
    return tag("InputShape") + name + ": input must be {channels, height, width} with every size"
        + " at least 1, but was {" + actual + "}; " + hint;
  }

  static String poolStrideNegative(String layer, int value, String flow) {
    return tag("NotPositive") + layer + ": stride must be at least 1, or 0 for the pool's size,"
        + " but was " + value + " (" + flow + "); set it to a positive size, or leave it out";
  }

  static String notPositive(String layer, String what, int value, String flow) {
    return tag("NotPositive") + layer + ": " + what + " must be at least 1, but was " + value
        + " (" + flow + "); set it to a positive size";
  }

  /**
   * An image layer given a vector; {@code flattenedBy} names the flatten layer that made it (null
   * when the network's input is a vector).
   */
  static String needsImage(
      String layer, String kind, String shown, String flow, String flattenedBy) {
    String fix;
    if (kind.equals("Flatten")) {
      fix = flattenedBy != null
          ? "remove it: " + flattenedBy + " already made the image a vector"
          : "remove it if the input is meant to be a vector, or declare"
              + " @Network(input = {channels, height, width}) for images";
    } else {
      fix = flattenedBy != null
          ? "move " + layer + " before " + flattenedBy + ", which made the image a vector"
          : "declare @Network(input = {channels, height, width}) for images";
    }
    return tag("NeedsImage") + layer + ": " + kind + " must take an image (channels x height x"
        + " width), but its input was a vector of " + shown + " (" + flow + "); " + fix;
  }

  static String denseBeforeFlatten(String layer, String shown, String flow) {
    return tag("DenseBeforeFlatten") + layer + ": Dense must take a vector, but its input was"
        + " the image " + shown + " (" + flow + "); add @Flatten Layer flat; before " + layer;
  }

  static String kernelTooLarge(String layer, String what, int size, String shown, String flow,
      String largest) {
    return tag("KernelTooLarge") + layer + ": a " + size + "x" + size + " " + what
        + " must fit its " + shown + " input, but does not (" + flow + "); use a " + what
        + " of at most " + largest;
  }

  static String pad(String layer, int pad, int kernel, boolean same) {
    return tag("Pad") + layer + ": pad must be "
        + (same ? "0 with padding = SAME, which pads by itself, but was " + pad
            + "; use one of the two"
            : "at least 0 and less than the kernel (" + kernel + "), but was " + pad
                + (pad < 0 ? "" : ": a window would hold padding alone")
                + "; pad is the zero rows and columns on each side, as PyTorch's padding");
  }

  static String poolPad(String layer, int pad, int size) {
    return tag("Pad") + layer + ": pad must be at least 0 and at most half the window ("
        + size + " / 2 = " + size / 2 + "), but was " + pad
        + (pad < 0 ? "" : ", as PyTorch requires; a window would hold padding alone")
        + "; pad is the rows and columns added on each side, as PyTorch's padding";
  }

  static String dropoutRate(String layer, String rate) {
    return tag("DropoutRate") + layer + ": rate must be in [0, 1) (the probability of dropping"
        + " a value), but was " + rate + "; use for example rate = 0.5f";
  }

  static String batchNormValue(String layer, String what, String value, String rule,
      String usual) {
    return tag("BatchNormValue") + layer + ": " + what + " must be " + rule + ", but was "
        + value + "; PyTorch's default is " + usual;
  }

  static String afterOutput(String layer, String kind, String output, String last) {
    return tag("AfterOutput") + layer + ": " + kind + " must not follow the output layer "
        + output + ", but did; the loss reads the last @Dense layer's output, so move " + layer
        + " before " + output + " or remove it (or, if " + output + " is a hidden layer, add the"
        + " output @Dense layer after " + last + ")";
  }

  static String outputNotDense(String name, String layer, String kind) {
    return tag("OutputNotDense") + name + ": the last layer must be @Dense (the output layer),"
        + " but " + layer + " was " + kind + "; end with @Dense(units = <outputs>) Layer output;"
        + " (after @Flatten for images)";
  }

  // The loss and the last layer.

  static String lossNeedsLogits(String layer, String loss, String activation, String fused) {
    return tag("LossNeedsLogits") + layer + ": the last layer must be LINEAR for " + loss
        + ", but was " + activation + "; " + loss + " applies " + fused
        + " to the logits itself, so remove the activation (predict() still returns"
        + " probabilities)";
  }

  static String tooFewClasses(String layer, int units) {
    return tag("TooFewClasses") + layer + ": the last layer must have at least 2 units for"
        + " SOFTMAX_CROSS_ENTROPY (one per class), but was " + units
        + "; use 2 or more units, or BINARY_CROSS_ENTROPY for a single yes/no output";
  }

  // Rounds and failures.

  static String internalError(String name, Throwable t) {
    String missing = missingClass(t);
    if (missing != null) {
      // A setup mistake rather than a bug: the processor path lacks a jar the processor needs.
      return tag("ProcessorPath") + "Ganglion's processor cannot run on " + name + ": class "
          + missing + " is missing from the annotation processor path; put ganglion-runtime on"
          + " it beside ganglion-processor (Maven's annotationProcessorPaths with the BOM,"
          + " Gradle's annotationProcessor, or javac -processorpath), as the README shows";
    }
    return tag("InternalError") + "Ganglion's processor failed on " + name + ": " + t
        + " at " + (t.getStackTrace().length > 0 ? t.getStackTrace()[0] : "?")
        + "; this is a bug in Ganglion, please report it with the class that triggers it";
  }

  /**
   * The class a {@link NoClassDefFoundError} in {@code t} or its causes names, dotted, if it is
   * the runtime's (its annotations and enums, which the processor reads); else null. (Without
   * JavaPoet the processor cannot even be made: javac reports "Bad service configuration file".)
   */
  static String missingClass(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof NoClassDefFoundError && c.getMessage() != null) {
        String name = c.getMessage().replace('/', '.');
        if (name.startsWith("io.ganglion.")) {
          return name;
        }
      }
    }
    return null;
  }

  // Warnings: mistakes that still compile.

  static String outputActivation(String layer, String activation, String loss) {
    return tag("OutputActivation") + layer + ": the last layer should be LINEAR for " + loss
        + ", but was " + activation + ", which limits the logits " + loss
        + " expects; usually the last layer is LINEAR (the default)";
  }

  static String initValueIgnored(String layer, String init) {
    return tag("InitValueIgnored") + layer + ": initValue should only be set with"
        + " init = CONSTANT, but init was " + init + ", which ignores it; add"
        + " init = Init.CONSTANT or remove initValue";
  }

  static String momentumWithCumulativeAverage(String layer, String momentum) {
    return tag("MomentumWithCumulativeAverage") + layer + ": momentum must not be given with"
        + " cumulativeAverage = true, which weighs the k-th batch 1/k instead (PyTorch's"
        + " momentum=None), but momentum = " + momentum + " was given; remove one of the two";
  }

  static String kerasMomentum(String layer, float value) {
    // As written (0.99, not the float's 0.9900000095367432), and 1 - that in decimal.
    String momentum = Float.toString(value);
    String pytorch = BigDecimal.ONE.subtract(new BigDecimal(momentum)).toPlainString();
    return tag("KerasMomentum") + layer + ": momentum is the weight of each new batch in the"
        + " running statistics (PyTorch's meaning), so " + momentum + " nearly forgets them at"
        + " every step; Keras's momentum = " + momentum + " is PyTorch's " + pytorch
        + ": write momentum = " + pytorch + " if that was meant";
  }

  static String softmaxWithMse(String layer, String loss) {
    return tag("SoftmaxWithMse") + layer + ": a SOFTMAX last layer should be trained with"
        + " SOFTMAX_CROSS_ENTROPY, but the loss was " + loss + ", which learns slowly on"
        + " probabilities;"
        + " for classification use loss = SOFTMAX_CROSS_ENTROPY and a LINEAR last layer";
  }

  static String badOption(String key, String value, boolean absent) {
    return tag("Option") + "-A" + key + " must be true or false, but was '" + value
        + "'; the default, " + absent + ", applies";
  }

  // Notes.

  static String summaryNote(String generated, String summary) {
    return generated + ":\n" + summary.stripTrailing();
  }

  static String grouped(long value) {
    return String.format(Locale.ROOT, "%,d", value);
  }
}
