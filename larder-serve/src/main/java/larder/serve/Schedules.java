package larder.serve;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;

/**
 * When jobs run next, as a config says: what {@code larder status --config} and the dashboard show beside each job.
 * The read side does not parse configs; the jobs module adapts a loaded config to this.
 */
public interface Schedules {
  /** No config known: no next runs, and no configured jobs to miss. */
  Schedules NONE = new Schedules() {
    @Override public boolean known() { return false; }
    @Override public List<String> jobs() { return List.of(); }
    @Override public Optional<ZonedDateTime> next(String job, Instant after) { return Optional.empty(); }
  };

  /** Whether a config is known at all (else "next run" is not shown). */
  boolean known();

  /** The config's jobs, in its order. */
  List<String> jobs();

  /** The first time strictly after {@code after} that {@code job} is due, in its schedule's zone; empty when unscheduled. */
  Optional<ZonedDateTime> next(String job, Instant after);
}
