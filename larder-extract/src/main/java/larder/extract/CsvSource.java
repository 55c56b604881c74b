package larder.extract;

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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import larder.core.InputException;
import larder.core.Progress;
import larder.extract.formats.Timestamps;
import larder.extract.formats.Weights;
import larder.extract.formats.WhitespaceSplitter;

/**
 * Reads a delimited file, streamed, into interactions. RFC 4180 parsing is FastCSV's; whitespace mode
 * splits lines by hand. Bad rows are reported as {@code file:line: field 'x': problem}.
 */
public final class CsvSource implements InteractionSource {
  private final CsvSpec spec;
  private final String label;

  public CsvSource(CsvSpec spec) {
    this.spec = spec;
    Path name = spec.path().getFileName();
    this.label = name == null ? spec.path().toString() : name.toString();
  }

  public CsvSpec spec() { return spec; }

  @Override public String label() { return label; }

  @Override public ExtractResult read(Progress p) {
    RowCollector rc = new RowCollector(label, spec.options(), p);
    try (InputStream in = open()) {
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
      if (spec.delimiter() == CsvSpec.WHITESPACE) readWhitespace(reader, rc);
      else readCsv(reader, rc);
    } catch (IOException e) {
      throw unreadable(e, rc.rowsRead());
    } catch (UncheckedIOException e) {
      throw unreadable(e.getCause(), rc.rowsRead());
    }
    return rc.finish();
  }

  private InputStream open() {
    try {
      InputStream raw = new BufferedInputStream(Files.newInputStream(spec.path()), 1 << 16);
      raw.mark(2);
      int b0 = raw.read();
      int b1 = raw.read();
      raw.reset();
      // Magic bytes, not the name: exports are often gzipped under a .csv name and vice versa.
      return b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(raw, 1 << 16) : raw;
    } catch (NoSuchFileException e) {
      throw new InputException(spec.path().toString(), 0, null, "file not found",
          "check the path (relative paths start from the working directory)", e);
    } catch (AccessDeniedException e) {
      throw new InputException(spec.path().toString(), 0, null, "permission denied",
          "make the file readable by this user", e);
    } catch (IOException e) {
      throw new InputException(spec.path().toString(), 0, null, "cannot read: " + e,
          "check that the path is a readable file", e);
    }
  }

  private InputException unreadable(IOException e, long rows) {
    return new InputException(spec.path().toString(), 0, null,
        "cannot read after " + rows + " rows: " + e, "the file may be truncated or corrupt; check it and retry", e);
  }

  /** Field access shared by the two parsers, so row handling is written once. */
  private interface Fields {
    int count();
    String get(int index);
  }

  private void readCsv(BufferedReader reader, RowCollector rc) {
    CsvReader<CsvRecord> csv = CsvReader.builder()
        .fieldSeparator(spec.delimiter())
        .quoteCharacter('"')
        .skipEmptyLines(true)
        .ignoreDifferentFieldCount(true)
        .ofCsvRecord(reader);
    CsvRecord[] current = new CsvRecord[1];
    Fields fields = new Fields() {
      @Override public int count() { return current[0].getFieldCount(); }
      @Override public String get(int index) { return current[0].getField(index); }
    };
    Columns cols = null;
    boolean first = true;
    long line = 0;
    try {
      for (CsvRecord r : csv) {
        line = r.getStartingLineNumber();
        current[0] = r;
        if (r.getFieldCount() == 1 && r.getField(0).isBlank()) continue;
        if (first) {
          first = false;
          List<String> names = new ArrayList<>(r.getFields());
          if (!names.isEmpty()) names.set(0, stripBom(names.get(0)));
          cols = resolve(spec.header() ? names : null, line);
          if (spec.header()) continue;
        }
        row(line, fields, cols, rc);
      }
    } catch (CsvParseException e) {
      throw new InputException(label, line, null, "not valid CSV: " + e.getMessage(),
          "a field holding the delimiter, a quote or a line break must be quoted, with quotes doubled", e);
    }
  }

