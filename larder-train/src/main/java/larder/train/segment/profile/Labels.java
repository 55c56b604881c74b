package larder.train.segment.profile;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import larder.train.segment.rfm.Monetary;

/**
 * Readable names for k-means segments, from where each segment's median of each feature falls among all
 * customers: in which fifth of them (quintile, as in classic RFM scoring). The position of a median is its
 * mid-rank, the share of customers with a lower value plus half the share with an equal value, so a value most
 * customers share sits in the middle of them rather than at an edge. Five grades rather than three because
 * customer data is skewed: with terciles the best and the merely good segments often read the same.
 *
 * <p>For RFM features the words are:
 * <table>
 *   <caption>Words per feature and quintile of the segment's median, lowest first</caption>
 *   <tr><th>feature</th><th>1st</th><th>2nd</th><th>3rd</th><th>4th</th><th>5th</th></tr>
 *   <tr><td>recency</td><td>very recent</td><td>recent</td><td>lapsing</td><td>lapsed</td><td>long lapsed</td></tr>
 *   <tr><td>frequency</td><td>rare</td><td>infrequent</td><td>occasional</td><td>frequent</td><td>very frequent</td></tr>
 *   <tr><td>monetary (total)</td><td>very low spend</td><td>low spend</td><td>mid spend</td><td>high spend</td>
 *       <td>very high spend</td></tr>
 *   <tr><td>monetary (average)</td><td colspan="5">the same grades of "order value"</td></tr>
 * </table>
 * and frequency is "one-time" whenever the segment's median customer bought once, whatever its quintile.
 * A label reads "very recent, very frequent, high spend" or "long lapsed, one-time, low spend".
 *
 * <p>For other features the grades are "very low", "low", "mid", "high" and "very high" before the feature's
 * name ("high sessions, very low basket_size"); with more than three features only the three furthest from
 * the middle are named ("typical" when every median is in the middle fifth).
 *
 * <p>Labels are made unique within a batch: a label already taken by a segment with a lower id gets
 * " (2)", " (3)", ... appended.
 */
public final class Labels {
  private static final String[] RECENCY = {"very recent", "recent", "lapsing", "lapsed", "long lapsed"};
  private static final String[] FREQUENCY = {"rare", "infrequent", "occasional", "frequent", "very frequent"};
  private static final String[] GRADE = {"very low", "low", "mid", "high", "very high"};

  private Labels() {}

  /** Quintile of a mid-rank in [0, 1]: 0 lowest fifth ... 4 highest fifth. */
  public static int quintile(double midRank) {
    return Math.max(0, Math.min(4, (int) Math.floor(midRank * 5)));
  }

  /** The RFM label of a segment whose medians have these mid-ranks (and this median frequency). */
  public static String rfm(double recencyRank, double frequencyRank, double frequencyMedian, double monetaryRank,
      Monetary mode) {
    String r = RECENCY[quintile(recencyRank)];
    String f = frequencyMedian <= 1 ? "one-time" : FREQUENCY[quintile(frequencyRank)];
    String unit = mode == Monetary.AVERAGE ? "order value" : "spend";
    return r + ", " + f + ", " + GRADE[quintile(monetaryRank)] + " " + unit;
  }

  /** The label of a segment of generic features whose medians have these mid-ranks. */
  public static String generic(List<String> names, double[] ranks) {
    int d = names.size();
    List<Integer> chosen = new ArrayList<>();
    if (d <= 3) {
      for (int t = 0; t < d; t++) chosen.add(t);
    } else {
      List<Integer> all = new ArrayList<>();
      for (int t = 0; t < d; t++) if (quintile(ranks[t]) != 2) all.add(t);
      all.sort((a, b) -> Double.compare(Math.abs(ranks[b] - 0.5), Math.abs(ranks[a] - 0.5)));
      chosen.addAll(all.subList(0, Math.min(3, all.size())));
      chosen.sort(null);
      if (chosen.isEmpty()) return "typical";
    }
    List<String> words = new ArrayList<>();
    for (int t : chosen) words.add(GRADE[quintile(ranks[t])] + " " + names.get(t));
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
