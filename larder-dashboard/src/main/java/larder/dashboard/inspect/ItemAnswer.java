package larder.dashboard.inspect;

import java.util.List;

/**
 * Items similar to an item as the API gives them ({@code GET /v1/similar-items/{job}/{item}}).
 *
 * @param problem why there is no list (unknown job or item, or a model without similar items), else null
 */
public record ItemAnswer(Problem problem, long batchId, String publishedAt, String age, List<RankedRow> rows) {
  static ItemAnswer problem(Problem p) {
    return new ItemAnswer(p, 0, "", "", List.of());
  }
}
