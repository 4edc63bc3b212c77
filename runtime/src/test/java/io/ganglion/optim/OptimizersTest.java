package io.ganglion.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ganglion.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each optimizer against its update rule written out by hand, in double precision, over four
 * steps of known gradients on a transposed weight and a flat bias.
 */
final class OptimizersTest {
  private static final int STEPS = 4;

  /** One element's update: returns the new value and updates {@code state} in place. */
  private interface Rule {
    double apply(int t, double p, double g, double[] state);
  }

  private static List<Parameter> parameters() {
    Parameter w = Parameter.transposed("w", 3, 2);
    Parameter b = Parameter.flat("b", 3);
    for (int e = 0; e < 6; e++) {
      w.set(e, 0.1f * (e + 1) - 0.3f);
    }
    for (int e = 0; e < 3; e++) {
      b.set(e, 0.05f * e);
    }
    return List.of(w, b);
  }

  /** Gradient of storage element {@code e} at step {@code t}: varied signs and sizes. */
  private static float gradient(int t, int e) {
    return (float) (Math.sin(1 + 3 * t + 7 * e) * (1 + e % 3));
  }

  private static void setGradients(List<Parameter> parameters, int t) {
    int e = 0;
    for (Parameter p : parameters) {
      for (float[] row : p.grad()) {
        for (int j = 0; j < row.length; j++) {
          row[j] = gradient(t, e++);
        }
      }
    }
  }

  private static double[] values(List<Parameter> parameters) {
    double[] out = new double[9];
    int e = 0;
    for (Parameter p : parameters) {
      for (float[] row : p.data()) {
        for (float v : row) {
          out[e++] = v;
        }
      }
    }
    return out;
  }

  private static double[][] check(Optimizer optimizer, int slots, Rule rule) {
    List<Parameter> parameters = parameters();
    double[] expected = values(parameters);
    double[][] state = new double[expected.length][slots];
    for (int t = 1; t <= STEPS; t++) {
      setGradients(parameters, t);
      for (int e = 0; e < expected.length; e++) {
        expected[e] = rule.apply(t, expected[e], gradient(t, e), state[e]);
      }
      optimizer.step(parameters);
      double[] actual = values(parameters);
      for (int e = 0; e < expected.length; e++) {
        assertEquals(expected[e], actual[e], 1e-6 + 1e-5 * Math.abs(expected[e]),
            "element " + e + " after step " + t);
      }
    }
    assertEquals(STEPS, optimizer.steps());
    return state;
  }

  @Test
  void sgd() {
    double lr = 0.1;
    check(Sgd.of(lr), 0, (t, p, g, s) -> p - lr * g);
  }

  @Test
  void sgdWithMomentumDampeningAndWeightDecay() {
    double lr = 0.05;
    double mu = 0.9;
    double damp = 0.3;
    double wd = 0.01;
    check(Sgd.of(lr, mu).dampening(damp).weightDecay(wd), 1, (t, p, g, s) -> {
      double gd = g + wd * p;
      s[0] = t == 1 ? gd : mu * s[0] + (1 - damp) * gd;
      return p - lr * s[0];
    });
  }

  @Test
  void sgdNesterov() {
    double lr = 0.05;
    double mu = 0.8;
    check(Sgd.of(lr, mu).nesterov(true), 1, (t, p, g, s) -> {
      s[0] = t == 1 ? g : mu * s[0] + g;
      return p - lr * (g + mu * s[0]);
    });
  }

  @Test
  void adam() {
    double lr = 0.01;
    double b1 = 0.8;
    double b2 = 0.95;
    double eps = 1e-6;
    double wd = 0.1;
    check(Adam.of(lr).betas(b1, b2).epsilon(eps).weightDecay(wd), 2, (t, p, g, s) -> {
      double gd = g + wd * p;
      s[0] = b1 * s[0] + (1 - b1) * gd;
      s[1] = b2 * s[1] + (1 - b2) * gd * gd;
      double mHat = s[0] / (1 - Math.pow(b1, t));
      double vHat = s[1] / (1 - Math.pow(b2, t));
      return p - lr * mHat / (Math.sqrt(vHat) + eps);
    });
  }

  @Test
  void adamDefaults() {
    double lr = 1e-3;
    check(Adam.of(lr), 2, (t, p, g, s) -> {
      s[0] = 0.9 * s[0] + 0.1 * g;
      s[1] = 0.999 * s[1] + 0.001 * g * g;
      return p - lr * (s[0] / (1 - Math.pow(0.9, t)))
          / (Math.sqrt(s[1] / (1 - Math.pow(0.999, t))) + 1e-8);
    });
  }

