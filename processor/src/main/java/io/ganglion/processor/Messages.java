package io.ganglion.processor;

import java.util.Locale;

/**
 * Every text the processor shows users, in one place. Form: {@code [Network/<Key>] <subject> must
 * <rule>, but was <actual>; <how to fix>}. Layers are named by their fields, with the shapes that
 * flow into them. Each text has a test asserting it at its line.
 */
final class Messages {
  private Messages() {}

  private static String tag(String key) {
    return "[Network/" + key + "] ";
  }

  static String notAClass(String name, String kind) {
    return tag("NotAClass") + "@Network must be on a class, but " + name + " is " + kind
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

  static String genericClass(String name) {
    return tag("GenericClass") + name + " must not have type parameters, but had some;"
        + " remove them (a network's shapes are fixed at compile time)";
  }

  static String noConstructor(String name, String generated) {
    return tag("NoConstructor") + name + " must have a non-private constructor without"
        + " parameters, but had none; " + generated + " calls it, so add " + simple(name)
        + "() {}";
  }

  static String inputsMissing(String name) {
    return tag("InputsMissing") + name + ": @Network must set inputs, but it was missing;"
        + " add inputs = <features per sample>, for example inputs = 784 for 28x28 images";
  }

  static String inputsTooSmall(String name, int inputs) {
    return tag("InputsTooSmall") + name + ": inputs must be at least 1, but was " + inputs
        + "; set it to the number of features per sample";
  }

  static String noLayers(String name) {
    return tag("NoLayers") + name + " must declare at least one layer, but declared none;"
        + " add a field such as @Dense(units = 10) Layer output;";
  }

  static String unitsTooSmall(String layer, int units, String flow) {
    return tag("UnitsTooSmall") + layer + ": units must be at least 1, but was " + units + " ("
        + flow + "); set units to the number of outputs the layer should have";
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

  static String softmaxNotLast(String layer, String next) {
    return tag("SoftmaxNotLast") + layer + ": SOFTMAX must only be on the last layer, but "
        + layer + " is followed by " + next + "; use RELU, TANH or another element-wise"
        + " activation for hidden layers";
  }

  static String lossNeedsLogits(String layer, String loss, String activation, String fused) {
    return tag("LossNeedsLogits") + layer + ": the last layer must be LINEAR for " + loss
        + ", but was " + activation + "; " + loss + " applies " + fused
        + " to the logits itself, so remove the activation (predict() still returns"
        + " probabilities)";
  }

  static String tooFewClasses(String layer, int units) {
    return tag("TooFewClasses") + layer + ": SOFTMAX_CROSS_ENTROPY must have at least 2 units,"
        + " one per class, but " + layer + " has " + units
        + "; use 2 or more units, or BINARY_CROSS_ENTROPY for a single yes/no output";
  }

  static String outputsMismatch(String name, int outputs, String layer, int units) {
    return tag("OutputsMismatch") + name + ": outputs must equal the units of the last layer "
        + layer + ", but outputs = " + outputs + " and " + layer + " has " + units
        + "; change units of " + layer + " or outputs";
  }

  static String tooLarge(String layer, String what, long actual, String flow) {
    return tag("TooLarge") + layer + ": " + what + " must be at most "
        + grouped(Integer.MAX_VALUE) + ", but was " + grouped(actual) + " (" + flow
        + "); use fewer units or inputs";
  }

  static String nameCollision(String layer, String generatedMember, String other) {
    return tag("NameCollision") + layer + " must have a name whose generated member "
        + generatedMember + " is unique, but " + other + " also needs it; rename one of them";
  }

  static String memberCollision(String method, String generated) {
    return tag("MemberCollision") + method + " must not be declared in a @Network class, but"
        + " was; " + generated + " implements it, so rename your method";
  }

  static String unresolvedType(String name, String type) {
    return tag("UnresolvedType") + name + " must only use types that exist, but " + type
        + " was never found, not even after other annotation processors ran; check its"
        + " import or the processor that should generate it";
  }

  static String internalError(String name, Throwable t) {
    return tag("InternalError") + "Ganglion's processor failed on " + name + ": " + t
        + " at " + (t.getStackTrace().length > 0 ? t.getStackTrace()[0] : "?")
        + "; this is a bug in Ganglion, please report it with the class that triggers it";
  }

  static String reluOutputWarning(String layer, String activation, String loss) {
    return tag("OutputActivation") + layer + ": " + loss + " expects logits that can be"
        + " negative, but the last layer is " + activation
        + ", which limits them; usually the last layer is LINEAR (the default)";
  }

  static String summaryNote(String generated, String summary) {
    return generated + ":\n" + summary;
  }

  private static String simple(String name) {
    int dot = name.lastIndexOf('.');
    return dot < 0 ? name : name.substring(dot + 1);
  }

  static String grouped(long value) {
    return String.format(Locale.ROOT, "%,d", value);
  }
}
