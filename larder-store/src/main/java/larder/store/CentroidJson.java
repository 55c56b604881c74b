package larder.store;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code centroid} column of {@code larder_segment_profile_rows}: a flat JSON object of feature name
 * to value, {@code {"recency_days":12.5,"frequency":3.0}}, in feature order. Values are written with
 * {@link Double#toString} (shortest text that reads back to the same double), so a round trip is exact.
 * Applications read it with their JSON library or the database's JSON functions.
 */
public final class CentroidJson {
  private CentroidJson() {}

  /**
   * The JSON text of {@code centroid}.
   *
   * @throws IllegalArgumentException when a value is null, NaN or infinite (JSON has no such numbers)
   */
  public static String write(Map<String, Double> centroid) {
    StringBuilder s = new StringBuilder("{");
    for (Map.Entry<String, Double> e : centroid.entrySet()) {
      Double v = e.getValue();
      if (v == null || v.isNaN() || v.isInfinite()) {
        throw new IllegalArgumentException("centroid value of '" + e.getKey() + "' is " + v);
      }
      if (s.length() > 1) s.append(',');
      quote(s, e.getKey());
      s.append(':').append(v.doubleValue());
    }
    return s.append('}').toString();
  }

  /**
   * The centroid in {@code json}, in the object's order; empty for null or {@code {}}.
   *
   * @throws IllegalArgumentException when {@code json} is not a flat object of numbers
   */
  public static Map<String, Double> read(String json) {
    Map<String, Double> out = new LinkedHashMap<>();
    if (json == null) return out;
    Reader r = new Reader(json);
    r.skipSpace();
    r.expect('{');
    r.skipSpace();
    if (r.peek() == '}') {
      r.pos++;
    } else {
      while (true) {
        r.skipSpace();
        String key = r.string();
        r.skipSpace();
        r.expect(':');
        r.skipSpace();
        out.put(key, r.number());
        r.skipSpace();
        if (r.peek() == ',') {
          r.pos++;
        } else {
          r.expect('}');
          break;
        }
      }
    }
    r.skipSpace();
    if (r.pos != json.length()) throw r.error("text after the object");
    return out;
  }

  private static void quote(StringBuilder s, String text) {
    s.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> s.append("\\\"");
        case '\\' -> s.append("\\\\");
        case '\n' -> s.append("\\n");
        case '\r' -> s.append("\\r");
        case '\t' -> s.append("\\t");
        case '\b' -> s.append("\\b");
        case '\f' -> s.append("\\f");
        default -> {
          if (c < 0x20) s.append(String.format("\\u%04x", (int) c));
          else s.append(c);
        }
      }
    }
    s.append('"');
  }

  private static final class Reader {
    final String s;
    int pos;

    Reader(String s) {
      this.s = s;
    }

    char peek() {
      if (pos >= s.length()) throw error("unexpected end");
      return s.charAt(pos);
    }

    void skipSpace() {
      while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) pos++;
    }

    void expect(char c) {
      if (peek() != c) throw error("expected '" + c + "'");
      pos++;
    }

    String string() {
      expect('"');
      StringBuilder out = new StringBuilder();
      while (true) {
        char c = peek();
        pos++;
        if (c == '"') return out.toString();
        if (c != '\\') {
          out.append(c);
          continue;
        }
        char e = peek();
        pos++;
        switch (e) {
          case '"', '\\', '/' -> out.append(e);
          case 'n' -> out.append('\n');
          case 'r' -> out.append('\r');
          case 't' -> out.append('\t');
          case 'b' -> out.append('\b');
          case 'f' -> out.append('\f');
          case 'u' -> {
            if (pos + 4 > s.length()) throw error("short \\u escape");
            out.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
            pos += 4;
          }
          default -> throw error("bad escape \\" + e);
        }
      }
    }

    double number() {
      int start = pos;
      while (pos < s.length() && "+-0123456789.eE".indexOf(s.charAt(pos)) >= 0) pos++;
      try {
        return Double.parseDouble(s.substring(start, pos));
      } catch (NumberFormatException e) {
        throw error("expected a number");
      }
    }

    IllegalArgumentException error(String what) {
      return new IllegalArgumentException("centroid JSON at " + pos + ": " + what + ": " + s);
    }
  }
}
