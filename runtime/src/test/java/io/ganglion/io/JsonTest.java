package io.ganglion.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

  @Test
  void parsesAHeaderKeepingKeyOrder() throws Exception {
    Object v = Json.parse(
        " {\"b\": {\"dtype\":\"F32\",\"shape\":[2, 3],\"data_offsets\":[0,24]},"
            + " \"a\\u00e9\\n\": [true, false, null, -7, \"\\\"\\\\\\/\"]}   ");
    Map<?, ?> map = (Map<?, ?>) v;
    assertEquals(List.of("b", "a\u00e9\n"), List.copyOf(map.keySet()));
    assertEquals(List.of(2L, 3L), ((Map<?, ?>) map.get("b")).get("shape"));
    assertEquals(List.of(true, false, Json.NULL, -7L, "\"\\/"), map.get("a\u00e9\n"));
  }

  @Test
  void rejectsDuplicateKeys() {
    String message = error("{\"a\": 1, \"a\": 2}");
    assertEquals("keys must be unique, but \"a\" was repeated at character 9", message);
  }

  @Test
  void rejectsNumbersThatAreNotPlainIntegers() {
    assertTrue(error("[1.5]").startsWith("numbers must be integers"));
    assertTrue(error("[1e3]").startsWith("numbers must be integers"));
    assertTrue(error("[012]").startsWith("numbers must not have leading zeros"));
    assertTrue(error("[+1]").startsWith("character 1 must be a value"));
    assertTrue(error("[-]").startsWith("character 2 must be a digit"));
    assertTrue(error("[99999999999999999999]").startsWith("numbers must fit in 64 bits"));
  }

  @Test
  void boundsTheNesting() throws Exception {
    Json.parse("[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH));
    String deep = "[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1);
    assertTrue(error(deep).startsWith("nesting must be at most 16 deep"));
    // A deep document fails fast, without a StackOverflowError.
    assertTrue(error("[".repeat(1_000_000)).startsWith("nesting must be at most"));
  }

  @Test
  void rejectsMalformedText() {
    assertEquals("character 0 must be a value, but was the end", error(""));
    assertEquals("character 2 must be the end of the header, but was '}'", error("{}}"));
    assertEquals("character 7 must be ',' or '}', but was '\"'", error("{\"a\":1 \"b\":2}"));
    assertEquals("character 1 must be a string key, but was 'a'", error("{a:1}"));
    assertEquals("character 4 must be a closing '\"', but was the end", error("[\"ab"));
    assertEquals("character 2 must be an escaped control character, but was U+000A",
        error("[\"\n\"]"));
    assertTrue(error("[\"\\x\"]").startsWith("character 3 must be an escape"));
    assertTrue(error("[\"\\u12g4\"]").startsWith("character 6 must be a hexadecimal digit"));
    assertTrue(error("[tru]").startsWith("character 1 must be a value"));
    assertTrue(error("[1,]").startsWith("character 3 must be a value"));
  }

  @Test
  void acceptsSurrogatePairsButNotHalves() throws Exception {
    assertEquals(List.of("\ud83d\ude00"), Json.parse("[\"\\ud83d\\ude00\"]"));
    assertEquals("strings must be valid Unicode, but the one at character 1 had an unpaired "
        + "surrogate", error("[\"\\ud83d\"]"));
  }

  @Test
  void quotesStrings() {
    StringBuilder s = new StringBuilder();
    Json.quote("a\"b\\c\n\u0001\u00e9", s);
    assertEquals("\"a\\\"b\\\\c\\u000a\\u0001\u00e9\"", s.toString());
  }

  private static String error(String text) {
    return assertThrows(Json.SyntaxException.class, () -> Json.parse(text)).getMessage();
  }
}
