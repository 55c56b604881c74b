package larder.extract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashSet;
import java.util.Set;
import larder.core.ConfigException;
import larder.core.InputException;
import larder.core.Progress;
import larder.extract.formats.Ids;
import larder.extract.formats.TimeWindow;
import larder.extract.table.DelimitedFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Strict input through whole sources: quotes, UTF-8, time windows, ids, and files that change while read. */
class StrictInputTest {
  @TempDir Path dir;

  Path write(String name, String content) throws IOException {
    return Files.write(dir.resolve(name), content.getBytes(StandardCharsets.UTF_8));
  }

  static String rows(int from, int to) {
    StringBuilder s = new StringBuilder();
    for (int k = from; k < to; k++) s.append("u").append(k % 50).append(",i").append(k % 7).append(",note ").append(k)
        .append(",1712345678\n");
    return s.toString();
  }

  static ExtractResult read(Path f, long maxBad) {
    CsvSpec spec = CsvSpec.of(f, "user_id", "item_id").withTimestamp(Column.named("ts")).withMaxBadRows(maxBad);
    return new CsvSource(spec).read(Progress.NONE);
  }

  static final String HEADER = "user_id,item_id,note,ts\n";

  @Test
  void aQuoteClosedTenLinesLaterMakesTwoBadRowsAndMergesNothing() throws IOException {
    String[] lines = (HEADER + rows(0, 40)).split("\n", -1);
    lines[5] = lines[5].replace(",note", ",\"note"); // opened on line 6
    lines[15] = lines[15].replace(",1712", "\",1712"); // "closed" on line 16
    Path f = write("ten.csv", String.join("\n", lines));
    ExtractResult r = read(f, 5);
    assertThat(r.rowsRead()).isEqualTo(40);
    assertThat(r.rowsKept()).isEqualTo(38);
    assertThat(r.badRowSamples()).containsExactly(
        "ten.csv:6: field 'note': column 3: the quote that opens it is not closed on its line (fields may not span lines)",
        "ten.csv:16: field 'note': column 3: a quote inside a field that does not start with one (quote the whole"
            + " field and write the quote twice)");
    assertThatThrownBy(() -> read(f, 0)).isInstanceOfSatisfying(InputException.class, e -> {
      assertThat(e.exitCode()).isEqualTo(3);
      assertThat(e.source()).isEqualTo("ten.csv");
      assertThat(e.line()).isEqualTo(6);
      assertThat(e.field()).isEqualTo("note");
    });
  }

  @Test
  void anUnclosedQuoteInTheLastLineAndInAnUnusedColumnIsBadToo() throws IOException {
    Path f = write("last.csv", HEADER + rows(0, 3) + "u9,i9,\"never closed,1712345678");
    ExtractResult r = read(f, 1);
    assertThat(r.rowsRead()).isEqualTo(4);
    assertThat(r.badRowSamples()).singleElement().asString().startsWith("last.csv:5: field 'note': column 3: the quote");
  }

  @Test
  void invalidUtf8IsABadRowNotAMergedId() throws IOException {
    byte[] head = (HEADER + "caf").getBytes(StandardCharsets.UTF_8);
    byte[] tail = ",i1,x,1712345678\n".getBytes(StandardCharsets.UTF_8);
    Path f = dir.resolve("latin1.csv");
    try (var out = Files.newOutputStream(f)) {
      out.write(head);
      out.write(0xe9);
      out.write(tail);
      out.write("caf".getBytes(StandardCharsets.UTF_8));
      out.write(0xe8);
      out.write(tail);
      out.write("café,i2,x,1712345678\n".getBytes(StandardCharsets.UTF_8));
    }
    ExtractResult r = read(f, 2);
    assertThat(r.rowsKept()).isEqualTo(1);
    assertThat(r.interactions().users().name(0)).isEqualTo("café");
    assertThat(r.badRowSamples()).containsExactly(
        "latin1.csv:2: field 'user_id': column 1: not valid UTF-8: bytes 63 61 66 [E9] (save the file as UTF-8)",
        "latin1.csv:3: field 'user_id': column 1: not valid UTF-8: bytes 63 61 66 [E8] (save the file as UTF-8)");
  }

