package io.ganglion.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A tensor file that cannot be read, or cannot be loaded into a model: its message names the file,
 * the tensor when one is at fault, and what was expected, as in {@code "net.safetensors: tensor
 * 'hidden.weight': shape must be [4, 3], but was [3, 4]"}.
 */
public final class ModelFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final String tensor;

  /**
   * Creates an exception about {@code file} (may be {@code null} for a stream) and {@code tensor}
   * (may be {@code null} when the problem is not one tensor's).
   */
  public ModelFormatException(Path file, String tensor, String detail) {
    super(message(file, tensor, detail));
    this.file = file;
    this.tensor = tensor;
  }

  /** Like {@link #ModelFormatException(Path, String, String)}, with the cause. */
  public ModelFormatException(Path file, String tensor, String detail, Throwable cause) {
    super(message(file, tensor, detail), cause);
    this.file = file;
    this.tensor = tensor;
  }

  /**
   * About the file's set of tensors as a whole: {@link #tensor()} is the first missing or
   * unexpected one, which the message lists with the others rather than leading with it (a lead
   * "tensor 'x':" read as if the file held x).
   */
  static ModelFormatException ofNames(Path file, String tensor, String detail) {
    return new ModelFormatException(file, tensor, message(file, null, detail), true);
  }

  private ModelFormatException(Path file, String tensor, String message, boolean ignored) {
    super(message);
    this.file = file;
    this.tensor = tensor;
  }

  /** The file at fault, or {@code null} when reading a stream. */
  public Path file() {
    return file;
  }

  /** The tensor at fault, or {@code null} when the problem is not one tensor's. */
  public String tensor() {
    return tensor;
  }

  private static String message(Path file, String tensor, String detail) {
    StringBuilder s = new StringBuilder();
    s.append(file == null ? "<stream>" : file.toString()).append(": ");
    if (tensor != null) {
      s.append("tensor '").append(tensor).append("': ");
    }
    return s.append(detail).toString();
  }
}
