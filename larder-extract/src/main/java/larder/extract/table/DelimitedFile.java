package larder.extract.table;

import java.nio.file.Path;
import java.util.Locale;
import larder.core.ConfigException;
import larder.extract.Column;

/**
 * A delimited text file: CSV, TSV, any one-character separator, or runs of spaces and tabs. Gzip is
 * detected from the content, a UTF-8 byte-order mark is skipped, CRLF and a missing final newline are fine,
 * quotes follow RFC 4180 (except in {@link #WHITESPACE} mode, which splits on runs of spaces and tabs and
 * ignores leading ones), and empty lines are skipped. Strictly: a quoted field must close on its line and end
 * at its closing quote, and the text must be UTF-8, else the line is a bad row; the file must not change
 * while it is read.
 *
 * @param path the file
 * @param delimiter the field separator, or {@link #WHITESPACE}
 * @param header whether the first non-empty line names the columns
 */
public record DelimitedFile(Path path, char delimiter, boolean header) implements TableInput {
  /** Delimiter meaning "runs of spaces and tabs". */
  public static final char WHITESPACE = '\0';

  public DelimitedFile {
    if (path == null) throw new ConfigException("path", null, "must be given");
    if (delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
      throw new ConfigException("delimiter", printable(delimiter), "cannot be a quote or a line break");
    }
  }

  /** A comma-separated file with a header line. */
  public static DelimitedFile csv(Path path) {
    return new DelimitedFile(path, ',', true);
  }

  /** The file name, for messages. */
  @Override public String label() {
    Path name = path.getFileName();
    return name == null ? path.toString() : name.toString();
  }

  @Override public void read(RowHandler handler, BadRowCollector rows) {
    DelimitedReader.read(this, handler, rows);
  }

  /** Without a header line only positions can be found. */
  @Override public void requireFindable(String key, Column column) {
    if (!header && column != null && column.byName()) {
      throw new ConfigException(key, column.name(), "a column name needs a header line",
          "give the column's 1-based position, or set header: true");
    }
  }

  public DelimitedFile withPath(Path v) { return new DelimitedFile(v, delimiter, header); }
  public DelimitedFile withDelimiter(char v) { return new DelimitedFile(path, v, header); }
  public DelimitedFile withHeader(boolean v) { return new DelimitedFile(path, delimiter, v); }

  /**
   * The delimiter a setting names: a single character, or "tab", "comma", "semicolon", "pipe", "space"
   * (one space) or "whitespace".
   */
  public static char delimiter(String text) {
    if (text == null || text.isEmpty()) throw new ConfigException("delimiter", text, "must be given");
    switch (text.toLowerCase(Locale.ROOT)) {
      case "tab": case "\\t": return '\t';
      case "comma": return ',';
      case "semicolon": return ';';
      case "pipe": return '|';
      case "space": return ' ';
      case "whitespace": return WHITESPACE;
      default:
        if (text.length() == 1) return text.charAt(0);
        throw new ConfigException("delimiter", text,
            "must be one character or tab, comma, semicolon, pipe, space, whitespace");
    }
  }

  /** A delimiter as a setting would spell it. */
  public static String printable(char c) {
    return switch (c) {
      case '\t' -> "tab";
      case WHITESPACE -> "whitespace";
      case '\n' -> "\\n";
      case '\r' -> "\\r";
      default -> "'" + c + "'";
    };
  }
}
