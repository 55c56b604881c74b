package larder.jobs.config;

import java.nio.file.Path;

/** Reads one job's mapping into a {@link JobConfig}. */
final class JobConfigs {
  private JobConfigs() {}

  static JobConfig parse(String name, ConfigNode n, Path baseDir) {
    n.choice("type", "recommendations", "recommendations");
    int threads = n.integer("threads", Runtime.getRuntime().availableProcessors());
    var source = SourceConfigs.parse(n.child("source"), baseDir);
    var model = ModelConfigs.parse(n.child("model"), threads);
    int topN = n.integer("top_n", 10);
    boolean excludeSeen = n.bool("exclude_seen", true);
    int similar = n.integer("similar_items", 10);
    boolean fallback = n.bool("fallback", true);
    int keep = n.integer("keep", 3);
    JobConfig.EvaluationConfig eval = null;
    ConfigNode e = n.childOrNull("evaluate");
    if (e != null) {
      eval = new JobConfig.EvaluationConfig(e.number("holdout", 0.2), e.integer("k", topN), e.longValue("seed", 42));
      e.finish();
    }
    n.finish();
    return new JobConfig(name, source, model, topN, excludeSeen, similar, fallback, keep, threads, eval);
  }
}
