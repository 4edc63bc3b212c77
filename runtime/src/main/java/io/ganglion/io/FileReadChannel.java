package io.ganglion.io;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A read-only channel over a {@link RandomAccessFile}, whose reads a thread's interrupt does not
 * stop: a {@code FileChannel} closes when its thread is interrupted, so a model could not load on
 * a thread whose interrupt is pending (as a training ended by one leaves it, on purpose). Files
 * of another file system than the default one are read through its own channel.
 */
final class FileReadChannel implements SeekableByteChannel {
  private final RandomAccessFile file;
  private boolean open = true;

  private FileReadChannel(RandomAccessFile file) {
    this.file = file;
  }

  static SeekableByteChannel open(Path path) throws IOException {
    if (path.getFileSystem() != FileSystems.getDefault()) {
      return Files.newByteChannel(path, StandardOpenOption.READ);
    }
    return new FileReadChannel(new RandomAccessFile(path.toFile(), "r"));
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    checkOpen();
    int n;
    if (dst.hasArray()) {
      n = file.read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
      if (n > 0) {
        dst.position(dst.position() + n);
      }
    } else {
      byte[] bytes = new byte[Math.min(dst.remaining(), 1 << 16)];
      n = file.read(bytes);
      if (n > 0) {
        dst.put(bytes, 0, n);
      }
    }
    return n;
  }

  @Override
  public int write(ByteBuffer src) {
    throw new NonWritableChannelException();
  }

  @Override
  public long position() throws IOException {
    checkOpen();
    return file.getFilePointer();
  }

  @Override
  public SeekableByteChannel position(long newPosition) throws IOException {
    checkOpen();
    file.seek(newPosition);
    return this;
  }

  @Override
  public long size() throws IOException {
    checkOpen();
    return file.length();
  }

  @Override
  public SeekableByteChannel truncate(long size) {
    throw new NonWritableChannelException();
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void close() throws IOException {
    open = false;
    file.close();
  }

  private void checkOpen() throws ClosedChannelException {
    if (!open) {
      throw new ClosedChannelException();
    }
  }
}
