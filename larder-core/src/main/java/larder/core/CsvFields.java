package larder.core;

/** Writing CSV fields: RFC 4180 quoting, only where a field needs it. */
public final class CsvFields {
  private CsvFields() {}

  /** The field as written: quoted (quotes doubled) when it holds a comma, quote or line break; "" for null. */
  public static String quote(String v) {
    if (v == null) return "";
    if (v.indexOf(',') < 0 && v.indexOf('"') < 0 && v.indexOf('\n') < 0 && v.indexOf('\r') < 0) return v;
    return '"' + v.replace("\"", "\"\"") + '"';
  }
}
