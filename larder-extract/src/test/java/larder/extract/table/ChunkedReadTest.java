package larder.extract.table;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import larder.core.InputException;
import larder.core.Progress;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Rows parsed a chunk at a time on several threads against the same file split and handled line by line on one
 * thread: the same rows with the same lines, the same bad rows, samples and counts, the same failure at the same
 * row, whatever the chunk size (down to one line per chunk and lines longer than a chunk).
 */
class ChunkedReadTest {

  /** A handler that parses like a source (an id, a time, a number) and records each row as "line: values". */
  static final class Recording implements ChunkedRowHandler<Recording.Rows> {
    static final class Rows implements ChunkedRowHandler.Parsed {
      final List<String> values = new ArrayList<>();

      @Override public void clear() {
        values.clear();
      }
    }

    final BadRowCollector rc;
    final List<String> out = new ArrayList<>();
    final Rows one = new Rows();
    FieldRef id;
    FieldRef time;
    FieldRef amount;
    Header header;

    Recording(long maxBadRows) {
      rc = new BadRowCollector("t.csv", maxBadRows, Progress.NONE);
    }

    @Override public void start(Header h) {
      header = h;
      id = h.field(larder.extract.Column.at(1), "id");
      time = h.field(larder.extract.Column.at(2), "time");
      amount = h.field(larder.extract.Column.at(3), "amount");
    }

    @Override public void row(long line, Fields f) {
      one.clear();
      if (parse(line, f, one, rc)) apply(one, 0, line);
    }

    @Override public Rows newParsed() {
      return new Rows();
    }

    @Override public boolean parse(long line, Fields f, Rows out, BadRowCollector rows) {
      if (rows.missing(line, f, id)) return false;
      String s = rows.id(line, f, id);
      if (s == null) return false;
      long t = f.count() > time.index() ? rows.time(line, f, time) : Fields.NO_TIME;
      if (t == BadRowCollector.BAD_TIME) return false;
      String a = "";
      if (f.count() > amount.index()) {
        try {
          a = Double.toString(f.decimal(amount.index()));
        } catch (IllegalArgumentException e) {
          rows.bad(line, amount.name(), e.getMessage());
          return false;
        }
      }
      out.values.add(s + "|" + t + "|" + a + "|" + f.count());
      return true;
    }

    @Override public void apply(Rows p, int index, long line) {
      out.add(line + ": " + p.values.get(index));
    }
  }

  /** What a read did: rows, bad rows, counts and the failure, if any, as text to compare. */
  static List<String> outcome(Path file, boolean header, long maxBadRows, int threads, int chunk) {
    Recording r = new Recording(maxBadRows);
    List<String> o = new ArrayList<>();
    try {
      DelimitedReader.read(new DelimitedFile(file, ',', header), r, r.rc, threads, chunk);
    } catch (InputException e) {
      o.add("failed: " + e.getMessage());
    }
    o.add("header: " + (r.header == null ? null : r.header.names() + " at " + r.header.line()));
    o.addAll(r.out);
    o.add("read " + r.rc.rowsRead() + ", bad " + r.rc.badRows());
    o.addAll(r.rc.samples());
    return o;
  }

  /** Lines good, bad and blank, in UTF-8 or not, LF or CRLF. */
  @Provide
  Arbitrary<List<String>> lines() {
    Arbitrary<String> line = Arbitraries.of(
        "u1,2024-03-01T12:00:00Z,11.77", "u2,1709294400,-3.5", "\"u,3\",2024-03-01,7", "u4", "", "   ",
        "u5,2024-03-01T12:00:00Z,abc", "u6,17e9x,1", "u7,99999999999,1", "\"u8,1,1", "u9\"x,1,1",
        "caf\u00e9,2024-03-01T12:00:00Z,1.5", "\"a \"\"b\"\"\",1709294400,2", "u10,,", ",1709294400,1",
        "u11,2024-02-30,1", "\u00ffbad-utf8", "u12,2024-03-01 12:00:00,+0.25",
        "long-" + "x".repeat(70) + ",1709294400,1");
    return line.list().ofMaxSize(60);
  }

