package io.ganglion.data;

import io.ganglion.internal.Checks;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files, the format of MNIST and Fashion-MNIST, plain or gzipped (detected from the
 * first bytes). A file starts with {@code 0x00 0x00}, a type byte ({@code 0x08} unsigned byte,
 * {@code 0x09} signed byte, {@code 0x0B} short, {@code 0x0C} int, {@code 0x0D} float, {@code 0x0E}
 * double), the number of dimensions, then each dimension as a big-endian int, then the values in
 * row-major order. A record is one index of the first dimension (one image, one label).
 */
public final class Idx {
  private Idx() {}

  /**
   * The contents of an IDX file: its shape, its type byte and its values as floats. The shape is
   * copied; the values (often tens of megabytes) are shared, not copied. Equal tensors have equal
   * shapes, types and values.
   */
  public record Tensor(int[] shape, int type, float[] values) {
    /**
     * Checks that {@code type} is an IDX type byte and that {@code shape} has a first dimension
     * and describes {@code values}.
     */
    public Tensor {
      if (shape == null || values == null) {
        throw new IllegalArgumentException("shape and values must not be null");
      }
      if (type != 0x08 && type != 0x09 && type != 0x0B && type != 0x0C && type != 0x0D
          && type != 0x0E) {
        throw new IllegalArgumentException("type must be an IDX type byte (0x08, 0x09, 0x0B,"
            + " 0x0C, 0x0D or 0x0E), but was 0x" + Integer.toHexString(type));
      }
      shape = shape.clone();
      if (shape.length == 0) {
        throw new IllegalArgumentException(
            "shape must have a first dimension (the records), but had none");
      }
      long count = 1;
      for (int d : shape) {
        if (d < 0) {
          throw new IllegalArgumentException(
              "shape must not have a negative dimension, but was " + Arrays.toString(shape));
        }
        count = Math.min(count * d, Integer.MAX_VALUE + 1L);
      }
      if (count != values.length) {
        throw new IllegalArgumentException("values must number " + count + " for shape "
            + Arrays.toString(shape) + ", but were " + values.length);
      }
    }

    /** The shape (a copy). */
    @Override
    public int[] shape() {
      return shape.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Tensor && type == ((Tensor) o).type
          && Arrays.equals(shape, ((Tensor) o).shape) && Arrays.equals(values, ((Tensor) o).values);
    }

    @Override
    public int hashCode() {
      return 31 * (31 * Arrays.hashCode(shape) + type) + Arrays.hashCode(values);
    }

    /** The shape and type (not the values). */
    @Override
    public String toString() {
      return "Idx.Tensor[shape=" + Arrays.toString(shape) + ", type=0x"
          + Integer.toHexString(type) + "]";
    }

    /** Number of records: the first dimension. */
    public int records() {
      return shape[0];
    }

    /** Values per record: the product of the other dimensions. */
    public int recordSize() {
      int size = 1;
      for (int i = 1; i < shape.length; i++) {
        size *= shape[i];
      }
      return size;
    }
  }

  /** Reads an IDX file. */
  public static Tensor read(Path file) throws IOException {
    try (InputStream in = open(file)) {
      return read(in, file, contentSize(file));
    } catch (EOFException | ZipException e) {
      // Thrown by the gzip stream only: read(in, file) reports a short plain file itself.
      // The gzip stream's EOFException has no message: say what it means instead of "null".
      String detail = e.getMessage() != null ? e.getMessage()
          : e instanceof EOFException ? "it ends before the end of the compressed data" : null;
      throw new IOException(file + ": must be a whole gzip stream, but its compressed data is"
          + " damaged or cut short" + (detail != null ? " (" + detail + ")" : ""), e);
    }
  }

  /**
   * How many bytes the file's content probably holds: its size, or for a gzip file the size its
   * trailer records (modulo 2^32 and writable by anyone, so only a hint, bounded by what deflate
   * can expand the file's bytes to).
   */
  private static long contentSize(Path file) throws IOException {
    long size = Files.size(file);
    try (SeekableByteChannel channel = Files.newByteChannel(file)) {
      ByteBuffer head = ByteBuffer.allocate(2);
      channel.read(head);
      if (size < 18 || (head.get(0) & 0xff) != 0x1f || (head.get(1) & 0xff) != 0x8b) {
        return size;
      }
      ByteBuffer trailer = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
      channel.position(size - 4);
      channel.read(trailer);
      return Math.min(trailer.getInt(0) & 0xffffffffL, size * MAX_DEFLATE_RATIO);
    }
  }

  /** Deflate writes at least one byte per 1032 it encodes (RFC 1951: 258 per 2-bit code). */
  private static final long MAX_DEFLATE_RATIO = 1032;

