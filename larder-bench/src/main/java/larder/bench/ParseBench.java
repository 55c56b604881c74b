package larder.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import larder.core.Progress;
import larder.extract.Column;
import larder.extract.CsvSource;
import larder.extract.CsvSpec;
import larder.extract.ReadOptions;
import larder.extract.TableTransactionSource;
import larder.extract.TransactionSpec;
import larder.extract.table.BadRowCollector;
import larder.extract.table.DelimitedFile;
import larder.extract.table.Fields;
import larder.extract.table.Header;
import larder.extract.table.RowHandler;

/**
 * Reading and parsing a delimited file alone, through the real sources and nothing after them (bench/parse.sh
 * times it against {@code zcat | wc -l} and {@code cat | wc -l}).
 * <pre>
 *   parse --kind transactions|interactions|split --file F --runs 2
 * </pre>
 * {@code transactions}: customer_id, timestamp, amount, order_id into {@code Transactions} (as a segments job
 * reads them); {@code interactions}: user_id, item_id, timestamp (and quantity as weight) into
 * {@code Interactions}, sorted and merged as a recommendations job reads them; {@code split}: lines split into
 * fields and counted, no field parsed. Prints {@code PARSE kind=K rows=R seconds=S rows_per_s=X cpu_s=C gc_s=G}
 * per run: C the process's CPU time over the run (all threads), G the collectors' reported time.
 */
public final class ParseBench {
  public static void main(String[] argv) {
    Args a = new Args(argv);
    String kind = a.text("kind", "transactions");
    Path file = Path.of(a.text("file", "tx.csv.gz"));
    int runs = a.integer("runs", 2);
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    for (int run = 0; run < runs; run++) {
      long cpu0 = os.getProcessCpuTime();
      long gc0 = gcMillis();
      long t0 = System.nanoTime();
      long rows = switch (kind) {
        case "transactions" -> transactions(file);
        case "interactions" -> interactions(file);
        case "split" -> split(file);
        default -> throw new IllegalArgumentException("--kind transactions|interactions|split, not " + kind);
      };
      double s = (System.nanoTime() - t0) / 1e9;
      System.out.printf("PARSE kind=%s rows=%d seconds=%.3f rows_per_s=%.0f cpu_s=%.2f gc_s=%.2f%n", kind, rows, s,
          rows / s, (os.getProcessCpuTime() - cpu0) / 1e9, (gcMillis() - gc0) / 1e3);
    }
  }

  /** Time the collectors report, all threads. */
  private static long gcMillis() {
    long t = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) t += Math.max(0, gc.getCollectionTime());
    return t;
  }

  private static long transactions(Path file) {
    TransactionSpec spec = new TransactionSpec(DelimitedFile.csv(file), Column.named("customer_id"),
        Column.named("timestamp"), Column.named("amount"), Column.named("order_id"), 0);
    return new TableTransactionSource(spec).read(Progress.NONE).transactions().size();
  }

  private static long interactions(Path file) {
    CsvSpec spec = new CsvSpec(file, ',', true, Column.named("user_id"), Column.named("item_id"),
        Column.named("quantity"), Column.named("timestamp"), ReadOptions.DEFAULT);
    return new CsvSource(spec).read(Progress.NONE).rowsKept();
  }

  private static long split(Path file) {
    long[] fields = new long[1];
    DelimitedFile.csv(file).read(new RowHandler() {
      @Override public void start(Header header) {}

      @Override public void row(long line, Fields f) {
        fields[0] += f.count();
      }
    }, new BadRowCollector(file.getFileName().toString(), 0, Progress.NONE));
    return fields[0];
  }
}
