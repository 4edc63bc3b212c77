package io.ganglion.optim;

import io.ganglion.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Updates a model's parameters in place from their gradients, as the PyTorch optimizer of the same
 * name does. The first {@link #step} binds the optimizer to a parameter list and allocates its
 * state (moments, buffers), laid out like {@link Parameter#data()}; later steps allocate nothing.
 *
 * <p>Gradient clipping, when set, runs at the start of every step: first by value ({@link
 * #clipValue}), then by the global L2 norm over all parameters ({@link #clipNorm}), as PyTorch's
 * {@code clip_grad_value_} and {@code clip_grad_norm_}. Clipping rewrites the gradients.
 *
 * <p>The state a checkpoint needs is {@link #state()}: the step count, the learning rate and one
 * tensor per parameter and state slot, named {@code <parameter>.<slot>} with PyTorch's slot names
 * ({@code exp_avg}, {@code exp_avg_sq}, {@code momentum_buffer}, ...). {@link #loadState} restores
 * it.
 *
 * <p>An optimizer is bound to the parameters of its first step and keeps their state: one per
 * model, used from one thread at a time ({@code ParallelGradients} runs its shared steps).
 */
public abstract sealed class Optimizer permits Adagrad, Adam, AdamW, RmsProp, Sgd {
  private final String kind;
  private double learningRate;
  private double clipNorm;
  private double clipValue;
  private long steps;
  private Parameter[] bound;
  /** The list of the first step, if immutable: the same list again needs no check. */
  private List<Parameter> boundList;
  /** Index of the first storage row of each bound parameter, counting rows across parameters. */
  private int[] rowStart;
  /** The bound parameters' storage rows, taken once (the arrays never change). */
  private float[][][] boundData;
  private float[][][] boundGrad;
  private int rowCount;
  private List<String> slotNames = List.of();
  /** State as {@code [slot][parameter][row][element]}, rows shaped like the parameter's data. */
  private float[][][][] slots = new float[0][][][];

  Optimizer(String kind, double learningRate) {
    this.kind = kind;
    this.learningRate = checkLearningRate(learningRate);
  }

  /**
   * Applies one update to {@code parameters} from their current gradients. The list must hold the
   * same parameters, in the same order, at every step.
   */
  public final void step(List<Parameter> parameters) {
    beginSharedStep(parameters);
    updateRows(0, rowCount);
  }

  /**
   * The first part of a step whose updates several threads share (as {@code
   * io.ganglion.train.ParallelGradients} does): binds the parameters, clips their gradients and
   * advances the step count. Then {@link #updateRows} must cover every row exactly once before
   * the next step. Together they equal {@link #step}.
   */
  public final void beginSharedStep(List<Parameter> parameters) {
    bind(parameters);
    if (clipValue > 0) {
      GradientClipping.clipValue(parameters, clipValue);
    }
    if (clipNorm > 0) {
      GradientClipping.clipNorm(parameters, clipNorm);
    }
    steps++;
    beginStep(steps);
  }

  /**
   * Updates storage rows {@code [from, to)} of the parameters of the current step, counting rows
   * parameter by parameter ({@code data().length} rows each), in order. Rows are independent, so
   * threads may update disjoint ranges at once.
   */
  public final void updateRows(int from, int to) {
    if (bound == null || from < 0 || to > rowCount || from > to) {
      rejectRows(from, to);
    }
    int k = 0;
    while (k + 1 < bound.length && rowStart[k + 1] <= from) {
      k++;
    }
    for (int row = from; row < to; k++) {
      float[][] data = boundData[k];
      float[][] grad = boundGrad[k];
      int end = Math.min(to - rowStart[k], data.length);
      for (int r = row - rowStart[k]; r < end; r++, row++) {
        update(data[r], grad[r], k, r);
      }
    }
  }

  /** Throws for the rows updateRows was given: before any step, or outside the rows. */
  private void rejectRows(int from, int to) {
    if (bound == null) {
      throw new IllegalStateException("updateRows must follow beginSharedStep, but no step began");
    }
    throw new IllegalArgumentException(
        "rows must be a range within [0, " + rowCount + "), but were [" + from + ", " + to + ")");
  }

  /** The number of storage rows of the bound parameters (after the first step). */
  public final int rowCount() {
    return rowCount;
  }

  /** Prepares the per-step scalars (bias corrections, decayed rates) of step {@code step}. */
  abstract void beginStep(long step);

  /** Updates one storage row {@code w} of parameter {@code k} from its gradient row {@code g}. */
  abstract void update(float[] w, float[] g, int k, int r);

  /** The names of the state slots this optimizer keeps per parameter, as PyTorch names them. */
  abstract List<String> slotNamesForConfiguration();

  /** The subclass's settings, named as in PyTorch, for {@link #settings()}. */
  abstract String ownSettings();

  /**
   * The settings that shape the updates, other than the learning rate (which is state: schedules
   * change it), named as PyTorch's optimizer arguments, such as {@code betas=(0.9, 0.999),
   * eps=1.0E-8, weight_decay=0.0, clip_norm=1.0, clip_value=0.0}. A checkpoint records them, and
   * resuming requires the same.
   */
  public final String settings() {
    return ownSettings() + ", clip_norm=" + number(clipNorm) + ", clip_value=" + number(clipValue);
  }

  /**
   * A setting as {@link #settings()} shows it: exactly (some updates use a setting as a double,
   * such as Adam's bias corrections, so {@code 0.9f} and {@code 0.9} train differently), with
   * {@code -0.0} as {@code 0.0}, which trains the same.
   */
  static String number(double value) {
    return Double.toString(value + 0.0);
  }

  /** The slots that accumulate squares, whose square roots the updates take. */
  private static final Set<String> NON_NEGATIVE_SLOTS =
      Set.of("exp_avg_sq", "max_exp_avg_sq", "sum", "square_avg");

  /** The value a slot starts at; zero unless an optimizer says otherwise. */
  float initialValue(int slot) {
    return 0f;
  }

  /** The live row {@code r} of slot {@code slot} of parameter {@code k}. */
  final float[] slot(int slot, int k, int r) {
    return slots[slot][k][r];
  }

  /** Fails if the optimizer has started, for settings that decide the state's shape. */
  final void checkNotStarted(String setting) {
    if (bound != null) {
      throw new IllegalStateException(
          setting + " must be set before the first step, but the optimizer has already stepped");
    }
  }

  /** The kind of optimizer, such as {@code "Adam"}, as recorded in {@link #state()}. */
  public final String kind() {
    return kind;
  }

  /** The learning rate the next step uses. */
  public final double learningRate() {
    return learningRate;
  }

  /** Sets the learning rate for the following steps (schedules call this). */
  public final void setLearningRate(double learningRate) {
    this.learningRate = checkLearningRate(learningRate);
  }

  /**
   * Scales the gradients at each step so that their global L2 norm is at most {@code maxNorm};
   * {@code 0} (the default) turns it off. Returns this optimizer (each optimizer returns its own
   * type, so that its other settings can follow in the chain).
   */
  public Optimizer clipNorm(double maxNorm) {
    if (!(maxNorm >= 0) || Double.isInfinite(maxNorm)) {
      throw new IllegalArgumentException(
          "clip norm must be zero (off) or positive and finite, but was " + maxNorm);
    }
    this.clipNorm = maxNorm;
    return this;
  }

  /**
   * Clamps every gradient element to {@code [-maxValue, maxValue]} at each step; {@code 0} (the
   * default) turns it off. Returns this optimizer (as its own type, as {@link #clipNorm}).
   */
  public Optimizer clipValue(double maxValue) {
    if (!(maxValue >= 0) || Double.isInfinite(maxValue)) {
      throw new IllegalArgumentException(
          "clip value must be zero (off) or positive and finite, but was " + maxValue);
    }
    this.clipValue = maxValue;
    return this;
  }

  /** The number of steps taken so far (PyTorch's {@code step}). */
  public final long steps() {
    return steps;
  }

  /** The names of the per-parameter state slots, such as {@code [exp_avg, exp_avg_sq]}. */
  public final List<String> slotNames() {
    return bound == null ? slotNamesForConfiguration() : slotNames;
  }

  /**
   * A copy of the optimizer's state: step count, learning rate, and every slot of every parameter
   * in the parameter's logical (PyTorch) order, named {@code <parameter>.<slot>}. Empty tensors
   * before the first step.
   */
  public final OptimizerState state() {
    Map<String, float[]> tensors = new LinkedHashMap<>();
    if (bound != null) {
      for (int k = 0; k < bound.length; k++) {
        for (int s = 0; s < slotNames.size(); s++) {
          float[] logical = new float[bound[k].size()];
          toLogical(bound[k], slots[s][k], logical);
          tensors.put(bound[k].name() + "." + slotNames.get(s), logical);
        }
      }
    }
    return new OptimizerState(kind, steps, learningRate, tensors);
  }

  /**
   * Restores a state taken by {@link #state()} of the same kind of optimizer, binding this
   * optimizer to {@code parameters} (the list later steps must use). The state of an optimizer
   * that has taken no step starts this one over: step 0, slots at their initial values. Slot
   * values must not be NaN, and those of running sums of squares ({@code exp_avg_sq}, {@code
   * sum}, {@code square_avg}) not negative.
   */
  public final void loadState(List<Parameter> parameters, OptimizerState state) {
    if (state == null) {
      throw new IllegalArgumentException("state must not be null");
    }
    if (!state.optimizer().equals(kind)) {
      throw new IllegalArgumentException(
          "state must come from a " + kind + " optimizer, but came from " + state.optimizer());
    }
    double rate = checkLearningRate(state.learningRate());
    // Everything is checked before anything changes: a refused state leaves the optimizer as it
    // was, unbound if it was.
    Parameter[] params;
    List<String> names;
    if (bound != null) {
      bind(parameters);
      params = bound;
      names = slotNames;
    } else {
      params = checkedParameters(parameters);
      names = slotNamesForConfiguration();
    }
    if (state.steps() == 0 && state.tensors().isEmpty()) {
      // The state of an optimizer that has taken no step (state() before the first one): its
      // slots start over at their initial values.
      bind(parameters);
      for (int s = 0; s < slots.length; s++) {
        fillSlot(s);
      }
      this.steps = 0;
      this.learningRate = rate;
      return;
    }
    if (state.tensors().size() != params.length * names.size()) {
      throw new IllegalArgumentException(
          "state must hold " + params.length * names.size() + " tensors, slots " + names
              + " of each parameter, but held " + state.tensors().size() + " "
              + state.tensors().keySet() + "; was the optimizer configured the same way?");
    }
    for (Parameter p : params) {
      for (String slot : names) {
        String name = p.name() + "." + slot;
        float[] logical = state.tensors().get(name);
        if (logical == null || logical.length != p.size()) {
          throw new IllegalArgumentException(
              "state must hold tensor '" + name + "' of " + p.size() + " values, but "
                  + (logical == null ? "had no such tensor" : "it had " + logical.length));
        }
        // Infinity is allowed: a running sum of squares can overflow in a run that goes on (its
        // updates become 0), and a checkpoint of that run must resume.
        boolean nonNegative = NON_NEGATIVE_SLOTS.contains(slot);
        for (int i = 0; i < logical.length; i++) {
          if (Float.isNaN(logical[i]) || (nonNegative && logical[i] < 0)) {
            throw new IllegalArgumentException("state tensor '" + name + "' must hold "
                + (nonNegative ? "non-negative values (" + slot + " is a running sum of squares)"
                    : "numbers") + ", but value " + i + " was " + logical[i]);
          }
        }
      }
    }
    bind(parameters);
    for (int k = 0; k < bound.length; k++) {
      for (int s = 0; s < slotNames.size(); s++) {
        fromLogical(bound[k], state.tensors().get(bound[k].name() + "." + slotNames.get(s)),
            slots[s][k]);
      }
    }
    this.steps = state.steps();
    this.learningRate = rate;
  }

  private void bind(List<Parameter> parameters) {
    if (parameters == null) {
      throw new IllegalArgumentException("parameters must not be null");
    }
    if (parameters != boundList) {
      bindOther(parameters);
    }
  }

  /** Binds the first step's parameters, or checks that a list other than theirs holds them. */
  private void bindOther(List<Parameter> parameters) {
    if (bound != null) {
      if (!sameParameters(parameters)) {
        String first = names(List.of(bound));
        String given = names(parameters);
        throw new IllegalStateException("parameters must be the ones of the first step " + first
            + ", but were " + (given.equals(first)
                ? "other parameters of the same names (another model's)" : given)
            + "; create one optimizer per model");
      }
      return;
    }
    bound = checkedParameters(parameters);
    // copyOf returns an immutable list (a model's parameters()) as it is, and copies any other.
    boundList = List.copyOf(parameters);
    rowStart = new int[bound.length];
    boundData = new float[bound.length][][];
    boundGrad = new float[bound.length][][];
    for (int k = 0; k < bound.length; k++) {
      rowStart[k] = rowCount;
      rowCount += bound[k].data().length;
      boundData[k] = bound[k].data();
      boundGrad[k] = bound[k].grad(); // allocated now if no pass has computed one yet
    }
    slotNames = Collections.unmodifiableList(new ArrayList<>(slotNamesForConfiguration()));
    slots = new float[slotNames.size()][bound.length][][];
    for (int s = 0; s < slots.length; s++) {
      for (int k = 0; k < bound.length; k++) {
        float[][] data = bound[k].data();
        float[][] rows = new float[data.length][];
        for (int r = 0; r < rows.length; r++) {
          rows[r] = new float[data[r].length];
        }
        slots[s][k] = rows;
      }
      fillSlot(s);
    }
  }

  /** Sets every row of slot {@code s} of the bound parameters to the slot's initial value. */
  private void fillSlot(int s) {
    float init = initialValue(s);
    for (float[][] rows : slots[s]) {
      for (float[] row : rows) {
        Arrays.fill(row, init);
      }
    }
  }

  /**
   * The parameters a first step binds: at least one, none null, none twice (PyTorch refuses an
   * empty list and a parameter given twice, which would be updated twice per step).
   */
  private static Parameter[] checkedParameters(List<Parameter> parameters) {
    if (parameters == null) {
      throw new IllegalArgumentException("parameters must not be null");
    }
    Parameter[] given = parameters.toArray(new Parameter[0]);
    if (given.length == 0) {
      throw new IllegalArgumentException("parameters must not be empty");
    }
    Map<Parameter, Integer> seen = new IdentityHashMap<>();
    Map<String, Integer> names = new HashMap<>();
    for (int k = 0; k < given.length; k++) {
      if (given[k] == null) {
        throw new IllegalArgumentException(
            "parameters must not hold null, but element " + k + " of " + given.length + " was");
      }
      Integer first = seen.putIfAbsent(given[k], k);
      if (first != null) {
        throw new IllegalArgumentException("parameters must not hold a parameter twice, but"
            + " elements " + first + " and " + k + " are both '" + given[k].name() + "'");
      }
      // The state (as checkpoints save it) names its tensors by parameter: two of one name
      // would be saved as one.
      first = names.putIfAbsent(given[k].name(), k);
      if (first != null) {
        throw new IllegalArgumentException("parameters must have unique names (the optimizer's"
            + " state names its tensors by them), but elements " + first + " and " + k
            + " are both named '" + given[k].name() + "'");
      }
    }
    return given;
  }

  private boolean sameParameters(List<Parameter> parameters) {
    if (parameters.size() != bound.length) {
      return false;
    }
    for (int k = 0; k < bound.length; k++) {
      if (parameters.get(k) != bound[k]) {
        return false;
      }
    }
    return true;
  }

  private static String names(List<Parameter> parameters) {
    List<String> names = new ArrayList<>();
    for (Parameter p : parameters) {
      names.add(p == null ? "null" : p.name());
    }
    return names.toString();
  }

  /** Copies rows laid out like {@code p.data()} into logical order (as Parameter.copyTo). */
  static void toLogical(Parameter p, float[][] rows, float[] out) {
    if (!p.isTransposed()) {
      System.arraycopy(rows[0], 0, out, 0, p.size());
      return;
    }
    int rest = rows.length;
    for (int k = 0; k < rest; k++) {
      float[] row = rows[k];
      for (int o = 0; o < row.length; o++) {
        out[o * rest + k] = row[o];
      }
    }
  }

  /** The inverse of {@link #toLogical}. */
  static void fromLogical(Parameter p, float[] in, float[][] rows) {
    if (!p.isTransposed()) {
      System.arraycopy(in, 0, rows[0], 0, p.size());
      return;
    }
    int rest = rows.length;
    for (int k = 0; k < rest; k++) {
      float[] row = rows[k];
      for (int o = 0; o < row.length; o++) {
        row[o] = in[o * rest + k];
      }
    }
  }

  static double checkLearningRate(double learningRate) {
    if (!(learningRate >= 0) || Double.isInfinite(learningRate)) {
      throw new IllegalArgumentException(
          "learning rate must be non-negative and finite, but was " + learningRate);
    }
    return learningRate;
  }

  static double checkNonNegative(String name, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(
          name + " must be non-negative and finite, but was " + value);
    }
    return value;
  }

  static double checkUnit(String name, double value) {
    if (!(value >= 0 && value < 1)) {
      throw new IllegalArgumentException(name + " must be in [0, 1), but was " + value);
    }
    return value;
  }

  static double checkPositive(String name, double value) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(name + " must be positive and finite, but was " + value);
    }
    return value;
  }
}
