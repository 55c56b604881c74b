package larder.train.segment;

import java.util.List;
import larder.core.FeatureTable;
import larder.core.IdMap;
import larder.train.segment.rfm.RfmFeatures;

/**
 * What k-means clusters: one row of numeric features per customer, row-major, in original units. Built from
 * RFM features (then {@link #rfm()} is kept for profiles and scores) or from a feature table.
 *
 * @param customers row r is customer r
 * @param names feature names, in column order
 * @param values {@code customers.size() × names.size()} values, row-major
 * @param rfm the RFM features the rows came from, or null for a feature table
 */
public record SegmentFeatures(IdMap customers, List<String> names, double[] values, RfmFeatures rfm) {
  public SegmentFeatures {
    names = List.copyOf(names);
    if (names.isEmpty()) throw new IllegalArgumentException("no features");
    if ((long) customers.size() * names.size() != values.length) {
      throw new IllegalArgumentException(customers.size() + " customers x " + names.size() + " features != "
          + values.length + " values");
    }
  }

  /** recency_days, frequency, monetary per customer. */
  public static SegmentFeatures of(RfmFeatures rfm) {
    return new SegmentFeatures(rfm.customers(), RfmFeatures.NAMES, rfm.rowMajor(), rfm);
  }

  /** The table's columns as they are. */
  public static SegmentFeatures of(FeatureTable table) {
    return new SegmentFeatures(table.customers(), table.names(), table.values(), null);
  }

  public int rows() { return customers.size(); }

  public int dimensions() { return names.size(); }
}
