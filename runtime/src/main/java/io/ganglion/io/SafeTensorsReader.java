package io.ganglion.io;

import io.ganglion.internal.Checks;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An open safetensors file whose header has been read and checked, so that a caller can inspect
 * names, dtypes and shapes before reading any values. Opening checks the whole layout: the header
 * length is at most {@link SafeTensors#MAX_HEADER_BYTES} and fits in the file, the header is
 * strict JSON with known dtypes, the data offsets of every tensor match its shape and dtype, and
 * the tensors tile the data exactly: in order, without gaps or overlaps, up to the last byte.
 *
 * <p>A reader reads through one file channel: use it from one thread at a time.
 */
public final class SafeTensorsReader implements Closeable {
  private static final int CHUNK_BYTES = 1 << 16;

  private final Path file;
  private final SeekableByteChannel channel;
  private final long dataStart;
  private final Map<String, String> metadata;
  private final List<TensorInfo> tensors;
  private final Map<String, TensorInfo> byName;

  private SafeTensorsReader(
      Path file, SeekableByteChannel channel, long dataStart, Map<String, String> metadata,
      List<TensorInfo> tensors) {
    this.file = file;
    this.channel = channel;
    this.dataStart = dataStart;
    this.metadata = metadata;
    this.tensors = tensors;
    Map<String, TensorInfo> map = new LinkedHashMap<>();
    for (TensorInfo t : tensors) {
      map.put(t.name(), t);
    }
    this.byName = map;
  }

  /** Opens {@code file} and checks its header; throws {@link ModelFormatException} if invalid. */
  public static SafeTensorsReader open(Path file) throws IOException {
    if (file == null) {
      throw new IllegalArgumentException("file must not be null");
    }
    Checks.fileToRead(file, "a safetensors file");
    if (!Files.isRegularFile(file)) {
      // Tensors are read at their offsets: a device or a pipe has none (/dev/zero is 0 bytes).
      throw new ModelFormatException(file, null,
          "must be a safetensors file, but is not a regular file (a device or a pipe)");
    }
    SeekableByteChannel channel = FileReadChannel.open(file);
    try {
      return open(file, channel);
    } catch (IOException | RuntimeException | Error e) {
      try {
        channel.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /**
   * The safetensors dtypes (as of safetensors 0.8) other than {@link DType}'s, with their bits per
   * value: their layout is checked, but their values are not read.
   */
  private static final Map<String, Integer> OTHER_DTYPES = otherDtypes();

  private static Map<String, Integer> otherDtypes() {
    Map<String, Integer> bits = new LinkedHashMap<>();
    bits.put("BOOL", 8);
    bits.put("F4", 4);
    bits.put("F6_E2M3", 6);
    bits.put("F6_E3M2", 6);
    for (String one : List.of("U8", "I8", "F8_E5M2", "F8_E4M3", "F8_E8M0", "F8_E4M3FNUZ",
        "F8_E5M2FNUZ")) {
      bits.put(one, 8);
    }
    bits.put("I16", 16);
    bits.put("U16", 16);
    bits.put("I32", 32);
    bits.put("U32", 32);
    bits.put("C64", 64);
    bits.put("U64", 64);
    return Collections.unmodifiableMap(bits);
  }

  /** The hint for a file whose first 8 bytes are no header length: what the file is instead. */
  private static String whatInstead(ByteBuffer first) {
    int b0 = first.get(0) & 0xff;
    if (b0 == 'P' && first.get(1) == 'K' && first.get(2) == 3 && first.get(3) == 4) {
      return "; it is a zip archive, as torch.save writes (.pt, .pth): save the state_dict with"
          + " safetensors.torch.save_file instead";
    }
    if (b0 == 0x80 && first.get(1) >= 2 && first.get(1) <= 5) {
      return "; it is a Python pickle, as an older torch.save writes: save the state_dict with"
          + " safetensors.torch.save_file instead";
    }
    return NOT_SAFETENSORS;
  }

  /** The hint after a first check that fails: an image or a text file fails it. */
  private static final String NOT_SAFETENSORS = "; is it a safetensors file?";

  /** Reads the header from {@code channel}; {@code file} names it in messages. */
  static SafeTensorsReader open(Path file, SeekableByteChannel channel) throws IOException {
    long fileSize = channel.size();
    if (fileSize < 8) {
      throw new ModelFormatException(file, null,
          "file must start with an 8-byte header length, but was " + fileSize + " bytes long"
              + NOT_SAFETENSORS);
    }
    ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    readFully(file, channel, 0, lengthBytes, null);
    long headerLength = lengthBytes.getLong(0);
    // Checked before anything is allocated: a corrupt length must not cost memory.
    if (headerLength < 0 || headerLength > SafeTensors.MAX_HEADER_BYTES) {
      throw new ModelFormatException(file, null,
          "header length must be at most " + SafeTensors.MAX_HEADER_BYTES + " bytes, but was "
              + Long.toUnsignedString(headerLength) + whatInstead(lengthBytes));
    }
    if (headerLength > fileSize - 8) {
      throw new ModelFormatException(file, null,
          "header length must fit in the file (at most " + (fileSize - 8) + " bytes), but was "
              + headerLength);
    }
    ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
    readFully(file, channel, 8, headerBytes, null);
    headerBytes.flip();
    String header;
    try {
      header = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(headerBytes)
          .toString();
    } catch (CharacterCodingException e) {
      throw new ModelFormatException(file, null,
          "header must be UTF-8, but was not (" + e.getMessage() + ")", e);
    }
    Object root;
    try {
      root = Json.parse(header);
    } catch (Json.SyntaxException e) {
      throw new ModelFormatException(file, null,
          "header must be valid JSON, but was not: " + e.getMessage(), e);
    }
    if (!(root instanceof Map)) {
      throw new ModelFormatException(file, null,
          "header must be a JSON object, but was " + kind(root));
    }
    long dataSize = fileSize - 8 - headerLength;
    Map<String, String> metadata = new LinkedHashMap<>();
    List<TensorInfo> tensors = new ArrayList<>();
    for (Map.Entry<String, Object> e : asMap(root).entrySet()) {
      if (e.getKey().equals(SafeTensors.METADATA_KEY)) {
        readMetadata(file, e.getValue(), metadata);
      } else {
        tensors.add(entry(file, e.getKey(), e.getValue()));
      }
    }
    checkLayout(file, tensors, dataSize);
    return new SafeTensorsReader(file, channel, 8 + headerLength,
        Collections.unmodifiableMap(metadata), Collections.unmodifiableList(tensors));
  }

  private static void readMetadata(Path file, Object value, Map<String, String> metadata)
      throws ModelFormatException {
    if (!(value instanceof Map)) {
      throw new ModelFormatException(file, null,
          SafeTensors.METADATA_KEY + " must be an object of strings, but was " + kind(value));
    }
    for (Map.Entry<String, Object> m : asMap(value).entrySet()) {
      if (!(m.getValue() instanceof String)) {
        throw new ModelFormatException(file, null,
            SafeTensors.METADATA_KEY + " value '" + m.getKey() + "' must be a string, but was "
                + kind(m.getValue()));
      }
      metadata.put(m.getKey(), (String) m.getValue());
    }
  }

  private static TensorInfo entry(Path file, String name, Object value)
      throws ModelFormatException {
    if (!(value instanceof Map)) {
      throw new ModelFormatException(file, name,
          "entry must be an object with dtype, shape and data_offsets, but was " + kind(value));
    }
    Map<String, Object> fields = asMap(value);
    for (String key : fields.keySet()) {
      if (!key.equals("dtype") && !key.equals("shape") && !key.equals("data_offsets")) {
        throw new ModelFormatException(file, name,
            "entry must have only dtype, shape and data_offsets, but also had '" + key + "'");
      }
    }
    Object dtypeName = field(file, name, fields, "dtype");
    DType dtype = dtypeName instanceof String ? DType.byName((String) dtypeName) : null;
    // Other dtypes of the format are laid out (a model's file may hold a mask or an index table
    // beside the weights, which a load ignoring unexpected tensors skips); reading one fails.
    Integer otherBits = dtypeName instanceof String ? OTHER_DTYPES.get(dtypeName) : null;
    if (dtype == null && otherBits == null) {
      List<String> all = new ArrayList<>();
      for (DType d : DType.values()) {
        all.add(d.name());
      }
      all.addAll(OTHER_DTYPES.keySet());
      throw new ModelFormatException(file, name, "dtype must be one of the safetensors dtypes "
          + all + ", but was " + (dtypeName instanceof String ? dtypeName : kind(dtypeName)));
    }
    int bits = dtype != null ? 8 * dtype.byteSize() : otherBits;
    List<Object> shapeList = integers(file, name, fields, "shape", -1);
    int[] shape = new int[shapeList.size()];
    long count = 1;
    for (int i = 0; i < shape.length; i++) {
      long d = (Long) shapeList.get(i);
      if (d > Integer.MAX_VALUE) {
        throw new ModelFormatException(file, name,
            "shape dimensions must be at most " + Integer.MAX_VALUE + ", but was " + shapeList);
      }
      shape[i] = (int) d;
      count *= d; // no overflow: count stays at most 2^31 - 1 and d below 2^31
      if (count > Integer.MAX_VALUE - 8) {
        throw new ModelFormatException(file, name,
            "shape must hold fewer than 2^31 - 8 values (a Java array), but was " + shapeList);
      }
    }
    List<Object> offsets = integers(file, name, fields, "data_offsets", 2);
    long begin = (Long) offsets.get(0);
    long end = (Long) offsets.get(1);
    if (begin > end) {
      throw new ModelFormatException(file, name,
          "data_offsets must not end before they begin, but were " + offsets);
    }
    if (count * bits % 8 != 0) {
      throw new ModelFormatException(file, name, "shape must give whole bytes of " + dtypeName
          + " values (" + bits + " bits each), but " + Arrays.toString(shape) + " holds " + count);
    }
    long bytes = count * bits / 8;
    if (end - begin != bytes) {
      throw new ModelFormatException(file, name,
          "data_offsets must span " + bytes + " bytes (" + count + " " + dtypeName
              + " values of shape " + Arrays.toString(shape) + "), but spanned " + (end - begin)
              + " " + offsets);
    }
    return new TensorInfo(name, dtype, (String) dtypeName, shape, (int) count, begin, end);
  }

  private static Object field(Path file, String name, Map<String, Object> fields, String key)
      throws ModelFormatException {
    Object v = fields.get(key);
    if (v == null) {
      throw new ModelFormatException(file, name, "entry must have " + key + ", but had none");
    }
    return v;
  }

  private static List<Object> integers(
      Path file, String name, Map<String, Object> fields, String key, int length)
      throws ModelFormatException {
    Object v = field(file, name, fields, key);
    String rule = key + " must be " + (length < 0 ? "a list of" : "a list of " + length)
        + " non-negative integers";
    if (!(v instanceof List)) {
      throw new ModelFormatException(file, name, rule + ", but was " + kind(v));
    }
    @SuppressWarnings("unchecked")
    List<Object> list = (List<Object>) v;
    if (length >= 0 && list.size() != length) {
      throw new ModelFormatException(file, name, rule + ", but was " + list);
    }
    for (Object o : list) {
      if (!(o instanceof Long) || (Long) o < 0) {
        throw new ModelFormatException(file, name, rule + ", but was " + list);
      }
    }
    return list;
  }

  /** The tensors must tile the data section exactly, as the safetensors format requires. */
  private static void checkLayout(Path file, List<TensorInfo> tensors, long dataSize)
      throws ModelFormatException {
    List<TensorInfo> sorted = new ArrayList<>(tensors);
    sorted.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
    long expected = 0;
    TensorInfo previous = null;
    for (TensorInfo t : sorted) {
      if (t.end() > dataSize) {
        throw new ModelFormatException(file, t.name(),
            "data_offsets must lie inside the file's " + dataSize + " data bytes, but were ["
                + t.begin() + ", " + t.end() + "]");
      }
      if (t.begin() != expected) {
        String where = previous == null
            ? "at 0, the start of the data"
            : "at " + expected + ", where tensor '" + previous.name() + "' ends";
        throw new ModelFormatException(file, t.name(),
            "data must start " + where + " (no gaps or overlaps), but started at " + t.begin());
      }
      expected = t.end();
      previous = t;
    }
    if (expected != dataSize) {
      throw new ModelFormatException(file, null,
          "file must end where the last tensor ends (data byte " + expected + "), but had "
              + (dataSize - expected) + " trailing bytes");
    }
  }

  /** The {@code __metadata__} of the file (empty if it has none). */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** The tensors in the order of the header. */
  public List<TensorInfo> tensors() {
    return tensors;
  }

  /** The tensor named {@code name}, or {@code null}. */
  public TensorInfo tensor(String name) {
    return byName.get(name);
  }

  /** The file being read. */
  public Path file() {
    return file;
  }

  /**
   * Reads the values of the tensor named {@code name}, converted to {@code float} (F64 tensors also
   * keep their exact values, see {@link Tensor#doubles()}).
   */
  public Tensor read(String name) throws IOException {
    TensorInfo info = byName.get(name);
    if (info == null) {
      throw new ModelFormatException(file, name,
          "tensor must be in the file, but the file has only " + byName.keySet());
    }
    return read(info);
  }

  /** Reads the values of {@code info}, an entry of {@link #tensors()}. */
  public Tensor read(TensorInfo info) throws IOException {
    if (info == null) {
      throw new IllegalArgumentException("info must not be null");
    }
    if (!channel.isOpen()) {
      throw new IllegalStateException(file + ": read must not be called after close()");
    }
    if (byName.get(info.name()) != info) {
      throw new IllegalArgumentException(info.name() + " must be an entry of this file");
    }
    DType dtype = info.dtype();
    if (dtype == null) {
      throw new ModelFormatException(file, info.name(), "dtype must be one of "
          + Arrays.toString(DType.values()) + " to be read as numbers, but was "
          + info.dtypeName());
    }
    // F64 keeps its exact values (Tensor#doubles); the float values are narrowed from them.
    double[] exact = dtype == DType.F64 ? new double[info.size()] : null;
    float[] values = exact != null ? null : new float[info.size()];
    int width = dtype.byteSize();
    ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(CHUNK_BYTES, info.end() - info.begin()))
        .order(ByteOrder.LITTLE_ENDIAN);
    int perChunk = Math.max(1, buffer.capacity() / width);
    long position = dataStart + info.begin();
    for (int i = 0; i < info.size(); ) {
      int n = Math.min(perChunk, info.size() - i);
      buffer.clear().limit(n * width);
      readFully(file, channel, position, buffer, info.name());
      buffer.flip();
      position += (long) n * width;
      switch (dtype) {
        case F32:
          buffer.asFloatBuffer().get(values, i, n);
          break;
        case F64:
          for (int k = 0; k < n; k++) {
            exact[i + k] = buffer.getDouble();
          }
          break;
        case I64:
          for (int k = 0; k < n; k++) {
            values[i + k] = dtype.decode(buffer.getLong());
          }
          break;
        default:
          for (int k = 0; k < n; k++) {
            values[i + k] = dtype.decode(buffer.getShort());
          }
      }
      i += n;
    }
    if (exact != null) {
      return Tensor.wrapDoubles(info.name(), info.shape(), exact);
    }
    return Tensor.wrap(info.name(), dtype, info.shape(), values);
  }

  /** Reads every tensor, in the order of the header. */
  public List<Tensor> readAll() throws IOException {
    List<Tensor> all = new ArrayList<>(tensors.size());
    for (TensorInfo t : tensors) {
      all.add(read(t));
    }
    return all;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  private static void readFully(
      Path file, SeekableByteChannel channel, long position, ByteBuffer buffer, String tensor)
      throws IOException {
    channel.position(position);
    while (buffer.hasRemaining()) {
      if (channel.read(buffer) < 0) {
        throw new ModelFormatException(file, tensor,
            "file must hold the bytes its header promises, but ended at byte "
                + channel.position() + " (was it changed while being read?)");
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object o) {
    return (Map<String, Object>) o;
  }

  private static String kind(Object o) {
    if (o instanceof Map) {
      return "an object";
    }
    if (o instanceof List) {
      return "a list";
    }
    if (o instanceof String) {
      return "a string";
    }
    if (o instanceof Long) {
      return "a number";
    }
    if (o instanceof Boolean) {
      return "a boolean";
    }
    return "null";
  }
}
