package larder.core;

import java.util.List;

/**
 * One row of numeric features per customer, row-major: what a feature-table source produces and
 * what k-means clusters when the job does not derive RFM features itself.
 *
 * @param customers dense customer ids; row r is customer r
 * @param names the feature (column) names, in order
 * @param values {@code customers.size() × names.size()} values, row-major
 */
public record FeatureTable(IdMap customers, List<String> names, double[] values) {
  public FeatureTable {
    names = List.copyOf(names);
    if ((long) customers.size() * names.size() != values.length) {
      throw new IllegalArgumentException(customers.size() + " customers x " + names.size() + " features != "
          + values.length + " values");
    }
  }

  public int rows() { return customers.size(); }

  public int dimensions() { return names.size(); }

  public double get(int row, int feature) { return values[row * names.size() + feature]; }
}