  /**
   * The most values allocated before they are read (256 MB; Fashion-MNIST's training images are
   * 47 million): a larger file's array grows as its data arrives.
   */
  private static final long INITIAL_VALUES = 1 << 26;

  /** Whether values of an IDX type can round when read as floats: int32 and double. */
  private static boolean roundsLabels(int type) {
    return type == 0x0C || type == 0x0E;
  }

  /** Labels are below 2^24, the integers that a float holds exactly. */
  private static final float MAX_LABEL = 1 << 24;

  private static Tensor read(InputStream in, Path file, long contentSize) throws IOException {
    int[] magic = new int[4];
    for (int i = 0; i < 4; i++) {
      magic[i] = in.read();
    }
    if (magic[0] != 0 || magic[1] != 0 || magic[3] < 1 || width(magic[2]) == 0) {
      throw new IOException(file + ": must start with an IDX magic number 00 00 <type>"
          + " <dimensions> with type 08, 09, 0B, 0C, 0D or 0E, but began with " + hex(magic));
    }
    int type = magic[2];
    int[] shape = new int[magic[3]];
    byte[] four = new byte[4];
    for (int i = 0; i < shape.length; i++) {
      if (in.readNBytes(four, 0, 4) < 4) {
        throw new IOException(file + ": is truncated: the header must give " + shape.length
            + " dimensions, but the file ended after " + i);
      }
      shape[i] = int32(four, 0);
      if (shape[i] < 0) {
        throw new IOException(
            file + ": dimension " + i + " must not be negative, but was " + shape[i]);
      }
    }
    int records = shape[0];
    long recordValues = 1;
    for (int i = 1; i < shape.length; i++) {
      recordValues = Math.min(recordValues * shape[i], Integer.MAX_VALUE);
    }
    int w = width(type);
    // Checked apart from the total too: a file of no records still has a record size.
    if (recordValues > Integer.MAX_VALUE - 8
        || (long) records * recordValues > Integer.MAX_VALUE - 8) {
      throw new IOException(file + ": must hold at most " + (Integer.MAX_VALUE - 8)
          + " values, but its shape " + Arrays.toString(shape) + " holds more");
    }
    int perRecord = (int) recordValues;
    int total = records * perRecord;
    // Read in blocks, into an array as large as the file's content can fill: a header can claim
    // any shape, and a short file must fail as truncated, not first allocate what it claims. (A
    // gzip trailer's size is only a hint: the array grows if the data goes on.)
    long fits = Math.max(0, contentSize - 4 - 4L * shape.length) / w;
    // At most INITIAL_VALUES up front whatever the hint says (a gzip file's can be forged within
    // deflate's ratio), so a file claims no more memory than its data fills, plus that much.
    // (A small file's hint is small: the test that forges one sees a few buffers allocated.)
    float[] values = new float[(int) Math.min(total,
        Math.min(INITIAL_VALUES, Math.max(fits, 1 << 16)))];
    byte[] buffer = new byte[w * Math.max(1, Math.min(total, (1 << 16) / w))];
    int done = 0;
    while (done < total) {
      int n = Math.min(total - done, buffer.length / w);
      int got = in.readNBytes(buffer, 0, n * w);
      if (got < n * w) {
        long bytes = (long) done * w + got;
        long recordBytes = (long) perRecord * w;
        throw new IOException(file + ": is truncated: record " + bytes / recordBytes + " of "
            + records + " must have " + recordBytes + " bytes (" + perRecord + " values of type "
            + String.format("%02X", type) + ", shape " + Arrays.toString(shape)
            + "), but the file ended after " + bytes % recordBytes);
      }
      if (done + n > values.length) {
        long grown = Math.max(2L * values.length, done + n);
        if (fits > grown && fits <= 4L * (done + n)) {
          // The hint is within 4x of the data that did arrive: grow to it at once, rather than
          // through copies that each hold two large arrays.
          grown = fits;
        }
        values = Arrays.copyOf(values, (int) Math.min(total, grown));
      }
      decode(buffer, type, values, done, n);
      done += n;
    }
    if (in.read() != -1) {
      throw new IOException(file + ": must end after the " + records
          + " records its header announces " + Arrays.toString(shape)
          + ", but has more bytes");
    }
    return new Tensor(shape, type, values);
  }

