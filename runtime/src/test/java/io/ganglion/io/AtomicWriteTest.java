package io.ganglion.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A save that dies midway leaves the old file intact and no temporary file behind. */
class AtomicWriteTest {
  @TempDir Path dir;

  @Test
  void nullArgumentsOfThePublicChecksAreNamed() {
    Path p = Path.of("x.safetensors");
    assertEquals("paths must not be null, but a was", assertThrows(
        IllegalArgumentException.class, () -> AtomicFiles.sameTarget(null, p)).getMessage());
    assertEquals("paths must not be null, but b was", assertThrows(
        IllegalArgumentException.class, () -> AtomicFiles.sameTarget(p, null)).getMessage());
    assertEquals("name, values and dtype must not be null, but name was",
        assertThrows(IllegalArgumentException.class,
            () -> ModelFiles.checkStorable(null, new float[1], DType.F32)).getMessage());
    assertEquals("name, values and dtype must not be null, but values was",
        assertThrows(IllegalArgumentException.class,
            () -> ModelFiles.checkFinite(p, "w", DType.F16, null)).getMessage());
  }

  @Test
  void aWriteThatFailsAtAnyByteLeavesTheOldFile() throws IOException {
    Path file = dir.resolve("net.safetensors");
    TwoLayerNet.small().filled(1).save(file);
    byte[] old = Files.readAllBytes(file);
    SafeTensors next = ModelFiles.toSafeTensors(TwoLayerNet.small().filled(2), DType.F32);
    long size = old.length;
    for (long failAfter = 0; failAfter < size; failAfter += 7) {
      long limit = failAfter;
      IOException e = assertThrows(IOException.class,
          () -> next.write(file, out -> new FailingStream(out, limit, false)));
      // Named with the file: a full disk's own message says only "No space left on device".
      assertEquals(file + ": could not be saved: disk full after " + limit + " bytes",
          e.getMessage());
      assertArrayEquals(old, Files.readAllBytes(file), "after failing at byte " + limit);
      assertEquals(List.of(file), listing());
    }
    // A crash that is not an IOException (here an Error) is no different.
    Error thrown = assertThrows(Error.class,
        () -> next.write(file, out -> new FailingStream(out, 100, true)));
    assertEquals("simulated crash after 100 bytes", thrown.getMessage());
    assertArrayEquals(old, Files.readAllBytes(file));
    assertEquals(List.of(file), listing());

    next.write(file);
    TwoLayerNet loaded = TwoLayerNet.small();
    loaded.load(file);
    assertArrayEquals(TwoLayerNet.small().filled(2).snapshot(), loaded.snapshot());
    assertEquals(List.of(file), listing());
  }

  @Test
  void sameTargetFollowsLinksToFilesAndDirectoriesThatDoNotExistYet() throws IOException {
    Path model = dir.resolve("model.safetensors");
    assertTrue(AtomicFiles.sameTarget(model, dir.resolve("sub/../model.safetensors")));
    assertFalse(AtomicFiles.sameTarget(model, dir.resolve("report.html")));
    Path sub = Files.createDirectory(dir.resolve("sub"));
    try {
      Files.createSymbolicLink(dir.resolve("report.html"), model.getFileName());
      Files.createSymbolicLink(dir.resolve("linked"), sub);
    } catch (UnsupportedOperationException e) {
      return; // no links on this file system
    }
    assertTrue(AtomicFiles.sameTarget(model, dir.resolve("report.html")));
    assertTrue(AtomicFiles.sameTarget(sub.resolve("x"), dir.resolve("linked/x")));
    assertFalse(AtomicFiles.sameTarget(sub.resolve("x"), dir.resolve("linked/y")));
  }

