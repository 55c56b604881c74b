package larder.extract;

import java.time.Instant;
import larder.core.ConfigException;
import larder.core.Progress;

/** Where interactions come from: a file, a query. One call reads everything, streamed, into memory-lean arrays. */
public interface InteractionSource {
  /**
   * Reads the whole source. Reports {@code update("read", rows, -1, "rows")} about every 100,000 rows.
   *
   * @throws larder.core.InputException when the source cannot be read, has no interactions, or has more bad
   *     rows than allowed
   */
  ExtractResult read(Progress p);

  /** Short name for messages: the file name or the query label. */
  String label();

  /**
   * The same source reading only the rows strictly after {@code hwm} ({@link ReadOptions#after()}); a query's
   * {@code :since} is bound to it. Null reads every row again.
   *
   * @throws ConfigException when the source cannot tell (no timestamp column: when read)
   */
  default InteractionSource after(Instant hwm) {
    throw ConfigException.of(label(), "cannot be read for only the rows after " + hwm,
        "give the refresh a file or SQL source with a timestamp column", null);
  }

  /** True when every stored (user, item) gets weight 1 ({@code binary: true}): a later merge of rows keeps 1. */
  default boolean binary() {
    return false;
  }
}
