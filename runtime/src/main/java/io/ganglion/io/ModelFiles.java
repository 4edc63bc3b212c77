package io.ganglion.io;

import io.ganglion.Activation;
import io.ganglion.Layer;
import io.ganglion.Model;
import io.ganglion.Parameter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * Saves a {@link Model}'s parameters to safetensors and loads them back, with the names and
 * layouts of a PyTorch {@code state_dict} ({@code hidden1.weight} of shape {@code [out, in]},
 * {@code hidden1.bias}), so that PyTorch's {@code load_state_dict} reads Ganglion's files and the
 * other way round.
 *
 * <p>Loading is strict, like {@code load_state_dict(strict=True)}: the file must hold exactly the
 * model's parameters, with its shapes. The metadata is only used to explain a mismatch: a file
 * from another network class whose names and shapes match loads (as a PyTorch file, which has no
 * Ganglion metadata, does). Everything is checked and read before the first parameter changes,
 * so a failed load leaves the model as it was.
 */
public final class ModelFiles {
  /** Metadata key of the network class's simple name. */
  public static final String NETWORK_KEY = "ganglion.network";

  /** Metadata key of the network's {@link Model#spec() spec}. */
  public static final String SPEC_KEY = "ganglion.spec";

  /** A spec token of padding: {@code pad1}, {@code pad0x1}, or a pooling layer's {@code same}. */
  private static final String PADDING_TOKEN = "pad[0-9]+(x[0-9]+)?|same";

  /** Metadata key of the format version. */
  public static final String VERSION_KEY = "ganglion.format_version";

  /** The format version this runtime writes, and the newest it reads. */
  public static final int FORMAT_VERSION = 1;

  private ModelFiles() {}

  /** Saves {@code model}'s parameters to {@code file} as {@link DType#F32}, atomically. */
  public static void save(Model model, Path file) throws IOException {
    save(model, file, DType.F32);
  }

  /**
   * Saves {@code model}'s parameters to {@code file} as {@code dtype} (rounding to nearest), with
   * a temporary file renamed over {@code file} so that a crash leaves the old file or the new one.
   */
  public static void save(Model model, Path file, DType dtype) throws IOException {
    toSafeTensors(model, dtype).write(file);
  }

  /**
   * Checks, leaving nothing behind, that {@code file} can be saved to: not a directory or a special
   * file, not read-only, in an existing directory that takes a new file (a temporary one is created
   * and deleted). Throws the {@link
   * IOException} a save would end with; {@code Trainer} calls it before training for its
   * checkpoint and best-weights files, so that a typo in a path fails before the first epoch
   * rather than after it.
   */
  public static void checkSavable(Path file) throws IOException {
    AtomicFiles.checkSavable(file);
  }

  /**
   * The parameters and buffers of {@code model} as a tensor set, with Ganglion's metadata. Buffers
   * are stored as {@code dtype} too, except counters ({@code num_batches_tracked}), which are
   * {@link DType#I64} as in PyTorch.
   */
  public static SafeTensors toSafeTensors(Model model, DType dtype) {
    if (model == null) {
      throw new IllegalArgumentException("model must not be null");
    }
    if (dtype == null || dtype == DType.I64) {
      throw new IllegalArgumentException("dtype must be a floating-point type (F16, BF16, F32 or"
          + " F64) for weights, but was " + dtype);
    }
    List<Tensor> tensors = new ArrayList<>();
    for (Parameter p : state(model)) {
      DType type = isCounter(p) ? DType.I64 : dtype;
      float[] values = p.toArray();
      checkStorable(p.name(), values, type);
      tensors.add(Tensor.wrap(p.name(), type, p.shape(), values));
    }
    return SafeTensors.of(metadata(model), tensors);
  }

  private static void checkArguments(String name, float[] values, DType type) {
    if (name == null || values == null || type == null) {
      throw new IllegalArgumentException("name, values and dtype must not be null, but "
          + (name == null ? "name" : values == null ? "values" : "dtype") + " was");
    }
  }

