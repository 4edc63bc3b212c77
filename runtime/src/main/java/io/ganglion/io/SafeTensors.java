package io.ganglion.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A set of named tensors with string metadata, in the safetensors format: an 8-byte little-endian
 * header length, a JSON header {@code {name: {dtype, shape, data_offsets}, "__metadata__": {..}}}
 * and the raw little-endian values, one tensor after the other. Immutable.
 *
 * <p>{@link #read(Path)} and {@link #open(Path)} check the whole file (see {@link
 * SafeTensorsReader}); {@link #write(Path)} replaces a file atomically.
 */
public final class SafeTensors {
  /** Headers longer than this (100 MB) are refused before being read. */
  public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

  /** The header key of the metadata. */
  public static final String METADATA_KEY = "__metadata__";

  private static final int CHUNK_BYTES = 1 << 16;

  private final Map<String, String> metadata;
  private final List<Tensor> tensors;
  private final Map<String, Tensor> byName;

  private SafeTensors(Map<String, String> metadata, List<Tensor> tensors) {
    this.metadata = metadata;
    this.tensors = tensors;
    Map<String, Tensor> map = new LinkedHashMap<>();
    for (Tensor t : tensors) {
      if (map.put(t.name(), t) != null) {
        throw new IllegalArgumentException(
            "tensor names must be unique, but '" + t.name() + "' was repeated");
      }
      if (t.name().equals(METADATA_KEY)) {
        throw new IllegalArgumentException(
            "tensor names must not be " + METADATA_KEY + ", which names the metadata");
      }
    }
    this.byName = map;
  }

  /**
   * A set of {@code tensors}, written in this order, with {@code metadata} (copied; keys and values
   * must not be null).
   */
  public static SafeTensors of(Map<String, String> metadata, List<Tensor> tensors) {
    if (metadata == null || tensors == null) {
      throw new IllegalArgumentException("metadata and tensors must not be null");
    }
    Map<String, String> meta = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : metadata.entrySet()) {
      if (e.getKey() == null || e.getValue() == null) {
        throw new IllegalArgumentException(
            "metadata must not hold null keys or values, but held " + e);
      }
      checkUnicode("metadata key", e.getKey());
      checkUnicode("metadata value of " + e.getKey(), e.getValue());
      meta.put(e.getKey(), e.getValue());
    }
    List<Tensor> list = new ArrayList<>(tensors.size());
    for (int k = 0; k < tensors.size(); k++) {
      if (tensors.get(k) == null) {
        throw new IllegalArgumentException("tensors must not hold null, but element " + k
            + " of " + tensors.size() + " was");
      }
      list.add(tensors.get(k));
    }
    return new SafeTensors(Collections.unmodifiableMap(meta), Collections.unmodifiableList(list));
  }

  /**
   * Refuses a string with a lone surrogate (half of a character outside the BMP), which UTF-8
   * cannot encode: it would be written as '?' and could make two names one.
   */
  static void checkUnicode(String what, String s) {
    int i = Json.loneSurrogate(s);
    if (i >= 0) {
      char c = s.charAt(i);
      throw new IllegalArgumentException(String.format(
          "%s must be valid Unicode (UTF-8 encodable), but '%s' has a lone surrogate \\u%04X"
              + " at index %d", what, s.replace(c, '?'), (int) c, i));
    }
  }

  /** Reads and checks the whole of {@code file}. */
  public static SafeTensors read(Path file) throws IOException {
    try (SafeTensorsReader reader = SafeTensorsReader.open(file)) {
      return new SafeTensors(reader.metadata(), Collections.unmodifiableList(reader.readAll()));
    }
  }

  /**
   * Opens {@code file} and checks its header, for reading tensors one by one after looking at
   * their names and shapes.
   */
  public static SafeTensorsReader open(Path file) throws IOException {
    return SafeTensorsReader.open(file);
  }

  /** The metadata. */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** The tensors, in file order. */
  public List<Tensor> tensors() {
    return tensors;
  }

  /** The tensor named {@code name}, or {@code null}. */
  public Tensor tensor(String name) {
    return byName.get(name);
  }

  /**
   * Writes the tensors to {@code file} atomically: a temporary file in the same directory is
   * written, forced to disk and renamed over {@code file}, so that a crash leaves either the old
   * file or the new one.
   */
  public void write(Path file) throws IOException {
    AtomicFiles.write(file, this::writeTo);
  }

  /** Like {@link #write(Path)}, with the stream to the temporary file wrapped (for tests). */
  void write(Path file, UnaryOperator<OutputStream> wrap) throws IOException {
    AtomicFiles.write(file, this::writeTo, wrap);
  }

  /** Writes the tensors to {@code out}, which is flushed but not closed. */
  public void writeTo(OutputStream out) throws IOException {
    if (out == null) {
      throw new IllegalArgumentException("out must not be null");
    }
    byte[] header = header();
    BufferedOutputStream buffered = new BufferedOutputStream(out, CHUNK_BYTES);
    ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    length.putLong(header.length);
    buffered.write(length.array());
    buffered.write(header);
    ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (Tensor t : tensors) {
      float[] values = t.valuesNoCopy();
      DType dtype = t.dtype();
      double[] exact = t.doublesNoCopy();
      if (exact != null) {
        for (double v : exact) {
          if (chunk.remaining() < 8) {
            buffered.write(chunk.array(), 0, chunk.position());
            chunk.clear();
          }
          chunk.putDouble(v);
        }
        continue;
      }
      for (float v : values) {
        if (chunk.remaining() < 8) {
          buffered.write(chunk.array(), 0, chunk.position());
          chunk.clear();
        }
        switch (dtype) {
          case F32:
            chunk.putFloat(v);
            break;
          case F64:
            chunk.putDouble(v);
            break;
          case I64:
            chunk.putLong(dtype.encode(v));
            break;
          default:
            chunk.putShort((short) dtype.encode(v));
        }
      }
    }
    buffered.write(chunk.array(), 0, chunk.position());
    buffered.flush();
  }

  /** The JSON header, padded with spaces so that the data starts at a multiple of 8 bytes. */
  private byte[] header() {
    StringBuilder json = new StringBuilder("{");
    if (!metadata.isEmpty()) {
      Json.quote(METADATA_KEY, json);
      json.append(":{");
      boolean first = true;
      for (Map.Entry<String, String> e : metadata.entrySet()) {
        json.append(first ? "" : ",");
        Json.quote(e.getKey(), json);
        json.append(':');
        Json.quote(e.getValue(), json);
        first = false;
      }
      json.append('}');
    }
    long offset = 0;
    for (Tensor t : tensors) {
      json.append(json.length() == 1 ? "" : ",");
      Json.quote(t.name(), json);
      json.append(":{\"dtype\":\"").append(t.dtype().name()).append("\",\"shape\":[");
      int[] shape = t.shapeNoCopy();
      for (int i = 0; i < shape.length; i++) {
        json.append(i == 0 ? "" : ",").append(shape[i]);
      }
      long end = offset + (long) t.size() * t.dtype().byteSize();
      json.append("],\"data_offsets\":[").append(offset).append(',').append(end).append("]}");
      offset = end;
    }
    json.append('}');
    byte[] bytes = json.toString().getBytes(StandardCharsets.UTF_8);
    int padded = (bytes.length + 7) / 8 * 8;
    if (padded > MAX_HEADER_BYTES) {
      throw new IllegalArgumentException(
          "header must be at most " + MAX_HEADER_BYTES + " bytes, but would be " + padded);
    }
    byte[] out = new byte[padded];
    System.arraycopy(bytes, 0, out, 0, bytes.length);
    for (int i = bytes.length; i < padded; i++) {
      out[i] = ' ';
    }
    return out;
  }
}
