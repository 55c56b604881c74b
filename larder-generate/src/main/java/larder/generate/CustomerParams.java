package larder.generate;

import java.time.Instant;
import java.util.List;
import larder.core.ConfigException;

/**
 * Shape of a synthetic customer base: how many customers, which planted types, the window's end, how often
 * orders are partly refunded, and two seeds: {@code typeSeed} decides which customer is of which type,
 * {@code seed} everything they do. Regenerating with another {@code seed} and the same {@code typeSeed} gives
 * the same customers with the same types and fresh behaviour, like the same shop a while later.
 *
 * @param end the end of the window (exclusive): every row is before it
 * @param refundRate probability that an order gets a partial refund row
 */
public record CustomerParams(int customers, List<CustomerType> types, Instant end, double refundRate, long seed,
    long typeSeed) {

  public static final Instant DEFAULT_END = Instant.parse("2025-01-01T00:00:00Z");

  /**
   * Five well-separated types, as log1p-standardised RFM sees them, in shares like a real shop's (few champions,
   * many lost): champions 10% (bought 2 days ago, about 24 orders of 90), loyal 20% (3 weeks ago, 9 of 45), new
   * 15% (a week ago, one order of 35), at risk 20% (five months ago, 8 of 70) and lost 35% (over a year ago, one
   * order of 25).
   */
  public static final List<CustomerType> DEFAULT_TYPES = List.of(
      new CustomerType("champions", 0.10, 2, 0.5, 24, 0.2, 90, 0.25, 365),
      new CustomerType("loyal", 0.20, 20, 0.3, 9, 0.2, 45, 0.25, 365),
      new CustomerType("new", 0.15, 8, 0.5, 1.2, 0.25, 35, 0.25, 14),
      new CustomerType("at risk", 0.20, 150, 0.2, 8, 0.2, 70, 0.25, 400),
      new CustomerType("lost", 0.35, 420, 0.2, 1.2, 0.25, 25, 0.25, 120));

  public CustomerParams {
    if (customers < 1) throw new ConfigException("customers", customers, "must be >= 1");
    if (types == null || types.isEmpty()) throw new ConfigException("types", types, "must name at least one type");
    if (types.size() > 127) throw new ConfigException("types", types.size(), "must be at most 127");
    types = List.copyOf(types);
    if (end == null) throw new ConfigException("end", null, "must be given");
    if (!(refundRate >= 0 && refundRate <= 1)) throw new ConfigException("refundRate", refundRate, "must be between 0 and 1");
  }

  /** The default types, window ending 2025-01-01, 5% of orders partly refunded, types seeded by {@code seed} too. */
  public static CustomerParams of(int customers, long seed) {
    return new CustomerParams(customers, DEFAULT_TYPES, DEFAULT_END, 0.05, seed, seed);
  }

  public CustomerParams withCustomers(int v) { return new CustomerParams(v, types, end, refundRate, seed, typeSeed); }
  public CustomerParams withTypes(List<CustomerType> v) { return new CustomerParams(customers, v, end, refundRate, seed, typeSeed); }
  public CustomerParams withEnd(Instant v) { return new CustomerParams(customers, types, v, refundRate, seed, typeSeed); }
  public CustomerParams withRefundRate(double v) { return new CustomerParams(customers, types, end, v, seed, typeSeed); }
  public CustomerParams withSeed(long v) { return new CustomerParams(customers, types, end, refundRate, v, typeSeed); }
  public CustomerParams withTypeSeed(long v) { return new CustomerParams(customers, types, end, refundRate, seed, v); }
}
