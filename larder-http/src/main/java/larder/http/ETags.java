package larder.http;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import larder.serve.ApiJson;

/**
 * Weak ETags of answers, so clients and caches revalidate with {@code If-None-Match} and get a 304 until the
 * answer changes. The tag is a digest of the answer itself with its ages zeroed ({@link ApiJson#AGELESS}), not of
 * batch ids: a list also changes without a publish (an event posted to {@code /v1/events} leaves an item out, a
 * user's segment's fallback list comes from another job), and a digest of what is sent cannot miss any of these.
 * Weak ({@code W/}) because the body's {@code age} moves while the answer stays the same.
 */
final class ETags {
  /** Cloned per tag: looking the algorithm up among the security providers cost more than the digest. */
  private static final MessageDigest SHA_256;

  static {
    try {
      SHA_256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private ETags() {}

  /** The weak ETag of an answer's {@link ApiJson#AGELESS ageless} bytes, e.g. {@code W/"3f2a…"} (128 bits of SHA-256). */
  static String of(byte[] ageless) {
    MessageDigest md;
    try {
      md = (MessageDigest) SHA_256.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("SHA-256 cannot be cloned", e);
    }
    byte[] d = md.digest(ageless);
    return "W/\"" + HexFormat.of().formatHex(d, 0, 16) + "\"";
  }

  /**
   * Whether an {@code If-None-Match} header names {@code tag}: {@code *}, or any listed tag equal under the weak
   * comparison (RFC 9110 13.1.2: {@code W/} ignored on both sides).
   */
  static boolean matches(String ifNoneMatch, String tag) {
    if (ifNoneMatch == null || ifNoneMatch.isBlank()) return false;
    String want = opaque(tag);
    for (String t : ifNoneMatch.split(",")) {
      String s = t.strip();
      if (s.equals("*") || opaque(s).equals(want)) return true;
    }
    return false;
  }

  private static String opaque(String tag) {
    return tag.startsWith("W/") ? tag.substring(2) : tag;
  }
}
