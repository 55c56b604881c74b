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
import larder.core.NotFoundException;
import larder.store.Batches;
import larder.store.Dialect;

/** The current batch of a job, checked to be of the kind a reader serves. */
final class Current {
  private Current() {}

  /**
   * {@code job}'s current batch, read in the caller's snapshot.
   *
   * @param segments true for a segments reader, false for a reader of ranked lists
   * @throws NotFoundException when the job has no current batch, or serves the other kind
   */
  static BatchInfo of(Connection c, Dialect d, String job, boolean segments) throws SQLException {
    Optional<BatchInfo> b = Batches.current(c, d, job);
    String want = segments ? "segments" : "recommendations";
    if (b.isEmpty()) {
      throw new NotFoundException("job '" + job + "' has no published batch; known " + (segments ? "segments " : "")
          + "jobs: " + known(c, segments), "check the job name, or run the job to publish a batch");
    }
    boolean isSegments = Batches.SEGMENTS.equals(b.get().kind());
    if (isSegments != segments) {
      throw new NotFoundException("job '" + job + "' serves " + b.get().kind() + ", not " + want,
          "name a job that serves " + want + " (known: " + known(c, segments) + ")");
    }
    return b.get();
  }

  static Duration age(BatchInfo b, Clock clock) {
    return b.publishedAt() == null ? Duration.ZERO : Duration.between(b.publishedAt(), clock.instant());
  }

  private static String known(Connection c, boolean segments) throws SQLException {
    List<String> jobs = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT job FROM larder_batches WHERE is_current AND kind "
        + (segments ? "=" : "<>") + " ? ORDER BY job")) {
      ps.setString(1, Batches.SEGMENTS);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) jobs.add(rs.getString(1));
      }
    }
    return jobs.isEmpty() ? "none" : String.join(", ", jobs);
  }
}