  @Test
  void everyFormatOfAnImplausibleTimeIsABadRow() throws IOException {
    String[] bad = {"1712345678000", "1712345678000000", "9999-12-31T23:59:59Z", "9999-12-31T23:59:59+00:00",
        "253402300799", "1969-12-31", "19691231", "-1", "1712345678000.5", "2999-01-01T00:00:00+05:00",
        "3000-01-01 00:00:00"};
    StringBuilder s = new StringBuilder(HEADER).append("u0,i0,x,1970-01-01T00:00:00Z\n");
    for (String t : bad) s.append("u1,i1,x,").append(t.contains(",") ? "\"" + t + "\"" : t).append('\n');
    ExtractResult r = read(write("times.csv", s.toString()), bad.length);
    assertThat(r.rowsKept()).isEqualTo(1);
    assertThat(r.badRowSamples()).hasSize(10).allSatisfy(m -> assertThat(m).contains("field 'ts': '"));
    assertThat(r.badRowSamples().get(0)).contains("'1712345678000' is after ")
        .contains("(+56232-").contains("it looks like milliseconds since 1970");
    assertThat(r.badRowSamples().get(1)).contains("it looks like microseconds since 1970");
    assertThat(r.badRowSamples().get(3)).startsWith("times.csv:6: field 'ts': '9999-12-31T23:59:59+00:00' is after ");
    assertThat(r.badRowSamples().get(5)).contains("'1969-12-31' is before 1970-01-01T00:00:00Z")
        .doesNotContain("looks like");
  }

