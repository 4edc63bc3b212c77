package io.ganglion.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ganglion.io.ModelFormatException;
import io.ganglion.io.SafeTensors;
import io.ganglion.io.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScalerTest {
  private static final Dataset TRAIN = Dataset.ofTargets(
      new float[] {1, 200, 3, 400, 5, 900}, 2, new float[] {0, 1, 2}, 1);

  @TempDir Path dir;

  @Test
  void aSavedScalerLoadsAndScalesAsTheFittedOne() throws Exception {
    Scaler fitted = Scaler.standardize(TRAIN);
    Path file = dir.resolve("scaler.safetensors");
    fitted.save(file);
    Scaler loaded = Scaler.load(file);
    assertArrayEquals(fitted.shift(), loaded.shift());
    assertArrayEquals(fitted.divisor(), loaded.divisor());
    assertArrayEquals(fitted.apply(TRAIN).features(), loaded.apply(TRAIN).features());
    Scaler rebuilt = Scaler.of(fitted.shift(), fitted.divisor());
    assertArrayEquals(fitted.apply(TRAIN).features(), rebuilt.apply(TRAIN).features());
  }

  @Test
  void applyKeepsTheLabelsAndTheClassNames() {
    Dataset named = Dataset.ofLabels(new float[] {1, 2, 3, 4, 5, 6}, 2, new int[] {0, 0, 0})
        .withClassNames("no", "yes");
    Dataset scaled = Scaler.standardize(named).apply(named);
    assertEquals(List.of("no", "yes"), scaled.classNames());
    assertEquals(2, scaled.classes());
    assertArrayEquals(named.labels(), scaled.labels());
  }

  @Test
  void applyRowsScalesEverySampleAsTheDatasetIsScaled() {
    Scaler scaler = Scaler.standardize(TRAIN);
    float[] rows = TRAIN.features().clone();
    scaler.applyRows(rows);
    assertArrayEquals(scaler.apply(TRAIN).features(), rows);
    assertEquals("features must hold whole samples of 2 features, but held 3 values",
        assertThrows(IllegalArgumentException.class, () -> scaler.applyRows(new float[3]))
            .getMessage());
    assertEquals("features must hold whole samples of 2 features, but held null",
        assertThrows(IllegalArgumentException.class, () -> scaler.applyRows(null)).getMessage());
    // A sample that cannot be scaled is named, and nothing is scaled.
    Scaler halving = Scaler.of(new float[2], new float[] {0.5f, 1});
    float[] far = {1, 200, 3e38f, 400, 5, 900};
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> halving.applyRows(far));
    assertTrue(e.getMessage().startsWith("feature 0 of sample 1 must scale to a float, but"),
        e.getMessage());
    assertArrayEquals(new float[] {1, 200, 3e38f, 400, 5, 900}, far);
  }

  @Test
  void ofRefusesWhatNoFitGives() {
    assertEquals("shift and divisor must hold one value per feature, at least one, but held 2"
        + " and 1", assertThrows(IllegalArgumentException.class,
            () -> Scaler.of(new float[2], new float[] {1})).getMessage());
    assertEquals("divisor of feature 1 must be positive and finite, but was 0.0",
        assertThrows(IllegalArgumentException.class,
            () -> Scaler.of(new float[2], new float[] {1, 0})).getMessage());
    assertEquals("shift of feature 0 must be finite, but was NaN",
        assertThrows(IllegalArgumentException.class,
            () -> Scaler.of(new float[] {Float.NaN}, new float[] {1})).getMessage());
    assertEquals("divisor must not be null", assertThrows(IllegalArgumentException.class,
        () -> Scaler.of(new float[1], null)).getMessage());
    float[] shift = {1};
    Scaler scaler = Scaler.of(shift, new float[] {2});
    shift[0] = 100;
    assertEquals(1f, scaler.shift()[0], "the scaler keeps its own copy");
  }

  @Test
  void aFileThatIsNotAScalerIsRefusedByName() throws Exception {
    Path model = dir.resolve("model.safetensors");
    SafeTensors.of(Map.of(), List.of(Tensor.of("dense.weight", new int[] {1}, new float[] {1})))
        .write(model);
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> Scaler.load(model));
    assertTrue(e.getMessage().endsWith("a scaler's file must hold tensors [shift, divisor], but"
        + " held [dense.weight] (it is not a file that Scaler.save wrote: is it a model's?)"),
        e.getMessage());
    Path zero = dir.resolve("zero.safetensors");
    SafeTensors.of(Map.of(), List.of(Tensor.of("shift", new int[] {1}, new float[] {0}),
        Tensor.of("divisor", new int[] {1}, new float[] {0}))).write(zero);
    e = assertThrows(ModelFormatException.class, () -> Scaler.load(zero));
    assertTrue(e.getMessage().endsWith("divisor of feature 0 must be positive and finite, but was"
        + " 0.0"), e.getMessage());
  }

  @Test
  void savingOverADirectoryFailsAndLeavesIt() throws Exception {
    Path asDirectory = dir.resolve("a-directory");
    Files.createDirectory(asDirectory);
    Files.writeString(asDirectory.resolve("inside"), "kept");
    Scaler scaler = Scaler.minMax(TRAIN);
    assertThrows(java.io.IOException.class, () -> scaler.save(asDirectory));
    assertEquals("kept", Files.readString(asDirectory.resolve("inside")));
  }
}