  @Test
  void adamWDecouplesWeightDecay() {
    double lr = 0.01;
    double wd = 0.5;
    check(AdamW.of(lr).weightDecay(wd), 2, (t, p, g, s) -> {
      double shrunk = p * (1 - lr * wd);
      s[0] = 0.9 * s[0] + 0.1 * g;
      s[1] = 0.999 * s[1] + 0.001 * g * g;
      return shrunk - lr * (s[0] / (1 - Math.pow(0.9, t)))
          / (Math.sqrt(s[1] / (1 - Math.pow(0.999, t))) + 1e-8);
    });
  }

  @Test
  void rmsProp() {
    double lr = 0.01;
    double alpha = 0.9;
    double wd = 0.05;
    check(RmsProp.of(lr).alpha(alpha).weightDecay(wd), 1, (t, p, g, s) -> {
      double gd = g + wd * p;
      s[0] = alpha * s[0] + (1 - alpha) * gd * gd;
      return p - lr * gd / (Math.sqrt(s[0]) + 1e-8);
    });
  }

  @Test
  void rmsPropCenteredWithMomentum() {
    double lr = 0.01;
    double mu = 0.7;
    check(RmsProp.of(lr).momentum(mu).centered(true), 3, (t, p, g, s) -> {
      s[0] = 0.99 * s[0] + 0.01 * g * g;
      s[2] = 0.99 * s[2] + 0.01 * g;
      double d = Math.sqrt(s[0] - s[2] * s[2]) + 1e-8;
      s[1] = mu * s[1] + g / d;
      return p - lr * s[1];
    });
  }

  @Test
  void adagrad() {
    double lr = 0.1;
    double decay = 0.2;
    double init = 0.1;
    double wd = 0.01;
    check(Adagrad.of(lr).learningRateDecay(decay).initialAccumulator(init).weightDecay(wd), 1,
        (t, p, g, s) -> {
          if (t == 1) {
            s[0] = init;
          }
          double clr = lr / (1 + (t - 1) * decay);
          double gd = g + wd * p;
          s[0] += gd * gd;
          return p - clr * gd / (Math.sqrt(s[0]) + 1e-10);
        });
  }

  @Test
  void clippingKeepsEachOptimizersTypeSoItsSettingsCanFollow() {
    // Each chain clips (value to 2, then norm to 1) and sets an option after the clipping; its
    // steps must equal those of the same optimizer, unclipped, fed the clipped gradients (which
    // vary, since Adam's steps do not change when every gradient is scaled alike).
    List<Optimizer> clipped = List.of(
        Sgd.of(0.1, 0.9).clipValue(2).clipNorm(1).nesterov(true),
        Adam.of(0.01).clipNorm(1).clipValue(2).betas(0.8, 0.99),
        AdamW.of(0.01).clipValue(2).clipNorm(1).weightDecay(0.05),
        RmsProp.of(0.01).clipNorm(1).clipValue(2).centered(true),
        Adagrad.of(0.01).clipValue(2).clipNorm(1).learningRateDecay(0.1));
    List<Optimizer> reference = List.of(
        Sgd.of(0.1, 0.9).nesterov(true),
        Adam.of(0.01).betas(0.8, 0.99),
        AdamW.of(0.01).weightDecay(0.05),
        RmsProp.of(0.01).centered(true),
        Adagrad.of(0.01).learningRateDecay(0.1));
    for (int k = 0; k < clipped.size(); k++) {
      List<Parameter> a = List.of(Parameter.flat("w", 2));
      List<Parameter> b = List.of(Parameter.flat("w", 2));
      float[] given = {10, 3, 0.5f};
      float[] afterClipping = {1, 1, 0.5f}; // to 2 by value, then to a norm of 1
      for (int step = 0; step < given.length; step++) {
        a.get(0).grad()[0][0] = given[step];
        a.get(0).grad()[0][1] = 0;
        b.get(0).grad()[0][0] = afterClipping[step];
        b.get(0).grad()[0][1] = 0;
        clipped.get(k).step(a);
        reference.get(k).step(b);
      }
      assertArrayEquals(b.get(0).toArray(), a.get(0).toArray(), 1e-6f, clipped.get(k).kind());
      assertTrue(a.get(0).get(0) != 0, clipped.get(k).kind());
    }
  }

  @Test
  void clipValueClampsEachGradientBeforeTheUpdate() {
    check(Sgd.of(1).clipValue(0.5), 0, (t, p, g, s) -> p - Math.max(-0.5, Math.min(0.5, g)));
  }

