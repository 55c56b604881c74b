package larder.dashboard.segments;

import larder.core.LarderException;
import larder.core.NotFoundException;
import larder.core.Printable;

/**
 * Why a segments page cannot show what was asked (unknown job or segment, a filter the batch cannot answer), as
 * the reader worded it for the API, and what to do.
 *
 * @param status the HTTP status the page answers with: 404 for what does not exist, 400 for a request to change
 */
public record Problem(int status, String word, String message, String hint) {
  static Problem of(LarderException e) {
    boolean missing = e instanceof NotFoundException;
    return new Problem(missing ? 404 : 400, missing ? "not found" : "cannot show", Printable.escape(e.getMessage()),
        e.hint() == null ? "" : Printable.escape(e.hint()));
  }
}
