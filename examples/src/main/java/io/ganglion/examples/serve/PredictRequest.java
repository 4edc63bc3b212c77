package io.ganglion.examples.serve;

/**
 * Reads the body of a prediction request, {@code {"input": [0.5, 0, 1e-3, ...]}}, strictly: one
 * object with exactly the field {@code input}, an array of exactly {@code inputs} finite numbers.
 * Anything else is a {@link BadRequest} whose message says what was wrong and where, written to
 * be returned to the client as is.
 */
final class PredictRequest {
  private final String text;
  private final int inputs;
  private int pos;
  private int count;

  private PredictRequest(String text, int inputs) {
    this.text = text;
    this.inputs = inputs;
  }

  /** The input vector in {@code json}, which must have exactly {@code inputs} values. */
  static float[] parse(String json, int inputs) {
    return new PredictRequest(json, inputs).object();
  }

  /** A request that cannot be served as sent: HTTP 400 with this message. */
  static final class BadRequest extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadRequest(String message) {
      super(message, null, false, false);
    }
  }

  private float[] object() {
    skipSpace();
    expect('{', "the body must be a JSON object like {\"input\": [...]}");
    skipSpace();
    float[] input = null;
    if (peek() != '}') {
      while (true) {
        skipSpace();
        String key = string();
        skipSpace();
        expect(':', "expected ':' after \"" + key + "\"");
        skipSpace();
        if (!key.equals("input")) {
          throw new BadRequest("unknown field \"" + key + "\"; the body has only \"input\"");
        }
        if (input != null) {
          throw new BadRequest("field \"input\" appears twice");
        }
        input = array();
        skipSpace();
        if (peek() == ',') {
          pos++;
          continue;
        }
        break;
      }
    }
    expect('}', "expected ',' or '}' in the object");
    skipSpace();
    if (pos != text.length()) {
      throw new BadRequest("unexpected text after the JSON object at offset " + pos);
    }
    if (input == null) {
      throw new BadRequest("the body must have a field \"input\" with " + inputs + " numbers");
    }
    if (count != inputs) {
      throw new BadRequest("input must have " + inputs + " values, but had " + count);
    }
    return input;
  }

  private float[] array() {
    expect('[', "\"input\" must be an array of " + inputs + " numbers");
    float[] values = new float[inputs];
    skipSpace();
    if (peek() == ']') {
      pos++;
    } else {
      while (true) {
        skipSpace();
        float value = number(count);
        if (count < inputs) {
          values[count] = value;
        }
        count++;
        skipSpace();
        char c = peek();
        pos++;
        if (c == ']') {
          break;
        }
        if (c != ',') {
          pos--;
          throw new BadRequest("expected ',' or ']' after input[" + (count - 1) + "] at offset "
              + pos);
        }
      }
    }
    return values;
  }

  /** A JSON number (RFC 8259 grammar), which must be finite as a float. */
  private float number(int index) {
    int start = pos;
    if (peek() == '-') {
      pos++;
    }
    if (peek() == '0') {
      pos++;
      if (isDigit(peek())) {
        throw notANumber(index, start); // JSON has no leading zeros
      }
    } else if (isDigit(peek())) {
      digits();
    } else {
      throw notANumber(index, start);
    }
    if (peek() == '.') {
      pos++;
      if (!isDigit(peek())) {
        throw notANumber(index, start);
      }
      digits();
    }
    if (peek() == 'e' || peek() == 'E') {
      pos++;
      if (peek() == '+' || peek() == '-') {
        pos++;
      }
      if (!isDigit(peek())) {
        throw notANumber(index, start);
      }
      digits();
    }
    float value = Float.parseFloat(text.substring(start, pos));
    if (!Float.isFinite(value)) {
      throw new BadRequest("input[" + index + "] must be a finite float, but was "
          + text.substring(start, pos));
    }
    return value;
  }

  private BadRequest notANumber(int index, int start) {
    int end = start;
    while (end < text.length() && end - start < 20 && ",]} \t\r\n".indexOf(text.charAt(end)) < 0) {
      end++;
    }
    String actual = end == start ? "missing" : text.substring(start, end);
    return new BadRequest("input[" + index + "] must be a number, but was " + actual);
  }

  private void digits() {
    while (isDigit(peek())) {
      pos++;
    }
  }

  /** A JSON string without escapes: field names here are plain ASCII. */
  private String string() {
    expect('"', "expected a field name in double quotes at offset " + pos);
    int start = pos;
    while (pos < text.length() && text.charAt(pos) != '"') {
      char c = text.charAt(pos);
      if (c == '\\') {
        throw new BadRequest("field names must be written without escapes (\"input\"), but had"
            + " a backslash at offset " + pos);
      }
      if (c < 0x20) {
        throw new BadRequest("unexpected character in a field name at offset " + pos);
      }
      pos++;
    }
    if (pos == text.length()) {
      throw new BadRequest("unterminated field name at offset " + start);
    }
    return text.substring(start, pos++);
  }

  private void expect(char c, String message) {
    if (peek() != c) {
      throw new BadRequest(message);
    }
    pos++;
  }

  private char peek() {
    return pos < text.length() ? text.charAt(pos) : '\0';
  }

  private void skipSpace() {
    while (pos < text.length() && " \t\r\n".indexOf(text.charAt(pos)) >= 0) {
      pos++;
    }
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
