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

  /**
   * The same problem with its key placed under {@code prefix}: a model or feature step names its own key
   * ({@code rfm.as_of}), the job runner knows which job it belongs to ({@code jobs.shop.rfm.as_of}).
   * Keys already under a job are returned as they are.
   */
  public ConfigException under(String prefix) {
    if (key.startsWith("jobs.") || key.startsWith(prefix + ".")) return this;
    return new ConfigException(prefix + "." + key, prefix + "." + getMessage(), hint(), this);
  }

  private ConfigException(String key, String message, String hint, Throwable cause) {
    super(message, hint, cause);
    this.key = key;
  }

  @Override public int exitCode() { return 2; }
}
