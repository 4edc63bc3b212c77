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
 * digits=4, zero_division=0)} on the same predictions, with {@code labels} the named classes and
 * {@code target_names} their names where the data names them (the expected texts are its output).
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

  /**
   * A sample whose outputs overflow to NaN has no class: a miss in its label's support and
   * recall, in no cell of the matrix. The report is scikit-learn's for a prediction outside
   * {@code labels}, which prints the micro average in place of the accuracy; {@code accuracy()}
   * counts the sample as a miss.
   */
  @Test
  void aSampleWithNaNOutputsCountsAsAMissOfItsLabel() {
    LinearModel model = LinearModel.create(1, 3, Loss.SOFTMAX_CROSS_ENTROPY, 1);
    // x = 0.5: class 0; x = -0.5: class 2; x = 2: 6e38 overflows, so the probabilities are NaN.
    model.parameters().get(0).copyFrom(new float[] {3e38f, 1, 0});
    Dataset data = Dataset.ofLabels(new float[] {0.5f, 2, 0.5f, -0.5f}, 1, new int[] {0, 0, 1, 2})
        .withClassNames("a", "b", "c");
    Evaluation e = Trainer.of(model).evaluate(data);
    assertArrayEquals(new int[][] {{1, 0, 0}, {1, 0, 0}, {0, 0, 1}}, e.confusionMatrix());
    assertArrayEquals(new int[] {2, 1, 1}, e.perClassSupport());
    assertArrayEquals(new double[] {0.5, 0, 1}, e.perClassAccuracy(), 0);
    assertArrayEquals(new double[] {0.5, 0, 1}, e.perClassF1(), 1e-15);
    assertEquals("              precision    recall  f1-score   support\n\n"
        + "           a     0.5000    0.5000    0.5000         2\n"
        + "           b     0.0000    0.0000    0.0000         1\n"
        + "           c     1.0000    1.0000    1.0000         1\n\n"
        + "   micro avg     0.6667    0.5000    0.5714         4\n"
        + "   macro avg     0.5000    0.5000    0.5000         4\n"
        + "weighted avg     0.5000    0.5000    0.5000         4\n", e.report());
    assertEquals(0.5, e.accuracy(), 0);
  }

  /**
   * Averages of 8 rows or more add up in NumPy's pairwise order: a sequential sum gives
   * 0.5874999999999999 for the macro recall here, which rounds to 0.587, where scikit-learn
   * prints 0.588.
   */
  @Test
  void averagesRoundAsNumPySumsThem() {
    int[] y = {1, 1, 0, 6, 2, 7, 5, 2, 6, 2, 2, 3, 0, 2, 1, 2, 0, 6, 0, 0, 4, 6, 6, 5, 3};
    int[] p = {1, 1, 4, 0, 7, 3, 3, 2, 6, 2, 1, 1, 0, 1, 1, 2, 0, 0, 0, 2, 4, 6, 6, 5, 3};
    LinearModel model = LinearModel.create(12, 12, Loss.SOFTMAX_CROSS_ENTROPY, 1);
    float[] identity = new float[12 * 12];
    for (int k = 0; k < 12; k++) {
      identity[k * 12 + k] = 10;
    }
    model.parameters().get(0).copyFrom(identity);
    model.parameters().get(1).copyFrom(new float[12]);
    float[] x = new float[y.length * 12];
    for (int s = 0; s < y.length; s++) {
      x[s * 12 + p[s]] = 1; // predicts p[s]
    }
    assertEquals("              precision    recall  f1-score   support\n\n"
        + "           0      0.600     0.600     0.600         5\n"
        + "           1      0.500     1.000     0.667         3\n"
        + "           2      0.750     0.500     0.600         6\n"
        + "           3      0.333     0.500     0.400         2\n"
        + "           4      0.500     1.000     0.667         1\n"
        + "           5      1.000     0.500     0.667         2\n"
        + "           6      1.000     0.600     0.750         5\n"
        + "           7      0.000     0.000     0.000         1\n\n"
        + "    accuracy                          0.600        25\n"
        + "   macro avg      0.585     0.588     0.544        25\n"
        + "weighted avg      0.687     0.600     0.606        25\n",
        Trainer.of(model).evaluate(Dataset.ofLabels(x, 12, y)).report(3));
    double[] recalls = {0.6, 1, 0.5, 0.5, 1, 0.5, 0.6, 0};
    assertEquals(0.5875, Evaluation.numpySum(recalls, 0, 8) / 8, 0);
  }

  /** Widths count characters as Python does: an emoji outside the BMP is one. */
  @Test
  void namesAreAlignedByCharactersNotUtf16Units() {
    String smiles = "\uD83D\uDE00".repeat(7);
    Dataset data = Dataset.ofLabels(new float[] {2, 0, 2}, 1, new int[] {0, 1, 1})
        .withClassNames(smiles, "b");
    assertEquals("              precision    recall  f1-score   support\n\n"
        + "     " + smiles + "     0.5000    1.0000    0.6667         1\n"
        + "           b     1.0000    0.5000    0.6667         2\n\n"
        + "    accuracy                         0.6667         3\n"
        + "   macro avg     0.7500    0.7500    0.6667         3\n"
        + "weighted avg     0.8333    0.6667    0.6667         3\n",
        Trainer.of(model()).evaluate(data).report());
  }

  @Test
  void moreClassNamesThanTheNetworkHasClassesAreRefused() {
    Dataset data = data().withClassNames("a", "b", "c", "d", "e");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Trainer.of(model()).evaluate(data));
    assertEquals("data must name at most the 4 classes of " + model().name()
        + ", but named 5: [a, b, c, d, e]", e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> Trainer.of(model()).epochs(1).verbose(0).fit(data));
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
