package io.ganglion.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ganglion.Model;
import io.ganglion.io.ModelFiles;
import io.ganglion.io.ModelFormatException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Generated networks round-trip through safetensors and refuse files of other networks. */
class SaveLoadTest {
  @TempDir Path dir;

  @Test
  void savedWeightsLoadIntoAFreshNetwork() throws Exception {
    Net_Networks_VectorEdges trained = new Net_Networks_VectorEdges(1);
    Path file = dir.resolve("edges.safetensors");
    trained.save(file);
    Net_Networks_VectorEdges fresh = new Net_Networks_VectorEdges(2);
    float[] x = new float[35];
    for (int i = 0; i < x.length; i++) {
      x[i] = i / 35f;
    }
    fresh.load(file);
    assertArrayEquals(trained.predict(x), fresh.predict(x));
    assertArrayEquals(
        trained.parameter("narrow.weight").toArray(), fresh.parameter("narrow.weight").toArray());
  }

  @Test
  void aFileOfAnotherNetworkIsRefusedAndChangesNothing() throws Exception {
    Path file = dir.resolve("medium.safetensors");
    new Net_Networks_Medium(1).save(file);
    Net_Networks_VectorEdges edges = new Net_Networks_VectorEdges(2);
    float[] before = edges.parameter("wide.weight").toArray();
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> edges.load(file));
    assertTrue(e.getMessage().contains("medium.safetensors"), e.getMessage());
    assertTrue(e.getMessage().contains("Medium"), e.getMessage());
    assertArrayEquals(before, edges.parameter("wide.weight").toArray());
  }

  /** A layer named loss is not taken for the network's loss when a file's activations are checked. */
  @Test
  void aNetworkWithALayerNamedLossLoadsItsOwnFile() throws Exception {
    Path file = dir.resolve("loss.safetensors");
    Net_Networks_LayerNamedLoss saved = new Net_Networks_LayerNamedLoss(1);
    assertTrue(saved.spec().contains(";loss=SOFTMAX_CROSS_ENTROPY;loss=Dense(4->8,RELU);"),
        saved.spec());
    saved.save(file);
    Net_Networks_LayerNamedLoss loaded = new Net_Networks_LayerNamedLoss(2);
    loaded.load(file);
    assertArrayEquals(saved.parameter("out.weight").toArray(),
        loaded.parameter("out.weight").toArray());
    // The same layers under MSE predict raw values where the file's predicted a softmax: refused,
    // saying so (not "must have LINEAR, but declares LINEAR").
    Net_Networks_LayerNamedLossMse mse = new Net_Networks_LayerNamedLossMse(3);
    float[] before = mse.parameter("out.weight").toArray();
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> mse.load(file));
    assertTrue(e.getMessage().endsWith("output layer out must predict as the file's network did,"
        + " SOFTMAX (LINEAR under its SOFTMAX_CROSS_ENTROPY loss), but LayerNamedLossMse predicts"
        + " LINEAR (LINEAR under MSE); the weights would load but compute something else: declare"
        + " loss = SOFTMAX_CROSS_ENTROPY, or to reuse them on purpose, load them with"
        + " ModelFiles.loadIgnoringUnexpected(model, file)"), e.getMessage());
    assertArrayEquals(before, mse.parameter("out.weight").toArray());
  }

  /**
   * A file whose tensors fit but whose network had another activation is refused: the weights
   * would compute something else than what they learned. Loading them on purpose stays possible.
   */
  @Test
  void aFileOfTheSameShapesWithAnotherActivationIsRefused() throws Exception {
    Path file = dir.resolve("derivatives.safetensors");
    Net_Networks_InputDerivatives saved = new Net_Networks_InputDerivatives(1);
    saved.save(file);
    Net_Networks_ChangedActivation changed = new Net_Networks_ChangedActivation(2);
    float[] before = changed.parameter("gelu.weight").toArray();
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> changed.load(file));
    assertTrue(e.getMessage().endsWith("layer gelu must have the activation the file's weights"
        + " were trained with, GELU, but ChangedActivation declares RELU (the file's ganglion.spec"
        + " has gelu=Dense(5->6,GELU)); the weights would load but compute something else:"
        + " declare activation = GELU, or to reuse them in the changed network on purpose, load"
        + " them with ModelFiles.loadIgnoringUnexpected(model, file)"), e.getMessage());
    assertArrayEquals(before, changed.parameter("gelu.weight").toArray());
    ModelFiles.loadIgnoringUnexpected(changed, file);
    assertArrayEquals(saved.parameter("gelu.weight").toArray(),
        changed.parameter("gelu.weight").toArray());
    // A batch norm's spec leaves LINEAR out: a plain norm is LINEAR, and differs from RELU.
    Path plain = dir.resolve("plain.safetensors");
    new Net_Networks_PlainBatchNorm(1).save(plain);
    e = assertThrows(ModelFormatException.class,
        () -> new Net_Networks_BatchNormActivations(2).load(plain));
    assertTrue(e.getMessage().contains("layer norm1 must have the activation the file's weights"
        + " were trained with, LINEAR, but BatchNormActivations declares RELU"), e.getMessage());
    Path relu = dir.resolve("relu.safetensors");
    new Net_Networks_BatchNormActivations(1).save(relu);
    assertThrows(ModelFormatException.class, () -> new Net_Networks_PlainBatchNorm(2).load(relu));
  }

  /**
   * A batch norm without scale and shift saves only its running statistics, as PyTorch's {@code
   * affine=False}; a file of the same network with them is refused, and the other way round,
   * leaving the model as it was.
   */
  @Test
  void aBatchNormWithoutScaleAndShiftSavesAndLoadsItsStatisticsOnly() throws Exception {
    Net_Networks_NonAffineNorms net = new Net_Networks_NonAffineNorms(1);
    float[] x = new float[3 * net.inputSize()];
    for (int k = 0; k < x.length; k++) {
      x[k] = (float) Math.sin(k);
    }
    for (int step = 0; step < 3; step++) { // moves the running statistics
      net.forwardBackward(x, 0, new int[] {0, 1, 2}, null, 3, 1f / 3);
    }
    Path file = dir.resolve("nonaffine.safetensors");
    net.save(file);
    Net_Networks_NonAffineNorms copy = new Net_Networks_NonAffineNorms(2);
    copy.load(file);
    float[] expected = new float[3 * net.outputSize()];
    float[] actual = new float[3 * net.outputSize()];
    net.predictBatch(x, 0, 3, expected);
    copy.predictBatch(x, 0, 3, actual);
    assertArrayEquals(expected, actual);
    assertArrayEquals(buffer(net, "norm2.running_var"), buffer(copy, "norm2.running_var"));

    // The affine network of the same layers: conv, norm1, flat, hidden, norm2, logits.
    Net_Networks_BatchNormActivations affine = new Net_Networks_BatchNormActivations(3);
    float[] before = affine.parameter("conv.weight").toArray();
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> affine.load(file));
    assertTrue(e.getMessage().endsWith("; the file's batch norm norm1 has no scale and shift"
        + " (PyTorch's affine=False): declare @BatchNorm(affine = false)"), e.getMessage());
    assertArrayEquals(before, affine.parameter("conv.weight").toArray());
    Path withScale = dir.resolve("affine.safetensors");
    affine.save(withScale);
    e = assertThrows(ModelFormatException.class, () -> copy.load(withScale));
    assertTrue(e.getMessage().endsWith("; the file's batch norm norm1 learned a scale and shift"
        + " (PyTorch's affine=True): declare @BatchNorm(affine = true), the default"),
        e.getMessage());
    assertArrayEquals(actual, predictions(copy, x, 3));
  }

  private static float[] buffer(Model net, String name) {
    return net.buffers().stream().filter(b -> b.name().equals(name)).findFirst().orElseThrow()
        .toArray();
  }

  private static float[] predictions(Model net, float[] x, int count) {
    float[] out = new float[count * net.outputSize()];
    net.predictBatch(x, 0, count, out);
    return out;
  }

  /**
   * pad = 1 and SAME with stride 2 give an 8x8 image the same 4x4 output and the same tensors,
   * but pad it on other sides: a file of one is refused by the other (and the specs say so).
   */
  @Test
  void aFileOfTheSameShapesWithAnotherPaddingIsRefused() throws Exception {
    Net_Networks_PadOneStrideTwo padded = new Net_Networks_PadOneStrideTwo(1);
    Net_Networks_SameStrideTwo same = new Net_Networks_SameStrideTwo(2);
    assertTrue(padded.spec().contains("conv=Conv2d(1x8x8->2x4x4,k3,s2,pad1,LINEAR)"),
        padded.spec());
    assertTrue(same.spec().contains("conv=Conv2d(1x8x8->2x4x4,k3,s2,LINEAR)"), same.spec());
    Path file = dir.resolve("padded.safetensors");
    padded.save(file);
    float[] before = same.parameter("conv.weight").toArray();
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> same.load(file));
    assertTrue(e.getMessage().endsWith("convolution conv must pad as in the network the file's"
        + " weights come from, 1 zero row above and 1 column left of the image, but"
        + " SameStrideTwo pads no zero row above nor column left of the image (VALID, SAME that"
        + " pads only below and right, or SAME at stride 1) (the same shapes, another"
        + " computation); declare the padding of the network that saved them, or to"
        + " reuse them on purpose, load them with ModelFiles.loadIgnoringUnexpected(model,"
        + " file)"), e.getMessage());
    assertArrayEquals(before, same.parameter("conv.weight").toArray());
    Path other = dir.resolve("same.safetensors");
    same.save(other);
    assertThrows(ModelFormatException.class, () -> padded.load(other));
    ModelFiles.loadIgnoringUnexpected(same, file);
    assertArrayEquals(padded.parameter("conv.weight").toArray(),
        same.parameter("conv.weight").toArray());
  }

  /** The same for pooling: a pad of 1 gives a 7x7 image pooled 2x2 by 4 the same 2x2 output. */
  @Test
  void aFileOfTheSameShapesWithAnotherPoolingPadIsRefused() throws Exception {
    Net_Networks_PoolStrideFour plain = new Net_Networks_PoolStrideFour(1);
    Net_Networks_PoolStrideFourPadded padded = new Net_Networks_PoolStrideFourPadded(2);
    assertTrue(padded.spec().contains("pool=MaxPool2d(1x7x7->1x2x2,k2,s4,pad1)"), padded.spec());
    assertTrue(plain.spec().contains("pool=MaxPool2d(1x7x7->1x2x2,k2,s4)"), plain.spec());
    Path file = dir.resolve("plain.safetensors");
    plain.save(file);
    float[] before = padded.parameter("out.weight").toArray();
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> padded.load(file));
    assertTrue(e.getMessage().endsWith("pooling layer pool must pad as in the network the file's"
        + " weights come from, no row or column beyond the image, but PoolStrideFourPadded pads"
        + " 1 row and column on each side of the image (the same shapes, another computation);"
        + " declare the padding of the network that saved them, or to reuse them on purpose,"
        + " load them with ModelFiles.loadIgnoringUnexpected(model, file)"), e.getMessage());
    assertArrayEquals(before, padded.parameter("out.weight").toArray());
    Path other = dir.resolve("padded.safetensors");
    padded.save(other);
    assertThrows(ModelFormatException.class, () -> plain.load(other));
    ModelFiles.loadIgnoringUnexpected(padded, file);
    assertArrayEquals(plain.parameter("out.weight").toArray(),
        padded.parameter("out.weight").toArray());
    // SAME can give a pad's shapes too (3x3 by 2 of 6x6), padding only after the image.
    Net_Networks_PoolSixPadded sixPadded = new Net_Networks_PoolSixPadded(3);
    Net_Networks_PoolSixSame same = new Net_Networks_PoolSixSame(3);
    assertTrue(same.spec().contains("pool=MaxPool2d(1x6x6->1x3x3,k3,s2,same)"), same.spec());
    Path sixFile = dir.resolve("six.safetensors");
    sixPadded.save(sixFile);
    e = assertThrows(ModelFormatException.class, () -> same.load(sixFile));
    assertTrue(e.getMessage().contains("pooling layer pool must pad as in the network the file's"
        + " weights come from, 1 row and column on each side of the image, but PoolSixSame pads"
        + " as Keras's padding='same' (the padding left out of maxima and averages)"),
        e.getMessage());
    Path sameFile = dir.resolve("same.safetensors");
    same.save(sameFile);
    assertThrows(ModelFormatException.class, () -> sixPadded.load(sameFile));
    // Average pooling of the same shapes: the kind is refused too (pooling has no tensors).
    Net_Networks_AvgPoolStrideFour average = new Net_Networks_AvgPoolStrideFour(4);
    float[] averageBefore = average.parameter("out.weight").toArray();
    e = assertThrows(ModelFormatException.class, () -> average.load(file));
    assertTrue(e.getMessage().endsWith("pooling layer pool must pool as in the network the"
        + " file's weights come from, MaxPool2d(1x7x7->1x2x2,k2,s4), but AvgPoolStrideFour"
        + " declares AvgPool2d(1x7x7->1x2x2,k2,s4) (pooling has no weights to tell); declare"
        + " the pooling of the network that saved them, or to reuse them on purpose, load them"
        + " with ModelFiles.loadIgnoringUnexpected(model, file)"), e.getMessage());
    assertArrayEquals(averageBefore, average.parameter("out.weight").toArray());
    assertThrows(ModelFormatException.class, () -> average.load(other));
  }

  /**
   * SAME that needs no padding (2x2 by 2 on 8x8, Keras's common MaxPooling2D(2, padding='same'))
   * computes as VALID, and files load both ways.
   */
  @Test
  void sameThatPadsNothingLoadsAsValid() throws Exception {
    Net_Networks_SameWithoutPadding same = new Net_Networks_SameWithoutPadding(1);
    Net_Networks_ValidPoolOfEight valid = new Net_Networks_ValidPoolOfEight(2);
    assertEquals(valid.spec(), same.spec());
    Path file = dir.resolve("same.safetensors");
    same.save(file);
    valid.load(file);
    float[] x = new float[64];
    for (int k = 0; k < x.length; k++) {
      x[k] = (float) Math.sin(0.3 * k) - 0.5f;
    }
    float[] a = new float[3];
    float[] b = new float[3];
    same.predict(x, a);
    valid.predict(x, b);
    assertArrayEquals(a, b);
    Path other = dir.resolve("valid.safetensors");
    valid.save(other);
    same.load(other);
  }

  /**
   * A last layer compares as predictions apply it: a softmax output under MSE predicts as a
   * linear one under softmax cross-entropy, so the weights load.
   */
  @Test
  void aSoftmaxOutputLoadsAsTheLogitsOfACrossEntropyNetwork() throws Exception {
    Path file = dir.resolve("softmax.safetensors");
    Net_Networks_MseSoftmaxOutput saved = new Net_Networks_MseSoftmaxOutput(1);
    saved.save(file);
    Net_Networks_LogitsOfMseSoftmaxOutput logits = new Net_Networks_LogitsOfMseSoftmaxOutput(2);
    logits.load(file);
    float[] x = {0.5f, -1f, 2f, 0.25f};
    assertArrayEquals(saved.predict(x), logits.predict(x), 1e-6f);
  }
}