  @Test
  void clipNormScalesAllGradientsToTheMaximumNorm() {
    List<Parameter> parameters = parameters();
    setGradients(parameters, 1);
    double norm = GradientClipping.norm(parameters);
    double[] before = values(parameters);
    Sgd.of(1).clipNorm(norm / 4).step(parameters);
    double[] after = values(parameters);
    double coefficient = (norm / 4) / (norm + 1e-6);
    for (int e = 0; e < before.length; e++) {
      assertEquals(before[e] - coefficient * gradient(1, e), after[e], 1e-6);
    }
    assertEquals(norm / 4, GradientClipping.norm(parameters), 1e-5);
  }

  @Test
  void clipNormLeavesSmallGradientsAlone() {
    List<Parameter> parameters = parameters();
    setGradients(parameters, 2);
    double norm = GradientClipping.clipNorm(parameters, 1e6);
    assertEquals(norm, GradientClipping.norm(parameters), 1e-9);
  }

  @Test
  void stateIsNamedPerParameterAndSlotInLogicalOrder() {
    Adam adam = Adam.of(0.01);
    List<Parameter> parameters = parameters();
    assertEquals(List.of("exp_avg", "exp_avg_sq"), adam.slotNames());
    setGradients(parameters, 1);
    adam.step(parameters);
    OptimizerState state = adam.state();
    assertEquals("Adam", state.optimizer());
    assertEquals(1, state.steps());
    assertEquals(0.01, state.learningRate());
    assertEquals(List.of("w.exp_avg", "w.exp_avg_sq", "b.exp_avg", "b.exp_avg_sq"),
        List.copyOf(state.tensors().keySet()));
    // After one step exp_avg = 0.1 g; w's storage row k holds logical elements (o, k) at [o].
    float[] m = state.tensors().get("w.exp_avg");
    for (int k = 0; k < 2; k++) {
      for (int o = 0; o < 3; o++) {
        assertEquals(0.1f * gradient(1, k * 3 + o), m[o * 2 + k], 1e-7);
      }
    }
  }

  @Test
  void loadedStateContinuesExactlyLikeTheOriginal() {
    List<Parameter> original = parameters();
    RmsProp first = RmsProp.of(0.01).momentum(0.5).centered(true);
    for (int t = 1; t <= 2; t++) {
      setGradients(original, t);
      first.step(original);
    }
    List<Parameter> copy = parameters();
    for (int k = 0; k < 2; k++) {
      copy.get(k).copyFrom(original.get(k).toArray());
    }
    RmsProp second = RmsProp.of(0.5).momentum(0.5).centered(true);
    second.loadState(copy, first.state());
    assertEquals(2, second.steps());
    assertEquals(0.01, second.learningRate());
    for (int t = 3; t <= 4; t++) {
      setGradients(original, t);
      setGradients(copy, t);
      first.step(original);
      second.step(copy);
    }
    for (int k = 0; k < 2; k++) {
      assertArrayEquals(original.get(k).toArray(), copy.get(k).toArray());
    }
  }