  static Path write(List<String> lines, boolean crlf, boolean finalNewline, boolean bom, boolean gzip)
      throws IOException {
    StringBuilder s = new StringBuilder(bom ? "\uFEFF" : "");
    for (int k = 0; k < lines.size(); k++) {
      s.append(lines.get(k));
      if (k < lines.size() - 1 || finalNewline) s.append(crlf ? "\r\n" : "\n");
    }
    byte[] utf8 = s.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    // The marker stands for a byte that is not UTF-8.
    byte[] marker = "\u00ff".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    for (int k = 0; k < utf8.length; k++) {
      if (k + 1 < utf8.length && utf8[k] == marker[0] && utf8[k + 1] == marker[1]) {
        b.write(0xe9);
        k++;
      } else {
        b.write(utf8[k]);
      }
    }
    Path f = Files.createTempFile("chunked", gzip ? ".csv.gz" : ".csv");
    try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(f)) : Files.newOutputStream(f)) {
      out.write(b.toByteArray());
    }
    return f;
  }

  @Property(tries = 300)
  void chunkedParallelReadsEqualTheReadInOrder(@ForAll("lines") List<String> lines, @ForAll boolean crlf,
      @ForAll boolean finalNewline, @ForAll boolean bom, @ForAll boolean header, @ForAll boolean gzip,
      @ForAll @IntRange(min = 0, max = 6) int maxBadRows, @ForAll @IntRange(min = 1, max = 200) int chunk,
      @ForAll @IntRange(min = 1, max = 3) int threads) throws IOException {
    Path f = write(lines, crlf, finalNewline, bom, gzip);
    try {
      List<String> inOrder = outcome(f, header, maxBadRows, 0, 1 << 16);
      assertThat(outcome(f, header, maxBadRows, threads, chunk)).isEqualTo(inOrder);
    } finally {
      Files.delete(f);
    }
  }

  @Test
  void aBadRowInALaterChunkIsNamedByItsLineInTheFile() throws IOException {
    List<String> lines = new ArrayList<>(List.of("id,time,amount"));
    for (int k = 0; k < 5000; k++) lines.add(k % 7 == 0 ? "" : "u" + k + ",1709294400," + k);
    lines.set(4321, "u4321,1709294400,not-a-number");
    lines.set(4400, "\"u4400,1709294400,1"); // an open quote
    Path f = write(lines, true, true, false, false);
    try {
      for (int chunk : new int[] {64, 1000, 4096, 1 << 16}) {
        List<String> o = outcome(f, true, 1, 2, chunk);
        assertThat(o.get(0)).as("chunk " + chunk).isEqualTo("failed: t.csv:4322: field 'amount': 'not-a-number' is not"
            + " a number (2 bad rows seen, more than max_bad_rows = 1)");
        assertThat(o).contains("t.csv:4401: field 'id': column 1: the quote that opens it is not closed on its line"
            + " (fields may not span lines)");
        assertThat(outcome(f, true, 2, 2, chunk)).contains("4999: u4997|1709294400|4997.0|3");
      }
    } finally {
      Files.delete(f);
    }
  }

  @Test
  void rowsOnBothSidesOfEveryChunkBoundaryKeepTheirLines() throws IOException {
    // Lines of 10 bytes with CRLF; chunks of 10 to 40 bytes cut right after, before and inside the CRLF.
    List<String> lines = new ArrayList<>();
    for (int k = 0; k < 300; k++) lines.add(String.format("u%03d,1,%d", k, k % 10)); // 8 bytes + CRLF
    Path f = write(lines, true, false, false, false);
    try {
      List<String> inOrder = outcome(f, false, 0, 0, 1 << 16);
      assertThat(inOrder).contains("1: u000|1|0.0|3", "300: u299|1|9.0|3");
      for (int chunk = 1; chunk <= 40; chunk++) assertThat(outcome(f, false, 0, 2, chunk)).isEqualTo(inOrder);
    } finally {
      Files.delete(f);
    }
  }

  @Test
  void aLineLongerThanAChunkIsOneRow() throws IOException {
    String id = "x".repeat(300);
    Path f = write(Arrays.asList("a,1,1", id + ",1709294400,2", "b,1,1"), false, true, false, false);
    try {
      assertThat(outcome(f, false, 0, 2, 16)).isEqualTo(outcome(f, false, 0, 0, 1 << 16))
          .contains("2: " + id + "|1709294400|2.0|3");
    } finally {
      Files.delete(f);
    }
  }

  @Test
  void theThreadSettingIsAWholeNumberOrAConfigurationError() {
    String was = System.getProperty(DelimitedReader.THREADS);
    try {
      System.clearProperty(DelimitedReader.THREADS);
      assertThat(DelimitedReader.threads()).isBetween(1, 8);
      System.setProperty(DelimitedReader.THREADS, " 0 ");
      assertThat(DelimitedReader.threads()).isZero();
      for (String bad : new String[] {"-1", "two", "1000"}) {
        System.setProperty(DelimitedReader.THREADS, bad);
        org.assertj.core.api.Assertions.assertThatThrownBy(DelimitedReader::threads)
            .isInstanceOf(larder.core.ConfigException.class).hasMessageContaining("larder.parse.threads");
      }
    } finally {
      if (was == null) System.clearProperty(DelimitedReader.THREADS);
      else System.setProperty(DelimitedReader.THREADS, was);
    }
  }
}
