package larder.extract;

import java.util.List;
import larder.core.IdMap;
import larder.core.TopNSink;

/**
 * Recommendation lists read from another model's output, validated and ordered: user {@code u}'s list is
 * {@code items[offsets[u] .. offsets[u+1])} with {@code scores} alongside, best first.
 *
 * @param rowsRead data rows seen
 * @param badRows rows skipped (malformed, or repeating an item or a rank within a user's list)
 * @param badRowSamples the first 10 bad rows, each as {@code source:line: field 'x': problem}
 */
public record ImportedLists(IdMap users, IdMap items, int[] offsets, int[] itemIds, float[] scores, long rowsRead,
    long badRows, List<String> badRowSamples) {
  public ImportedLists {
    badRowSamples = List.copyOf(badRowSamples);
  }

  /** Rows kept: every user's list length summed. */
  public long rows() { return itemIds.length; }

  /** The longest list. */
  public int longest() {
    int max = 0;
    for (int u = 0; u < users.size(); u++) max = Math.max(max, offsets[u + 1] - offsets[u]);
    return max;
  }

  /** Hands each user's list, cut to {@code topN}, to {@code sink}. */
  public void forEachList(int topN, TopNSink sink) {
    int[] items = new int[Math.max(1, longest())];
    float[] s = new float[items.length];
    for (int u = 0; u < users.size(); u++) {
      int from = offsets[u];
      int count = Math.min(topN, offsets[u + 1] - from);
      System.arraycopy(itemIds, from, items, 0, count);
      System.arraycopy(scores, from, s, 0, count);
      sink.accept(u, items, s, count);
    }
  }
}
