package larder.jobs.schedule;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;
import larder.jobs.config.LarderConfig;
import larder.serve.Schedules;

/** A loaded config's jobs and schedules, as {@code larder status} and the dashboard read them. */
public record ConfigSchedules(LarderConfig config) implements Schedules {
  @Override public boolean known() { return true; }

  @Override public List<String> jobs() { return List.copyOf(config.jobs().keySet()); }

  @Override public Optional<ZonedDateTime> next(String job, Instant after) {
    Schedule s = config.schedules().get(job);
    return s == null ? Optional.empty() : s.next(after.atZone(s.zone()));
  }
}
