package larder.generate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import larder.core.Progress;
import larder.core.Transactions;

/**
 * A made-up customer base with planted behaviour segments, for testing customer segmentation at any scale.
 *
 * <p>Each customer has one planted {@link CustomerType} (drawn by the types' shares from {@code typeSeed}) and
 * from it a recency R (whole days from the last order to the end of the window), a number of orders F and a
 * typical order value. The last order falls on the UTC day R days before the window's last day; the other
 * F − 1 orders fall on days spread uniformly over the type's span before it. An order has 1 to 3 lines (rows)
 * at one timestamp; with probability {@code refundRate} it also gets a partial refund row (one of its lines, or
 * half of a single line) with the order's id, a few hours to two weeks later but still inside the window.
 * Refunds never cancel a whole order, so as of the last second of the window every customer's RFM recency and
 * frequency are exactly the planted ones ({@link #planted}).
 *
 * <p>Rows are streamed customer by customer (0, 1, ...), a customer's orders in time order and then its refunds.
 * Each customer draws from generators seeded by (seed, customer) and (typeSeed, customer), so any scale needs
 * only one byte per customer (its type) and the output is a function of the parameters.
 */
public final class SyntheticCustomers {
  private static final long DAY = 86_400L;
  private static final int MAX_RECENCY_DAYS = 3_650;

  private final CustomerParams p;
  private final byte[] type;
  private final long lastDay;

  public SyntheticCustomers(CustomerParams p) {
    this.p = p;
    List<CustomerType> types = p.types();
    double[] cumulative = new double[types.size()];
    double total = 0;
    for (int t = 0; t < types.size(); t++) cumulative[t] = total += types.get(t).share();
    type = new byte[p.customers()];
    // A stream of its own: with typeSeed == seed, the type draw must not be the first draw of the behaviour.
    long typeStream = SyntheticShop.mix(p.typeSeed(), -7);
    for (int c = 0; c < type.length; c++) {
      double u = new SplittableRandom(SyntheticShop.mix(typeStream, c)).nextDouble() * total;
      int t = 0;
      while (t < cumulative.length - 1 && u >= cumulative[t]) t++;
      type[c] = (byte) t;
    }
    lastDay = Math.floorDiv(p.end().getEpochSecond() - 1, DAY);
  }

  public CustomerParams params() { return p; }

  /** The planted type of a customer, an index into {@code params().types()}. */
  public int typeOf(int customer) { return type[customer]; }

  public String typeName(int type) { return p.types().get(type).name(); }

  /** The external id of a customer: "c" + index. */
  public static String customerId(int customer) { return "c" + customer; }

  /**
   * What was planted for one customer.
   *
   * @param recencyDays whole days from the last order to the last second of the window
   * @param orders the customer's orders (none is refunded in full)
   */
  public record Planted(int type, int recencyDays, int orders) {}

  public Planted planted(int customer) {
    Customer c = draw(customer);
    return new Planted(type[customer], c.recency, c.orders);
  }

  /** Streams every row in a fixed order: the same parameters give the same sequence. */
  public void forEachRow(TransactionConsumer out) {
    long endSec = p.end().getEpochSecond();
    long orderId = 0;
    long[] times = new long[16];
    long[] refundAt = new long[16];
    long[] refundCents = new long[16];
    long[] refundOrder = new long[16];
    long[] lineCents = new long[3];
    for (int cu = 0; cu < type.length; cu++) {
      Customer c = draw(cu);
      SplittableRandom r = c.rng;
      int f = c.orders;
      if (times.length < f) {
        int size = Math.max(f, times.length * 2);
        times = new long[size];
        refundAt = new long[size];
        refundCents = new long[size];
        refundOrder = new long[size];
      }
      CustomerType ty = p.types().get(type[cu]);
      times[0] = dayTime(c.recency, r, endSec);
      for (int o = 1; o < f; o++) times[o] = dayTime(c.recency + (ty.spanDays() == 0 ? 0 : r.nextInt(ty.spanDays() + 1)), r, endSec);
      Arrays.sort(times, 0, f);
      // Earlier orders are on the planted day or before it, so the latest order stays on the planted day.
      int refunds = 0;
      for (int o = 0; o < f; o++) {
        long id = ++orderId;
        long cents = Math.max(100, Math.round(c.basket * Math.exp(0.2 * r.nextGaussian()) * 100));
        double q = r.nextDouble();
        int lines = q < 0.6 ? 1 : q < 0.9 ? 2 : 3;
        split(cents, lines, r, lineCents);
        for (int l = 0; l < lines; l++) out.accept(cu, times[o], lineCents[l] / 100.0, id);
        if (r.nextDouble() < p.refundRate()) {
          refundCents[refunds] = lines > 1 ? lineCents[0] : lineCents[0] / 2;
          refundAt[refunds] = Math.min(endSec - 1, times[o] + 3_600 + r.nextLong(14 * DAY));
          refundOrder[refunds++] = id;
        }
      }
      for (int q = 0; q < refunds; q++) out.accept(cu, refundAt[q], -refundCents[q] / 100.0, refundOrder[q]);
    }
  }

