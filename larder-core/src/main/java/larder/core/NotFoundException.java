package larder.core;

/** A look-up found nothing: an unknown job, user, item or batch. */
public final class NotFoundException extends LarderException {
  public NotFoundException(String message, String hint) {
    super(message, hint, null);
  }

  @Override public int exitCode() { return 6; }
}
