package larder.extract;

import larder.core.Progress;

/**
 * Runs a query and streams its rows into interactions (see {@link larder.extract.table.JdbcQuery}). Ids are
 * read as text (so integer and text keys both work), weights as text parsed like a file's; bad rows are
 * reported as {@code label:row: field 'x': problem}.
 */
public final class JdbcSource implements InteractionSource {
  private final JdbcSpec spec;

  public JdbcSource(JdbcSpec spec) {
    this.spec = spec;
  }

  public JdbcSpec spec() { return spec; }

  @Override public String label() { return spec.label(); }

  @Override public ExtractResult read(Progress p) {
    InteractionRows rows = new InteractionRows(label(), spec.user(), spec.item(), spec.weight(), spec.timestamp(),
        spec.options(), p);
    spec.jdbcQuery().read(rows, rows.collector());
    return rows.finish();
  }
}
