package larder.core;

/**
 * Root of every error Larder reports to a user. Each carries what went wrong, where, and what to do
 * ({@link #hint()}); the CLI prints {@link #getMessage()} and the hint on one line each and exits
 * non-zero, the HTTP layer sends the same fields as JSON. The cause is kept for the log.
 */
public abstract class LarderException extends RuntimeException {
  private final String hint;

  protected LarderException(String message, String hint, Throwable cause) {
    super(message, cause);
    this.hint = hint == null ? "" : hint;
  }

  /** What the user can do about it; empty when there is nothing useful to say. */
  public String hint() {
    return hint;
  }

  /** The process exit code the CLI uses for this kind of error. */
  public abstract int exitCode();
}
