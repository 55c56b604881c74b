package larder.extract;

import java.time.Instant;
import java.util.Arrays;
import larder.core.ConfigException;
import larder.core.Progress;
import larder.extract.formats.Weights;
import larder.extract.table.BadRowCollector;
import larder.extract.table.ChunkedRowHandler;
import larder.extract.table.FieldRef;
import larder.extract.table.Fields;
import larder.extract.table.Header;

/** Turns (user, item[, weight][, time]) rows of a file or a query into interactions. */
final class InteractionRows implements ChunkedRowHandler<InteractionRows.ParsedInteractions> {
  private final Column user;
  private final Column item;
  private final Column weight;
  private final Column timestamp;
  private final BadRowCollector rows;
  private final InteractionsBuilder builder;
  /** Epoch second a row must be after, or {@link InteractionsBuilder#NO_TIME} to keep every row. */
  private final long after;
  /** For a query's rows, one at a time. */
  private final ParsedInteractions one = new ParsedInteractions();
  private long rowsBefore;
  private FieldRef u;
  private FieldRef i;
  private FieldRef w;
  private FieldRef t;

  InteractionRows(String source, Column user, Column item, Column weight, Column timestamp, ReadOptions options,
      Progress progress) {
    this.user = user;
    this.item = item;
    this.weight = weight;
    this.timestamp = timestamp;
    this.rows = new BadRowCollector(source, options.maxBadRows(), options.timeWindow(), progress);
    this.builder = options.newBuilder();
    this.after = options.after() == null ? InteractionsBuilder.NO_TIME : options.after().getEpochSecond();
    if (options.after() != null && timestamp == null) {
      throw ConfigException.of(source, "has no timestamp column: a refresh reads only the rows after "
          + options.after() + " and needs a timestamp column to tell them",
          "name the time column in the source's columns.timestamp, or give refresh: its own source with one", null);
    }
  }

  /** Whether {@code epochSecond} (or no time) lies after {@link ReadOptions#after()}; true when reading all. */
  private boolean isAfter(long epochSecond) {
    return after == InteractionsBuilder.NO_TIME || (epochSecond != InteractionsBuilder.NO_TIME && epochSecond > after);
  }

  @Override public void start(Header header) {
    u = header.field(user, "user");
    i = header.field(item, "item");
    w = header.field(weight, "weight");
    t = header.field(timestamp, "timestamp");
  }

  BadRowCollector collector() {
    return rows;
  }

  @Override public void row(long line, Fields f) {
    one.clear();
    if (parse(line, f, one, rows)) apply(one, 0, line);
  }

  @Override public ParsedInteractions newParsed() {
    return new ParsedInteractions();
  }

  @Override public boolean parse(long line, Fields f, ParsedInteractions out, BadRowCollector rows) {
    if (rows.missing(line, f, u) || rows.missing(line, f, i)) return false;
    String userId = rows.id(line, f, u, out.n > 0 ? out.user[out.n - 1] : null);
    if (userId == null) return false;
    String itemId = rows.id(line, f, i, out.n > 0 ? out.item[out.n - 1] : null);
    if (itemId == null) return false;
    float value = 1f;
    if (w.present()) {
      if (rows.missing(line, f, w)) return false;
      if (f.isNull(w.index())) { rows.bad(line, w.name(), "NULL weight"); return false; }
      try {
        value = (float) f.decimal(w.index());
        if (!Float.isFinite(value)) value = Weights.parse(f.text(w.index())); // refuses it, naming the text
      } catch (IllegalArgumentException e) {
        rows.bad(line, w.name(), e.getMessage());
        return false;
      }
    }
    long time = InteractionsBuilder.NO_TIME;
    if (t.present()) {
      if (rows.missing(line, f, t)) return false;
      time = rows.time(line, f, t); // empty or NULL: no time
      if (time == BadRowCollector.BAD_TIME) return false;
    }
    out.add(userId, itemId, value, time);
    return true;
  }

  @Override public void apply(ParsedInteractions p, int k, long line) {
    if (!isAfter(p.time[k])) {
      rowsBefore++; // covered by the serving batch; a row without a time waits for the next full run
      return;
    }
    builder.add(p.user[k], p.item[k], p.weight[k], p.time[k]);
  }

  /** One chunk's interactions, as parsed. */
  static final class ParsedInteractions implements ChunkedRowHandler.Parsed {
    String[] user = new String[1 << 10];
    String[] item = new String[1 << 10];
    float[] weight = new float[1 << 10];
    long[] time = new long[1 << 10];
    int n;

    void add(String userId, String itemId, float value, long epochSecond) {
      if (n == user.length) {
        user = Arrays.copyOf(user, n * 2);
        item = Arrays.copyOf(item, n * 2);
        weight = Arrays.copyOf(weight, n * 2);
        time = Arrays.copyOf(time, n * 2);
      }
      // Computed here, on a parsing thread, and kept in the strings for the interning.
      userId.hashCode();
      itemId.hashCode();
      user[n] = userId;
      item[n] = itemId;
      weight[n] = value;
      time[n] = epochSecond;
      n++;
    }

    @Override public void clear() {
      Arrays.fill(user, 0, n, null);
      Arrays.fill(item, 0, n, null);
      n = 0;
    }
  }

  /**
   * The interactions read. Reading after an instant, no new row is an answer (nothing changed since), not a
   * failure: the result is then empty.
   */
  ExtractResult finish() {
    if (after == InteractionsBuilder.NO_TIME) rows.finish("interactions", builder.rows(), "min_weight");
    else rows.finishAllowingNone();
    var interactions = builder.build();
    return new ExtractResult(interactions, rows.rowsRead(), builder.rows(), rows.badRows(), builder.belowMinWeight(),
        builder.duplicatesMerged(), rows.samples(), builder.lastSeen(), rowsBefore);
  }
}
