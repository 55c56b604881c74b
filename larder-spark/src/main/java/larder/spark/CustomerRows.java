package larder.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import larder.core.IdMap;
import larder.core.Transactions;
import larder.train.segment.rfm.Monetary;
import larder.train.segment.rfm.RfmFeatures;

/**
 * The transactions of one partition's customers as the executors get them: the customers whose dense id is the
 * partition number modulo the partition count (as {@link UserBlock} cuts users), each row in its original order,
 * so a customer's rows are summed in the order the local engine sums them. Built on the driver, so a task that is
 * run again gets exactly the same rows.
 *
 * @param part this partition; its customer {@code c} (local) is customer {@code part + c * parts} of the whole
 * @param customers how many customers the partition has
 * @param customer per row, the local customer
 */
record CustomerRows(int part, int parts, int customers, int[] customer, long[] second, double[] amount,
    long[] orderKey, boolean hasOrderIds) implements Serializable {

  /** All rows of {@code t} in {@code parts} partitions, in two passes over the rows. */
  static List<CustomerRows> cut(Transactions t, int parts) {
    int rows = t.size();
    int[] count = new int[parts];
    for (int r = 0; r < rows; r++) count[t.customer(r) % parts]++;
    int[][] customer = new int[parts][];
    long[][] second = new long[parts][];
    double[][] amount = new double[parts][];
    long[][] orderKey = new long[parts][];
    for (int p = 0; p < parts; p++) {
      customer[p] = new int[count[p]];
      second[p] = new long[count[p]];
      amount[p] = new double[count[p]];
      orderKey[p] = new long[count[p]];
    }
    int[] fill = new int[parts];
    for (int r = 0; r < rows; r++) {
      int c = t.customer(r);
      int p = c % parts;
      int at = fill[p]++;
      customer[p][at] = c / parts;
      second[p][at] = t.epochSecond(r);
      amount[p][at] = t.amount(r);
      orderKey[p][at] = t.orderKey(r);
    }
    int nc = t.customerCount();
    List<CustomerRows> out = new ArrayList<>(parts);
    for (int p = 0; p < parts; p++) {
      int n = nc <= p ? 0 : (nc - p + parts - 1) / parts;
      out.add(new CustomerRows(p, parts, n, customer[p], second[p], amount[p], orderKey[p], t.hasOrderIds()));
    }
    return out;
  }

  /** RFM of this partition's customers by Larder's own rules, as of {@code asOfSec}. */
  RfmPart rfm(long asOfSec, Monetary mode) {
    Transactions t = new Transactions(IdMap.sequential(customers), customer, second, amount, orderKey, hasOrderIds);
    RfmFeatures f = RfmFeatures.computeAt(t, asOfSec, mode);
    int[] global = new int[f.size()];
    for (int i = 0; i < global.length; i++) global[i] = part + f.sourceId()[i] * parts;
    return new RfmPart(global, f.recencyDays(), f.frequency(), f.monetary(), f.rowsAfterAsOf());
  }

  /**
   * One partition's customers with a purchase: their dense ids in the whole and their values.
   *
   * @param rowsAfterAsOf the partition's rows after the as-of instant
   */
  record RfmPart(int[] customer, double[] recencyDays, double[] frequency, double[] monetary, long rowsAfterAsOf)
      implements Serializable {}
}