  @Test
  void loadStateRejectsAnotherOptimizersState() {
    List<Parameter> parameters = parameters();
    OptimizerState state = Adam.of(0.1).state();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> AdamW.of(0.1).loadState(parameters, state));
    assertEquals("state must come from a AdamW optimizer, but came from Adam", e.getMessage());
    Sgd withMomentum = Sgd.of(0.1, 0.9);
    withMomentum.step(parameters);
    e = assertThrows(IllegalArgumentException.class,
        () -> Sgd.of(0.1).loadState(parameters(), withMomentum.state()));
    assertEquals("state must hold 0 tensors, slots [] of each parameter, but held 2"
        + " [w.momentum_buffer, b.momentum_buffer]; was the optimizer configured the same way?",
        e.getMessage());
  }

  /** The state of an optimizer before its first step restarts one that has stepped. */
  @Test
  void theStateOfAFreshOptimizerLoadsAsAFreshStart() {
    for (Optimizer template : List.<Optimizer>of(Adam.of(0.1), Sgd.of(0.1, 0.9),
        Adagrad.of(0.1).initialAccumulator(0.5), RmsProp.of(0.1).centered(true))) {
      OptimizerState freshState = template.state();
      assertEquals(0, freshState.tensors().size());
      // Unbound: takes the rate and stays at step 0.
      Optimizer unbound = copyOf(template, 0.7);
      unbound.loadState(parameters(), freshState);
      assertEquals(0, unbound.steps());
      assertEquals(0.1, unbound.learningRate());
      // Bound after steps: its slots start over, so its next step is a first step.
      List<Parameter> parameters = parameters();
      Optimizer trained = copyOf(template, 0.7);
      for (int t = 1; t <= 3; t++) {
        setGradients(parameters, t);
        trained.step(parameters);
      }
      List<Parameter> reference = parameters();
      for (int k = 0; k < 2; k++) {
        reference.get(k).copyFrom(parameters.get(k).toArray());
      }
      trained.loadState(parameters, freshState);
      assertEquals(0, trained.steps(), template.kind());
      Optimizer first = copyOf(template, 0.1);
      setGradients(parameters, 4);
      setGradients(reference, 4);
      trained.step(parameters);
      first.step(reference);
      for (int k = 0; k < 2; k++) {
        assertArrayEquals(reference.get(k).toArray(), parameters.get(k).toArray(),
            template.kind());
      }
    }
  }

  private static Optimizer copyOf(Optimizer template, double rate) {
    Optimizer copy = switch (template.kind()) {
      case "Adam" -> Adam.of(rate);
      case "Sgd" -> Sgd.of(rate, 0.9);
      case "Adagrad" -> Adagrad.of(rate).initialAccumulator(0.5);
      default -> RmsProp.of(rate).centered(true);
    };
    return copy;
  }

  @Test
  void aStateWithNonFiniteOrNegativeSquaresIsRefused() {
    List<Parameter> parameters = parameters();
    Adam trained = Adam.of(0.01);
    setGradients(parameters, 1);
    trained.step(parameters);
    OptimizerState good = trained.state();
    Map<String, float[]> negative = new LinkedHashMap<>(good.tensors());
    negative.put("b.exp_avg_sq", new float[] {0, -1e-3f, 0});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Adam.of(0.1).loadState(parameters, new OptimizerState("Adam", 1, 0.1, negative)));
    assertEquals("state tensor 'b.exp_avg_sq' must hold non-negative values (exp_avg_sq is a"
        + " running sum of squares), but value 1 was -0.001", e.getMessage());
    Map<String, float[]> nan = new LinkedHashMap<>(good.tensors());
    nan.put("w.exp_avg", new float[] {0, 0, 0, 0, Float.NaN, 0});
    e = assertThrows(IllegalArgumentException.class,
        () -> Adam.of(0.1).loadState(parameters, new OptimizerState("Adam", 1, 0.1, nan)));
    assertEquals("state tensor 'w.exp_avg' must hold numbers, but value 4 was NaN",
        e.getMessage());
    // An overflowed sum of squares is a state a run can reach and go on from.
    Map<String, float[]> overflowed = new LinkedHashMap<>(good.tensors());
    overflowed.put("b.exp_avg_sq", new float[] {0, Float.POSITIVE_INFINITY, 0});
    Adam.of(0.1).loadState(parameters, new OptimizerState("Adam", 1, 0.1, overflowed));
    e = assertThrows(IllegalArgumentException.class,
        () -> new OptimizerState("Adam", Long.MAX_VALUE, 0.1, good.tensors()));
    assertEquals("steps must be from 0 to 2^53, but was 9223372036854775807", e.getMessage());
  }

  /** A refused state changes nothing: the optimizer stays unbound, or keeps its own state. */
  @Test
  void aRefusedStateLeavesTheOptimizerAsItWas() {
    List<Parameter> parameters = parameters();
    Adam trained = Adam.of(0.01);
    setGradients(parameters, 1);
    trained.step(parameters);
    OptimizerState good = trained.state();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new OptimizerState("Adam", 9, Double.NaN, good.tensors()));
    assertEquals("learning rate must be non-negative and finite, but was NaN", e.getMessage());

    Map<String, float[]> shortMoment = new LinkedHashMap<>(good.tensors());
    shortMoment.put("b.exp_avg_sq", new float[2]);
    OptimizerState bad = new OptimizerState("Adam", 9, 0.5, shortMoment);
    Adam fresh = Adam.of(0.1);
    e = assertThrows(IllegalArgumentException.class, () -> fresh.loadState(parameters, bad));
    assertEquals("state must hold tensor 'b.exp_avg_sq' of 3 values, but it had 2",
        e.getMessage());
    assertEquals(0, fresh.steps());
    assertEquals(0.1, fresh.learningRate());
    List<Parameter> others = parameters();
    fresh.step(others); // still unbound: takes the parameters of its first step
    assertEquals(1, fresh.steps());

    float[] before = trained.state().tensors().get("w.exp_avg");
    e = assertThrows(IllegalArgumentException.class, () -> trained.loadState(parameters, bad));
    assertEquals(1, trained.steps());
    assertEquals(0.01, trained.learningRate());
    assertArrayEquals(before, trained.state().tensors().get("w.exp_avg"));
  }

  @Test
  void anEmptyListOrAParameterTwiceIsRefused() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Adam.of(0.1).step(List.of()));
    assertEquals("parameters must not be empty", e.getMessage());
    Parameter b = Parameter.flat("b", 3);
    e = assertThrows(IllegalArgumentException.class,
        () -> Sgd.of(0.1).step(List.of(b, Parameter.flat("c", 2), b)));
    assertEquals("parameters must not hold a parameter twice, but elements 0 and 2 are both 'b'",
        e.getMessage());
  }

  @Test
  void statesCompareByTheirValues() {
    Adam adam = Adam.of(0.1);
    List<Parameter> ps = parameters();
    adam.step(ps);
    OptimizerState a = adam.state();
    OptimizerState b = adam.state();
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertTrue(a.toString().startsWith("OptimizerState[optimizer=Adam, steps=1,"), a.toString());
    adam.step(ps);
    assertNotEquals(a, adam.state());
    assertEquals(new OptimizerState("Sgd", 0, 0.0, Map.of()),
        new OptimizerState("Sgd", 0, -0.0, Map.of()));
    Map<String, float[]> missing = new java.util.HashMap<>();
    missing.put("w.exp_avg", null);
    assertEquals("tensors must not hold a null name or values, but the values of 'w.exp_avg' were"
        + " null", assertThrows(IllegalArgumentException.class,
            () -> new OptimizerState("Adam", 1, 0.1, missing)).getMessage());
  }

  @Test
  void refusedSettingsAndParametersChangeNothing() {
    Adam adam = Adam.of(0.1);
    String before = adam.settings();
    assertThrows(IllegalArgumentException.class, () -> adam.betas(0.5, 1.0));
    assertEquals(before, adam.settings(), "beta1 is kept when beta2 is refused");
    AdamW adamW = AdamW.of(0.1);
    String beforeW = adamW.settings();
    assertThrows(IllegalArgumentException.class, () -> adamW.betas(0.5, 1.0));
    assertEquals(beforeW, adamW.settings());
    // A list with a null, after the first step: named, not a NullPointerException.
    Sgd sgd = Sgd.of(0.1);
    List<Parameter> first = parameters();
    sgd.step(first);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> sgd.step(java.util.Arrays.asList(first.get(0), null)));
    assertEquals("parameters must be the ones of the first step [w, b], but were [w, null];"
        + " create one optimizer per model", e.getMessage());
  }

  @Test
  void anOptimizerStaysWithItsFirstParameters() {
    Sgd sgd = Sgd.of(0.1, 0.9);
    sgd.step(parameters());
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> sgd.step(parameters()));
    assertEquals("parameters must be the ones of the first step [w, b], but were other"
        + " parameters of the same names (another model's); create one optimizer per model",
        e.getMessage());
  }

  @Test
  void aListChangedAfterTheFirstStepIsStillChecked() {
    List<Parameter> first = parameters();
    List<Parameter> list = new ArrayList<>(first);
    Sgd sgd = Sgd.of(0.1);
    sgd.step(list);
    sgd.step(list);
    list.set(1, Parameter.flat("c", 3));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> sgd.step(list));
    assertEquals("parameters must be the ones of the first step [w, b], but were [w, c];"
        + " create one optimizer per model", e.getMessage());
    sgd.step(first);
  }

  @Test
  void aNullParameterIsNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Sgd.of(0.1).step(Arrays.asList(Parameter.flat("b", 3), null)));
    assertEquals("parameters must not hold null, but element 1 of 2 was", e.getMessage());
  }

  @Test
  void settingsAreChecked() {
    assertEquals("learning rate must be non-negative and finite, but was -1.0",
        assertThrows(IllegalArgumentException.class, () -> Sgd.of(-1)).getMessage());
    assertEquals("momentum must be in [0, 1), but was 1.0",
        assertThrows(IllegalArgumentException.class, () -> Sgd.of(0.1, 1)).getMessage());
    assertEquals("Nesterov momentum must have a non-zero momentum and zero dampening, but"
            + " momentum was 0.0 and dampening 0.0",
        assertThrows(IllegalArgumentException.class, () -> Sgd.of(0.1).nesterov(true))
            .getMessage());
    RmsProp started = RmsProp.of(0.1);
    started.step(parameters());
    assertEquals("momentum must be set before the first step, but the optimizer has already"
            + " stepped",
        assertThrows(IllegalStateException.class, () -> started.momentum(0.5)).getMessage());
  }
}
