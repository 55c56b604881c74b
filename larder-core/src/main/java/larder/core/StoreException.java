package larder.core;

/** The prediction store could not be reached, read or written. Names the store and the operation. */
public final class StoreException extends LarderException {
  public StoreException(String message, String hint, Throwable cause) {
    super(message, hint, cause);
  }

  @Override public int exitCode() { return 4; }
}
