package io.ganglion.io;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;

/**
 * Writes a file so that a crash at any moment leaves either the old file or the new one: the
 * bytes go to a temporary file in the same directory, are forced to disk, and the temporary file
 * is renamed over the target in one atomic step. Model files are saved this way; {@link
 * #writeString} writes any text so (a report, say).
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /**
   * Writes {@code text} as UTF-8 to {@code file} atomically: a failure (a full disk, say) leaves
   * the old file as it was, and the message names the file.
   */
  public static void writeString(Path file, CharSequence text) throws IOException {
    if (text == null) {
      throw new IllegalArgumentException("text must not be null");
    }
    write(file, out -> out.write(text.toString().getBytes(StandardCharsets.UTF_8)));
  }

  /** What writes a file's contents. */
  interface Body {
    void writeTo(OutputStream out) throws IOException;
  }

  /** Writes {@code file} atomically with the bytes {@code body} writes. */
  static void write(Path file, Body body) throws IOException {
    write(file, body, UnaryOperator.identity());
  }

  /**
   * Like {@link #write(Path, Body)}; {@code wrap} wraps the stream to the temporary file, which
   * lets tests make the write fail midway.
   */
  static void write(Path file, Body body, UnaryOperator<OutputStream> wrap) throws IOException {
    Path target = checkTarget(file);
    Path dir = target.getParent();
    boolean replacing = Files.exists(target);
    Path temp = createTempFor(file, target);
    boolean done = false;
    try {
      // java.io, not a FileChannel: a channel closes when the thread is interrupted, and a model
      // must save on a thread whose interrupt is pending (as a training ended by one leaves it).
      try (FileOutputStream stream = new FileOutputStream(temp.toFile())) {
        OutputStream out = wrap.apply(stream);
        body.writeTo(out);
        out.flush();
        stream.getFD().sync();
      } catch (IOException e) {
        throw named(file, e); // a full disk says "No space left on device" and nothing more
      }
      if (replacing) {
        keepPermissions(target, temp);
      }
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException(
            file + ": the file system must support atomic renames for a safe save, but "
                + dir + " does not", e);
      } catch (IOException e) {
        throw named(file, e);
      }
      done = true;
      syncDirectory(dir);
    } finally {
      if (!done) {
        Files.deleteIfExists(temp);
      }
    }
  }

  /**
   * Checks that {@code file} can be saved, before anything is written, and returns the file that
   * saving replaces (a symbolic link's target): not a directory or a special file (a device or a
   * pipe, which a rename would replace by a regular file), not a read-only file, in an existing
   * directory.
   */
  static Path checkTarget(Path file) throws IOException {
    if (file == null) {
      throw new IllegalArgumentException("file must not be null");
    }
    if (file.toString().isEmpty()) {
      throw new IllegalArgumentException("file must be a file name, but was empty");
    }
    Path target = followLinks(file);
    if (Files.isDirectory(target)) {
      throw new IOException(file + ": must be a file to save to, but is a directory");
    }
    if (Files.exists(target)) {
      if (!Files.isRegularFile(target)) {
        throw new IOException(file + ": must be a regular file to save to, but is a special"
            + " file (a device, pipe or socket)");
      }
      if (!Files.isWritable(target)) {
        // Renaming over it would work in a writable directory, but a read-only file is a "no".
        throw new AccessDeniedException(file.toString(), null,
            "could not be saved: the file exists and is not writable");
      }
    }
    Path dir = target.getParent();
    if (dir == null || Files.notExists(dir)) {
      throw new IOException(
          file + ": could not be saved: its directory " + dir + " does not exist");
    }
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new IOException(
          file + ": could not be saved: its parent " + dir + " is not a directory");
    }
    // Whether the directory takes a new file is left to creating one: permission checks and
    // mount flags read beforehand are wrong on some systems (ACLs, a writable bind mount under a
    // read-only one).
    return target;
  }

  /**
   * {@code file} as an absolute path, its symbolic links followed: a link stays a link when it is
   * saved to, and the file it points to is the one replaced.
   */
  private static Path followLinks(Path file) throws IOException {
    Path target = file.toAbsolutePath();
    for (int links = 0; Files.isSymbolicLink(target); links++) {
      if (links == 40) {
        throw new IOException(file + ": must be a file or a link to one, but its symbolic links"
            + " form a loop");
      }
      target = target.resolveSibling(Files.readSymbolicLink(target)).toAbsolutePath();
    }
    return target;
  }

  /**
   * Whether saving to {@code a} and saving to {@code b} would write one file: the files their
   * links lead to, in their directories' real paths (a link to the other file, or a path through a
   * linked directory, is the same file though neither exists yet). A path that cannot be followed
   * is compared as far as it was: saving to it reports what is wrong.
   */
  public static boolean sameTarget(Path a, Path b) {
    if (a == null || b == null) {
      throw new IllegalArgumentException("paths must not be null, but " + (a == null ? "a" : "b")
          + " was");
    }
    try {
      // Two existing files: one directory entry, as the file system sees it. The real names carry
      // the case of the names it holds (a case-insensitive one takes Run.ckpt for run.ckpt), and
      // isSameFile on the directories sees one reached two ways (a bind mount). Not isSameFile
      // on the files: two hard links are one file now, but a save renames over one of them.
      if (Files.exists(a) && Files.exists(b)) {
        Path ra = a.toRealPath();
        Path rb = b.toRealPath();
        if (ra.getFileName().equals(rb.getFileName())
            && Files.isSameFile(ra.getParent(), rb.getParent())) {
          return true;
        }
      }
    } catch (IOException e) {
      // Compared by their paths below.
    }
    return written(a).equals(written(b));
  }

  /** The file that saving to {@code file} replaces or creates, as a real path where it can be. */
  private static Path written(Path file) {
    Path target = file.toAbsolutePath();
    try {
      target = followLinks(file);
      Path parent = target.getParent();
      if (parent != null && Files.isDirectory(parent)) {
        target = parent.toRealPath().resolve(target.getFileName());
      }
    } catch (IOException e) {
      // Compared as far as it was followed.
    }
    return target.normalize();
  }

  /**
   * {@link #checkTarget}, then creates and deletes a temporary file where a save would: the
   * question whether the directory takes a new file, asked the only reliable way.
   */
  static void checkSavable(Path file) throws IOException {
    Path target = checkTarget(file);
    Files.delete(createTempFor(file, target));
  }

  /** Creates the temporary file of a save to {@code target}, with errors naming {@code file}. */
  private static Path createTempFor(Path file, Path target) throws IOException {
    Path dir = target.getParent();
    try {
      return createTemp(dir, target.getFileName().toString());
    } catch (NoSuchFileException e) {
      throw new IOException(file + ": could not be saved: " + (Files.isDirectory(dir)
          ? "the file system refused to create a file in " + dir
          : "its directory " + dir + " does not exist"), e);
    } catch (AccessDeniedException e) {
      throw new IOException(file + ": could not be saved: its directory " + dir
          + " is not writable", e);
    } catch (IOException e) {
      throw named(file, e);
    }
  }

  private static Path createTemp(Path dir, String name) throws IOException {
    for (int attempt = 0; ; attempt++) {
      String suffix = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
      Path temp = dir.resolve("." + name + "." + suffix + ".tmp");
      // Not Files.createTempFile: the saved file should get the usual permissions (umask), not
      // the owner-only ones of a temporary file.
      try {
        Files.newByteChannel(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)
            .close();
        return temp;
      } catch (FileAlreadyExistsException e) {
        if (attempt == 10) {
          throw e;
        }
      }
    }
  }

  /**
   * An exception naming the file being saved and the reason, rather than the temporary file the
   * system names ("/dir/.model.safetensors.1f2e.tmp: Read-only file system").
   */
  private static IOException named(Path file, IOException e) {
    String reason = e instanceof FileSystemException
        ? ((FileSystemException) e).getReason() : e.getMessage();
    if (!(e instanceof FileSystemException) && reason != null
        && reason.contains(file.toString())) {
      return e;
    }
    if (reason == null) {
      reason = e.getClass().getSimpleName() + " " + e.getMessage();
    }
    return new IOException(file + ": could not be saved: " + reason, e);
  }

  /**
   * Gives the new file the permissions of the one it replaces (a private 0600 file stays
   * private), where the file system has POSIX permissions; its owner becomes the saving user.
   */
  private static void keepPermissions(Path target, Path temp) {
    try {
      Files.setPosixFilePermissions(temp, Files.getPosixFilePermissions(target));
    } catch (IOException | UnsupportedOperationException e) {
      // Not a POSIX file system, or the old file vanished: the new file keeps the usual ones.
    }
  }

  /** Makes the rename durable; not possible on every platform (Windows), where it is skipped. */
  private static void syncDirectory(Path dir) {
    // The channel would close at a pending interrupt: the flag is taken meanwhile, and set again.
    boolean interrupted = Thread.interrupted();
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // The rename itself happened; only its durability across a power loss is not guaranteed.
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
