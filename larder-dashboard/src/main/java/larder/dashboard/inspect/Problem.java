package larder.dashboard.inspect;

import larder.core.LarderException;
import larder.core.Printable;

/**
 * Why an answer could not be shown, as the reader worded it (the API sends the same text as JSON), and what to do.
 * Control and invisible characters an id may carry are made visible, as in the API's errors.
 */
public record Problem(String message, String hint) {
  static Problem of(LarderException e) {
    return new Problem(Printable.escape(e.getMessage()), Printable.escape(e.hint()));
  }
}
