package larder.train.segment.profile;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import larder.train.segment.rfm.Monetary;

/**
 * Readable names for k-means segments, from where each segment's median of each feature falls among all
 * customers: in the lowest third, the middle third or the highest third (terciles). The position of a median
 * is its mid-rank, the share of customers with a lower value plus half the share with an equal value, so a
 * value most customers share sits in the middle of them rather than at an edge.
 *
 * <p>For RFM features the words are:
 * <table>
 *   <caption>Words per feature and tercile of the segment's median</caption>
 *   <tr><th>feature</th><th>lowest third</th><th>middle third</th><th>highest third</th></tr>
 *   <tr><td>recency</td><td>recent</td><td>lapsing</td><td>lapsed</td></tr>
 *   <tr><td>frequency</td><td>infrequent</td><td>occasional</td><td>frequent</td></tr>
 *   <tr><td>monetary (total)</td><td>low spend</td><td>mid spend</td><td>high spend</td></tr>
 *   <tr><td>monetary (average)</td><td>low order value</td><td>mid order value</td><td>high order value</td></tr>
 * </table>
 * and frequency is "one-time" whenever the segment's median customer bought once, whatever its tercile.
 * A label reads "recent, frequent, high spend" or "lapsed, one-time, low spend".
 *
 * <p>For other features the words are "low", "mid" and "high" before the feature's name ("high sessions,
 * low basket_size"); with more than three features only the three furthest from the middle are named
 * ("typical" when every median is in the middle third).
 *
 * <p>Labels are made unique within a batch: a label already taken by a segment with a lower id gets
 * " (2)", " (3)", ... appended.
 */
public final class Labels {
  private Labels() {}

  /** Tercile of a mid-rank in [0, 1]: 0 lowest, 1 middle, 2 highest. */
  public static int tercile(double midRank) {
    return midRank < 1.0 / 3 ? 0 : midRank > 2.0 / 3 ? 2 : 1;
  }

  /** The RFM label of a segment whose medians have these mid-ranks (and this median frequency). */
  public static String rfm(double recencyRank, double frequencyRank, double frequencyMedian, double monetaryRank,
      Monetary mode) {
    String r = new String[] {"recent", "lapsing", "lapsed"}[tercile(recencyRank)];
    String f = frequencyMedian <= 1 ? "one-time" : new String[] {"infrequent", "occasional", "frequent"}[tercile(frequencyRank)];
    String unit = mode == Monetary.AVERAGE ? "order value" : "spend";
    String m = new String[] {"low ", "mid ", "high "}[tercile(monetaryRank)] + unit;
    return r + ", " + f + ", " + m;
  }

  /** The label of a segment of generic features whose medians have these mid-ranks. */
  public static String generic(List<String> names, double[] ranks) {
    int d = names.size();
    List<Integer> chosen = new ArrayList<>();
    if (d <= 3) {
      for (int t = 0; t < d; t++) chosen.add(t);
    } else {
      List<Integer> all = new ArrayList<>();
      for (int t = 0; t < d; t++) if (tercile(ranks[t]) != 1) all.add(t);
      all.sort((a, b) -> Double.compare(Math.abs(ranks[b] - 0.5), Math.abs(ranks[a] - 0.5)));
      chosen.addAll(all.subList(0, Math.min(3, all.size())));
      chosen.sort(null);
      if (chosen.isEmpty()) return "typical";
    }
    List<String> words = new ArrayList<>();
    for (int t : chosen) words.add(new String[] {"low ", "mid ", "high "}[tercile(ranks[t])] + names.get(t));
    return String.join(", ", words);
  }

  /** Appends " (2)", " (3)", ... to repeats, in the given order (the first keeps the plain label). */
  public static List<String> unique(List<String> labels) {
    Map<String, Integer> seen = new HashMap<>();
    List<String> out = new ArrayList<>(labels.size());
    java.util.Set<String> used = new java.util.HashSet<>(labels);
    for (String l : labels) {
      int c = seen.merge(l, 1, Integer::sum);
      if (c == 1) {
        out.add(l);
        continue;
      }
      String candidate = l + " (" + c + ")";
      // A plain label could itself look like "x (2)": keep counting until free.
      while (used.contains(candidate)) candidate = l + " (" + seen.merge(l, 1, Integer::sum) + ")";
      used.add(candidate);
      out.add(candidate);
    }
    return out;
  }
}
