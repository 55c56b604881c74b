package larder.jobs.config;

import larder.core.BatchKind;
import larder.core.ConfigException;

/** One job of a config file, validated: a recommendations job, a segmentation job or an import of predictions. */
public sealed interface JobConfig permits RecommendationsJob, SegmentsJob, ImportJob {
  /** The job's name: its key in the views ({@code WHERE job = ?}). */
  String name();

  /** What its batches hold: "recommendations", "segments" or "scores". */
  BatchKind kind();

  /** How many published batches to keep for rollback (the current one included). */
  int keep();

  /** Worker threads for training and scoring. */
  int threads();

  static void checkName(String name) {
    if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}")) {
      throw new ConfigException("jobs." + name, null, "a job name must be letters, digits, '.', '_' or '-' (at most 100)");
    }
  }
}
