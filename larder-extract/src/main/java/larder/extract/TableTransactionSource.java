package larder.extract;

import larder.core.Progress;
import larder.core.Transactions;
import larder.extract.formats.Decimals;
import larder.extract.table.BadRowCollector;
import larder.extract.table.FieldRef;
import larder.extract.table.Fields;
import larder.extract.table.Header;
import larder.extract.table.RowHandler;

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

  private final class Rows implements RowHandler {
    final BadRowCollector collector;
    final Transactions.Builder builder = new Transactions.Builder();
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
      BadRowCollector rc = collector;
      if (rc.missing(line, f, customer) || rc.missing(line, f, time) || rc.missing(line, f, amount)) return;
      String id = rc.id(line, f, customer);
      if (id == null) return;
      long t = rc.time(line, f, time);
      if (t == BadRowCollector.BAD_TIME) return;
      if (t == Fields.NO_TIME) {
        rc.bad(line, time.name(), (f.text(time.index()) == null ? "NULL" : "empty") + ", expected a date or time");
        return;
      }
      String a = f.text(amount.index());
      if (a == null) { rc.bad(line, amount.name(), "NULL, expected a number"); return; }
      double value;
      try {
        value = Decimals.parse(a);
      } catch (IllegalArgumentException e) {
        rc.bad(line, amount.name(), e.getMessage());
        return;
      }
      String orderId = null;
      if (order.present()) {
        if (rc.missing(line, f, order)) return;
        String s = f.text(order.index());
        if (s != null && !(s = s.strip()).isEmpty()) orderId = s;
      }
      builder.add(id, t, value, orderId);
    }
  }
}
