package larder.extract;

import java.util.List;
import larder.core.ConfigException;
import larder.extract.table.TableInput;

/**
 * Where a table of per-customer numeric features is and which columns hold it: one row per customer.
 *
 * @param input a {@link larder.extract.table.DelimitedFile} or a {@link larder.extract.table.JdbcQuery}
 * @param customer the customer id column; a customer on a second row makes that row bad
 * @param features the numeric columns, in order, by name or 1-based position; each must hold a finite
 *     decimal number in every row (an empty or NULL value makes the row bad)
 * @param maxBadRows malformed rows to skip (and sample) before failing; 0 fails on the first
 */
public record FeatureSpec(TableInput input, Column customer, List<Column> features, long maxBadRows) {

  public FeatureSpec {
    if (input == null) throw new ConfigException("source", null, "a file or a query must be given");
    if (customer == null) throw new ConfigException("customer", null, "the customer column must be given");
    if (features == null || features.isEmpty()) {
      throw new ConfigException("features", null, "give at least one feature column");
    }
    for (Column c : features) {
      if (c == null) throw new ConfigException("features", features, "must not hold an empty entry");
    }
    features = List.copyOf(features);
    if (maxBadRows < 0) throw new ConfigException("max_bad_rows", maxBadRows, "must be >= 0");
    input.requireFindable("customer", customer);
    for (int k = 0; k < features.size(); k++) {
      Column c = features.get(k);
      input.requireFindable("features", c);
      if (same(c, customer)) throw new ConfigException("features", c, "is the customer column");
      for (int j = 0; j < k; j++) {
        if (same(c, features.get(j))) throw new ConfigException("features", c, "is chosen twice");
      }
    }
  }

  private static boolean same(Column a, Column b) {
    return a.byName() ? b.byName() && a.name().strip().equalsIgnoreCase(b.name().strip()) : a.equals(b);
  }

  /** No bad rows allowed. Columns as names or 1-based positions ("3"). */
  public static FeatureSpec of(TableInput input, String customer, String... features) {
    return new FeatureSpec(input, Column.parse(customer),
        java.util.Arrays.stream(features).map(Column::parse).toList(), 0);
  }

  public FeatureSpec withInput(TableInput v) { return new FeatureSpec(v, customer, features, maxBadRows); }
  public FeatureSpec withCustomer(Column v) { return new FeatureSpec(input, v, features, maxBadRows); }
  public FeatureSpec withFeatures(List<Column> v) { return new FeatureSpec(input, customer, v, maxBadRows); }
  public FeatureSpec withMaxBadRows(long v) { return new FeatureSpec(input, customer, features, v); }
}
