package larder.dashboard.inspect;

import java.util.List;

/**
 * A user's list as the API gives it ({@code GET /v1/recommendations/{job}/{user}}), in words, and what else the
 * store knows of the user: their segment in the segments job the batch takes segment fallback from, and the
 * RFM values that batch holds (the only history the store keeps: it holds published lists, not interactions).
 *
 * @param problem why there is no list (unknown job), else null and the rest set
 * @param source where the list came from
 * @param batchId the recommendations batch every item came from
 * @param publishedAt when it became current, "2026-03-01 05:00 UTC"
 * @param age its age now, "31.0 h"
 * @param listSegment for a segment fallback, the segment whose list it is ("2 · At risk"), else null
 * @param segment the user's segment with its history summary, or null
 * @param segmentNote why no segment is shown, when {@code segment} is null
 */
public record UserAnswer(Problem problem, Source source, long batchId, String publishedAt, String age,
    List<RankedRow> rows, String listSegment, SegmentLine segment, String segmentNote) {

  static UserAnswer problem(Problem p) {
    return new UserAnswer(p, null, 0, "", "", List.of(), null, null, null);
  }

  /**
   * A user's segment in a segments job's current batch.
   *
   * @param segment id and label, "2 · At risk" (the id alone when the batch has no label)
   * @param history what the batch says of the user's orders: "last order 12.0 days before the segmentation's
   *     as-of date, 5 orders, monetary value 230.50, RFM score 345"; empty when the job clustered a feature table instead of transactions
   */
  public record SegmentLine(String job, long batchId, String age, String segment, String history) {}
}