  /** Every row as {@link Transactions}; customer "c" + index has dense id index, order ids are "o" + number. */
  public Transactions transactions() {
    Transactions.Builder b = new Transactions.Builder();
    forEachRow((c, t, a, o) -> b.add(customerId(c), t, a, "o" + o));
    return b.build();
  }

  /**
   * Writes {@code customer_id,timestamp,amount,order_id}, timestamps as ISO-8601 UTC seconds, amounts with two
   * decimals (negative for refunds); gzip when the name ends in ".gz". Reports progress every 100,000 rows.
   */
  public void writeCsv(Path out, Progress progress) {
    String[] dayPrefix = new String[4 * MAX_RECENCY_DAYS];
    try (Writer w = SyntheticShop.open(out)) {
      w.write("customer_id,timestamp,amount,order_id\n");
      StringBuilder s = new StringBuilder(64);
      long[] rows = {0};
      try {
        forEachRow((c, t, amount, order) -> {
          s.setLength(0);
          s.append('c').append(c).append(',');
          long day = Math.floorDiv(t, DAY);
          int back = (int) (lastDay - day);
          String prefix = back >= 0 && back < dayPrefix.length ? dayPrefix[back] : null;
          if (prefix == null) {
            prefix = LocalDate.ofEpochDay(day) + "T";
            if (back >= 0 && back < dayPrefix.length) dayPrefix[back] = prefix;
          }
          s.append(prefix);
          int sec = (int) (t - day * DAY);
          two(s, sec / 3600).append(':');
          two(s, sec / 60 % 60).append(':');
          two(s, sec % 60).append("Z,");
          long cents = Math.round(amount * 100);
          if (cents < 0) s.append('-');
          s.append(Math.abs(cents) / 100).append('.');
          two(s, (int) (Math.abs(cents) % 100)).append(",o").append(order).append('\n');
          try {
            w.append(s);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          if (++rows[0] % 100_000 == 0) progress.update("write", rows[0], -1, "rows");
        });
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
      progress.update("write", rows[0], rows[0], "rows");
    } catch (IOException e) {
      throw SyntheticShop.writeFailed(out, e);
    }
  }

  /** Writes {@code customer_id,type}: each customer's planted type, to compare segments with. */
  public void writeTypesCsv(Path out) {
    try (Writer w = SyntheticShop.open(out)) {
      w.write("customer_id,type\n");
      for (int c = 0; c < type.length; c++) w.append(customerId(c)).append(',').append(typeName(type[c])).append('\n');
    } catch (IOException e) {
      throw SyntheticShop.writeFailed(out, e);
    }
  }

  /** A customer's draws; the generator continues into its orders. */
  private static final class Customer {
    int recency;
    int orders;
    double basket;
    SplittableRandom rng;
  }

  private Customer draw(int customer) {
    CustomerType t = p.types().get(type[customer]);
    SplittableRandom r = new SplittableRandom(SyntheticShop.mix(p.seed(), customer));
    Customer c = new Customer();
    c.recency = (int) Math.min(MAX_RECENCY_DAYS, Math.floor(t.recencyMedianDays() * Math.exp(t.recencySigma() * r.nextGaussian())));
    c.orders = (int) Math.max(1, Math.round(t.ordersMedian() * Math.exp(t.ordersSigma() * r.nextGaussian())));
    c.basket = t.basketMedian() * Math.exp(t.basketSigma() * r.nextGaussian());
    c.rng = r;
    return c;
  }

  /** A random second of the day {@code back} days before the window's last day (never at or after its end). */
  private long dayTime(int back, SplittableRandom r, long endSec) {
    return Math.min(endSec - 1, (lastDay - back) * DAY + r.nextLong(DAY));
  }

  /** Splits {@code cents} into {@code lines} positive parts (at least 1 cent each). */
  private static void split(long cents, int lines, SplittableRandom r, long[] out) {
    long left = cents;
    for (int l = 0; l < lines - 1; l++) {
      long part = Math.max(1, Math.min(left - (lines - 1 - l), Math.round(left * (0.3 + 0.4 * r.nextDouble()))));
      out[l] = part;
      left -= part;
    }
    out[lines - 1] = left;
  }

  private static StringBuilder two(StringBuilder s, int v) {
    if (v < 10) s.append('0');
    return s.append(v);
  }
}
