package larder.extract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import larder.core.ConfigException;
import larder.core.InputException;
import larder.core.Progress;
import larder.core.Transactions;
import larder.extract.formats.Timestamps;
import larder.extract.table.DelimitedFile;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransactionSourceTest {
  static final long MARCH_1 = Instant.parse("2024-03-01T00:00:00Z").getEpochSecond();

  @TempDir Path dir;

  Path write(String name, String content) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, content, StandardCharsets.UTF_8);
    return f;
  }

  Path writeGzip(String name, String content) throws IOException {
    Path f = dir.resolve(name);
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
      out.write(content.getBytes(StandardCharsets.UTF_8));
    }
    return f;
  }

  static TransactionsResult read(TransactionSpec spec) {
    return new TableTransactionSource(spec).read(Progress.NONE);
  }

  static String customer(Transactions t, int row) {
    return t.customers().name(t.customer(row));
  }

  @Test
  void csvWithHeaderReadsEveryRowWithRefundsAndOrders() throws IOException {
    Path f = write("orders.csv", "customer_id,order_id,placed_at,total\n"
        + "00001,A1,2024-03-01T12:00:00Z,11.77\n"
        + "00001,A1,2024-03-01T12:00:00Z,3.00\n"
        + "00002,B7,2024-03-01,-3.5\n"
        + "00001,A2,1709294400,1e3\n");
    TransactionsResult r = read(TransactionSpec.of(DelimitedFile.csv(f), "customer_id", "placed_at", "total")
        .withOrder(Column.named("order_id")));
    Transactions t = r.transactions();
    assertThat(r.rowsRead()).isEqualTo(4);
    assertThat(r.rowsKept()).isEqualTo(4);
    assertThat(r.badRows()).isZero();
    assertThat(r.badRowSamples()).isEmpty();
    assertThat(t.size()).isEqualTo(4);
    assertThat(t.customerCount()).isEqualTo(2);
    assertThat(List.of(customer(t, 0), customer(t, 1), customer(t, 2), customer(t, 3)))
        .containsExactly("00001", "00001", "00002", "00001");
    assertThat(new double[] {t.amount(0), t.amount(1), t.amount(2), t.amount(3)})
        .containsExactly(11.77, 3.00, -3.5, 1000.0); // the refund is kept, negative
    assertThat(new long[] {t.epochSecond(0), t.epochSecond(2), t.epochSecond(3)})
        .containsExactly(MARCH_1 + 12 * 3600, MARCH_1, 1709294400L);
    assertThat(t.hasOrderIds()).isTrue();
    assertThat(t.orderKey(0)).isEqualTo(t.orderKey(1));
    assertThat(t.orderKey(0)).isNotEqualTo(t.orderKey(3)).isNotEqualTo(t.orderKey(2));
  }

  @Test
  void withoutOrderIdsOrWithEmptyOnesEachRowIsItsOwnOrder() throws IOException {
    Path f = write("o.csv", "c,t,a,o\nx,20240301,1,\nx,20240301,1,\nx,20240301,1,K\nx,20240301,1,K\n");
    TransactionSpec spec = TransactionSpec.of(DelimitedFile.csv(f), "c", "t", "a");
    Transactions none = read(spec).transactions();
    assertThat(none.hasOrderIds()).isFalse();
    assertThat(List.of(none.orderKey(0), none.orderKey(1), none.orderKey(2), none.orderKey(3))).doesNotHaveDuplicates();
    Transactions some = read(spec.withOrder(Column.named("o"))).transactions();
    assertThat(some.hasOrderIds()).isTrue();
    assertThat(some.orderKey(0)).isNotEqualTo(some.orderKey(1)).isNotEqualTo(some.orderKey(2));
    assertThat(some.orderKey(2)).isEqualTo(some.orderKey(3));
  }

  @Test
  void tsvByPositionGzipAndWhitespace() throws IOException {
    String rows = "c1\t2024-03-01\t2.5\nc2\t2024-03-02\t4\n";
    Path tsv = writeGzip("t.tsv", rows);
    TransactionSpec spec = new TransactionSpec(new DelimitedFile(tsv, '\t', false), Column.at(1), Column.at(2),
        Column.at(3), null, 0);
    Transactions t = read(spec).transactions();
    assertThat(t.size()).isEqualTo(2);
    assertThat(t.amount(1)).isEqualTo(4.0);
    assertThat(t.epochSecond(1)).isEqualTo(MARCH_1 + 86_400);

    Path ws = write("t.txt", "customer   when        amount\n  c1   2024-03-01   2.5  \n\n\tc2\t2024-03-02\t 4\n");
    Transactions w = read(TransactionSpec.of(new DelimitedFile(ws, DelimitedFile.WHITESPACE, true), "customer",
        "when", "amount")).transactions();
    assertThat(w.size()).isEqualTo(2);
    assertThat(customer(w, 1)).isEqualTo("c2");
    assertThat(w.amount(0)).isEqualTo(2.5);
  }

  @Test
  void cdnowLayoutKeepsIdsAsWritten() throws IOException {
    Path f = writeGzip("CDNOW_master.txt", "  00001 19970101  1   11.77\r\n  00002 19970112  1   12.00\r\n"
        + "  00002 19970112  5   77.00\r\n  00003 19970102  2   20.76\r\n  00003 19970330  2   20.76\r\n"
        + "  10000 19970402  1    0.00\r\n");
    TransactionsResult r = read(TransactionSpec.preset("cdnow", f));
    Transactions t = r.transactions();
    assertThat(r.rowsRead()).isEqualTo(6);
    assertThat(t.customerCount()).isEqualTo(4);
    assertThat(t.customers().name(0)).isEqualTo("00001");
    assertThat(t.customers().idOf("1")).isEqualTo(-1);
    assertThat(t.customers().idOf("10000")).isEqualTo(3);
    assertThat(t.epochSecond(0)).isEqualTo(LocalDate.of(1997, 1, 1).toEpochDay() * 86_400);
    assertThat(t.epochSecond(4)).isEqualTo(LocalDate.of(1997, 3, 30).toEpochDay() * 86_400);
    assertThat(t.amount(2)).isEqualTo(77.00); // column 4, not the quantity 5
    assertThat(t.amount(5)).isZero();
    assertThat(t.hasOrderIds()).isFalse();
    assertThat(TransactionSpec.preset("CDNOW", f)).isEqualTo(TransactionSpec.preset("cdnow", f));
    assertThatThrownBy(() -> TransactionSpec.preset("movielens-udata", f)).isInstanceOf(ConfigException.class)
        .hasMessage("format = movielens-udata: unknown transactions layout; known: cdnow");
  }

  static final String BAD = "customer,when,amount\n"
      + "c1,2024-01-01,10\n"
      + "c2,1997-13-45,5\n"
      + "c3,2024-01-02,abc\n"
      + ",2024-01-02,1\n"
      + "c4,,1\n"
      + "c5,2024-01-02,\n"
      + "c6,2024-01-02\n"
      + "c7,2024-01-02,NaN\n"
      + "c8,2024-01-02,-Infinity\n"
      + "c9,soon,1\n"
      + "c10,2024-01-02, -2.25 \n";

  @Test
  void eachKindOfBadRowNamesFileLineAndField() throws IOException {
    Path f = write("orders.csv", BAD);
    TransactionSpec spec = TransactionSpec.of(DelimitedFile.csv(f), "customer", "when", "amount").withMaxBadRows(9);
    TransactionsResult r = read(spec);
    assertThat(r.rowsRead()).isEqualTo(11);
    assertThat(r.rowsKept()).isEqualTo(2);
    assertThat(r.badRows()).isEqualTo(9);
    assertThat(r.transactions().amount(1)).isEqualTo(-2.25);
    assertThat(r.badRowSamples()).containsExactly(
        "orders.csv:3: field 'when': '1997-13-45' is not a date or time; accepted: " + Timestamps.ACCEPTED,
        "orders.csv:4: field 'amount': 'abc' is not a number",
        "orders.csv:5: field 'customer': empty id",
        "orders.csv:6: field 'when': empty, expected a date or time",
        "orders.csv:7: field 'amount': empty, expected a number",
        "orders.csv:8: field 'amount': missing: column 3 but the row has 2 fields (wrong delimiter?)",
        "orders.csv:9: field 'amount': 'NaN' is not a number",
        "orders.csv:10: field 'amount': '-Infinity' is not a number",
        "orders.csv:11: field 'when': 'soon' is not a date or time; accepted: " + Timestamps.ACCEPTED);
  }

  @Test
  void maxBadRowsIsALimitNotAHint() throws IOException {
    Path f = write("orders.csv", BAD);
    TransactionSpec spec = TransactionSpec.of(DelimitedFile.csv(f), "customer", "when", "amount");
    assertThatThrownBy(() -> read(spec.withMaxBadRows(8))).isInstanceOfSatisfying(InputException.class, e -> {
      assertThat(e.source()).isEqualTo("orders.csv");
      assertThat(e.line()).isEqualTo(3); // the first bad row
      assertThat(e.field()).isEqualTo("when");
      assertThat(e.getMessage()).startsWith("orders.csv:3: field 'when': '1997-13-45' is not a date or time")
          .endsWith("(9 bad rows seen, more than max_bad_rows = 8)");
      assertThat(e.hint()).isEqualTo("fix the rows or raise max_bad_rows; nothing was published");
    });
    assertThatThrownBy(() -> read(spec)).isInstanceOf(InputException.class)
        .hasMessageEndingWith("(1 bad row seen, more than max_bad_rows = 0)");
  }

  @Test
  void theWrongDelimiterIsNamed() throws IOException {
    Path f = write("semi.csv", "c1;2024-01-01;10\nc2;2024-01-01;11\n");
    TransactionSpec byPosition = new TransactionSpec(new DelimitedFile(f, ',', false), Column.at(1), Column.at(2),
        Column.at(3), null, 0);
    assertThatThrownBy(() -> read(byPosition)).isInstanceOf(InputException.class)
        .hasMessageStartingWith("semi.csv:1: field 'timestamp': missing: column 2 but the row has 1 field (wrong delimiter?)");
    Path g = write("semi-header.csv", "customer;when;amount\nc1;2024-01-01;10\n");
    assertThatThrownBy(() -> read(TransactionSpec.of(DelimitedFile.csv(g), "customer", "when", "amount")))
        .isInstanceOfSatisfying(InputException.class, e -> {
          assertThat(e.getMessage()).isEqualTo(
              "semi-header.csv:1: unknown column 'customer'; the header has: customer;when;amount");
          assertThat(e.hint()).isEqualTo("use one of the header's names or a 1-based position");
        });
  }

  @Test
  void emptyInputAndAllRowsBadFailClearly() throws IOException {
    for (String content : new String[] {"", "customer,when,amount\n", "\r\n"}) {
      Path f = write("empty.csv", content);
      assertThatThrownBy(() -> read(TransactionSpec.of(DelimitedFile.csv(f), "customer", "when", "amount")))
          .isInstanceOfSatisfying(InputException.class, e -> {
            assertThat(e.getMessage()).isEqualTo("empty.csv: no transactions: no data rows");
            assertThat(e.hint()).contains("header");
          });
    }
    Path bad = write("bad.csv", "customer,when,amount\nc1,x,1\nc2,2024-01-01,y\n");
    assertThatThrownBy(() -> read(TransactionSpec.of(DelimitedFile.csv(bad), "customer", "when", "amount")
        .withMaxBadRows(10))).isInstanceOf(InputException.class)
        .hasMessage("bad.csv: no transactions: all 2 rows were bad");
    Path missing = dir.resolve("nope.csv");
    assertThatThrownBy(() -> read(TransactionSpec.of(DelimitedFile.csv(missing), "c", "t", "a")))
        .isInstanceOf(InputException.class).hasMessageContaining("file not found");
  }

  @Test
  void specIsValidated() {
    DelimitedFile noHeader = new DelimitedFile(dir.resolve("x.txt"), ' ', false);
    assertThatThrownBy(() -> TransactionSpec.of(noHeader, "customer", "2", "3")).isInstanceOf(ConfigException.class)
        .hasMessage("customer = customer: a column name needs a header line");
    assertThatThrownBy(() -> TransactionSpec.of(noHeader, "1", "2", "3").withOrder(Column.named("order_id")))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("order = order_id");
    DelimitedFile csv = DelimitedFile.csv(dir.resolve("x.csv"));
    assertThatThrownBy(() -> new TransactionSpec(csv, Column.at(1), null, Column.at(3), null, 0))
        .isInstanceOf(ConfigException.class).hasMessageContaining("timestamp");
    assertThatThrownBy(() -> new TransactionSpec(csv, Column.at(1), Column.at(2), null, null, 0))
        .isInstanceOf(ConfigException.class).hasMessageContaining("amount");
    assertThatThrownBy(() -> new TransactionSpec(csv, null, Column.at(2), Column.at(3), null, 0))
        .isInstanceOf(ConfigException.class).hasMessageContaining("customer");
    assertThatThrownBy(() -> TransactionSpec.of(csv, "1", "2", "3").withMaxBadRows(-1))
        .isInstanceOf(ConfigException.class).hasMessage("max_bad_rows = -1: must be >= 0");
    assertThatThrownBy(() -> TransactionSpec.of(null, "1", "2", "3")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("source");
  }

  /** Random transactions, written as CSV with every accepted time shape and quoting, read back row for row. */
  @Property(tries = 25)
  void writtenTransactionsReadBack(@ForAll long seed) throws IOException {
    Random rnd = new Random(seed);
    int n = 1 + rnd.nextInt(200);
    List<String> ids = new ArrayList<>();
    long[] times = new long[n];
    long[] cents = new long[n];
    StringBuilder s = new StringBuilder("order,\"customer, id\",at,amount\r\n");
    for (int k = 0; k < n; k++) {
      String id = String.format("%05d", rnd.nextInt(40));
      ids.add(id);
      long day = 9_000 + rnd.nextInt(10_000);
      times[k] = day * 86_400 + (rnd.nextBoolean() ? rnd.nextInt(86_400) : 0);
      cents[k] = rnd.nextInt(100_000) - 20_000;
      String at = switch (rnd.nextInt(4)) {
        case 0 -> Long.toString(times[k]);
        case 1 -> Instant.ofEpochSecond(times[k]).toString();
        case 2 -> Instant.ofEpochSecond(times[k]).atOffset(ZoneOffset.ofHours(-5)).toString();
        default -> {
          times[k] = day * 86_400;
          yield rnd.nextBoolean() ? LocalDate.ofEpochDay(day).toString() : LocalDate.ofEpochDay(day).toString().replace("-", "");
        }
      };
      String amount = java.math.BigDecimal.valueOf(cents[k], 2).toPlainString();
      s.append("o").append(k / 3).append(',').append(rnd.nextBoolean() ? "\"" + id + "\"" : id).append(',')
          .append(at).append(',').append(rnd.nextBoolean() ? " " + amount + " " : amount).append("\r\n");
    }
    Path f = Files.createTempFile("transactions", ".csv");
    try {
      Files.writeString(f, s);
      TransactionsResult r = new TableTransactionSource(TransactionSpec.of(DelimitedFile.csv(f), "customer, id",
          "at", "amount").withOrder(Column.at(1))).read(Progress.NONE);
      Transactions t = r.transactions();
      assertThat(t.size()).isEqualTo(n);
      for (int k = 0; k < n; k++) {
        assertThat(customer(t, k)).isEqualTo(ids.get(k));
        assertThat(t.epochSecond(k)).isEqualTo(times[k]);
        assertThat(t.amount(k)).isEqualTo(cents[k] / 100.0);
        assertThat(t.orderKey(k) == t.orderKey(k - k % 3)).isTrue();
        if (k >= 3) assertThat(t.orderKey(k)).isNotEqualTo(t.orderKey(k - 3));
      }
    } finally {
      Files.delete(f);
    }
  }
}
