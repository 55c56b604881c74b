package larder.generate;

import larder.core.ConfigException;

/**
 * One planted kind of customer for {@link SyntheticCustomers}: how recently, how often and how much its
 * customers buy. Each quantity is log-normal: {@code median × exp(sigma × N(0, 1))}.
 *
 * @param name e.g. "champions"
 * @param share relative weight of the type among all customers (normalised over the types)
 * @param recencyMedianDays days from the last order to the end of the window
 * @param recencySigma log-scale spread of the recency
 * @param ordersMedian orders per customer (at least 1 after rounding)
 * @param ordersSigma log-scale spread of the order count
 * @param basketMedian a customer's typical order value
 * @param basketSigma log-scale spread of the typical order value between customers (orders vary by a further
 *     0.2 around their customer's value)
 * @param spanDays earlier orders fall uniformly within this many days before the last one
 */
public record CustomerType(String name, double share, double recencyMedianDays, double recencySigma,
    double ordersMedian, double ordersSigma, double basketMedian, double basketSigma, int spanDays) {

  public CustomerType {
    String key = "customer_type." + name;
    if (name == null || name.isBlank()) throw new ConfigException("customer_type.name", name, "must not be empty");
    if (!(share > 0) || Double.isInfinite(share)) throw new ConfigException(key + ".share", share, "must be > 0");
    positive(key + ".recency_median_days", recencyMedianDays);
    positive(key + ".orders_median", ordersMedian);
    positive(key + ".basket_median", basketMedian);
    for (double s : new double[] {recencySigma, ordersSigma, basketSigma}) {
      if (!(s >= 0 && s <= 3)) throw new ConfigException(key + ".sigma", s, "must be between 0 and 3");
    }
    if (spanDays < 0) throw new ConfigException(key + ".span_days", spanDays, "must be >= 0");
  }

  private static void positive(String key, double v) {
    if (!(v > 0) || Double.isInfinite(v)) throw new ConfigException(key, v, "must be a finite number > 0");
  }
}
