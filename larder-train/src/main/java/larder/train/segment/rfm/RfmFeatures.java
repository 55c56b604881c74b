package larder.train.segment.rfm;

import java.time.Instant;
import java.util.List;
import larder.core.ConfigException;
import larder.core.IdMap;
import larder.core.InputException;
import larder.core.Transactions;

/**
 * Recency, frequency and monetary value per customer, computed from {@link Transactions} as of one instant.
 *
 * <p>The rules:
 * <ul>
 *   <li><b>As-of.</b> Given, or by default the end of the UTC day of the latest transaction
 *       ({@code 23:59:59Z}), so the latest buyers have recency 0. Rows after the as-of instant are ignored
 *       (and counted, {@link #rowsAfterAsOf()}). An as-of before the first transaction is a
 *       {@link ConfigException} naming both dates.
 *   <li><b>Orders.</b> Rows with the same order key belong to one order (without an order id column every
 *       row is its own order). An order is a <em>purchase</em> when its net amount (the sum of its rows up to
 *       the as-of instant, refunds included) is positive.
 *   <li><b>Recency</b> = whole days from the customer's last purchase to the as-of instant,
 *       {@code floor((asOf - t) / 86400)}, where t is the latest positive row of the latest purchase. With
 *       the default as-of this is the number of UTC days between the two dates.
 *   <li><b>Frequency</b> = the number of purchases (distinct orders with a positive net amount).
 *   <li><b>Monetary</b> = {@link Monetary#TOTAL}: net spend, all rows up to as-of summed (purchases minus
 *       refunds), floored at 0; or {@link Monetary#AVERAGE}: that net spend divided by the frequency.
 *   <li><b>Refunds</b> (negative amounts) reduce spend, also when booked on their own order, but never count
 *       as purchases and never move recency. An order refunded in full is no purchase.
 *   <li><b>Left out.</b> Customers without a purchase up to the as-of instant (no rows, only refunds, or only
 *       rows after it) get no RFM values and no segment; they are counted in {@link #customersLeftOut()}.
 * </ul>
 *
 * <p>Time O(rows): one pass for the totals and, when there are order ids, a counting sort of the rows by
 * customer and a small reused hash table of one customer's orders at a time. Memory beyond the result: 4 bytes
 * per row (with order ids) and about 30 bytes per customer, no objects per row.
 *
 * @param customers the customers kept, in the order of their dense id in the transactions (the transactions'
 *     own map when nobody was left out)
 * @param sourceId per kept customer, its dense id in the transactions
 * @param recencyDays per kept customer, whole days since the last purchase (>= 0)
 * @param frequency per kept customer, purchases (>= 1)
 * @param monetary per kept customer, net spend or average order value (>= 0)
 * @param monetaryMode what {@code monetary} measures
 * @param asOf the instant the values are computed at
 * @param customersLeftOut customers of the transactions without a purchase up to {@code asOf}
 * @param rowsAfterAsOf rows ignored because they happened after {@code asOf}
 */
