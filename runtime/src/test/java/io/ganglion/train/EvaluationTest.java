package io.ganglion.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ganglion.Loss;
import io.ganglion.data.Dataset;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The classification report against scikit-learn 1.9.1's {@code classification_report(y, p,
 * zero_division=0)} on the same predictions (the expected texts are its output).
 */
final class EvaluationTest {
  /**
   * Labels and inputs whose predictions by {@link #model()} give the confusion matrix {@code [[5,
   * 1, 0, 0], [2, 3, 0, 0], [0, 0, 0, 0], [1, 0, 0, 0]]}: class 2 is neither labelled nor
   * predicted, class 3 labelled once and never predicted.
   */
  private static Dataset data() {
    float[] x = {2, 2, 2, 2, 2, 0, 2, 2, 0, 0, 0, 2};
    int[] y = {0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 3};
    return Dataset.ofLabels(x, 1, y);
  }

  /** Predicts class 0 for x = 2, class 1 for x = 0, class 2 for x = -2, class 3 never. */
  private static LinearModel model() {
    LinearModel model = LinearModel.create(1, 4, Loss.SOFTMAX_CROSS_ENTROPY, 1);
    model.parameters().get(0).copyFrom(new float[] {1, 0, -1, 0});
    model.parameters().get(1).copyFrom(new float[] {0, 0.5f, 0, -100});
    return model;
  }

  @Test
  void reportWithoutNamesListsTheClassesLabelledOrPredictedAsScikitLearn() {
    Evaluation e = Trainer.of(model()).evaluate(data());
    assertArrayEquals(new int[][] {{5, 1, 0, 0}, {2, 3, 0, 0}, {0, 0, 0, 0}, {1, 0, 0, 0}},
        e.confusionMatrix());
    assertArrayEquals(new int[] {6, 5, 0, 1}, e.perClassSupport());
    assertEquals(List.of(), e.classNames());
    assertEquals("              precision    recall  f1-score   support\n\n"
        + "           0     0.6250    0.8333    0.7143         6\n"
        + "           1     0.7500    0.6000    0.6667         5\n"
        + "           3     0.0000    0.0000    0.0000         1\n\n"
        + "    accuracy                         0.6667        12\n"
        + "   macro avg     0.4583    0.4778    0.4603        12\n"
        + "weighted avg     0.6250    0.6667    0.6349        12\n", e.report());
    // Two digits, rounded as Python rounds: 0.625 is 0.62 (Java's %.2f prints 0.63).
    assertEquals("              precision    recall  f1-score   support\n\n"
        + "           0       0.62      0.83      0.71         6\n"
        + "           1       0.75      0.60      0.67         5\n"
        + "           3       0.00      0.00      0.00         1\n\n"
        + "    accuracy                           0.67        12\n"
        + "   macro avg       0.46      0.48      0.46        12\n"
        + "weighted avg       0.62      0.67      0.63        12\n", e.report(2));
  }

  @Test
  void reportWithNamesListsEveryNamedClassAsScikitLearnsLabels() {
    Dataset named = data().withClassNames("cat", "dog", "bird", "a long class name");
    // The names reach the evaluation through a shuffle or a split of the data too.
    Evaluation e = Trainer.of(model()).evaluate(named.shuffled(3));
    List<String> names = List.of("cat", "dog", "bird", "a long class name");
    assertEquals(names, e.classNames());
    assertEquals(names,
        Trainer.of(model()).evaluate(named.split(0.5, 1).validation()).classNames());
    assertEquals("                   precision    recall  f1-score   support\n\n"
        + "              cat     0.6250    0.8333    0.7143         6\n"
        + "              dog     0.7500    0.6000    0.6667         5\n"
        + "             bird     0.0000    0.0000    0.0000         0\n"
        + "a long class name     0.0000    0.0000    0.0000         1\n\n"
        + "         accuracy                         0.6667        12\n"
        + "        macro avg     0.3438    0.3583    0.3452        12\n"
        + "     weighted avg     0.6250    0.6667    0.6349        12\n", e.report());
    String text = e.toString();
    assertTrue(text.startsWith("12 samples - loss: "), text);
    assertTrue(text.contains(e.report()), text);
    assertTrue(text.endsWith("confusion matrix (rows: label, columns: predicted class):\n"
        + "                    0 1 2 3\n"
        + "0 cat               5 1 0 0\n"
        + "1 dog               2 3 0 0\n"
        + "2 bird              0 0 0 0\n"
        + "3 a long class name 1 0 0 0"), text);
  }

  @Test
  void aClassBeyondTheNamesAppearsByIndex() {
    // Labels 0 and 1, named; the model also predicts class 2 (x = -2), which has no name.
    Dataset data = Dataset.ofLabels(new float[] {2, 0, -2}, 1, new int[] {0, 1, 1})
        .withClassNames("cat", "dog");
    assertEquals("              precision    recall  f1-score   support\n\n"
        + "         cat     1.0000    1.0000    1.0000         1\n"
        + "         dog     1.0000    0.5000    0.6667         2\n"
        + "           2     0.0000    0.0000    0.0000         0\n\n"
        + "    accuracy                         0.6667         3\n"
        + "   macro avg     0.6667    0.5000    0.5556         3\n"
        + "weighted avg     1.0000    0.6667    0.7778         3\n",
        Trainer.of(model()).evaluate(data).report());
  }

  @Test
  void reportRefusesValuesAndUnusableDigits() {
    Evaluation classes = Trainer.of(model()).evaluate(data());
    IllegalArgumentException digits =
        assertThrows(IllegalArgumentException.class, () -> classes.report(0));
    assertEquals("digits must be in [1, 12], but was 0", digits.getMessage());
    LinearModel regression = LinearModel.create(1, 1, Loss.MSE, 1);
    Evaluation values = Trainer.of(regression).evaluate(
        Dataset.ofTargets(new float[] {1, 2}, 1, new float[] {1, 2}, 1));
    IllegalStateException noClasses = assertThrows(IllegalStateException.class, values::report);
    assertTrue(noClasses.getMessage().startsWith("classification metrics need classes"),
        noClasses.getMessage());
    assertEquals(List.of(), values.classNames());
  }
}