  @Test
  void textIsWrittenAtomicallyToo() throws IOException {
    Path file = dir.resolve("report.html");
    AtomicFiles.writeString(file, "<p>old \u00e9</p>");
    // A failing write leaves the old text, and no temporary file.
    IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(file,
        out -> out.write(new byte[100]), out -> new FailingStream(out, 10, false)));
    assertEquals(file + ": could not be saved: disk full after 10 bytes", e.getMessage());
    assertEquals("<p>old \u00e9</p>", Files.readString(file));
    assertEquals(List.of(file), listing());
    AtomicFiles.writeString(file, "<p>new</p>");
    assertEquals("<p>new</p>", Files.readString(file));
    assertThrows(IOException.class,
        () -> AtomicFiles.writeString(dir, "a directory is no file to save to"));
  }

  @Test
  void hardLinksAreNotTheSameTargetForASaveRenamesOverOne() throws IOException {
    Path file = dir.resolve("run.ckpt");
    Files.writeString(file, "x");
    Path link = Files.createLink(dir.resolve("other-name.ckpt"), file);
    assertFalse(AtomicFiles.sameTarget(file, link));
    AtomicFiles.writeString(file, "new");
    assertEquals("x", Files.readString(link), "the save replaced run.ckpt, not the linked file");
    assertTrue(AtomicFiles.sameTarget(file, dir.resolve("./run.ckpt")));
  }

  @Test
  void anEmptyPathIsNoFileToSaveTo() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TwoLayerNet.small().save(Path.of("")));
    assertEquals("file must be a file name, but was empty", e.getMessage());
  }

  @Test
  void aSaveKeepsThePermissionsOfTheFileItReplaces() throws IOException {
    Path file = dir.resolve("private.safetensors");
    TwoLayerNet.small().filled(1).save(file);
    Assumptions.assumeTrue(
        Files.getFileStore(file).supportsFileAttributeView(PosixFileAttributeView.class));
    Set<PosixFilePermission> owner = PosixFilePermissions.fromString("rw-------");
    Files.setPosixFilePermissions(file, owner);
    TwoLayerNet.small().filled(2).save(file);
    assertEquals(owner, Files.getPosixFilePermissions(file));
  }

  @Test
  void aTemporaryFileLeftByAKilledProcessDoesNotDisturbTheNextSave() throws IOException {
    Path file = dir.resolve("net.safetensors");
    Files.write(dir.resolve(".net.safetensors.1234.tmp"), new byte[] {1, 2, 3});
    TwoLayerNet.small().filled(1).save(file);
    TwoLayerNet loaded = TwoLayerNet.small();
    loaded.load(file);
    assertArrayEquals(TwoLayerNet.small().filled(1).snapshot(), loaded.snapshot());
  }

  @Test
  void aSaveThroughASymbolicLinkReplacesItsTargetAndKeepsTheLink() throws IOException {
    Files.createDirectory(dir.resolve("models"));
    Path real = dir.resolve("models").resolve("real.safetensors");
    TwoLayerNet.small().filled(1).save(real);
    Path link = Files.createSymbolicLink(dir.resolve("link.safetensors"),
        Path.of("models", "real.safetensors"));
    Path chain = Files.createSymbolicLink(dir.resolve("chain.safetensors"), link.getFileName());
    TwoLayerNet.small().filled(2).save(chain);
    assertTrue(Files.isSymbolicLink(link));
    assertTrue(Files.isSymbolicLink(chain));
    TwoLayerNet loaded = TwoLayerNet.small();
    loaded.load(real);
    assertArrayEquals(TwoLayerNet.small().filled(2).snapshot(), loaded.snapshot());

    Path loop = dir.resolve("loop");
    Files.createSymbolicLink(loop, loop.getFileName());
    IOException e = assertThrows(IOException.class, () -> TwoLayerNet.small().save(loop));
    assertEquals(loop + ": must be a file or a link to one, but its symbolic links form a loop",
        e.getMessage());
  }

  @Test
  void aMissingFileOrADirectoryIsNamed() throws IOException {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TwoLayerNet.small().save(null));
    assertEquals("file must not be null", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> TwoLayerNet.small().load(null));
    assertEquals("file must not be null", e.getMessage());
    IOException io = assertThrows(IOException.class, () -> TwoLayerNet.small().load(dir));
    assertEquals(dir + ": must be a safetensors file, but is a directory", io.getMessage());
    io = assertThrows(IOException.class, () -> TwoLayerNet.small().save(dir));
    assertEquals(dir + ": must be a file to save to, but is a directory", io.getMessage());
    Path nowhere = dir.resolve("missing").resolve("net.safetensors");
    io = assertThrows(IOException.class, () -> TwoLayerNet.small().save(nowhere));
    assertEquals(nowhere + ": could not be saved: its directory " + nowhere.getParent()
        + " does not exist", io.getMessage());
  }

  @Test
  void aFileInPlaceOfTheDirectoryIsNamedAsSuch() throws IOException {
    Path notDirectory = Files.writeString(dir.resolve("notes.txt"), "not a directory");
    Path file = notDirectory.resolve("net.safetensors");
    IOException e = assertThrows(IOException.class, () -> TwoLayerNet.small().save(file));
    assertEquals(file + ": could not be saved: its parent " + notDirectory
        + " is not a directory", e.getMessage());
    e = assertThrows(IOException.class, () -> ModelFiles.checkSavable(file));
    assertEquals(file + ": could not be saved: its parent " + notDirectory
        + " is not a directory", e.getMessage());
  }

  /** A rename would replace a pipe or a device by a regular file; the save refuses instead. */
  @Test
  void aSpecialFileIsNotReplaced() throws Exception {
    Path pipe = dir.resolve("pipe");
    Process mkfifo;
    try {
      mkfifo = new ProcessBuilder("mkfifo", pipe.toString()).start();
    } catch (IOException e) {
      Assumptions.abort("no mkfifo here");
      return;
    }
    Assumptions.assumeTrue(mkfifo.waitFor() == 0 && Files.exists(pipe), "mkfifo failed");
    IOException e = assertThrows(IOException.class, () -> TwoLayerNet.small().save(pipe));
    assertEquals(pipe + ": must be a regular file to save to, but is a special file (a device,"
        + " pipe or socket)", e.getMessage());
    assertTrue(Files.exists(pipe) && !Files.isRegularFile(pipe), "the pipe is still a pipe");
    assertEquals(List.of(pipe), listing());
  }

  private List<Path> listing() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.collect(Collectors.toList());
    }
  }

  /** Passes bytes through until {@code limit}, then fails as a full disk or a crash would. */
  private static final class FailingStream extends FilterOutputStream {
    private final long limit;
    private final boolean asError;
    private long written;

    FailingStream(OutputStream out, long limit, boolean asError) {
      super(out);
      this.limit = limit;
      this.asError = asError;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      int allowed = (int) Math.min(len, limit - written);
      out.write(b, off, allowed);
      written += allowed;
      if (allowed < len) {
        if (asError) {
          throw new Error("simulated crash after " + limit + " bytes");
        }
        throw new IOException("disk full after " + limit + " bytes");
      }
    }
  }
}
