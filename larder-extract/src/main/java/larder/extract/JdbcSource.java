package larder.extract;

import larder.core.Progress;

/**
 * Runs a query and streams its rows into interactions (see {@link larder.extract.table.JdbcQuery}). Ids are
 * read as text (so integer and text keys both work), weights as text parsed like a file's; bad rows are
 * reported as {@code label:row: field 'x': problem}. The query may hold {@code :since} (see {@link
 * larder.extract.table.JdbcQuery}): the high-water mark of a refresh, the start of 1970 for a full run; rows
 * at or before the high-water mark are skipped here too, so {@code >=} in the query is harmless.
 */
public final class JdbcSource implements InteractionSource {
  private final JdbcSpec spec;

  public JdbcSource(JdbcSpec spec) {
    this.spec = spec;
  }

  public JdbcSpec spec() { return spec; }

  @Override public String label() { return spec.label(); }

  @Override public boolean binary() { return spec.options().binary(); }

  @Override public JdbcSource after(java.time.Instant hwm) {
    return new JdbcSource(spec.withOptions(spec.options().withAfter(hwm)));
  }

  @Override public ExtractResult read(Progress p) {
    InteractionRows rows = new InteractionRows(label(), spec.user(), spec.item(), spec.weight(), spec.timestamp(),
        spec.options(), p);
    spec.jdbcQuery().read(rows, rows.collector(), spec.options().after());
    return rows.finish();
  }
}
