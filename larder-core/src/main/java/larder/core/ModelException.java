package larder.core;

/** A model cannot be trained or scored as asked (e.g. EASE on a catalogue too large for it). */
public final class ModelException extends LarderException {
  public ModelException(String message, String hint) {
    super(message, hint, null);
  }

  @Override public int exitCode() { return 5; }
}
