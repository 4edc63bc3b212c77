package io.ganglion.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Checks#batch} and {@link Checks#batchInputs}: one quick condition, then a message naming
 * the first problem; the file checks.
 */
class ChecksTest {
  private static final float[] INPUTS = new float[3 * 4]; // 4 samples of 3 values
  private static final int[] LABELS = new int[4];
  private static final float[] TARGETS = new float[2 * 4]; // 4 samples of 2 outputs

  @TempDir Path dir;

  @Test
  void aPathThroughAFileKeepsTheSystemsReason() throws IOException {
    // Neither there nor not there, for want of a directory, not of permission.
    Path file = Files.writeString(dir.resolve("plain.csv"), "a\n1\n");
    java.nio.file.FileSystemException e = assertThrows(java.nio.file.FileSystemException.class,
        () -> Checks.fileToRead(file.resolve("inner.csv"), "a CSV file"));
    org.junit.jupiter.api.Assertions.assertFalse(e instanceof AccessDeniedException, e.toString());
    // JDK 17 gives the system's reason; JDK 25 reports such a path as missing.
    String reason = e.getMessage();
    org.junit.jupiter.api.Assertions.assertTrue(
        reason.equals(file.resolve("inner.csv") + ": Not a directory")
            || reason.equals(file.resolve("inner.csv") + ": must be a CSV file, but does not exist"),
        reason);
  }

  /** Needs a user that permissions bind (not root), on a POSIX file system; skipped otherwise. */
  @Test
  void aFileThisProcessMayNotReadIsNamedAsSuch() throws IOException {
    Path file = Files.writeString(dir.resolve("secret.csv"), "a,b\n1,2\n");
    Path closed = Files.createDirectory(dir.resolve("closed"));
    Path inside = Files.writeString(closed.resolve("inside.csv"), "a\n1\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
    Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("---------"));
    try {
      Assumptions.assumeFalse(Files.isReadable(file), "permissions do not bind this user");
      AccessDeniedException e = assertThrows(AccessDeniedException.class,
          () -> Checks.fileToRead(file, "a CSV file"));
      assertEquals(file + ": must be a CSV file to read, but this process has no permission to"
          + " read it", e.getMessage());
      e = assertThrows(AccessDeniedException.class,
          () -> Checks.fileToRead(inside, "a CSV file"));
      assertEquals(inside + ": must be a CSV file to read, but cannot be looked up: a directory"
          + " on its path denies this process access", e.getMessage());
    } finally {
      Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));
    }
  }

  @Test
  void goodBatchesPass() {
    Checks.batch(INPUTS, 0, 4, 3, LABELS, null, 2, 1);
    Checks.batch(INPUTS, 1, 3, 3, null, TARGETS, 2, 1);
    Checks.batchInputs(INPUTS, 3, 1, 3);
    // Evaluating and predicting take no samples (as Keras's evaluate and predict do); training
    // needs one.
    Checks.batch(INPUTS, 4, 0, 3, LABELS, null, 2, 0);
    Checks.batch(INPUTS, 0, 0, 3, null, new float[0], 2, 0);
    Checks.batchInputs(INPUTS, 4, 0, 3);
    Checks.batchInputs(new float[0], 0, 0, 3);
  }

  @Test
  void evaluationStillNeedsExactlyOneKindOfTruth() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Checks.batch(INPUTS, 0, 0, 3, null, null, 2, 0));
    assertEquals("exactly one of labels and targets must be given, but neither was",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Checks.batch(INPUTS, 0, 0, 3, LABELS, TARGETS, 2, 0));
    assertEquals("exactly one of labels and targets must be given, but both were",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Checks.batch(INPUTS, 0, -1, 3, LABELS, null, 2, 0));
    assertEquals("count must be at least 0, but was -1", e.getMessage());
  }

  @Test
  void inputsToPredictAreNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Checks.batchInputs(null, 0, 1, 3));
    assertEquals("inputs must not be null", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Checks.batchInputs(INPUTS, 0, -1, 3));
    assertEquals("count must be at least 0, but was -1", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Checks.batchInputs(INPUTS, -2, 1, 3));
    assertEquals("offset must not be negative, but was -2", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Checks.batchInputs(INPUTS, 3, 2, 3));
    assertEquals("inputs must hold samples [3, 5) of 3 values, i.e. 15 values, but held 12",
        e.getMessage());
  }

  @Test
  void eachProblemIsNamed() {
    assertRejected("inputs must not be null", null, 0, 1, LABELS, null, true);
    assertRejected("count must be at least 1, but was 0", INPUTS, 0, 0, LABELS, null, true);
    assertRejected("offset must not be negative, but was -1", INPUTS, -1, 2, LABELS, null, true);
    assertRejected("inputs must hold samples [2, 5) of 3 values, i.e. 15 values, but held 12",
        INPUTS, 2, 3, LABELS, null, true);
    assertRejected("exactly one of labels and targets must be given, but neither was",
        INPUTS, 0, 4, null, null, true);
    assertRejected("exactly one of labels and targets must be given, but both were",
        INPUTS, 0, 4, LABELS, TARGETS, true);
    assertRejected("labels must hold samples [1, 4), but held 3",
        INPUTS, 1, 3, new int[3], null, true);
    assertRejected("targets must hold samples [0, 4) of 2 values, i.e. 8 values, but held 7",
        INPUTS, 0, 4, null, new float[7], true);
  }

  @Test
  void anOverflowingEndIsNotMistakenForASmallOne() {
    assertRejected("inputs must hold samples [2147483647, 2147483649) of 3 values, i.e."
        + " 6442450947 values, but held 12", INPUTS, Integer.MAX_VALUE, 2, LABELS, null, true);
  }

  private static void assertRejected(String message, float[] inputs, int offset, int count,
      int[] labels, float[] targets, boolean training) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Checks.batch(inputs, offset, count, 3, labels, targets, 2, training ? 1 : 0));
    assertEquals(message, e.getMessage());
  }
}
