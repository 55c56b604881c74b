package larder.extract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import larder.core.InputException;
import larder.core.Progress;
import larder.core.Transactions;
import larder.extract.table.DelimitedFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sources that parse on several threads, on files of several chunks (a chunk is about a megabyte): ids in
 * first-seen order, bad rows named by their line in the file, counts as on one thread.
 */
class ParallelSourcesTest {
  static final int ROWS = 120_000; // about 4 MB: several chunks

  @TempDir Path dir;

  Path write(String name, List<String> lines, boolean crlf, boolean gzip) throws IOException {
    Path f = dir.resolve(name);
    try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(f)) : Files.newOutputStream(f)) {
      StringBuilder s = new StringBuilder();
      for (String l : lines) s.append(l).append(crlf ? "\r\n" : "\n");
      out.write(s.toString().getBytes(StandardCharsets.UTF_8));
    }
    return f;
  }

  /** Transactions of customers in runs and repeats, with refunds and orders. */
  static List<String> transactions(Random r) {
    List<String> lines = new ArrayList<>(List.of("customer_id,timestamp,amount,order_id"));
    String c = "c0";
    for (int k = 0; k < ROWS; k++) {
      if (r.nextInt(4) == 0) c = "c" + r.nextInt(ROWS / 5);
      lines.add(c + "," + (1_700_000_000L + r.nextInt(10_000_000)) + "," + (r.nextInt(20_000) - 1000) / 100.0
          + ",o" + r.nextInt(1000));
    }
    return lines;
  }

  @Test
  void transactionsKeepTheirOrderAndIdsAcrossChunks() throws IOException {
    List<String> lines = transactions(new Random(7));
    for (boolean gzip : new boolean[] {false, true}) {
      Path f = write("tx.csv" + (gzip ? ".gz" : ""), lines, gzip, gzip);
      TransactionsResult r = new TableTransactionSource(new TransactionSpec(DelimitedFile.csv(f),
          Column.named("customer_id"), Column.named("timestamp"), Column.named("amount"), Column.named("order_id"),
          0)).read(Progress.NONE);
      Transactions t = r.transactions();
      assertThat(t.size()).isEqualTo(ROWS);
      Map<String, Integer> firstSeen = new LinkedHashMap<>();
      for (int k = 0; k < ROWS; k++) {
        String[] v = lines.get(k + 1).split(",");
        firstSeen.putIfAbsent(v[0], firstSeen.size());
        assertThat(t.customer(k)).isEqualTo(firstSeen.get(v[0]));
        assertThat(t.epochSecond(k)).isEqualTo(Long.parseLong(v[1]));
        assertThat(t.amount(k)).isEqualTo(Double.parseDouble(v[2]));
      }
      assertThat(t.customerCount()).isEqualTo(firstSeen.size());
    }
  }

  @Test
  void aBadTransactionDeepInTheFileIsNamedByItsLine() throws IOException {
    List<String> lines = transactions(new Random(8));
    lines.set(87_653, "c1,2024-03-01T12:00:00Z,12..5,o1"); // line 87,654
    for (boolean gzip : new boolean[] {false, true}) {
      Path f = write("bad.csv" + (gzip ? ".gz" : ""), lines, !gzip, gzip);
      TransactionSpec spec = new TransactionSpec(DelimitedFile.csv(f), Column.named("customer_id"),
          Column.named("timestamp"), Column.named("amount"), Column.named("order_id"), 0);
      assertThatThrownBy(() -> new TableTransactionSource(spec).read(Progress.NONE))
          .isInstanceOfSatisfying(InputException.class, e -> {
            assertThat(e.line()).isEqualTo(87_654);
            assertThat(e.getMessage()).isEqualTo(f.getFileName() + ":87654: field 'amount': '12..5' is not a number"
                + " (1 bad row seen, more than max_bad_rows = 0)");
          });
    }
  }

  @Test
  void interactionsNameEveryBadRowByLineAndInternInFirstSeenOrderOfKeptRows() throws IOException {
    Random r = new Random(9);
    List<String> lines = new ArrayList<>(List.of("user_id,item_id,timestamp,quantity"));
    for (int k = 0; k < ROWS; k++) {
      lines.add("u" + (k / 7) + ",i" + r.nextInt(5000) + ",2024-03-01T12:00:00Z," + (1 + r.nextInt(3)));
    }
    // A user whose first row is dropped below min_weight is first seen at its second row.
    lines.set(50_001, "u_late,i1,2024-03-01T12:00:00Z,0.5");
    lines.set(50_002, "u_early,i1,2024-03-01T12:00:00Z,2");
    lines.set(50_003, "u_late,i1,2024-03-01T12:00:00Z,2");
    lines.set(33_333, "u1,i1,1712345678000,1"); // milliseconds: line 33,334
    lines.set(99_998, "u1,i1,2024-03-01T12:00:00Z,\"1"); // an open quote: line 99,999
    lines.set(119_999, "u1,,2024-03-01T12:00:00Z,1"); // line 120,000
    Path f = write("events.csv.gz", lines, true, true);
    CsvSpec spec = new CsvSpec(f, ',', true, Column.named("user_id"), Column.named("item_id"),
        Column.named("quantity"), Column.named("timestamp"), ReadOptions.DEFAULT.withMaxBadRows(3).withMinWeight(1));
    ExtractResult x = new CsvSource(spec).read(Progress.NONE);
    assertThat(x.badRows()).isEqualTo(3);
    assertThat(x.rowsRead()).isEqualTo(ROWS);
    assertThat(x.belowMinWeight()).isEqualTo(1);
    assertThat(x.badRowSamples()).hasSize(3);
    assertThat(x.badRowSamples().get(0)).startsWith("events.csv.gz:33334: field 'timestamp': '1712345678000' is after");
    assertThat(x.badRowSamples().get(1)).isEqualTo("events.csv.gz:99999: field 'quantity': column 4: the quote that"
        + " opens it is not closed on its line (fields may not span lines)");
    assertThat(x.badRowSamples().get(2)).isEqualTo("events.csv.gz:120000: field 'item_id': empty id");
    var users = x.interactions().users();
    assertThat(users.idOf("u_early")).isLessThan(users.idOf("u_late"));
    // Dense ids in the order of first kept rows, as one thread assigns them.
    Map<String, Integer> firstSeen = new LinkedHashMap<>();
    for (int k = 1; k < lines.size(); k++) {
      String[] v = lines.get(k).split(",", -1);
      if (k == 33_334 || k == 99_999 || k == 120_000 || v[3].equals("0.5")) continue;
      firstSeen.putIfAbsent(v[0], firstSeen.size());
    }
    assertThat(users.size()).isEqualTo(firstSeen.size());
    for (var e : firstSeen.entrySet()) assertThat(users.idOf(e.getKey())).isEqualTo(e.getValue());
  }
}
