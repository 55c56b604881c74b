package larder.cli;

import java.nio.file.Path;
import larder.jobs.config.LarderConfig;
import larder.jobs.schedule.ConfigSchedules;
import larder.serve.Schedules;

/**
 * What a reading command ({@code status}, {@code serve}) takes from an optional {@code --config}: the store it names
 * (null: the command's own --db or the default) and each job's schedule, for next runs.
 */
record ConfigJobs(String store, Schedules schedules) {
  static ConfigJobs of(Path config) {
    if (config == null) return new ConfigJobs(null, Schedules.NONE);
    LarderConfig cfg = LarderConfig.load(config);
    return new ConfigJobs(cfg.store(), new ConfigSchedules(cfg));
  }
}
