package io.ganglion.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ganglion.data.Dataset;
import io.ganglion.train.Evaluation;
import io.ganglion.train.Trainer;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** The per-class text counts a sample whose outputs are NaN (no class) as a miss of its class. */
class ClassificationTextTest {
  @Test
  void aSampleWithoutAClassCountsAsAMissOfItsLabel() {
    Net_Flowers net = new Net_Flowers(1);
    float[] s0 = {0, 0.1f, 0.2f, 0.3f};
    float[] s1 = {0.4f, 0.5f, 0.6f, 0.7f};
    float[] huge = {3e38f, -3e38f, 3e38f, -3e38f}; // the outputs overflow to NaN
    float[] x = new float[16];
    System.arraycopy(s0, 0, x, 0, 4);
    System.arraycopy(s1, 0, x, 4, 4);
    System.arraycopy(huge, 0, x, 8, 4);
    System.arraycopy(huge, 0, x, 12, 4);
    int c0 = net.classify(s0);
    int c1 = net.classify(s1);
    int unpredicted = 0;
    while (unpredicted == c0 || unpredicted == c1) {
      unpredicted++;
    }
    // Samples 0 and 1 right; sample 2 (no class) a miss of c0; sample 3 the only one of its class.
    int[] labels = {c0, c1, c0, unpredicted};
    Evaluation e = Trainer.of(net).evaluate(Dataset.ofLabels(x, 4, labels));
    String text = ClassificationText.perClassAccuracy(e, List.of("a", "b", "c"));
    int right = c1 == c0 ? 2 : 1;
    String first = String.format(Locale.ROOT, "(?s).*\\n  %s +%.2f%%  \\(%d of %d\\)\\n.*",
        List.of("a", "b", "c").get(c0), 100.0 * right / (right + 1), right, right + 1);
    assertTrue(text.matches(first), text);
    assertTrue(text.matches("(?s).*\\n  " + List.of("a", "b", "c").get(unpredicted)
        + " +0\\.00%  \\(0 of 1\\)\\n.*"), text);
  }
}