  @Test
  void theDefaultWindowEndsWithTomorrowAndAWindowCanBeSet() throws IOException {
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    long endOfTomorrow = today.plusDays(2).atStartOfDay(ZoneOffset.UTC).toEpochSecond() - 1;
    Path f = write("edge.csv", HEADER + "u0,i0,x," + endOfTomorrow + "\nu1,i1,x," + (endOfTomorrow + 1) + "\n");
    ExtractResult r = read(f, 1);
    assertThat(r.rowsKept()).isEqualTo(1);
    assertThat(r.badRowSamples()).singleElement().asString().contains("times must fall from 1970 to the end of"
        + " tomorrow (UTC) unless the source's time_window says otherwise");

    Path old = write("old.csv", HEADER + "u0,i0,x,1965-06-01\nu1,i1,x,2031-01-01T00:00:00Z\nu2,i2,x,2030-12-31\n");
    CsvSpec spec = CsvSpec.of(old, "user_id", "item_id").withTimestamp(Column.named("ts")).withMaxBadRows(1)
        .withOptions(ReadOptions.DEFAULT.withMaxBadRows(1).withTimeWindow(TimeWindow.parse("1960-01-01", "2030-12-31")));
    ExtractResult w = new CsvSource(spec).read(Progress.NONE);
    assertThat(w.rowsKept()).isEqualTo(2);
    assertThat(w.badRowSamples()).singleElement().asString()
        .contains("'2031-01-01T00:00:00Z' is after 2030-12-31T23:59:59Z; outside the source's time_window");
    assertThatThrownBy(() -> TimeWindow.parse("2020-01-01", "2019-01-01")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("'from' is after 'to'");
    assertThatThrownBy(() -> TimeWindow.parse("yesterday", null)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("time_window.from");
    assertThat(TimeWindow.parse("2020-01-01T06:00:00+02:00", null).from())
        .isEqualTo(Instant.parse("2020-01-01T04:00:00Z").getEpochSecond());
  }

  @Test
  void typedAndNumericSqlTimesPassTheSameWindow() throws SQLException {
    String url = "jdbc:sqlite:" + dir.resolve("t.db");
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE t (u TEXT, i TEXT, ts INTEGER)");
      st.execute("INSERT INTO t VALUES ('a', 'x', 1712345678), ('b', 'y', 1712345678000), ('c', 'z', -5)");
    }
    JdbcSpec spec = JdbcSpec.of(url, "SELECT u, i, ts FROM t ORDER BY u", "u", "i")
        .withTimestamp(Column.named("ts")).withMaxBadRows(2);
    ExtractResult r = new JdbcSource(spec).read(Progress.NONE);
    assertThat(r.rowsKept()).isEqualTo(1);
    assertThat(r.badRowSamples()).containsExactly(
        "query:2: field 'ts': '1712345678000' is after " + r.badRowSamples().get(0).split("is after ")[1].split(" ")[0]
            + " (" + Instant.ofEpochSecond(1712345678000L) + "); it looks like milliseconds since 1970, but whole numbers are read as seconds;"
            + " times must fall from 1970 to the end of tomorrow (UTC) unless the source's time_window says otherwise",
        "query:3: field 'ts': '-5' is before 1970-01-01T00:00:00Z (1969-12-31T23:59:55Z); times must fall from 1970 to"
            + " the end of tomorrow (UTC) unless the source's time_window says otherwise");
  }

  @Test
  void idsAndLabelsAreCheckedAlikeForEveryStore() throws IOException {
    String longId = "é".repeat(Ids.MAX_BYTES / 2); // 512 bytes: the longest allowed
    Path f = write("ids.csv", HEADER + "a\u0000b,i1,x,1712345678\n" + "u1,i\u0007,x,1712345678\n"
        + longId + ",i2,x,1712345678\n" + longId + "e,i3,x,1712345678\n" + "u2,i4,x,1712345678\n");
    ExtractResult r = read(f, 3);
    assertThat(r.rowsKept()).isEqualTo(2);
    assertThat(r.badRowSamples()).containsExactly(
        "ids.csv:2: field 'user_id': 'a\\u0000b' holds a control character (U+0000) at character 2",
        "ids.csv:3: field 'item_id': 'i\\u0007' holds a control character (U+0007) at character 2",
        "ids.csv:5: field 'user_id': '" + "é".repeat(40) + "...' is 513 bytes long (UTF-8); ids are at most 512");

    Path scores = write("scores.csv", "entity_id,score,label\ne1,0.5,high\ne2,0.2,lo\u0001w\ne\u0000,0.1,\n");
    ScoresResult s = new ScoreSource(new ScoreSpec(DelimitedFile.csv(scores), Column.named("entity_id"),
        Column.named("score"), Column.named("label"), 2)).read(Progress.NONE);
    assertThat(s.badRowSamples()).containsExactly(
        "scores.csv:3: field 'label': 'lo\\u0001w' holds a control character (U+0001) at character 3",
        "scores.csv:4: field 'entity_id': 'e\\u0000' holds a control character (U+0000) at character 2");
  }

  @Test
  void idListFilesAreStrictToo() throws IOException {
    Set<String> ids = new LinkedHashSet<>();
    IdListFile.read(write("deny.csv", "\uFEFFitem_id\n a \n\n\"b\"\n\"say \"\"hi\"\"\"\r\n"), ids);
    assertThat(ids).containsExactly("a", "b", "say \"hi\"");
    Path nul = write("nul.csv", "item_id\nok\nb\u0000d\n");
    assertThatThrownBy(() -> IdListFile.read(nul, new LinkedHashSet<>())).isInstanceOfSatisfying(InputException.class,
        e -> {
          assertThat(e.getMessage()).isEqualTo(nul + ":3: field 'item_id': 'b\\u0000d' holds a control character"
              + " (U+0000) at character 2");
          assertThat(e.hint()).isEqualTo("fix the id on that line; the current batch is still serving");
        });
    Path quote = write("quote.csv", "a\n\"b\nc\n");
    assertThatThrownBy(() -> IdListFile.read(quote, new LinkedHashSet<>())).isInstanceOf(InputException.class)
        .hasMessageStartingWith(quote + ":2: field 'item_id': the quote that opens it is not closed");
  }

  /** A file of {@code n} rows, large enough that the reader's buffer holds a small part of it. */
  Path big(String name, int n) throws IOException {
    return write(name, HEADER + rows(0, n));
  }

  @Test
  void aFileTruncatedWhileReadFails() throws IOException {
    Path f = big("cut.csv", 60_000);
    long size = Files.size(f);
    // Truncated from the first row on: the reader has a buffer's worth, the rest of the file is gone.
    assertThatThrownBy(() -> readTouching(f, raf -> raf.setLength(0))).isInstanceOfSatisfying(InputException.class,
        e -> {
          assertThat(e.exitCode()).isEqualTo(3);
          assertThat(e.source()).isEqualTo(f.toString());
          assertThat(e.problem()).isEqualTo("changed while it was read: its size went from " + size + " to 0 bytes");
          assertThat(e.hint()).startsWith("write the file elsewhere and move it into place");
        });
  }

  @Test
  void aFileRewrittenOrAppendedWhileReadFails() throws IOException {
    Path f = big("grow.csv", 60_000);
    assertThatThrownBy(() -> readTouching(f, raf -> {
      raf.seek(raf.length());
      raf.write("u1,i1,x,1712345678\n".getBytes(StandardCharsets.UTF_8));
    })).isInstanceOf(InputException.class).hasMessageContaining("changed while it was read: its size went from");
    Path g = big("touched.csv", 60_000);
    assertThatThrownBy(() -> readTouching(g, raf -> Files.setLastModifiedTime(g,
        FileTime.from(Instant.now().plusSeconds(60))))).isInstanceOf(InputException.class)
        .hasMessageContaining("changed while it was read: modified at");
  }

  interface Touch {
    void on(RandomAccessFile raf) throws IOException;
  }

  /** Reads {@code f}, changing it once the first row has been handed over. */
  void readTouching(Path f, Touch touch) {
    boolean[] done = {false};
    larder.extract.table.BadRowCollector rc = new larder.extract.table.BadRowCollector("x", 0, Progress.NONE);
    DelimitedFile.csv(f).read(new larder.extract.table.RowHandler() {
      @Override public void start(larder.extract.table.Header header) {}

      @Override public void row(long line, larder.extract.table.Fields fields) {
        if (done[0]) return;
        done[0] = true;
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
          touch.on(raf);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
    }, rc);
  }
}
