package larder.extract;

import java.util.Iterator;
import java.util.List;
import larder.core.Progress;
import larder.extract.formats.Timestamps;
import larder.extract.table.Fields;
import larder.extract.table.Header;

/**
 * Interactions from rows another reader decodes (Spark's Parquet reader), held to the same rules as a file
 * or a query: the same bad-row checks and {@code max_bad_rows}, weights parsed alike, ids interned in
 * first-seen order. Bad rows are reported as {@code label:row: field 'x': problem}.
 */
public final class RowStream {
  private RowStream() {}

  /**
   * @param names the column names, in the order of each row's fields
   * @param rows each row's fields as text, null for NULL; times as epoch seconds or text {@link Timestamps} reads
   */
  public static ExtractResult read(String label, List<String> names, Iterator<String[]> rows, Column user,
      Column item, Column weight, Column timestamp, ReadOptions options, Progress progress) {
    InteractionRows handler = new InteractionRows(label, user, item, weight, timestamp, options, progress);
    handler.start(Header.ofQuery(label, names));
    TextFields fields = new TextFields();
    long row = 0;
    while (rows.hasNext()) {
      fields.values = rows.next();
      handler.collector().row();
      handler.row(++row, fields);
    }
    return handler.finish();
  }

  private static final class TextFields implements Fields {
    String[] values;

    @Override public int count() { return values.length; }

    @Override public String text(int index) { return values[index]; }

    @Override public long epochSecond(int index) {
      String s = values[index];
      return s == null || s.isBlank() ? NO_TIME : Timestamps.parse(s.strip());
    }
  }
}