  private void readWhitespace(BufferedReader reader, RowCollector rc) throws IOException {
    WhitespaceSplitter split = new WhitespaceSplitter();
    Fields fields = new Fields() {
      @Override public int count() { return split.count(); }
      @Override public String get(int index) { return split.field(index); }
    };
    Columns cols = null;
    long line = 0;
    for (String text; (text = reader.readLine()) != null; ) {
      line++;
      if (line == 1) text = stripBom(text);
      if (split.split(text) == 0) continue;
      if (cols == null) {
        List<String> names = new ArrayList<>(split.count());
        for (int k = 0; k < split.count(); k++) names.add(split.field(k));
        cols = resolve(spec.header() ? names : null, line);
        if (spec.header()) continue;
      }
      row(line, fields, cols, rc);
    }
  }

  private static String stripBom(String s) {
    return !s.isEmpty() && s.charAt(0) == '\uFEFF' ? s.substring(1) : s;
  }

  /** Resolved 0-based column indices (-1 for absent optional ones) and the names messages use. */
  private record Columns(int user, int item, int weight, int time, String userName, String itemName,
      String weightName, String timeName) {}

  private Columns resolve(List<String> header, long line) {
    int u = index(spec.user(), header, line);
    int i = index(spec.item(), header, line);
    int w = spec.weight() == null ? -1 : index(spec.weight(), header, line);
    int t = spec.timestamp() == null ? -1 : index(spec.timestamp(), header, line);
    return new Columns(u, i, w, t, name("user", u, header), name("item", i, header), name("weight", w, header),
        name("timestamp", t, header));
  }

  private int index(Column c, List<String> header, long line) {
    if (!c.byName()) return c.position() - 1;
    int at = header.indexOf(c.name());
    if (at < 0) {
      for (int k = 0; k < header.size() && at < 0; k++) if (header.get(k).strip().equalsIgnoreCase(c.name())) at = k;
    }
    if (at < 0) {
      throw new InputException(label, line, null, "unknown column '" + c.name() + "'; the header has: "
          + String.join(", ", header), "use one of the header's names or a 1-based position");
    }
    return at;
  }

  private static String name(String role, int index, List<String> header) {
    if (index < 0) return role;
    return header != null && index < header.size() && !header.get(index).isBlank() ? header.get(index).strip() : role;
  }

  private void row(long line, Fields f, Columns c, RowCollector rc) {
    rc.row();
    int width = f.count();
    if (c.user() >= width) { missing(line, c.userName(), c.user(), width, rc); return; }
    if (c.item() >= width) { missing(line, c.itemName(), c.item(), width, rc); return; }
    String user = f.get(c.user()).strip();
    if (user.isEmpty()) { rc.bad(line, c.userName(), "empty id"); return; }
    String item = f.get(c.item()).strip();
    if (item.isEmpty()) { rc.bad(line, c.itemName(), "empty id"); return; }
    float weight = 1f;
    if (c.weight() >= 0) {
      if (c.weight() >= width) { missing(line, c.weightName(), c.weight(), width, rc); return; }
      try {
        weight = Weights.parse(f.get(c.weight()));
      } catch (IllegalArgumentException e) {
        rc.bad(line, c.weightName(), e.getMessage());
        return;
      }
    }
    long time = InteractionsBuilder.NO_TIME;
    if (c.time() >= 0) {
      if (c.time() >= width) { missing(line, c.timeName(), c.time(), width, rc); return; }
      String s = f.get(c.time());
      if (!s.isBlank()) {
        try {
          time = Timestamps.parse(s);
        } catch (IllegalArgumentException e) {
          rc.bad(line, c.timeName(), e.getMessage());
          return;
        }
      }
    }
    rc.keep(user, item, weight, time);
  }

  private static void missing(long line, String field, int index, int width, RowCollector rc) {
    rc.bad(line, field, "missing: column " + (index + 1) + " but the row has " + width
        + (width == 1 ? " field" : " fields") + " (wrong delimiter?)");
  }
}