  /**
   * Refuses to write a weight that would not read back: one not finite (a file of it could not be
   * loaded), or one that a 16-bit type rounds to infinity; or a buffer that a load refuses (a
   * negative running variance, a batch counter that is no whole number). Throws {@link
   * IllegalArgumentException}; {@code Trainer}'s checkpoints call it too.
   */
  public static void checkStorable(String name, float[] values, DType type) {
    checkArguments(name, values, type);
    boolean variance = name.endsWith(".running_var");
    boolean counter = name.endsWith(COUNTER);
    for (int i = 0; i < values.length; i++) {
      float v = values[i];
      float stored = type == DType.F16 ? Floats16.fromHalf(Floats16.toHalf(v))
          : type == DType.BF16 ? Floats16.fromBfloat16(Floats16.toBfloat16(v)) : v;
      if (!Float.isFinite(stored)) {
        throw new IllegalArgumentException("weights must be finite to be saved, but value " + i
            + " of " + name + " was " + v + (Float.isFinite(v) ? ", beyond " + type
                + "'s range (largest finite: " + (type == DType.F16 ? "65504" : "3.39e38")
                + "); save as F32" : "; did training diverge?"));
      }
      // What a load refuses is not written either (only reachable by setting buffers by hand).
      if (variance && v < 0) {
        throw new IllegalArgumentException("a running variance must not be negative to be"
            + " saved, but value " + i + " of " + name + " was " + v);
      }
      if (counter && (v < 0 || v != Math.rint(v))) {
        throw new IllegalArgumentException("a batch counter must be a whole number, not"
            + " negative, to be saved, but " + name + " was " + v);
      }
    }
  }

  /**
   * Checks the values read from tensor {@code name} of {@code file} (stored as {@code stored}) as
   * weights and batch statistics must be: finite (a NaN or infinite value in a file is damage or a
   * diverged run, and loading it would make every prediction NaN), a running variance ({@code
   * .running_var}) not negative (its square root would be NaN), and a batch counter ({@code
   * .num_batches_tracked}) a count: a whole number, not negative.
   */
  public static void checkFinite(Path file, String name, DType stored, float[] values)
      throws ModelFormatException {
    checkArguments(name, values, stored);
    boolean variance = name.endsWith(".running_var");
    boolean counter = name.endsWith(COUNTER);
    for (int i = 0; i < values.length; i++) {
      float v = values[i];
      if (!Float.isFinite(v)) {
        throw new ModelFormatException(file, name, "values must be finite, but value " + i
            + " was " + v + (stored == DType.F64 && !Float.isNaN(v)
                ? " (this F64 value is beyond float's range)" : "")
            + "; was the file written by a run that diverged?");
      }
      if (variance && v < 0) {
        throw new ModelFormatException(file, name, "a running variance must not be negative,"
            + " but value " + i + " was " + v + "; every prediction would be NaN");
      }
      if (counter && (v < 0 || v != Math.rint(v))) {
        throw new ModelFormatException(file, name, "a batch counter must be a whole number, not"
            + " negative, but was " + v);
      }
    }
  }

  /**
   * What a file holds for {@code model}: its parameters, then its buffers (such as batch
   * normalization's running statistics), as a PyTorch {@code state_dict} holds them.
   */
  public static List<Parameter> state(Model model) {
    if (model == null) {
      throw new IllegalArgumentException("model must not be null");
    }
    // A hand-written model's lists, checked here rather than met as null deep inside a run.
    if (model.parameters() == null) {
      throw new IllegalArgumentException("model " + model.name() + "'s parameters() must not"
          + " return null; a model without any returns an empty list");
    }
    List<Parameter> buffers = model.buffers();
    if (buffers == null) {
      throw new IllegalArgumentException("model " + model.name() + "'s buffers() must not return"
          + " null; a model without buffers returns an empty list");
    }
    if (buffers.isEmpty()) {
      return model.parameters();
    }
    List<Parameter> state = new ArrayList<>(model.parameters());
    state.addAll(buffers);
    return state;
  }

  private static final String COUNTER = ".num_batches_tracked";

  private static boolean isCounter(Parameter p) {
    return p.name().endsWith(COUNTER);
  }

