package larder.extract;

import java.util.Arrays;
import larder.core.Progress;
import larder.core.Transactions;
import larder.extract.table.BadRowCollector;
import larder.extract.table.ChunkedRowHandler;
import larder.extract.table.FieldRef;
import larder.extract.table.Fields;
import larder.extract.table.Header;

/**
 * Reads transactions from a file or a query ({@link TransactionSpec#input()}), streamed. Bad rows are
 * reported as {@code orders.csv:17: field 'amount': 'abc' is not a number}.
 */
public final class TableTransactionSource implements TransactionSource {
  private final TransactionSpec spec;

  public TableTransactionSource(TransactionSpec spec) {
    if (spec == null) throw new IllegalArgumentException("spec is null");
    this.spec = spec;
  }

  public TransactionSpec spec() { return spec; }

  @Override public String label() { return spec.input().label(); }

  @Override public TransactionsResult read(Progress p) {
    Rows rows = new Rows(new BadRowCollector(label(), spec.maxBadRows(), spec.timeWindow(), p));
    spec.input().read(rows, rows.collector);
    rows.collector.finish("transactions", rows.builder.rows(), null);
    return new TransactionsResult(rows.builder.build(), rows.collector.rowsRead(), rows.builder.rows(),
        rows.collector.badRows(), rows.collector.samples());
  }

  private final class Rows implements ChunkedRowHandler<ParsedTransactions> {
    final BadRowCollector collector;
    final Transactions.Builder builder = new Transactions.Builder();
    /** For a query's rows, one at a time. */
    final ParsedTransactions one = new ParsedTransactions();
    FieldRef customer;
    FieldRef time;
    FieldRef amount;
    FieldRef order;

    Rows(BadRowCollector collector) {
      this.collector = collector;
    }

    @Override public void start(Header header) {
      customer = header.field(spec.customer(), "customer");
      time = header.field(spec.timestamp(), "timestamp");
      amount = header.field(spec.amount(), "amount");
      order = header.field(spec.order(), "order");
    }

    @Override public void row(long line, Fields f) {
      one.clear();
      if (parse(line, f, one, collector)) apply(one, 0, line);
    }

    @Override public ParsedTransactions newParsed() {
      return new ParsedTransactions();
    }

    @Override public boolean parse(long line, Fields f, ParsedTransactions out, BadRowCollector rc) {
      if (rc.missing(line, f, customer) || rc.missing(line, f, time) || rc.missing(line, f, amount)) return false;
      String id = rc.id(line, f, customer, out.n > 0 ? out.customer[out.n - 1] : null);
      if (id == null) return false;
      long t = rc.time(line, f, time);
      if (t == BadRowCollector.BAD_TIME) return false;
      if (t == Fields.NO_TIME) {
        rc.bad(line, time.name(), (f.text(time.index()) == null ? "NULL" : "empty") + ", expected a date or time");
        return false;
      }
      if (f.isNull(amount.index())) { rc.bad(line, amount.name(), "NULL, expected a number"); return false; }
      double value;
      try {
        value = f.decimal(amount.index());
      } catch (IllegalArgumentException e) {
        rc.bad(line, amount.name(), e.getMessage());
        return false;
      }
      String orderId = null;
      if (order.present()) {
        if (rc.missing(line, f, order)) return false;
        String last = out.n > 0 ? out.order[out.n - 1] : null;
        if (f.textEquals(order.index(), last)) {
          orderId = last; // the rows of one order come together
        } else {
          String s = f.text(order.index());
          if (s != null && !(s = s.strip()).isEmpty()) orderId = s;
        }
      }
      out.add(id, t, value, orderId);
      return true;
    }

    @Override public void apply(ParsedTransactions p, int k, long line) {
      builder.add(p.customer[k], p.time[k], p.amount[k], p.order[k]);
    }
  }

  /** One chunk's transactions, as parsed. */
  private static final class ParsedTransactions implements ChunkedRowHandler.Parsed {
    String[] customer = new String[1 << 10];
    long[] time = new long[1 << 10];
    double[] amount = new double[1 << 10];
    String[] order = new String[1 << 10];
    int n;

    void add(String id, long t, double value, String orderId) {
      if (n == customer.length) {
        customer = Arrays.copyOf(customer, n * 2);
        time = Arrays.copyOf(time, n * 2);
        amount = Arrays.copyOf(amount, n * 2);
        order = Arrays.copyOf(order, n * 2);
      }
      id.hashCode(); // computed here, on a parsing thread, and kept in the string for the interning
      customer[n] = id;
      time[n] = t;
      amount[n] = value;
      order[n] = orderId;
      n++;
    }

    @Override public void clear() {
      Arrays.fill(customer, 0, n, null);
      Arrays.fill(order, 0, n, null);
      n = 0;
    }
  }
}
