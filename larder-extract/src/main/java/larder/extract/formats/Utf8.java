package larder.extract.formats;

/**
 * Strict UTF-8: what the decoder would otherwise replace with U+FFFD without a word (so {@code caf\xe9} and
 * {@code caf\xe8} would become one id). Overlong forms, surrogates and code points above U+10FFFF are invalid,
 * as in RFC 3629.
 */
public final class Utf8 {
  private Utf8() {}

  /** The offset of the first byte of {@code b[from, to)} that is not valid UTF-8, or -1 when all are. */
  public static int invalidAt(byte[] b, int from, int to) {
    int k = from;
    while (k < to) {
      int c = b[k] & 0xff;
      if (c < 0x80) {
        k++;
        continue;
      }
      int n;
      int min;
      if (c >= 0xc2 && c <= 0xdf) { n = 1; min = 0x80; }
      else if (c >= 0xe0 && c <= 0xef) { n = 2; min = 0x800; }
      else if (c >= 0xf0 && c <= 0xf4) { n = 3; min = 0x10000; }
      else return k;
      if (k + n >= to) return k; // cut off by the end of the field
      int cp = c & (0x3f >> n);
      for (int j = 1; j <= n; j++) {
        int d = b[k + j] & 0xff;
        if ((d & 0xc0) != 0x80) return k;
        cp = (cp << 6) | (d & 0x3f);
      }
      if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return k;
      k += n + 1;
    }
    return -1;
  }

  /** The bytes around an invalid one, in hex, for messages: {@code 63 61 66 [E9]}. */
  public static String show(byte[] b, int from, int to, int at) {
    StringBuilder s = new StringBuilder();
    for (int k = Math.max(from, at - 3); k < Math.min(to, at + 4); k++) {
      if (s.length() > 0) s.append(' ');
      String hex = String.format("%02X", b[k] & 0xff);
      s.append(k == at ? "[" + hex + "]" : hex);
    }
    return s.toString();
  }
}
