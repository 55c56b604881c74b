package larder.extract.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import larder.core.ConfigException;
import larder.core.InputException;
import larder.core.Progress;
import larder.extract.Column;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The readers and the collector on their own, through a handler that records what it is handed. */
class TableLayerTest {
  @TempDir Path dir;

  /** Records the header and each row as "line: field|field|...". */
  static class Recorder implements RowHandler {
    final BadRowCollector rc = new BadRowCollector("test", 100, Progress.NONE);
    Header header;
    int starts;
    final List<String> rows = new ArrayList<>();

    @Override public void start(Header h) {
      header = h;
      starts++;
    }

    @Override public void row(long line, Fields f) {
      StringBuilder s = new StringBuilder().append(line).append(':');
      for (int k = 0; k < f.count(); k++) s.append(k == 0 ? " " : "|").append(f.text(k));
      rows.add(s.toString());
    }
  }

  Path write(String name, String content) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, content, StandardCharsets.UTF_8);
    return f;
  }

  static Recorder read(TableInput in) {
    Recorder r = new Recorder();
    in.read(r, r.rc);
    return r;
  }

  @Test
  void csvRowsKeepTheirLineAcrossEmptyLinesAndAQuotedBreakIsABadRow() throws IOException {
    Path f = write("a.csv", "\uFEFFid,note\r\n\r\n1,\"two\nlines\"\r\n2,plain\n\n3,\"x,y\"");
    Recorder r = read(DelimitedFile.csv(f));
    assertThat(r.starts).isEqualTo(1);
    assertThat(r.header.names()).containsExactly("id", "note"); // no byte-order mark on "id"
    assertThat(r.header.line()).isEqualTo(1);
    // Line 3 opens a quote it does not close; line 4 holds a quote inside an unquoted field: both bad.
    assertThat(r.rows).containsExactly("5: 2|plain", "7: 3|x,y");
    assertThat(r.rc.rowsRead()).isEqualTo(4);
    assertThat(r.rc.samples()).containsExactly(
        "test:3: field 'note': column 2: the quote that opens it is not closed on its line (fields may not span lines)",
        "test:4: field 'id': column 1: a quote inside a field that does not start with one (quote the whole"
            + " field and write the quote twice)");
  }

  @Test
  void withoutHeaderTheFirstLineIsDataAndTheBomIsStrippedFromIt() throws IOException {
    Path f = write("b.tsv", "\uFEFF00001\t5\n00002\t6\n");
    Recorder r = read(new DelimitedFile(f, '\t', false));
    assertThat(r.header.names()).isEmpty();
    assertThat(r.rows).containsExactly("1: 00001|5", "2: 00002|6");
  }

  @Test
  void whitespaceModeAndGzipByContent() throws IOException {
    Path f = dir.resolve("c.txt");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
      out.write("\uFEFF  a   b\r\n\t\r\n c\td \r\n".getBytes(StandardCharsets.UTF_8));
    }
    Recorder r = read(new DelimitedFile(f, DelimitedFile.WHITESPACE, false));
    assertThat(r.rows).containsExactly("1: a|b", "3: c|d");
    Recorder h = read(new DelimitedFile(f, DelimitedFile.WHITESPACE, true));
    assertThat(h.header.names()).containsExactly("a", "b");
    assertThat(h.rows).containsExactly("3: c|d");
  }

  @Test
  void anEmptyFileNeverStartsTheHandler() throws IOException {
    Recorder r = read(DelimitedFile.csv(write("e.csv", "\r\n\n")));
    assertThat(r.starts).isZero();
    assertThat(r.rows).isEmpty();
  }

  @Test
  void headerFindsNamesExactlyThenIgnoringCaseAndPositions() {
    Header h = Header.ofFile("f.csv", 3, List.of("Customer", " spend ", "spend"));
    assertThat(h.field(Column.named("spend"), "x")).isEqualTo(new FieldRef(2, "spend"));
    assertThat(h.field(Column.named("SPEND"), "x")).isEqualTo(new FieldRef(1, "spend"));
    assertThat(h.field(Column.named("customer"), "x")).isEqualTo(new FieldRef(0, "Customer"));
    assertThat(h.field(Column.at(7), "amount")).isEqualTo(new FieldRef(6, "amount")); // checked per row
    assertThat(h.field(null, "order").present()).isFalse();
    assertThat(h.where(9)).isEqualTo("line 9");
    assertThatThrownBy(() -> h.field(Column.named("when"), "timestamp"))
        .isInstanceOfSatisfying(InputException.class, e -> {
          assertThat(e.getMessage()).isEqualTo("f.csv:3: unknown column 'when'; the header has: Customer,  spend , spend");
          assertThat(e.hint()).isEqualTo("use one of the header's names or a 1-based position");
        });

    Header q = Header.ofQuery("orders", List.of("cust", "amt"));
    assertThat(q.where(9)).isEqualTo("row 9");
    assertThatThrownBy(() -> q.field(Column.at(3), "amount")).isInstanceOf(InputException.class)
        .hasMessage("orders: column 3 is beyond the query's 2 columns: cust, amt");
    assertThatThrownBy(() -> q.field(Column.named("when"), "timestamp")).isInstanceOf(InputException.class)
        .hasMessage("orders: unknown column 'when'; the query returns: cust, amt");
  }

  @Test
  void queryRowsAreNumberedAndTypedTimesRead() throws SQLException {
    String url = "jdbc:sqlite:" + dir.resolve("t.db");
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE t (id INTEGER, note TEXT, at INTEGER)");
      st.execute("INSERT INTO t VALUES (1, 'a', 100), (2, NULL, NULL), (3, 'c', 300)");
    }
    List<Long> times = new ArrayList<>();
    Recorder r = new Recorder() {
      @Override public void row(long line, Fields f) {
        super.row(line, f);
        times.add(f.epochSecond(2));
      }
    };
    new JdbcQuery("notes", url, null, null, "SELECT id, note, at FROM t ORDER BY id", 2).read(r, r.rc);
    assertThat(r.header.names()).containsExactly("id", "note", "at");
    assertThat(r.rows).containsExactly("1: 1|a|100", "2: 2|null|null", "3: 3|c|300");
    assertThat(times).containsExactly(100L, Fields.NO_TIME, 300L);
  }

  @Test
  void collectorCountsSamplesAndStopsPastTheLimit() {
    List<Long> progress = new ArrayList<>();
    BadRowCollector rc = new BadRowCollector("f.csv", 2, (phase, done, total, unit) -> progress.add(done));
    for (int k = 0; k < 250_000; k++) rc.row();
    rc.bad(7, "amount", "'x' is not a number");
    rc.bad(9, null, "odd");
    assertThat(rc.badRows()).isEqualTo(2);
    assertThat(rc.samples()).containsExactly("f.csv:7: field 'amount': 'x' is not a number", "f.csv:9: odd");
    assertThatThrownBy(() -> rc.bad(11, "customer", "empty id")).isInstanceOfSatisfying(InputException.class, e -> {
      assertThat(e.line()).isEqualTo(7);
      assertThat(e.getMessage()).isEqualTo(
          "f.csv:7: field 'amount': 'x' is not a number (3 bad rows seen, more than max_bad_rows = 2)");
    });
    rc.finish("transactions", 1, null);
    assertThat(progress).containsExactly(100_000L, 200_000L, 250_000L);
  }

  @Test
  void collectorFailsWhenNothingWasKept() {
    BadRowCollector none = new BadRowCollector("f.csv", 0, Progress.NONE);
    assertThatThrownBy(() -> none.finish("customers", 0, null)).isInstanceOf(InputException.class)
        .hasMessage("f.csv: no customers: no data rows");
    BadRowCollector bad = new BadRowCollector("f.csv", 5, Progress.NONE);
    bad.row();
    bad.bad(2, "x", "y");
    assertThatThrownBy(() -> bad.finish("transactions", 0, null)).isInstanceOfSatisfying(InputException.class, e -> {
      assertThat(e.getMessage()).isEqualTo("f.csv: no transactions: all 1 rows were bad");
      assertThat(e.hint()).isEqualTo("check the bad rows");
    });
  }

  @Test
  void inputsAreValidated() {
    Path f = dir.resolve("x.csv");
    assertThatThrownBy(() -> new DelimitedFile(f, '"', true)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("delimiter = '\"'");
    assertThatThrownBy(() -> new DelimitedFile(null, ',', true)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("path");
    assertThatThrownBy(() -> new DelimitedFile(f, ',', false).requireFindable("amount", Column.named("amt")))
        .isInstanceOf(ConfigException.class).hasMessage("amount = amt: a column name needs a header line");
    assertThat(DelimitedFile.delimiter("whitespace")).isEqualTo(DelimitedFile.WHITESPACE);
    assertThat(DelimitedFile.delimiter("tab")).isEqualTo('\t');
    assertThat(new DelimitedFile(f, ',', true).label()).isEqualTo("x.csv");
    assertThatThrownBy(() -> JdbcQuery.of("postgres://x", "SELECT 1")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("url");
    assertThatThrownBy(() -> JdbcQuery.of("jdbc:sqlite:x", " ")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("query");
    assertThatThrownBy(() -> JdbcQuery.of("jdbc:sqlite:x", "SELECT 1").withFetchSize(0))
        .isInstanceOf(ConfigException.class).hasMessageContaining("fetch_size");
    JdbcQuery q = JdbcQuery.of("jdbc:postgresql://h/db?password=sekret", "SELECT 1").withCredentials("u", "hunter2");
    assertThat(q.toString()).doesNotContain("sekret").doesNotContain("hunter2");
    assertThat(q.withLabel(" ").label()).isEqualTo("query");
  }
}
