package larder.extract;

import java.nio.file.Path;
import larder.core.ConfigException;
import larder.extract.formats.KnownLayout;
import larder.extract.table.DelimitedFile;

/**
 * A delimited text file of interactions, read as {@link DelimitedFile} says: gzip detected from the content,
 * CRLF and a missing final newline fine, quotes as in RFC 4180 but strictly and within a line (except in
 * {@link #WHITESPACE} mode, which splits on runs of spaces and tabs and ignores leading ones).
 *
 * @param path the file
 * @param delimiter the field separator, or {@link #WHITESPACE}
 * @param header whether the first non-empty line names the columns
 * @param user the user id column
 * @param item the item id column
 * @param weight the weight column, or null for weight 1 per row
 * @param timestamp the time column, or null; empty fields mean no time (formats: {@link
 *     larder.extract.formats.Timestamps})
 * @param options bad-row limit, minimum weight, binary
 */
public record CsvSpec(Path path, char delimiter, boolean header, Column user, Column item, Column weight,
    Column timestamp, ReadOptions options) {

  /** Delimiter meaning "runs of spaces and tabs". */
  public static final char WHITESPACE = DelimitedFile.WHITESPACE;

  public CsvSpec {
    DelimitedFile file = new DelimitedFile(path, delimiter, header);
    if (user == null) throw new ConfigException("user", null, "the user column must be given");
    if (item == null) throw new ConfigException("item", null, "the item column must be given");
    if (options == null) options = ReadOptions.DEFAULT;
    file.requireFindable("user", user);
    file.requireFindable("item", item);
    file.requireFindable("weight", weight);
    file.requireFindable("timestamp", timestamp);
  }

  /** The file, delimiter and header setting: what the rows are read from. */
  public DelimitedFile file() {
    return new DelimitedFile(path, delimiter, header);
  }

  /** A comma-separated file with a header; columns given as names or 1-based positions ("3"). */
  public static CsvSpec of(Path path, String user, String item) {
    return new CsvSpec(path, ',', true, Column.parse(user), Column.parse(item), null, null, ReadOptions.DEFAULT);
  }

  /** A known layout by name: "movielens-udata", "movielens-ratings" or "lastfm". */
  public static CsvSpec preset(String name, Path path) {
    return KnownLayout.of(name).spec(path);
  }

  /**
   * The delimiter a setting names: a single character, or "tab", "comma", "semicolon", "pipe", "space"
   * (one space) or "whitespace".
   */
  public static char delimiter(String text) {
    return DelimitedFile.delimiter(text);
  }

  public CsvSpec withPath(Path v) { return new CsvSpec(v, delimiter, header, user, item, weight, timestamp, options); }
  public CsvSpec withDelimiter(char v) { return new CsvSpec(path, v, header, user, item, weight, timestamp, options); }
  public CsvSpec withHeader(boolean v) { return new CsvSpec(path, delimiter, v, user, item, weight, timestamp, options); }
  public CsvSpec withUser(Column v) { return new CsvSpec(path, delimiter, header, v, item, weight, timestamp, options); }
  public CsvSpec withItem(Column v) { return new CsvSpec(path, delimiter, header, user, v, weight, timestamp, options); }
  public CsvSpec withWeight(Column v) { return new CsvSpec(path, delimiter, header, user, item, v, timestamp, options); }
  public CsvSpec withTimestamp(Column v) { return new CsvSpec(path, delimiter, header, user, item, weight, v, options); }
  public CsvSpec withOptions(ReadOptions v) { return new CsvSpec(path, delimiter, header, user, item, weight, timestamp, v); }
  public CsvSpec withMaxBadRows(long v) { return withOptions(options.withMaxBadRows(v)); }
  public CsvSpec withMinWeight(float v) { return withOptions(options.withMinWeight(v)); }
  public CsvSpec withBinary(boolean v) { return withOptions(options.withBinary(v)); }
}
