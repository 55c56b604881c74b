package larder.core;

/** A setting that is missing, unknown or out of range; names the key and the offending value. */
public final class ConfigException extends LarderException {
  private final String key;

  public ConfigException(String key, Object value, String problem) {
    this(key, value, problem, null);
  }

  public ConfigException(String key, Object value, String problem, String hint) {
    super(key + (value == null ? "" : " = " + value) + ": " + problem, hint, null);
    this.key = key;
  }

  /** A problem with the configuration as a whole (e.g. an unreadable file) rather than one key. */
  public static ConfigException of(String where, String problem, String hint, Throwable cause) {
    return new ConfigException(where, problem, hint, cause, true);
  }

  private ConfigException(String where, String problem, String hint, Throwable cause, boolean whole) {
    super(where + ": " + problem, hint, cause);
    this.key = where;
  }

  public String key() { return key; }

  @Override public int exitCode() { return 2; }
}
