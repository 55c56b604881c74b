package larder.core;

/**
 * Text that came from outside (a request's path, query or header; a field of an input file) made safe to echo in
 * an error message, a log line or a terminal: control characters (C0, DEL, C1), invisible format characters
 * (bidirectional overrides, zero-width marks) and line separators become visible escapes ({@code ESC} is written
 * as backslash, u, 001B), so
 * an echoed value can neither move the cursor, recolour a terminal, forge a log line nor hide what it says.
 */
public final class Printable {
  private Printable() {}

  /** {@code text} with every unprintable character written as backslash, u and four hex digits; null stays null. */
  public static String escape(String text) {
    if (text == null) return null;
    int i = 0;
    while (i < text.length() && !unprintable(text.codePointAt(i))) i += Character.charCount(text.codePointAt(i));
    if (i >= text.length()) return text; // the common case: nothing to escape, no copy
    StringBuilder out = new StringBuilder(text.length() + 16).append(text, 0, i);
    while (i < text.length()) {
      int c = text.codePointAt(i);
      int n = Character.charCount(c);
      if (unprintable(c)) {
        for (int k = i; k < i + n; k++) out.append(String.format("\\u%04X", (int) text.charAt(k))); // as in JSON
      } else {
        out.appendCodePoint(c);
      }
      i += n;
    }
    return out.toString();
  }

  private static boolean unprintable(int c) {
    if (c >= 0x20 && c < 0x7f) return false;
    int type = Character.getType(c);
    return type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR;
  }
}
