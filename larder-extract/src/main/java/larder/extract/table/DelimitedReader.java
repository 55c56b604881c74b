package larder.extract.table;

import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import larder.core.InputException;
import larder.extract.formats.Timestamps;
import larder.extract.formats.WhitespaceSplitter;

/**
 * Streams a {@link DelimitedFile} to a {@link RowHandler}. RFC 4180 parsing is FastCSV's; whitespace mode
 * splits lines by hand. Errors name the path (cannot open or read) or the file name and line (not CSV).
 */
final class DelimitedReader {
  private final DelimitedFile file;
  private final RowHandler handler;
  private final String label;
  private long rows;

  private DelimitedReader(DelimitedFile file, RowHandler handler) {
    this.file = file;
    this.handler = handler;
    this.label = file.label();
  }

  static void read(DelimitedFile file, RowHandler handler) {
    new DelimitedReader(file, handler).read();
  }

  private void read() {
    try (InputStream in = open()) {
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
      skipBom(reader);
      if (file.delimiter() == DelimitedFile.WHITESPACE) readWhitespace(reader);
      else readCsv(reader);
    } catch (IOException e) {
      throw unreadable(e);
    } catch (UncheckedIOException e) {
      throw unreadable(e.getCause());
    }
  }

  private InputStream open() {
    String where = file.path().toString();
    try {
      InputStream raw = new BufferedInputStream(Files.newInputStream(file.path()), 1 << 16);
      raw.mark(2);
      int b0 = raw.read();
      int b1 = raw.read();
      raw.reset();
      // Magic bytes, not the name: exports are often gzipped under a .csv name and vice versa.
      if (b0 != 0x1f || b1 != 0x8b) return raw;
      // Decompressing is a core's work on its own: done a few chunks ahead, it overlaps with parsing.
      return new ReadAheadInputStream(new GZIPInputStream(raw, 1 << 16), file.path().getFileName().toString());
    } catch (NoSuchFileException e) {
      throw new InputException(where, 0, null, "file not found",
          "check the path (in a config, a relative path starts from the config file's folder)", e);
    } catch (AccessDeniedException e) {
      throw new InputException(where, 0, null, "permission denied", "make the file readable by this user", e);
    } catch (IOException e) {
      throw new InputException(where, 0, null, "cannot read: " + e, "check that the path is a readable file", e);
    }
  }

  private InputException unreadable(IOException e) {
    return new InputException(file.path().toString(), 0, null, "cannot read after " + rows + " rows: " + e,
        "the file may be truncated or corrupt; check it and retry", e);
  }

  private static void skipBom(BufferedReader reader) throws IOException {
    reader.mark(1);
    if (reader.read() != '\uFEFF') reader.reset();
  }

  private void readCsv(BufferedReader reader) {
    CsvReader<CsvRecord> csv = CsvReader.builder()
        .fieldSeparator(file.delimiter())
        .quoteCharacter('"')
        .skipEmptyLines(true)
        .ignoreDifferentFieldCount(true)
        .ofCsvRecord(reader);
    CsvRecord[] current = new CsvRecord[1];
    Fields fields = new TextFields() {
      @Override public int count() { return current[0].getFieldCount(); }
      @Override public String text(int index) { return current[0].getField(index); }
    };
    boolean started = false;
    long line = 0;
    try {
      for (CsvRecord r : csv) {
        line = r.getStartingLineNumber();
        if (r.getFieldCount() == 1 && r.getField(0).isBlank()) continue;
        if (!started) {
          started = true;
          handler.start(Header.ofFile(label, line, file.header() ? r.getFields() : null));
          if (file.header()) continue;
        }
        current[0] = r;
        rows++;
        handler.row(line, fields);
      }
    } catch (CsvParseException e) {
      throw new InputException(label, line, null, "not valid CSV: " + e.getMessage(),
          "a field holding the delimiter, a quote or a line break must be quoted, with quotes doubled", e);
    }
  }

  private void readWhitespace(BufferedReader reader) throws IOException {
    WhitespaceSplitter split = new WhitespaceSplitter();
    Fields fields = new TextFields() {
      @Override public int count() { return split.count(); }
      @Override public String text(int index) { return split.field(index); }
    };
    boolean started = false;
    long line = 0;
    for (String text; (text = reader.readLine()) != null; ) {
      line++;
      if (split.split(text) == 0) continue;
      if (!started) {
        started = true;
        List<String> names = null;
        if (file.header()) {
          names = new ArrayList<>(split.count());
          for (int k = 0; k < split.count(); k++) names.add(split.field(k));
        }
        handler.start(Header.ofFile(label, line, names));
        if (file.header()) continue;
      }
      rows++;
      handler.row(line, fields);
    }
  }

  /** A file's fields are text; an empty one holds no time. */
  private abstract static class TextFields implements Fields {
    @Override public long epochSecond(int index) {
      String s = text(index);
      return s.isBlank() ? NO_TIME : Timestamps.parse(s);
    }
  }
}
