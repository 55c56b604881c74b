package larder.cli;

/** RFC 4180 quoting for CSV output. */
final class Csv {
  private Csv() {}

  static String quote(String v) {
    if (v == null) return "";
    if (v.indexOf(',') < 0 && v.indexOf('"') < 0 && v.indexOf('\n') < 0 && v.indexOf('\r') < 0) return v;
    return '"' + v.replace("\"", "\"\"") + '"';
  }
}
