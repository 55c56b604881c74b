package larder.train.eval;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Ranking quality of top-k lists against held-out items, averaged over the users evaluated (every
 * user with at least one test item). Relevance is binary: a recommended item is a hit when it is in the
 * user's test set.
 *
 * @param k list length
 * @param users users evaluated
 * @param precision hits / k
 * @param recall hits / |test|
 * @param ndcg DCG (gain 1 / log2(rank + 1)) over the ideal DCG of min(k, |test|) hits
 * @param map mean average precision: sum of precision at each hit's rank, over min(k, |test|)
 * @param hitRate share of users with at least one hit
 * @param coverage distinct items recommended to anyone, over the catalogue size
 */
public record Metrics(int k, long users, double precision, double recall, double ndcg, double map,
    double hitRate, double coverage) {

  /** Plain names and numbers, for storing with a batch as JSON. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("k", k);
    m.put("users", users);
    m.put("precision", precision);
    m.put("recall", recall);
    m.put("ndcg", ndcg);
    m.put("map", map);
    m.put("hit_rate", hitRate);
    m.put("coverage", coverage);
    return m;
  }
}
