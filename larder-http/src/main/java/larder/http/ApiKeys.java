package larder.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import larder.core.ConfigException;

/**
 * Who may call the API. With no keys the API is open (bind it to 127.0.0.1, the default). With read keys, every
 * {@code /v1} and {@code /metrics} request needs one ({@code Authorization: Bearer KEY} or {@code X-Api-Key: KEY});
 * admin keys also allow the admin endpoints (rollback), which are off when no admin key is set. {@code /health}
 * and {@code /ready} stay open for load balancers. Keys are compared in constant time.
 *
 * @param read keys that may read (admin keys may read too)
 * @param admin keys that may also change what is served
 */
public record ApiKeys(List<String> read, List<String> admin) {
  /** Shortest key accepted: a guessable key is worse than none, because it looks like protection. */
  public static final int MIN_LENGTH = 16;

  public ApiKeys {
    read = List.copyOf(read);
    admin = List.copyOf(admin);
    for (String k : read) check("LARDER_API_KEYS", k);
    for (String k : admin) check("LARDER_ADMIN_KEYS", k);
  }

  public static ApiKeys none() { return new ApiKeys(List.of(), List.of()); }

  /**
   * Keys from comma-separated lists, as in the environment variables {@code LARDER_API_KEYS} (read) and
   * {@code LARDER_ADMIN_KEYS} (admin); null or blank means none.
   */
  public static ApiKeys parse(String readList, String adminList) {
    return new ApiKeys(split(readList), split(adminList));
  }

  /** Whether reads need a key. */
  public boolean readProtected() { return !read.isEmpty() || !admin.isEmpty(); }

  public boolean adminEnabled() { return !admin.isEmpty(); }

  boolean mayRead(String key) { return key != null && (matches(read, key) || matches(admin, key)); }

  boolean mayAdmin(String key) { return key != null && matches(admin, key); }

  /**
   * A label for a key that says which key acted without revealing it, for the rollback audit: "key " and the
   * first 12 hex digits of its SHA-256 ({@code printf %s KEY | sha256sum | cut -c1-12} finds which one).
   */
  public static String label(String key) {
    if (key == null) return "no key";
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return "key " + java.util.HexFormat.of().formatHex(d).substring(0, 12);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean matches(List<String> keys, String key) {
    byte[] given = key.getBytes(StandardCharsets.UTF_8);
    boolean found = false;
    for (String k : keys) found |= MessageDigest.isEqual(k.getBytes(StandardCharsets.UTF_8), given);
    return found;
  }

  private static List<String> split(String list) {
    if (list == null || list.isBlank()) return List.of();
    return java.util.Arrays.stream(list.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  private static void check(String where, String key) {
    if (key.length() < MIN_LENGTH || key.chars().anyMatch(Character::isWhitespace)) {
      throw new ConfigException(where, "(a key of " + key.length() + " characters)", "keys must be at least " + MIN_LENGTH
          + " characters without spaces", "generate one, e.g. openssl rand -hex 24");
    }
  }
}
