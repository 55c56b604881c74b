package larder.serve;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every job's state as {@code GET /v1/status} answers it and {@code larder status --format json} prints it: each
 * job is its base batch with its current refresh ({@link BatchJson#withRefresh}), {@code stale}, {@code state}
 * and its latest failure.
 *
 * @param body the JSON object
 * @param healthy false when a job is stale, failing or never published (HTTP 503, exit code 1)
 */
public record StatusJson(Map<String, Object> body, boolean healthy) {

  /** The status of {@code jobs}, judged stale against {@code maxAge} (null: never) at {@code now}. */
  public static StatusJson of(List<JobStatus> statuses, Duration maxAge, Instant now) {
    List<Map<String, Object>> jobs = new ArrayList<>();
    boolean stale = false, failing = false;
    for (JobStatus s : statuses) {
      Map<String, Object> j = s.serving() == null ? new LinkedHashMap<>(Map.of("job", s.job()))
          : BatchJson.withRefresh(s.serving(), s.refresh(), now);
      boolean isStale = s.stale(maxAge, now);
      j.put("stale", isStale);
      j.put("state", s.neverPublished() ? "never_published" : s.failure() != null ? "failed" : isStale ? "stale" : "ok");
      if (s.failure() != null) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("batch_id", s.failure().id());
        f.put("created_at", s.failure().createdAt());
        f.put("message", s.failure().message());
        j.put("latest_failure", f);
      }
      stale |= isStale;
      failing |= s.neverPublished() || s.failure() != null;
      jobs.add(j);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", failing ? "failing" : stale ? "stale" : "ok");
    if (maxAge != null) body.put("max_age", maxAge);
    body.put("jobs", jobs);
    return new StatusJson(body, !failing && !stale);
  }
}
