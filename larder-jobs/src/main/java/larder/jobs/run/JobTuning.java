package larder.jobs.run;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import larder.core.BatchInfo;
import larder.core.DurationText;
import larder.core.Interactions;
import larder.core.Progress;
import larder.jobs.config.RecommendationsJob;
import larder.jobs.config.TuneConfig;
import larder.serve.PredictionReader;
import larder.store.Store;
import larder.train.recommend.Recommender;
import larder.train.tune.SearchSpace;
import larder.train.tune.Trial;
import larder.train.tune.TuneSettings;
import larder.train.tune.Tunables;
import larder.train.tune.Tuning;

/**
 * A job's {@code tune:} step: search on the evaluation's training part (or, within {@code every}, reuse the newest
 * batch's tuned parameters), and the search record stored in the batch's metrics under {@value #KEY}. The record
 * keeps the config (space and its hash, budget, seed, metric@k), the T′/V sizes, every trial (params, iterations,
 * status, validation metrics, seconds), the winner, what stopped the search and its cost in fits; a reusing run
 * stores the winner again with {@code reused_from}, so pruning old batches never loses the parameters in use.
 */
final class JobTuning {
  static final String KEY = "tuning";
  /** A search is repeated when the users or items have changed by more than this share since it ran. */
  static final double MAX_DRIFT = 0.5;

  private final Store store;
  private final RunReport.Listener listener;
  private final Progress progress;

  JobTuning(Store store, RunReport.Listener listener, Progress progress) {
    this.store = store;
    this.listener = listener;
    this.progress = progress;
  }

  /** The model to fit and what to store about how it was chosen. */
  record TuneRun(Recommender model, Map<String, Object> record) {}

  /**
   * @param train the evaluation's training part, the only data the search sees
   * @param all every interaction, whose size a reused search must still be close to
   */
  TuneRun tune(RecommendationsJob job, Interactions train, Interactions all) {
    TuneConfig cfg = job.tune();
    TuneSettings s = Tuning.resolved(job.model(), cfg.settings(job.evaluation(), job.threads()));
    SearchSpace space = Tuning.space(job.model(), s);
    Map<String, Object> config = Tuning.config(s, space);
    if (cfg.every() != null) {
      TuneRun reused = reuse(job, cfg.every(), config, all);
      if (reused != null) return reused;
    }
    listener.step(job.name(), String.format(Locale.ROOT, "tuning %s: %s of each user's training interactions for"
        + " validation, %s", job.model().name(), percent(s.validation()), space.exhaustive()
        ? space.gridSize() + " configurations" : s.trials() + " trials"
        + (s.maxTime() == null ? "" : " within " + DurationText.format(s.maxTime()))));
    Instant at = Instant.now();
    Tuning.Outcome out = Tuning.tune(job.model(), train, s, progress);
    Map<String, Object> record = out.record(job.model().name(), true);
    record.put("tuned_at", at.toString());
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("users", all.userCount());
    data.put("items", all.itemCount());
    record.put("data", data);
    Trial w = out.search().winner();
    listener.step(job.name(), String.format(Locale.ROOT, "tuned: trial %d of %d won with %s %.4f on validation: %s"
        + " (stopped by %s, %.1f s)", w.number(), out.search().trials().size(), s.metric().key(), w.value(),
        w.params(), out.search().stoppedBy(), out.search().seconds()));
    return new TuneRun(out.model(), record);
  }

  /** The newest batch's tuned parameters, when a search of the same model, space, metric and k ran within {@code every}. */
  private TuneRun reuse(RecommendationsJob job, Duration every, Map<String, Object> config, Interactions all) {
    List<BatchInfo> batches = new PredictionReader(store).batches(job.name());
    Instant now = Instant.now();
    for (BatchInfo b : batches) {
      if (b.status().equals("failed") || b.status().equals("staging")) continue;
      if (!(b.metrics().get(KEY) instanceof Map<?, ?> rec)) continue;
      if (!job.model().name().equals(rec.get("model"))) return null;
      if (!(rec.get("config") instanceof Map<?, ?> old) || !same(old, config)) return null;
      Instant tunedAt = Instant.parse(String.valueOf(rec.get("tuned_at")));
      if (tunedAt.plus(every).isBefore(now)) return null;
      if (rec.get("data") instanceof Map<?, ?> d && (drifted(d.get("users"), all.userCount())
          || drifted(d.get("items"), all.itemCount()))) {
        listener.step(job.name(), "tuning again: the users or items changed by more than half since batch " + b.id());
        return null;
      }
      if (!(rec.get("winner") instanceof Map<?, ?> winner) || !(winner.get("params") instanceof Map<?, ?> params)) {
        return null;
      }
      @SuppressWarnings("unchecked") Map<String, Object> p = (Map<String, Object>) params;
      Recommender model = Tunables.of(job.model(), job.threads()).configure(p);
      Map<String, Object> record = new LinkedHashMap<>();
      record.put("model", rec.get("model"));
      record.put("config", config);
      Map<String, Object> from = new LinkedHashMap<>();
      from.put("batch", b.id());
      from.put("tuned_at", tunedAt.toString());
      record.put("reused_from", from);
      record.put("winner", winner);
      record.put("tuned_at", tunedAt.toString());
      record.put("data", rec.get("data"));
      listener.step(job.name(), String.format(Locale.ROOT, "tuning: reusing batch %d's parameters %s (tuned %s ago;"
          + " every: %s)", b.id(), p, DurationText.human(Duration.between(tunedAt, now)), DurationText.format(every)));
      return new TuneRun(model, record);
    }
    return null;
  }

  /** Whether a stored config asks for what {@code now} does: same space, metric and k. */
  private static boolean same(Map<?, ?> old, Map<String, Object> now) {
    return Objects.equals(old.get("space_hash"), now.get("space_hash"))
        && Objects.equals(old.get("metric"), now.get("metric"))
        && old.get("k") instanceof Number k && k.intValue() == ((Number) now.get("k")).intValue();
  }

  private static boolean drifted(Object then, int now) {
    if (!(then instanceof Number n) || n.doubleValue() <= 0) return false;
    return Math.abs(now - n.doubleValue()) / n.doubleValue() > MAX_DRIFT;
  }

  /** Adds the search's cost in fits: its time over that of the winner's fit on the training part. */
  static void cost(Map<String, Object> record, double fitSeconds) {
    if (record.get("search_seconds") instanceof Number s && fitSeconds > 0) {
      record.put("fit_seconds", Math.round(fitSeconds * 1000) / 1000.0);
      record.put("cost_fits", Math.round(s.doubleValue() / fitSeconds * 100) / 100.0);
    }
  }

  private static String percent(double share) {
    return String.format(Locale.ROOT, "%.0f%%", share * 100);
  }
}
