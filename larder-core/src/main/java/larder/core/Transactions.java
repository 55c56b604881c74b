package larder.core;

import java.util.Arrays;

/**
 * Purchases and refunds, one row each, columnar: what a transactions source produces and what RFM
 * features are computed from. Customers have dense ids ({@link #customers()}); amounts are in the
 * source's currency, negative for refunds. The order key groups rows of one order (a 64-bit hash of
 * the order id); a source without order ids gives every row its own key, so each row is an order.
 */
public final class Transactions {
  private final IdMap customers;
  private final int[] customer;
  private final long[] epochSecond;
  private final double[] amount;
  private final long[] orderKey;
  private final boolean hasOrderIds;

  public Transactions(IdMap customers, int[] customer, long[] epochSecond, double[] amount, long[] orderKey,
      boolean hasOrderIds) {
    int n = customer.length;
    if (epochSecond.length != n || amount.length != n || orderKey.length != n) {
      throw new IllegalArgumentException("columns differ in length: " + n + ", " + epochSecond.length + ", "
          + amount.length + ", " + orderKey.length);
    }
    this.customers = customers;
    this.customer = customer;
    this.epochSecond = epochSecond;
    this.amount = amount;
    this.orderKey = orderKey;
    this.hasOrderIds = hasOrderIds;
  }

  public IdMap customers() { return customers; }

  public int customerCount() { return customers.size(); }

  /** Rows. */
  public int size() { return customer.length; }

  /** Dense customer id of row {@code row}. */
  public int customer(int row) { return customer[row]; }

  /** When row {@code row} happened, in seconds since 1970-01-01T00:00Z. */
  public long epochSecond(int row) { return epochSecond[row]; }

  /** Amount of row {@code row}; negative for a refund. */
  public double amount(int row) { return amount[row]; }

  /** Order key of row {@code row}: equal for rows of one order of one customer. */
  public long orderKey(int row) { return orderKey[row]; }

  /** True when the source named an order id column (otherwise every row is its own order). */
  public boolean hasOrderIds() { return hasOrderIds; }

  /** Collects rows; not thread-safe. */
  public static final class Builder {
    /**
     * Rows are kept in blocks of 2^16, so that growing never copies the rows added so far (at ten million rows
     * the doubling copies, and the fresh memory they touch, cost as much as interning the ids); {@link #build}
     * copies each row once.
     */
    private static final int SHIFT = 16;
    private static final int BLOCK = 1 << SHIFT;
    private final IdMap customers = new IdMap(1 << 12);
    private int[][] customer = new int[16][];
    private long[][] time = new long[16][];
    private double[][] amount = new double[16][];
    private long[][] order = new long[16][];
    private int n;
    private boolean orderIds;
    /** The last row's customer and its id: rows of one customer often come together, and then skip the lookup. */
    private String lastCustomer;
    private int lastId;

    /**
     * Adds one row.
     *
     * @param orderId the order it belongs to, or null when the source has no order ids
     */
    public Builder add(String customerId, long epochSecond, double amountValue, String orderId) {
      int b = n >>> SHIFT;
      int at = n & (BLOCK - 1);
      if (at == 0) newBlock(b);
      if (!customerId.equals(lastCustomer)) {
        lastId = customers.intern(customerId);
        lastCustomer = customerId;
      }
      customer[b][at] = lastId;
      time[b][at] = epochSecond;
      amount[b][at] = amountValue;
      if (orderId == null) {
        order[b][at] = Long.MIN_VALUE + n; // its own order
      } else {
        orderIds = true;
        order[b][at] = hash(orderId);
      }
      n++;
      return this;
    }

    public int rows() { return n; }

    public Transactions build() {
      int[] c = new int[n];
      long[] t = new long[n];
      double[] a = new double[n];
      long[] o = new long[n];
      for (int from = 0; from < n; from += BLOCK) {
        int b = from >>> SHIFT;
        int len = Math.min(BLOCK, n - from);
        System.arraycopy(customer[b], 0, c, from, len);
        System.arraycopy(time[b], 0, t, from, len);
        System.arraycopy(amount[b], 0, a, from, len);
        System.arraycopy(order[b], 0, o, from, len);
      }
      return new Transactions(customers, c, t, a, o, orderIds);
    }

    private void newBlock(int b) {
      if (b == customer.length) {
        int c = b * 2;
        customer = Arrays.copyOf(customer, c);
        time = Arrays.copyOf(time, c);
        amount = Arrays.copyOf(amount, c);
        order = Arrays.copyOf(order, c);
      }
      customer[b] = new int[BLOCK];
      time[b] = new long[BLOCK];
      amount[b] = new double[BLOCK];
      order[b] = new long[BLOCK];
    }

    /** 64-bit FNV-1a with a final mix: collisions among a customer's orders are vanishingly rare. */
    static long hash(String s) {
      long h = 0xcbf29ce484222325L;
      for (int i = 0; i < s.length(); i++) {
        h ^= s.charAt(i);
        h *= 0x100000001b3L;
      }
      h ^= h >>> 33;
      h *= 0xff51afd7ed558ccdL;
      h ^= h >>> 33;
      return h == Long.MIN_VALUE ? 0 : h;
    }
  }
}
