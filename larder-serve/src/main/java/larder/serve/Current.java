package larder.serve;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import larder.core.BatchInfo;
import larder.core.BatchKind;
import larder.core.NotFoundException;
import larder.store.Batches;
import larder.store.Dialect;

/** The current batch of a job, checked to be of the kind a reader serves. */
final class Current {
  private Current() {}

  /**
   * {@code job}'s current batch, read in the caller's snapshot.
   *
   * @param kind the kind the reader serves
   * @throws NotFoundException when the job has no current batch, or serves another kind
   */
  static BatchInfo of(Connection c, Dialect d, String job, BatchKind kind) throws SQLException {
    Optional<BatchInfo> b = Batches.current(c, d, job);
    if (b.isEmpty()) {
      // "known jobs" for recommendations, the first kind and the one most jobs serve; "known segments jobs" etc.
      String jobs = kind == BatchKind.RECOMMENDATIONS ? "jobs" : kind + " jobs";
      throw new NotFoundException("job '" + job + "' has no published batch; known " + jobs + ": " + known(c, kind),
          "check the job name, or run the job to publish a batch");
    }
    if (kind != b.get().kind()) {
      throw new NotFoundException("job '" + job + "' serves " + b.get().kind() + ", not " + kind,
          "name a job that serves " + kind + " (known: " + known(c, kind) + ")");
    }
    return b.get();
  }

  static Duration age(BatchInfo b, Clock clock) {
    return b.publishedAt() == null ? Duration.ZERO : Duration.between(b.publishedAt(), clock.instant());
  }

  private static String known(Connection c, BatchKind kind) throws SQLException {
    List<String> jobs = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT job FROM larder_batches WHERE is_current AND base_batch_id IS NULL AND kind = ? ORDER BY job")) {
      ps.setString(1, kind.text());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) jobs.add(rs.getString(1));
      }
    }
    return jobs.isEmpty() ? "none" : String.join(", ", jobs);
  }
}
