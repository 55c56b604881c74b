package larder.extract;

import larder.core.Progress;

/**
 * Reads a delimited file, streamed, into interactions (see {@link larder.extract.table.DelimitedFile} for
 * what files are read). Bad rows are reported as {@code file:line: field 'x': problem}.
 */
public final class CsvSource implements InteractionSource {
  private final CsvSpec spec;

  public CsvSource(CsvSpec spec) {
    this.spec = spec;
  }

  public CsvSpec spec() { return spec; }

  @Override public String label() { return spec.file().label(); }

  @Override public boolean binary() { return spec.options().binary(); }

  @Override public CsvSource after(java.time.Instant hwm) {
    return new CsvSource(spec.withOptions(spec.options().withAfter(hwm)));
  }

  @Override public ExtractResult read(Progress p) {
    InteractionRows rows = new InteractionRows(label(), spec.user(), spec.item(), spec.weight(), spec.timestamp(),
        spec.options(), p);
    spec.file().read(rows, rows.collector());
    return rows.finish();
  }
}