  /** The metadata Ganglion records: format (as PyTorch tools expect), network, spec, version. */
  public static Map<String, String> metadata(Model model) {
    if (model == null) {
      throw new IllegalArgumentException("model must not be null");
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("format", "pt");
    metadata.put(NETWORK_KEY, model.name());
    metadata.put(SPEC_KEY, model.spec());
    metadata.put(VERSION_KEY, Integer.toString(FORMAT_VERSION));
    return metadata;
  }

  /**
   * Loads every parameter of {@code model} from {@code file}, which must hold exactly the model's
   * parameters with their shapes (in any supported dtype). Throws {@link ModelFormatException},
   * leaving the model unchanged, if anything is wrong.
   */
  public static void load(Model model, Path file) throws IOException {
    load(model, file, false);
  }

  /**
   * Like {@link #load(Model, Path)}, but ignores tensors of the file that the model does not have
   * (like {@code load_state_dict(strict=False)}, except that every parameter must still be there).
   */
  public static void loadIgnoringUnexpected(Model model, Path file) throws IOException {
    load(model, file, true);
  }

  /**
   * Like {@link #load(Model, Path)} from a file whose layers have other names: {@code layers} maps
   * a layer of the model to the name the file gives it, such as the positions of a PyTorch {@code
   * nn.Sequential} ({@code Map.of("hidden1", "0", "hidden2", "2", "logits", "4")} reads {@code
   * hidden1.weight} from {@code 0.weight}). Layers it does not name keep their own names.
   */
  public static void load(Model model, Path file, Map<String, String> layers)
      throws IOException {
    load(model, file, false, renaming(model, layers), new TreeMap<>(layers)); // sorted: messages
  }

  /**
   * Like {@link #save(Model, Path)} under other layer names, as {@link #load(Model, Path, Map)}
   * reads them: {@code Map.of("hidden1", "0", "hidden2", "2", "logits", "4")} writes {@code
   * 0.weight} and so on, which an {@code nn.Sequential} of those layers loads with {@code
   * load_state_dict(strict=True)}. The file keeps Ganglion's metadata.
   */
  public static void save(Model model, Path file, Map<String, String> layers)
      throws IOException {
    UnaryOperator<String> inFile = renaming(model, layers);
    List<Tensor> tensors = new ArrayList<>();
    for (Tensor t : toSafeTensors(model, DType.F32).tensors()) {
      tensors.add(Tensor.wrap(inFile.apply(t.name()), t.dtype(), t.shapeNoCopy(),
          t.valuesNoCopy()));
    }
    SafeTensors.of(metadata(model), tensors).write(file);
  }

  /** The names in a file of the model's tensors, with {@code layers} renamed; checks the map. */
  private static UnaryOperator<String> renaming(Model model, Map<String, String> layers) {
    if (model == null || layers == null) {
      throw new IllegalArgumentException("model and layers must not be null");
    }
    Set<String> own = new LinkedHashSet<>();
    for (Parameter p : state(model)) {
      own.add(layerOf(p.name()));
    }
    for (Map.Entry<String, String> e : layers.entrySet()) {
      if (e.getKey() == null || e.getValue() == null || e.getValue().isEmpty()) {
        throw new IllegalArgumentException(
            "layers must map layer names to names in the file, but held " + e);
      }
      if (!own.contains(e.getKey())) {
        throw new IllegalArgumentException("layers must map layers of " + model.name() + " "
            + own + ", but named '" + e.getKey() + "'");
      }
    }
    Map<String, String> inFile = new LinkedHashMap<>();
    for (String layer : own) {
      String name = layers.getOrDefault(layer, layer);
      String other = inFile.put(name, layer);
      if (other != null) {
        throw new IllegalArgumentException("layers must give each layer a name of its own in the"
            + " file, but " + other + " and " + layer + " would both read '" + name + "'");
      }
    }
    Map<String, String> copy = Map.copyOf(layers);
    return name -> {
      String layer = layerOf(name);
      String renamed = copy.get(layer);
      return renamed == null ? name : renamed + name.substring(layer.length());
    };
  }

  /** The layer of a tensor name: what comes before its last dot ({@code hidden1} of hidden1.bias). */
  private static String layerOf(String name) {
    int dot = name.lastIndexOf('.');
    return dot < 0 ? name : name.substring(0, dot);
  }

  private static void load(Model model, Path file, boolean ignoreUnexpected) throws IOException {
    load(model, file, ignoreUnexpected, UnaryOperator.identity(), null);
  }

  /**
   * Loads with {@code inFile} giving the name in the file of each of the model's tensors, renamed
   * by the map {@code layers} (null when the names are the model's own).
   */
  private static void load(Model model, Path file, boolean ignoreUnexpected,
      UnaryOperator<String> inFile, Map<String, String> layers) throws IOException {
    if (model == null) {
      throw new IllegalArgumentException("model must not be null");
    }
    List<Parameter> parameters = state(model);
    float[][] values = new float[parameters.size()][];
    try (SafeTensorsReader reader = SafeTensorsReader.open(file)) {
      Map<String, String> metadata = reader.metadata();
      String writer = writerOf(metadata);
      checkVersion(file, metadata);
      checkNames(model, file, reader, writer, ignoreUnexpected, inFile, layers);
      for (Parameter p : parameters) {
        String name = inFile.apply(p.name());
        TensorInfo info = reader.tensor(name);
        if (info == null) {
          continue; // a batch counter the file lacks: it starts from 0
        }
        // A scalar stored as [1] (older converters) loads, as PyTorch's load_state_dict takes it.
        boolean scalarAsOne = p.shape().length == 0 && Arrays.equals(info.shapeNoCopy(),
            new int[] {1});
        if (!Arrays.equals(info.shapeNoCopy(), p.shape()) && !scalarAsOne) {
          throw new ModelFormatException(file, name,
              "shape must be " + Arrays.toString(p.shape()) + " as "
                  + (name.equals(p.name()) ? "" : p.name() + " ") + "in " + model.name()
                  + ", but was " + Arrays.toString(info.shapeNoCopy())
                  + writerNote(model, writer)
                  + (name.equals(p.name()) ? declarationHint(p, info.shapeNoCopy())
                      : "; the layers map reads " + layerOf(p.name()) + " from '"
                          + layerOf(name) + "': check that entry"));
        }
      }
      if (layers == null && !ignoreUnexpected) {
        checkActivations(model, file, metadata.get(SPEC_KEY));
        checkPooling(model, file, metadata.get(SPEC_KEY));
        checkPadding(model, file, metadata.get(SPEC_KEY));
      }
      for (int i = 0; i < values.length; i++) {
        String name = inFile.apply(parameters.get(i).name());
        values[i] = reader.tensor(name) == null
            ? new float[parameters.get(i).size()] : reader.read(name).valuesNoCopy();
        if (reader.tensor(name) != null) {
          checkFinite(file, name, reader.tensor(name).dtype(), values[i]);
        }
      }
    }
    // Nothing can fail past this point: every array has the parameter's size.
    for (int i = 0; i < values.length; i++) {
      parameters.get(i).copyFrom(values[i]);
    }
  }

  /**
   * Refuses a file whose spec (a Ganglion network's) gives a layer of the model another
   * activation: the weights have the right shapes and would load, but the network would compute
   * something else than the one that learned them, silently. The output layer's activation is
   * compared as predictions apply it: a LINEAR last layer under softmax cross-entropy predicts
   * with the softmax, under binary cross-entropy with the sigmoid.
   */
  private static void checkActivations(Model model, Path file, String spec)
      throws ModelFormatException {
    List<Layer> layers = model.layers();
    if (spec == null || layers == null || layers.isEmpty()) {
      return;
    }
    String fileLoss = null;
    for (String entry : spec.split(";")) {
      // The network's loss=NAME, not the entry loss=Dense(...) of a layer named loss.
      if (fileLoss == null && entry.startsWith("loss=") && entry.indexOf('(') < 0) {
        fileLoss = entry.substring("loss=".length());
      }
    }
    Layer last = layers.get(layers.size() - 1);
    for (SpecLayer entry : specLayers(spec)) {
      String name = entry.name();
      Activation stored = null;
      for (String token : entry.tokens()) {
        for (Activation a : Activation.values()) {
          if (a.name().equals(token)) {
            stored = a;
          }
        }
      }
      if (stored == null && entry.kind().equals("BatchNorm")) {
        stored = Activation.LINEAR; // a batch norm's spec names its activation unless LINEAR
      }
      for (Layer layer : layers) {
        if (stored == null || layer == null || !layer.name().equals(name)) {
          continue;
        }
        boolean differs = layer == last
            ? predicted(layer.activation(), model.loss() == null ? null : model.loss().name())
                != predicted(stored, fileLoss)
            : layer.activation() != stored;
        if (differs && layer.activation() == stored) {
          // The same activation under losses that predict differently (softmax over logits, say).
          String myLoss = model.loss() == null ? null : model.loss().name();
          throw new ModelFormatException(file, null, "output layer " + name + " must predict as"
              + " the file's network did, " + predicted(stored, fileLoss) + " (" + stored
              + " under " + (fileLoss == null ? "no loss recorded" : "its " + fileLoss + " loss")
              + "), but " + model.name() + " predicts " + predicted(stored, myLoss) + " (" + stored
              + " under " + myLoss + "); the weights would load but compute something else"
              + (fileLoss == null ? "" : ": declare loss = " + fileLoss) + ", or to reuse them on"
              + " purpose, load them with ModelFiles.loadIgnoringUnexpected(model, file)");
        }
        if (differs) {
          throw new ModelFormatException(file, null, "layer " + name + " must have the activation"
              + " the file's weights were trained with, " + stored + ", but " + model.name()
              + " declares " + layer.activation() + " (the file's ganglion.spec has "
              + entry.entry() + "); the weights would load but compute something else: declare activation = "
              + stored + ", or to reuse them in the changed network on purpose, load them with"
              + " ModelFiles.loadIgnoringUnexpected(model, file)");
        }
      }
    }
  }

  /**
   * Refuses a file whose spec gives a convolution or pooling layer of the model another padding:
   * {@code pad = 1} and SAME with a stride can give the same shapes, and the weights would load
   * into a network that computes something else. Specs record the padding where the shapes do not
   * imply it ({@code pad1}, {@code pad0x1}: rows above, columns left; a pooling layer's pad or
   * {@code same} only from the build that gave pooling those on, so a file without one pools
   * unpadded).
   */
  private static void checkPadding(Model model, Path file, String spec)
      throws ModelFormatException {
    Map<String, String> mine = paddings(model.spec());
    for (Map.Entry<String, String> theirs : paddings(spec).entrySet()) {
      String own = mine.get(theirs.getKey());
      if (own != null && !own.equals(theirs.getValue())) {
        String key = theirs.getKey();
        boolean conv = key.startsWith("Conv2d ");
        throw new ModelFormatException(file, null, (conv ? "convolution " : "pooling layer ")
            + key.substring(key.indexOf(' ') + 1) + " must pad as in the network the file's"
            + " weights come from, " + padding(theirs.getValue(), conv) + ", but " + model.name()
            + " pads " + padding(own, conv) + " (the same shapes, another"
            + " computation); declare the padding of the network that saved them, or to reuse"
            + " them on purpose, load them with ModelFiles.loadIgnoringUnexpected(model, file)");
      }
    }
  }

  /**
   * Refuses a file whose spec gives a pooling layer of the model another kind, window, stride or
   * shapes (its padding is {@link #checkPadding}'s): pooling has no tensors, so the file's tensors
   * would load into a network that computes something else.
   */
  private static void checkPooling(Model model, Path file, String spec)
      throws ModelFormatException {
    Map<String, SpecLayer> mine = new HashMap<>();
    for (SpecLayer entry : specLayers(model.spec())) {
      mine.put(entry.name(), entry);
    }
    for (SpecLayer theirs : specLayers(spec)) {
      SpecLayer own = mine.get(theirs.name());
      if (own == null || !pooling(theirs) || !pooling(own)) {
        continue;
      }
      if (!unpadded(theirs).equals(unpadded(own))) {
        String declared = own.entry().substring(own.entry().indexOf('=') + 1);
        throw new ModelFormatException(file, null, "pooling layer " + theirs.name() + " must"
            + " pool as in the network the file's weights come from, "
            + theirs.entry().substring(theirs.entry().indexOf('=') + 1) + ", but " + model.name()
            + " declares " + declared + " (pooling has no weights to tell); declare the pooling"
            + " of the network that saved them, or to reuse them on purpose, load them with"
            + " ModelFiles.loadIgnoringUnexpected(model, file)");
      }
    }
  }

  private static boolean pooling(SpecLayer entry) {
    return entry.kind().equals("MaxPool2d") || entry.kind().equals("AvgPool2d");
  }

  /** A layer's kind and tokens but its padding ones. */
  private static List<String> unpadded(SpecLayer entry) {
    List<String> parts = new ArrayList<>();
    parts.add(entry.kind());
    for (String t : entry.tokens()) {
      if (!t.matches(PADDING_TOKEN)) {
        parts.add(t);
      }
    }
    return parts;
  }

  /**
   * Each Conv2d, MaxPool2d and AvgPool2d entry of a spec, by kind and layer name ({@code "Conv2d
   * conv1"}), with its padding token ("" when implied).
   */
  private static Map<String, String> paddings(String spec) {
    Map<String, String> paddings = new HashMap<>();
    for (SpecLayer entry : specLayers(spec)) {
      if (!List.of("Conv2d", "MaxPool2d", "AvgPool2d").contains(entry.kind())) {
        continue;
      }
      String token = "";
      for (String t : entry.tokens()) {
        if (t.matches(PADDING_TOKEN)) {
          token = t;
        }
      }
      // Keyed by kind too: a layer of the same name but another kind is no padding mismatch.
      paddings.put(entry.kind() + " " + entry.name(), token);
    }
    return paddings;
  }

  /** A layer's entry of a spec, {@code name=Kind(token,token,...)}, and its parts. */
  private record SpecLayer(String name, String kind, List<String> tokens, String entry) {}

  /** The layer entries of a spec (none for null): not {@code inputs=}, {@code loss=} or others. */
  private static List<SpecLayer> specLayers(String spec) {
    List<SpecLayer> layers = new ArrayList<>();
    if (spec == null) {
      return layers;
    }
    for (String entry : spec.split(";")) {
      int equals = entry.indexOf('=');
      int open = entry.indexOf('(');
      if (equals < 0 || open < equals || !entry.endsWith(")")) {
        continue; // inputs=..., loss=..., or nothing Ganglion writes
      }
      layers.add(new SpecLayer(entry.substring(0, equals), entry.substring(equals + 1, open),
          List.of(entry.substring(open + 1, entry.length() - 1).split(",")), entry));
    }
    return layers;
  }

  /** A padding token in words. */
  private static String padding(String token, boolean conv) {
    if (token.isEmpty() && !conv) {
      return "no row or column beyond the image";
    }
    if (token.equals("same")) {
      return "as Keras's padding='same' (the padding left out of maxima and averages)";
    }
    if (token.isEmpty()) {
      return "no zero row above nor column left of the image (VALID, SAME that pads only below"
          + " and right, or SAME at stride 1)";
    }
    String[] pads = token.substring("pad".length()).split("x");
    if (!conv) {
      return pads[0] + (pads[0].equals("1") ? " row and column" : " rows and columns")
          + " on each side of the image";
    }
    int top = Integer.parseInt(pads[0]);
    int left = Integer.parseInt(pads[pads.length - 1]);
    return top + (top == 1 ? " zero row" : " zero rows") + " above and " + left
        + (left == 1 ? " column" : " columns") + " left of the image";
  }

  /** The activation predictions apply after a last layer's own, under {@code loss}. */
  private static Activation predicted(Activation activation, String loss) {
    if (activation != Activation.LINEAR) {
      return activation;
    }
    return "SOFTMAX_CROSS_ENTROPY".equals(loss) ? Activation.SOFTMAX
        : "BINARY_CROSS_ENTROPY".equals(loss) ? Activation.SIGMOID : activation;
  }

  private static void checkVersion(Path file, Map<String, String> metadata)
      throws ModelFormatException {
    String version = metadata.get(VERSION_KEY);
    if (version == null) {
      return;
    }
    int v;
    try {
      v = Integer.parseInt(version);
    } catch (NumberFormatException e) {
      throw new ModelFormatException(file, null,
          VERSION_KEY + " must be an integer, but was '" + version + "'");
    }
    if (v < 1 || v > FORMAT_VERSION) {
      throw new ModelFormatException(file, null,
          VERSION_KEY + " must be between 1 and " + FORMAT_VERSION + " (the newest this runtime "
              + "reads), but was " + v + (v > FORMAT_VERSION ? "; a newer Ganglion wrote it"
                  : "; no Ganglion writes it: was the metadata edited?"));
    }
  }

  private static void checkNames(Model model, Path file, SafeTensorsReader reader, String writer,
      boolean ignoreUnexpected, UnaryOperator<String> inFile, Map<String, String> layers)
      throws ModelFormatException {
    Set<String> expected = new LinkedHashSet<>();
    for (Parameter p : state(model)) {
      expected.add(inFile.apply(p.name()));
    }
    List<String> missing = new ArrayList<>();
    for (String name : expected) {
      // A file without batch counters (older PyTorch, converters) loads, as in PyTorch.
      if (reader.tensor(name) == null && !name.endsWith(COUNTER)) {
        missing.add(name);
      }
    }
    List<String> unexpected = new ArrayList<>();
    for (TensorInfo t : reader.tensors()) {
      if (!expected.contains(t.name())) {
        unexpected.add(t.name());
      }
    }
    if (missing.isEmpty() && (unexpected.isEmpty() || ignoreUnexpected)) {
      return;
    }
    StringBuilder actual = new StringBuilder();
    if (!missing.isEmpty()) {
      actual.append("it lacks ").append(missing);
    }
    if (!unexpected.isEmpty() && !ignoreUnexpected) {
      // An empty name (safetensors allows one) is shown as '', not as nothing.
      actual.append(actual.length() == 0 ? "it has " : " and has ").append("unexpected ")
          .append(unexpected.stream().map(n -> n.isEmpty() ? "''" : n).toList());
    }
    String tensor = !missing.isEmpty() ? missing.get(0) : unexpected.get(0);
    String hint = "";
    if (layers == null) {
      // Every tensor the file must hold (batch counters may be left out) is missing.
      boolean allMissing = missing.size()
          == expected.stream().filter(n -> !n.endsWith(COUNTER)).count();
      boolean prefixed = !unexpected.isEmpty()
          && unexpected.stream().allMatch(n -> n.startsWith("module."));
      boolean positional = allMissing && !unexpected.isEmpty()
          && unexpected.stream().allMatch(n -> layerOf(prefixed ? n.substring(7) : n)
              .matches("[0-9]+(\\.[0-9]+)*"));
      Set<String> found = new LinkedHashSet<>(unexpected);
      boolean parallel = !missing.isEmpty()
          && missing.stream().allMatch(n -> found.contains("module." + n));
      String affine = affineHint(model, missing, unexpected);
      if (positional && prefixed) {
        hint = "; its names start with 'module.', as a model wrapped in PyTorch's DataParallel"
            + " saves them, and its layers are named by position, as in an nn.Sequential: map"
            + " them with ModelFiles.load(model, file, Map.of(\"<layer>\", \"module.0\", ...))";
      } else if (positional) {
        hint = "; its layers are named by position, as in a PyTorch nn.Sequential: map them with"
            + " ModelFiles.load(model, file, Map.of(\"<layer>\", \"0\", ...))";
      } else if (parallel) {
        hint = "; its names start with 'module.', as a model wrapped in PyTorch's DataParallel"
            + " saves them: save model.module.state_dict() instead, or map the layers with"
            + " ModelFiles.load(model, file, Map.of(\"<layer>\", \"module.<layer>\", ...))";
      } else if (!affine.isEmpty()) {
        hint = affine;
      } else if (missing.isEmpty()
          && reader.metadata().containsKey("ganglion.checkpoint_version")) {
        hint = "; it is a training checkpoint (Trainer.checkpoint), which also holds the"
            + " optimizer's state and the history: continue training with Trainer.resumeFrom,"
            + " or load the weights of its last epoch alone with"
            + " ModelFiles.loadIgnoringUnexpected(model, file)";
      }
    } else {
      Set<String> unmapped = new LinkedHashSet<>();
      Set<String> mapped = new LinkedHashSet<>();
      for (Parameter p : state(model)) {
        if (missing.contains(inFile.apply(p.name()))) {
          String layer = layerOf(p.name());
          (layers.containsKey(layer) ? mapped : unmapped).add(layer);
        }
      }
      hint = (unmapped.isEmpty() ? "" : "; the layers map does not name " + unmapped
          + ", which keep their own names")
          + (mapped.isEmpty() ? "" : "; check the map's entries for " + mapped);
    }
    throw ModelFormatException.ofNames(file, tensor,
        "tensors must be " + model.name() + "'s parameters"
            + (model.buffers().isEmpty() ? "" : " and buffers")
            + (layers == null ? " " : " as the layers map " + layers + " names them ") + expected
            + ", but " + actual + writerNote(model, writer) + hint);
  }

  /**
   * The declaration to change when a batch norm's scale and shift alone differ: missing from the
   * file (it was saved with PyTorch's affine=False) or unexpected in it; else "".
   */
  private static String affineHint(Model model, List<String> missing, List<String> unexpected) {
    List<Layer> layers = model.layers();
    if (layers == null) {
      return "";
    }
    for (Layer layer : layers) {
      if (layer == null || !layer.kind().equals("BatchNorm")) {
        continue;
      }
      List<String> pair = List.of(layer.name() + ".weight", layer.name() + ".bias");
      if (missing.containsAll(pair)) {
        return "; the file's batch norm " + layer.name() + " has no scale and shift (PyTorch's"
            + " affine=False): declare @BatchNorm(affine = false)";
      }
      if (unexpected.containsAll(pair) && layer.parameters().isEmpty()) {
        return "; the file's batch norm " + layer.name() + " learned a scale and shift (PyTorch's"
            + " affine=True): declare @BatchNorm(affine = true), the default";
      }
    }
    return "";
  }

  /**
   * For a weight of another shape, the declaration the file's tensor fits: a dense weight is
   * {@code [units, inputs]} and a convolution's {@code [filters, channels, kernel, kernel]}; one
   * stored in Keras's order is named as such.
   */
  private static String declarationHint(Parameter p, int[] found) {
    String layer = layerOf(p.name());
    int[] own = p.shape();
    if (!p.name().endsWith(".weight") || found.length != own.length) {
      return "";
    }
    if (own.length == 2) {
      if (found[0] == own[1] && found[1] == own[0]) {
        return "; that is this layer's shape transposed: the file stores the weight as [inputs,"
            + " units] (as Keras does), where PyTorch's nn.Linear and Ganglion store [units,"
            + " inputs]; transpose it when writing the file";
      }
      String theirs = "; the file's layer has " + found[0] + " units over " + found[1] + " inputs";
      return found[1] != own[1]
          ? theirs + ", where the layers before " + layer + " give " + own[1] + ": the networks"
              + " differ before " + layer
          : theirs + ": declare " + layer + " with units = " + found[0] + " to match";
    }
    if (own.length == 4 && found[0] == own[2] && found[1] == own[3] && found[2] == own[1]
        && found[3] == own[0]) {
      return "; that is this layer's shape in Keras's order: the file stores the kernel as"
          + " [height, width, channels, filters], where PyTorch's nn.Conv2d and Ganglion store"
          + " [filters, channels, height, width]; permute it (axes 3, 2, 0, 1) when writing the"
          + " file";
    }
    if (own.length == 4 && found[2] == found[3]) {
      String theirs = "; the file's layer has " + found[0] + " filters of " + found[2] + "x"
          + found[3] + " over " + found[1] + " channels";
      return found[1] != own[1]
          ? theirs + ", where the layers before " + layer + " give " + own[1] + ": the networks"
              + " differ before " + layer
          : theirs + ": declare " + layer + " with filters = " + found[0] + ", kernel = "
              + found[2] + " to match";
    }
    return "";
  }

  /** Who wrote the file, for messages: a Ganglion network with its spec, or someone else. */
  private static String writerOf(Map<String, String> metadata) {
    String network = metadata.get(NETWORK_KEY);
    if (network == null) {
      return null;
    }
    String spec = metadata.get(SPEC_KEY);
    return network + (spec == null ? "" : " (" + spec + ")");
  }

  private static String writerNote(Model model, String writer) {
    if (writer == null) {
      return "; the file does not say which network wrote it (it has no Ganglion metadata)";
    }
    String loader = model.name() + " (" + model.spec() + ")";
    if (writer.equals(loader)) {
      return "";
    }
    return "; the file was saved from network " + writer + ", but is being loaded into " + loader;
  }
}
