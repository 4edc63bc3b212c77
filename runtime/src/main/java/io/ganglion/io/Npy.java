package io.ganglion.io;

import io.ganglion.Model;
import io.ganglion.Parameter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Exports single tensors as NumPy {@code .npy} files (format version 1.0, little-endian {@code
 * float32}, C order) for inspection in Python with {@code numpy.load}.
 */
public final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
  private static final int CHUNK_BYTES = 1 << 16;

  private Npy() {}

  /** Writes {@code parameter}'s values, in logical (PyTorch) shape and order, atomically. */
  public static void write(Path file, Parameter parameter) throws IOException {
    if (parameter == null) {
      throw new IllegalArgumentException("parameter must not be null");
    }
    write(file, parameter.shape(), parameter.toArray());
  }

  /** Writes {@code tensor}'s values atomically. */
  public static void write(Path file, Tensor tensor) throws IOException {
    if (tensor == null) {
      throw new IllegalArgumentException("tensor must not be null");
    }
    write(file, tensor.shapeNoCopy(), tensor.valuesNoCopy());
  }

  /** Writes {@code values} (row-major) with {@code shape} to {@code file}, atomically. */
  public static void write(Path file, int[] shape, float[] values) throws IOException {
    checkSize(shape, values);
    AtomicFiles.write(file, out -> writeTo(out, shape, values));
  }

  /**
   * Writes every parameter of {@code model} to {@code directory} (created if needed) as {@code
   * <name>.npy}, such as {@code hidden1.weight.npy}.
   */
  public static void writeAll(Model model, Path directory) throws IOException {
    if (model == null || directory == null) {
      throw new IllegalArgumentException("model and directory must not be null");
    }
    if (Files.exists(directory) && !Files.isDirectory(directory)) {
      throw new IOException(directory + ": must be a directory to write the tensors into, but is"
          + " a file");
    }
    Files.createDirectories(directory);
    for (Parameter p : ModelFiles.state(model)) {
      write(directory.resolve(p.name() + ".npy"), p);
    }
  }

  /** Writes {@code values} with {@code shape} to {@code out}, which is flushed but not closed. */
  public static void writeTo(OutputStream out, int[] shape, float[] values) throws IOException {
    if (out == null) {
      throw new IllegalArgumentException("out must not be null");
    }
    checkSize(shape, values);
    StringBuilder dims = new StringBuilder();
    for (int d : shape) {
      dims.append(d).append(shape.length == 1 ? "," : ", ");
    }
    String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': ("
        + (shape.length > 1 ? dims.substring(0, dims.length() - 2) : dims) + "), }";
    // Magic, version, 2-byte length, dictionary, spaces, newline: a multiple of 64 bytes, which
    // lets NumPy map the data aligned.
    int unpadded = MAGIC.length + 2 + dict.length() + 1;
    int total = (unpadded + 63) / 64 * 64;
    StringBuilder header = new StringBuilder(dict);
    while (header.length() < total - MAGIC.length - 2 - 1) {
      header.append(' ');
    }
    header.append('\n');
    byte[] headerBytes = header.toString().getBytes(StandardCharsets.US_ASCII);
    BufferedOutputStream buffered = new BufferedOutputStream(out, CHUNK_BYTES);
    buffered.write(MAGIC);
    buffered.write(headerBytes.length & 0xff);
    buffered.write(headerBytes.length >>> 8);
    buffered.write(headerBytes);
    ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      if (!chunk.hasRemaining()) {
        buffered.write(chunk.array(), 0, chunk.position());
        chunk.clear();
      }
      chunk.putFloat(v);
    }
    buffered.write(chunk.array(), 0, chunk.position());
    buffered.flush();
  }

  private static void checkSize(int[] shape, float[] values) {
    if (shape == null || values == null) {
      throw new IllegalArgumentException("shape and values must not be null");
    }
    // NPY 1.0 keeps the header's length in two bytes; each dimension takes at most 12 characters.
    if (shape.length > 4096) {
      throw new IllegalArgumentException(
          "shape must have at most 4096 dimensions for an NPY 1.0 header, but had " + shape.length);
    }
    long count = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("shape dimensions must not be negative, but was " + d);
      }
      count = Math.min(count * d, Integer.MAX_VALUE + 1L); // a larger count is refused below
    }
    if (count != values.length) {
      throw new IllegalArgumentException("values must number " + count + " for the shape "
          + Arrays.toString(shape) + ", but were " + values.length);
    }
  }
}
