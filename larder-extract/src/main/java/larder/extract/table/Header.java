package larder.extract.table;

import java.util.List;
import larder.core.InputException;
import larder.extract.Column;

/**
 * The column names an input offers: a file's header line (or none), a query's column labels. Resolves a
 * {@link Column} by name (exact, else ignoring case and surrounding spaces) or by 1-based position.
 */
public final class Header {
  private final String source;
  private final long line;
  private final List<String> names;
  private final boolean query;

  private Header(String source, long line, List<String> names, boolean query) {
    this.source = source;
    this.line = line;
    this.names = names == null ? null : List.copyOf(names);
    this.query = query;
  }

  /**
   * @param line the line of the header, or of the first data row when there is none
   * @param names the header line's fields, or null when the file has no header line
   */
  public static Header ofFile(String source, long line, List<String> names) {
    return new Header(source, line, names, false);
  }

  public static Header ofQuery(String source, List<String> labels) {
    return new Header(source, 0, labels, true);
  }

  /** The file name or query label. */
  public String source() {
    return source;
  }

  /** The header's line in a file (the first data row's when there is none); 0 for a query. */
  public long line() {
    return line;
  }

  /** The names, empty when the file has no header line. */
  public List<String> names() {
    return names == null ? List.of() : names;
  }

  /** The input's name for a row: "line 17" in a file, "row 17" of a query. */
  public String where(long row) {
    return (query ? "row " : "line ") + row;
  }

  /**
   * Where {@code column} is, named for messages by the header (else by {@code role}).
   *
   * @param column the chosen column, or null for an optional one not chosen
   * @throws InputException when no column has that name, or a query has no column at that position
   */
  public FieldRef field(Column column, String role) {
    if (column == null) return FieldRef.absent(role);
    int index = index(column);
    String name = names != null && index < names.size() && !names.get(index).isBlank()
        ? names.get(index).strip() : role;
    return new FieldRef(index, name);
  }

  private int index(Column c) {
    if (!c.byName()) {
      // A file's rows may be wider than its header; a query's never are.
      if (query && c.position() > names.size()) {
        throw new InputException(source, 0, null, "column " + c.position() + " is beyond the query's "
            + names.size() + " columns: " + String.join(", ", names), "select the column or fix its position");
      }
      return c.position() - 1;
    }
    if (names == null) {
      throw new InputException(source, line, null, "column '" + c.name() + "' is chosen by name but the file "
          + "has no header line", "give the column's 1-based position, or set header: true");
    }
    int at = names.indexOf(c.name());
    for (int k = 0; k < names.size() && at < 0; k++) if (names.get(k).strip().equalsIgnoreCase(c.name())) at = k;
    if (at < 0) {
      throw query
          ? new InputException(source, 0, null, "unknown column '" + c.name() + "'; the query returns: "
              + String.join(", ", names), "use one of the query's column labels or a 1-based position")
          : new InputException(source, line, null, "unknown column '" + c.name() + "'; the header has: "
              + String.join(", ", names), "use one of the header's names or a 1-based position");
    }
    return at;
  }
}