public record RfmFeatures(IdMap customers, int[] sourceId, double[] recencyDays, double[] frequency,
    double[] monetary, Monetary monetaryMode, Instant asOf, int customersLeftOut, long rowsAfterAsOf) {

  /** Feature names, in the order of {@link #rowMajor()}. */
  public static final List<String> NAMES = List.of("recency_days", "frequency", "monetary");

  private static final long DAY = 86_400L;

  public RfmFeatures {
    int n = customers.size();
    if (sourceId.length != n || recencyDays.length != n || frequency.length != n || monetary.length != n) {
      throw new IllegalArgumentException("RFM arrays do not match " + n + " customers");
    }
  }

  /** Customers with RFM values. */
  public int size() { return recencyDays.length; }

  /** The three features as {@code size() × 3} row-major values, in the order of {@link #NAMES}. */
  public double[] rowMajor() {
    int n = size();
    double[] x = new double[n * 3];
    for (int i = 0; i < n; i++) {
      x[3 * i] = recencyDays[i];
      x[3 * i + 1] = frequency[i];
      x[3 * i + 2] = monetary[i];
    }
    return x;
  }

  /**
   * Computes RFM as of {@code asOf} (null: the end of the UTC day of the latest transaction).
   *
   * @throws ConfigException when {@code asOf} is before the first transaction
   * @throws InputException when there are no transactions at all
   */
  public static RfmFeatures compute(Transactions t, Instant asOf, Monetary mode) {
    return computeAt(t, asOfSecond(t, asOf), mode);
  }

  /**
   * The as-of instant in epoch seconds: {@code asOf}, or the end of the UTC day of the latest transaction.
   *
   * @throws ConfigException when {@code asOf} is before the first transaction
   * @throws InputException when there are no transactions at all
   */
  public static long asOfSecond(Transactions t, Instant asOf) {
    int rows = t.size();
    if (rows == 0) {
      throw new InputException("transactions", 0, null, "has no rows, so there is nobody to segment",
          "check the source's query or file; the current segments keep serving");
    }
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    for (int r = 0; r < rows; r++) {
      long s = t.epochSecond(r);
      if (s < first) first = s;
      if (s > last) last = s;
    }
    long endOfLastDay = Math.floorDiv(last, DAY) * DAY + DAY - 1;
    long asOfSec = asOf == null ? endOfLastDay : asOf.getEpochSecond();
    if (asOfSec < first) {
      throw new ConfigException("rfm.as_of", asOf, "is before the first transaction (" + Instant.ofEpochSecond(first)
          + "), so no customer has bought anything yet",
          "choose an as-of on or after " + Instant.ofEpochSecond(first) + ", or leave rfm.as_of out to use the end "
              + "of the latest transaction's day (" + Instant.ofEpochSecond(endOfLastDay) + ")");
    }
    return asOfSec;
  }

  /**
   * RFM as of {@code asOfSec}, without the checks of {@link #compute}: for a part of the customers, whose rows
   * may all lie after an as-of that the whole data set allows (they are then left out), or be none at all.
   * Each customer's values depend on that customer's rows only, so the parts of a split give what the whole
   * gives.
   */
  public static RfmFeatures computeAt(Transactions t, long asOfSec, Monetary mode) {
    int rows = t.size();
    int nc = t.customerCount();
    // Net spend per customer, and rows per customer for the counting sort.
    double[] spend = new double[nc];
    int[] start = new int[nc + 1];
    long after = 0;
    for (int r = 0; r < rows; r++) {
      if (t.epochSecond(r) > asOfSec) {
        after++;
        continue;
      }
      int c = t.customer(r);
      spend[c] += t.amount(r);
      start[c + 1]++;
    }
    int[] frequency = new int[nc];
    long[] lastPurchase = new long[nc];
    java.util.Arrays.fill(lastPurchase, Long.MIN_VALUE);
    if (!t.hasOrderIds()) {
      // Every row is its own order: a purchase is a positive row.
      for (int r = 0; r < rows; r++) {
        if (t.epochSecond(r) > asOfSec || !(t.amount(r) > 0)) continue;
        int c = t.customer(r);
        frequency[c]++;
        lastPurchase[c] = Math.max(lastPurchase[c], t.epochSecond(r));
      }
    } else {
      for (int c = 0; c < nc; c++) start[c + 1] += start[c];
      int[] byCustomer = new int[start[nc]];
      int[] fill = new int[nc];
      for (int r = 0; r < rows; r++) {
        if (t.epochSecond(r) > asOfSec) continue;
        int c = t.customer(r);
        byCustomer[start[c] + fill[c]++] = r;
      }
      Orders orders = new Orders();
      for (int c = 0; c < nc; c++) {
        if (start[c + 1] > start[c]) orders.count(t, byCustomer, start[c], start[c + 1], c, frequency, lastPurchase);
      }
    }

    int kept = 0;
    for (int c = 0; c < nc; c++) if (frequency[c] > 0) kept++;
    IdMap ids = kept == nc ? t.customers() : new IdMap(kept);
    int[] source = new int[kept];
    double[] rec = new double[kept];
    double[] freq = new double[kept];
    double[] mon = new double[kept];
    int i = 0;
    for (int c = 0; c < nc; c++) {
      if (frequency[c] == 0) continue;
      if (kept != nc) ids.intern(t.customers().name(c));
      source[i] = c;
      rec[i] = Math.floorDiv(asOfSec - lastPurchase[c], DAY);
      freq[i] = frequency[c];
      double net = Math.max(0, spend[c]);
      mon[i] = mode == Monetary.AVERAGE ? net / frequency[c] : net;
      i++;
    }
    return new RfmFeatures(ids, source, rec, freq, mon, mode, Instant.ofEpochSecond(asOfSec), nc - kept, after);
  }

  /**
   * One customer's orders at a time in an open-addressing table, reused across customers: a slot belongs to
   * the current customer when its stamp says so, so nothing is cleared between customers.
   */
  private static final class Orders {
    private long[] key = new long[16];
    private double[] net = new double[16];
    private double[] gross = new double[16];
    private long[] lastPositive = new long[16];
    private int[] stamp = new int[16];
    private int[] used = new int[8];

    void count(Transactions t, int[] rows, int from, int to, int customer, int[] frequency, long[] lastPurchase) {
      int m = to - from;
      int cap = Integer.highestOneBit(Math.max(8, m) * 2 - 1) << 1;
      if (cap > key.length) {
        key = new long[cap];
        net = new double[cap];
        gross = new double[cap];
        lastPositive = new long[cap];
        stamp = new int[cap];
      }
      if (used.length < m) used = new int[Math.max(m, used.length * 2)];
      int mask = cap - 1;
      int me = customer + 1;
      int nUsed = 0;
      for (int q = from; q < to; q++) {
        int r = rows[q];
        long k = t.orderKey(r);
        int s = spread(k) & mask;
        while (stamp[s] == me && key[s] != k) s = (s + 1) & mask;
        if (stamp[s] != me) {
          stamp[s] = me;
          key[s] = k;
          net[s] = 0;
          gross[s] = 0;
          lastPositive[s] = Long.MIN_VALUE;
          used[nUsed++] = s;
        }
        double a = t.amount(r);
        net[s] += a;
        if (a > 0) {
          gross[s] += a;
          lastPositive[s] = Math.max(lastPositive[s], t.epochSecond(r));
        }
      }
      int f = 0;
      long lastSec = Long.MIN_VALUE;
      for (int u = 0; u < nUsed; u++) {
        int s = used[u];
        // A relative margin: 19.99 + 5.01 - 25.00 is a rounding residue, not a purchase.
        if (net[s] > 1e-9 * gross[s]) {
          f++;
          lastSec = Math.max(lastSec, lastPositive[s]);
        }
      }
      frequency[customer] = f;
      lastPurchase[customer] = lastSec;
    }

    private static int spread(long k) {
      long h = k * 0x9E3779B97F4A7C15L;
      return (int) (h ^ (h >>> 32));
    }
  }
}
