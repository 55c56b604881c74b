package larder.extract;

import larder.core.Progress;
import larder.extract.formats.Weights;
import larder.extract.table.BadRowCollector;
import larder.extract.table.FieldRef;
import larder.extract.table.Fields;
import larder.extract.table.Header;
import larder.extract.table.RowHandler;

/** Turns (user, item[, weight][, time]) rows of a file or a query into interactions. */
final class InteractionRows implements RowHandler {
  private final Column user;
  private final Column item;
  private final Column weight;
  private final Column timestamp;
  private final BadRowCollector rows;
  private final InteractionsBuilder builder;
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
    if (rows.missing(line, f, u) || rows.missing(line, f, i)) return;
    String userId = rows.id(line, f, u);
    if (userId == null) return;
    String itemId = rows.id(line, f, i);
    if (itemId == null) return;
    float value = 1f;
    if (w.present()) {
      if (rows.missing(line, f, w)) return;
      String s = f.text(w.index());
      if (s == null) { rows.bad(line, w.name(), "NULL weight"); return; }
      try {
        value = Weights.parse(s);
      } catch (IllegalArgumentException e) {
        rows.bad(line, w.name(), e.getMessage());
        return;
      }
    }
    long time = InteractionsBuilder.NO_TIME;
    if (t.present()) {
      if (rows.missing(line, f, t)) return;
      time = rows.time(line, f, t); // empty or NULL: no time
      if (time == BadRowCollector.BAD_TIME) return;
    }
    builder.add(userId, itemId, value, time);
  }

  ExtractResult finish() {
    rows.finish("interactions", builder.rows(), "min_weight");
    var interactions = builder.build();
    return new ExtractResult(interactions, rows.rowsRead(), builder.rows(), rows.badRows(), builder.belowMinWeight(),
        builder.duplicatesMerged(), rows.samples(), builder.lastSeen());
  }
}
