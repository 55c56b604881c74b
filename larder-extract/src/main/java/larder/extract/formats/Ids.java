package larder.extract.formats;

/**
 * What an id (user, item, customer, entity) or an imported label may hold, checked where every source reads
 * it so that all stores accept the same: no control characters (PostgreSQL refuses NUL in text, and others
 * make ids that cannot be typed or printed) and at most {@value #MAX_BYTES} bytes of UTF-8 (PostgreSQL's
 * b-tree entries hold up to about 2,700 bytes; ids are in primary keys).
 */
public final class Ids {
  private Ids() {}

  /** The longest id, in bytes of UTF-8. */
  public static final int MAX_BYTES = 512;

  /** Why {@code id} is not a valid id, or null when it is. */
  public static String problem(String id) {
    int bytes = 0;
    int len = id.length();
    for (int k = 0; k < len; k++) {
      char c = id.charAt(k);
      if (c < 0x80) {
        if (c < 0x20 || c == 0x7f) return control(id, k);
        bytes++;
      } else if (c < 0x800) {
        if (c <= 0x9f) return control(id, k);
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && k + 1 < len && Character.isLowSurrogate(id.charAt(k + 1))) {
        bytes += 4;
        k++;
      } else if (Character.isSurrogate(c)) {
        return show(id) + " holds an unpaired surrogate (U+" + String.format("%04X", (int) c) + ") at character "
            + (k + 1) + ", which is not text";
      } else {
        bytes += 3;
      }
    }
    if (bytes > MAX_BYTES) {
      return show(id) + " is " + bytes + " bytes long (UTF-8); ids are at most " + MAX_BYTES;
    }
    return null;
  }

  private static String control(String id, int at) {
    return show(id) + " holds a control character (U+" + String.format("%04X", (int) id.charAt(at))
        + ") at character " + (at + 1);
  }

  /** The id quoted for a message: control characters escaped, cut after 40 characters. */
  public static String show(String id) {
    StringBuilder s = new StringBuilder("'");
    int n = Math.min(id.length(), 40);
    for (int k = 0; k < n; k++) {
      char c = id.charAt(k);
      if (Character.isISOControl(c) || Character.isSurrogate(c)) s.append(String.format("\\u%04X", (int) c));
      else s.append(c);
    }
    if (n < id.length()) s.append("...");
    return s.append('\'').toString();
  }
}