  /**
   * Reads an image file and a label file into a data set: each image flattened to one sample,
   * unsigned-byte pixels divided by 255 into [0, 1] (other types as stored), one integer label per
   * image.
   */
  public static Dataset dataset(Path images, Path labels) throws IOException {
    Tensor x = read(images);
    Tensor y = read(labels);
    if (y.shape().length != 1) {
      throw new IOException(labels + ": must be a one-dimensional label file, but had shape "
          + Arrays.toString(y.shape()));
    }
    if (x.records() != y.records()) {
      throw new IOException(labels + ": must hold one label per image of " + images + " ("
          + x.records() + "), but held " + y.records());
    }
    if (x.recordSize() == 0) {
      throw new IOException(images + ": images must have at least one value each, but the shape"
          + " was " + Arrays.toString(x.shape()));
    }
    float[] features = x.values();
    int size = x.recordSize();
    for (int i = 0; i < features.length; i++) {
      if (!Float.isFinite(features[i])) {
        throw new IOException(images + ": value " + i % size + " of record " + i / size
            + " must be finite, but was " + features[i]);
      }
    }
    if (x.type() == 0x08) {
      for (int i = 0; i < features.length; i++) {
        features[i] /= 255f;
      }
    }
    int[] classes = new int[y.records()];
    // int32 and double labels are read again, exactly: a float would round 2^24 + 1 to another
    // class, and 2.0000001 to a class. Other types are exact as floats.
    try (InputStream exact = roundsLabels(y.type()) ? exactValues(labels, y) : null) {
      byte[] b = new byte[width(y.type())];
      for (int i = 0; i < classes.length; i++) {
        double v = exact == null ? y.values()[i] : nextExact(exact, y.type(), b, labels);
        if (!(v >= 0 && v < MAX_LABEL && v == Math.rint(v))) {
          throw new IOException(labels + ": label of record " + i
              + " must be a non-negative integer below " + (int) MAX_LABEL + " (2^24), but was "
              + (Math.abs(v) < 1e18 && v == Math.rint(v) ? String.valueOf((long) v)
                  : String.valueOf(v)));
        }
        classes[i] = (int) v;
      }
    }
    return Dataset.ofLabels(features, size, classes);
  }

  private static InputStream open(Path file) throws IOException {
    if (file == null) {
      throw new IllegalArgumentException("file must not be null");
    }
    Checks.fileToRead(file, "an IDX file");
    BufferedInputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    in.mark(2);
    int b0 = in.read();
    int b1 = in.read();
    in.reset();
    if (b0 == 0x1f && b1 == 0x8b) {
      return new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
    }
    return in;
  }

  private static int width(int type) {
    switch (type) {
      case 0x08:
      case 0x09:
        return 1;
      case 0x0B:
        return 2;
      case 0x0C:
      case 0x0D:
        return 4;
      case 0x0E:
        return 8;
      default:
        return 0;
    }
  }

  private static void decode(byte[] b, int type, float[] out, int offset, int n) {
    for (int i = 0; i < n; i++) {
      int p = i * width(type);
      float v;
      switch (type) {
        case 0x08:
          v = b[p] & 0xff;
          break;
        case 0x09:
          v = b[p];
          break;
        case 0x0B:
          v = (short) (((b[p] & 0xff) << 8) | (b[p + 1] & 0xff));
          break;
        case 0x0C:
          v = int32(b, p);
          break;
        case 0x0D:
          v = Float.intBitsToFloat(int32(b, p));
          break;
        default:
          v = (float) Double.longBitsToDouble(((long) int32(b, p) << 32)
              | (int32(b, p + 4) & 0xffffffffL));
      }
      out[offset + i] = v;
    }
  }

  /** {@code file} opened at its first value, which {@link #read} has read once already. */
  private static InputStream exactValues(Path file, Tensor y) throws IOException {
    InputStream in = open(file);
    try {
      in.readNBytes(4 + 4 * y.shape().length); // the magic number and the dimensions
      return in;
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  /** The next value of an int32 or double file, as stored. */
  private static double nextExact(InputStream in, int type, byte[] b, Path file)
      throws IOException {
    try {
      if (in.readNBytes(b, 0, b.length) < b.length) {
        throw new EOFException();
      }
    } catch (EOFException | ZipException e) {
      throw new IOException(file + ": changed while it was read (it was whole a moment ago)", e);
    }
    return type == 0x0C ? int32(b, 0)
        : Double.longBitsToDouble(((long) int32(b, 0) << 32) | (int32(b, 4) & 0xffffffffL));
  }

  private static int int32(byte[] b, int p) {
    return ((b[p] & 0xff) << 24) | ((b[p + 1] & 0xff) << 16) | ((b[p + 2] & 0xff) << 8)
        | (b[p + 3] & 0xff);
  }

  private static String hex(int[] bytes) {
    StringBuilder s = new StringBuilder();
    for (int b : bytes) {
      s.append(s.length() == 0 ? "" : " ").append(b < 0 ? "EOF" : String.format("%02X", b));
    }
    return s.toString();
  }
}
