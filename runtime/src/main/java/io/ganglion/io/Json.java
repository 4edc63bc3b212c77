package io.ganglion.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict, bounded JSON parser for safetensors headers: RFC 8259 grammar, objects keep their key
 * order and reject duplicate keys, numbers must be integers that fit in a {@code long} (a header
 * holds no others), nesting is at most {@link #MAX_DEPTH} deep. Values are {@code Map<String,
 * Object>}, {@code List<Object>}, {@code String}, {@code Long}, {@code Boolean} or {@link #NULL}.
 */
final class Json {
  /** A header nests three deep (tensor, entry, shape); anything far deeper is not a header. */
  static final int MAX_DEPTH = 16;

  /** JSON's {@code null}. */
  static final Object NULL = new Object() {
    @Override
    public String toString() {
      return "null";
    }
  };

  /** A syntax error, with the character offset it was found at. */
  static final class SyntaxException extends Exception {
    private static final long serialVersionUID = 1L;

    SyntaxException(String message) {
      super(message);
    }
  }

  private final String text;
  private int pos;

  private Json(String text) {
    this.text = text;
  }

  /** Parses {@code text}, which must hold one JSON value and nothing else but whitespace. */
  static Object parse(String text) throws SyntaxException {
    Json json = new Json(text);
    json.skipWhitespace();
    Object value = json.value(1);
    json.skipWhitespace();
    if (json.pos != text.length()) {
      throw json.error("the end of the header");
    }
    return value;
  }

  private Object value(int depth) throws SyntaxException {
    if (depth > MAX_DEPTH) {
      throw new SyntaxException(
          "nesting must be at most " + MAX_DEPTH + " deep, but went deeper at character " + pos);
    }
    if (pos >= text.length()) {
      throw error("a value");
    }
    char c = text.charAt(pos);
    switch (c) {
      case '{':
        return object(depth);
      case '[':
        return array(depth);
      case '"':
        return string();
      case 't':
        literal("true");
        return Boolean.TRUE;
      case 'f':
        literal("false");
        return Boolean.FALSE;
      case 'n':
        literal("null");
        return NULL;
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return number();
        }
        throw error("a value");
    }
  }

  private Map<String, Object> object(int depth) throws SyntaxException {
    Map<String, Object> map = new LinkedHashMap<>();
    pos++; // '{'
    skipWhitespace();
    if (peek() == '}') {
      pos++;
      return map;
    }
    while (true) {
      skipWhitespace();
      if (peek() != '"') {
        throw error("a string key");
      }
      int keyAt = pos;
      String key = string();
      skipWhitespace();
      expect(':');
      skipWhitespace();
      Object value = value(depth + 1);
      if (map.put(key, value) != null) {
        throw new SyntaxException(
            "keys must be unique, but \"" + key + "\" was repeated at character " + keyAt);
      }
      skipWhitespace();
      char c = peek();
      if (c == ',') {
        pos++;
      } else if (c == '}') {
        pos++;
        return map;
      } else {
        throw error("',' or '}'");
      }
    }
  }

  private List<Object> array(int depth) throws SyntaxException {
    List<Object> list = new ArrayList<>();
    pos++; // '['
    skipWhitespace();
    if (peek() == ']') {
      pos++;
      return list;
    }
    while (true) {
      skipWhitespace();
      list.add(value(depth + 1));
      skipWhitespace();
      char c = peek();
      if (c == ',') {
        pos++;
      } else if (c == ']') {
        pos++;
        return list;
      } else {
        throw error("',' or ']'");
      }
    }
  }

  private String string() throws SyntaxException {
    int start = pos;
    pos++; // opening quote
    StringBuilder s = new StringBuilder();
    while (true) {
      if (pos >= text.length()) {
        throw error("a closing '\"'");
      }
      char c = text.charAt(pos);
      if (c == '"') {
        pos++;
        checkSurrogates(s, start);
        return s.toString();
      }
      if (c < 0x20) {
        throw error("an escaped control character");
      }
      if (c != '\\') {
        s.append(c);
        pos++;
        continue;
      }
      pos++;
      char e = peek();
      switch (e) {
        case '"':
        case '\\':
        case '/':
          s.append(e);
          break;
        case 'b':
          s.append('\b');
          break;
        case 'f':
          s.append('\f');
          break;
        case 'n':
          s.append('\n');
          break;
        case 'r':
          s.append('\r');
          break;
        case 't':
          s.append('\t');
          break;
        case 'u':
          s.append(hex4());
          continue; // hex4 moved past the digits
        default:
          throw error("an escape (one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
      }
      pos++;
    }
  }

  /** A {@code \\u} escape can make half a surrogate pair, which is no text (nor UTF-8). */
  private static void checkSurrogates(CharSequence s, int start) throws SyntaxException {
    if (loneSurrogate(s) >= 0) {
      throw new SyntaxException("strings must be valid Unicode, but the one at character " + start
          + " had an unpaired surrogate");
    }
  }

  /** The index of the first surrogate in {@code s} that is not half of a pair, or -1. */
  static int loneSurrogate(CharSequence s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }

  private char hex4() throws SyntaxException {
    pos++; // 'u'
    if (pos + 4 > text.length()) {
      throw error("four hexadecimal digits");
    }
    int v = 0;
    for (int i = 0; i < 4; i++) {
      int d = Character.digit(text.charAt(pos), 16);
      if (d < 0 || text.charAt(pos) > 'f') {
        throw error("a hexadecimal digit");
      }
      v = v * 16 + d;
      pos++;
    }
    return (char) v;
  }

  private Long number() throws SyntaxException {
    int start = pos;
    if (peek() == '-') {
      pos++;
    }
    char first = peek();
    if (first == '0') {
      pos++;
    } else if (first >= '1' && first <= '9') {
      while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
        pos++;
      }
    } else {
      throw error("a digit");
    }
    char next = peek();
    if (next == '.' || next == 'e' || next == 'E') {
      throw new SyntaxException(
          "numbers must be integers, but a fraction or exponent started at character " + pos);
    }
    if (next >= '0' && next <= '9') {
      throw new SyntaxException(
          "numbers must not have leading zeros, but one did at character " + start);
    }
    String digits = text.substring(start, pos);
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      throw new SyntaxException(
          "numbers must fit in 64 bits, but was " + abbreviate(digits) + " at character " + start);
    }
  }

  private void literal(String word) throws SyntaxException {
    if (!text.startsWith(word, pos)) {
      throw error("a value");
    }
    pos += word.length();
  }

  private void expect(char c) throws SyntaxException {
    if (peek() != c) {
      throw error("'" + c + "'");
    }
    pos++;
  }

  /** The character at the position, or {@code 0} (never valid there) at the end. */
  private char peek() {
    return pos < text.length() ? text.charAt(pos) : 0;
  }

  private void skipWhitespace() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      pos++;
    }
  }

  private SyntaxException error(String expected) {
    String found = pos >= text.length() ? "the end" : describe(text.charAt(pos));
    return new SyntaxException(
        "character " + pos + " must be " + expected + ", but was " + found);
  }

  private static String describe(char c) {
    if (c >= 0x20 && c < 0x7f) {
      return "'" + c + "'";
    }
    return String.format("U+%04X", (int) c);
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }

  /** Appends {@code s} to {@code out} as a JSON string literal. */
  static void quote(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    out.append('"');
  }
}
