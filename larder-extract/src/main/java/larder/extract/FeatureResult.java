package larder.extract;

import java.util.List;
import larder.core.FeatureTable;

/**
 * What a feature source read and what it did with the rows.
 *
 * @param table one row per customer, in first-seen order; features in the order they were chosen
 * @param rowsRead data rows seen (header and empty lines not counted)
 * @param rowsKept rows in {@code table} ({@code rowsRead - badRows})
 * @param badRows rows skipped as malformed or repeating a customer (at most the source's {@code maxBadRows})
 * @param badRowSamples the first 10 bad rows, each as {@code source:line: field 'x': problem}
 */
public record FeatureResult(FeatureTable table, long rowsRead, long rowsKept, long badRows,
    List<String> badRowSamples) {
  public FeatureResult {
    badRowSamples = List.copyOf(badRowSamples);
  }
}
