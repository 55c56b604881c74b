package larder.extract;

import java.util.List;
import larder.core.Transactions;

/**
 * What a transactions source read and what it did with the rows.
 *
 * @param transactions one row per kept source row, in source order
 * @param rowsRead data rows seen (header and empty lines not counted)
 * @param rowsKept rows in {@code transactions} ({@code rowsRead - badRows})
 * @param badRows rows skipped as malformed (at most the source's {@code maxBadRows})
 * @param badRowSamples the first 10 bad rows, each as {@code source:line: field 'x': problem}
 */
public record TransactionsResult(Transactions transactions, long rowsRead, long rowsKept, long badRows,
    List<String> badRowSamples) {
  public TransactionsResult {
    badRowSamples = List.copyOf(badRowSamples);
  }
}
