package larder.jobs.run;

import java.time.Duration;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import larder.core.BatchParams;
import larder.core.BatchMetrics;
import larder.core.BatchInfo;
import larder.core.ConfigException;
import larder.core.DurationText;
import larder.core.Interactions;
import larder.core.ModelException;
import larder.core.Progress;
import larder.extract.ExtractResult;
import larder.jobs.config.QualityGate;
import larder.jobs.config.RecommendationsJob;
import larder.jobs.run.JobTuning.TuneRun;
import larder.serve.PredictionReader;
import larder.serve.PreviousSegments;
import larder.serve.SegmentReader;
import java.util.Optional;
import larder.publish.BatchLoader;
import larder.store.Artifacts;
import larder.train.recommend.kept.KeptModel;
import larder.publish.Publisher;
import larder.publish.RecommendationWriter;
import larder.train.eval.Evaluation;
import larder.train.eval.Holdout;
import larder.train.eval.Metrics;
import larder.train.recommend.Recommender;
import larder.train.recommend.TrainedModel;
import larder.train.recommend.popularity.Popularity;
import larder.train.recommend.popularity.PopularityParams;
import larder.train.score.TopNScoring;

/**
 * Runs one recommendations job end to end: extract, (evaluate, and refuse a model below its quality gate),
 * train, score every user into the store, (segment fallback lists), publish. The job's item filters apply
 * to every list it publishes; the evaluation measures the model unfiltered. The job's lock is taken first,
 * so two runs of one job cannot overlap; any failure marks the batch failed and leaves the previous batch
 * serving.
 */
final class RecommendationsRunner {
  private final Publisher publisher;
  private final Progress progress;
  private final RunReport.Listener listener;
  private final BatchCheck checks;

  RecommendationsRunner(Publisher publisher, Progress progress, RunReport.Listener listener, BatchCheck checks) {
    this.publisher = publisher;
    this.progress = progress;
    this.listener = listener;
    this.checks = checks;
  }

  RunReport run(RecommendationsJob job) {
    return run(job, null);
  }

  /**
   * @param spark reads, trains and scores users on Spark when not null (similar items, from the model's item
   *     side, on the driver); the config check has refused what it cannot run there
   */
  RunReport run(RecommendationsJob job, SparkEngine spark) {
    long start = System.nanoTime();
    RunReport.Builder report = new RunReport.Builder(job.name(), job.model().name());
    // The filter files are read before the batch begins, so that their sizes are stored with it; a file that
    // cannot be read still fails the batch, below.
    ItemFilter filter = null;
    RuntimeException unreadableFilter = null;
    try {
      filter = ItemFilter.read(job.name(), job.filters());
    } catch (RuntimeException e) {
      unreadableFilter = e;
    }
    BatchLoader batch = publisher.begin(job.name(), job.kind(), job.model().name(), batchParams(job, filter));
    RecommendationWriter lists = batch.recommendations();
    try {
      if (unreadableFilter != null) throw unreadableFilter;
      listener.step(job.name(), "reading " + job.source().label());
      ExtractResult extracted = spark != null ? spark.read(job, progress) : job.source().read(progress);
      Interactions data = extracted.interactions();
      report.extracted(extracted);
      listener.step(job.name(), String.format("read %,d rows: %,d users, %,d items, %,d interactions",
          extracted.rowsRead(), data.userCount(), data.itemCount(), data.size()));
      for (String bad : extracted.badRowSamples()) listener.step(job.name(), "skipped bad row: " + bad);
      // Settings the data contradicts first: they fail every run until changed, whatever the input's size.
      requireTimesForDecay(job, extracted);
      requireTimesForSplit(job, extracted);
      // Before any training: a truncated extract must not replace a full batch.
      checks.check(job.name(), job.checks(), extracted.rowsKept(), data.userCount(), job.source().label());
      batch.setInputRows(extracted.rowsKept());
      batch.setDataUntil(extracted.newest()); // events after it are left out of the lists until the next run
      if (extracted.hasTimestamps()) data = data.withTimes(extracted.lastSeen());
      BitSet allowed = filter.apply(data.items(), message -> listener.step(job.name(), message));

      Recommender chosen = job.model();
      if (job.evaluation() != null) {
        Evaluated evaluated = evaluate(job, extracted, data, spark);
        if (evaluated.model() != job.model()) {
          chosen = evaluated.model();
          batch.setParams(batchParams(chosen, job, filter)); // what the published model was fitted with
        }
        report.metrics(evaluated.metrics());
        batch.setMetrics(BatchMetrics.of(evaluated.metrics())); // kept with the batch even if a later step fails
        // Refused before the full training: a model that falls short is not worth its training and scoring time.
        if (evaluated.gate() != null && !evaluated.gate().passed()) throw gateFailed(job, evaluated.gate());
      }

      TrainedModel model;
      if (spark != null) {
        listener.step(job.name(), String.format("training %s %s and scoring top-%d for %,d users on Spark",
            job.model().name(), job.model().params(), job.topN(), data.userCount()));
        long t0 = System.nanoTime();
        SparkEngine.Scored scored = spark.scoreUsers(job, data, allowed, batch, progress);
        model = scored.itemModel();
        long took = System.nanoTime() - t0;
        report.trainNanos(scored.trainNanos());
        report.scored(scored.summary().keys(), scored.summary().rows(), took - scored.trainNanos());
      } else {
        listener.step(job.name(), "training " + chosen.name() + " " + chosen.params());
        long t0 = System.nanoTime();
        model = chosen.fit(data, progress);
        report.trainNanos(System.nanoTime() - t0);
        batch.setParams(batchParams(chosen, job, filter)); // what the fit settled, a blend's weights, is what ran

        listener.step(job.name(), String.format("scoring top-%d for %,d users", job.topN(), data.userCount()));
        t0 = System.nanoTime();
        TopNScoring.ScoringSummary recs = TopNScoring.scoreUsers(model, job.excludeSeen() ? data.byUser() : null, null,
            job.topN(), allowed, job.threads(), lists.userSink(data.users(), data.items()), progress);
        report.scored(recs.keys(), recs.rows(), System.nanoTime() - t0);
      }

      if (job.similarItems() > 0 && model != null && model.newItemScorer() != null) {
        listener.step(job.name(), String.format("similar items: top-%d for %,d items", job.similarItems(),
            allowed == null ? data.itemCount() : allowed.cardinality()));
        TopNScoring.ScoringSummary sim = TopNScoring.scoreSimilarItems(model, job.similarItems(), allowed,
            job.threads(), lists.similarSink(data.items()), progress);
        report.similar(sim.rows());
      }
      if (job.fallback()) {
        Popularity.Fallback top = Popularity.fallback(data, job.topN(), fallbackCount(job), allowed,
            job.fallbackHalfLife());
        lists.writeFallback(top.items(), top.scores(), top.items().length, data.items());
      }
      if (job.segmentFallback() != null) report.segmentLists(writeSegmentFallback(job, data, allowed, lists));
      if (job.keepModel()) keepModel(job, chosen, spark, batch, model, data);
      BatchInfo published = batch.publish(job.keep());
      return report.published(published, System.nanoTime() - start);
    } catch (RuntimeException e) {
      throw batch.failedBy(e); // the previous batch keeps serving
    } catch (Error e) {
      throw batch.failedBy(e);
    } finally {
      batch.close();
    }
  }

  /**
   * Keeps the model's item side, the ids and each user's merged history with the batch (see {@link KeptBatch}) once
   * its rows are loaded, before it is switched to: what a refresh scores changed users with. A Spark run keeps what
   * its driver holds: the item side (ALS item factors, item-kNN neighbours, EASE weights) and the interactions, but
   * not ALS's user factors, which stay on the executors; popularity on Spark is counted there and keeps nothing yet.
   */
  private void keepModel(RecommendationsJob job, Recommender recommender, SparkEngine spark, BatchLoader batch,
      TrainedModel model, Interactions data) {
    if (model == null || !KeptModel.canKeep(model)) {
      listener.step(job.name(), "keep_model: not kept" + (spark != null ? " (popularity on Spark keeps nothing yet)"
          : " (model " + recommender.name() + " keeps nothing to refresh from)"));
      return;
    }
    batch.beforeSwitch(() -> {
      long t0 = System.nanoTime();
      new KeptBatch(publisher.store()).write(batch.batchId(), recommender, model, data);
      listener.step(job.name(), String.format("kept the model (%,d bytes) and %,d histories in %,d ms",
          new Artifacts(publisher.store()).size(batch.batchId()), data.userCount(), (System.nanoTime() - t0) / 1_000_000));
    });
  }

  /** The model's parameters, with the job's filter sizes and fallback decay when it has them. */
  private static BatchParams batchParams(RecommendationsJob job, ItemFilter filter) {
    return batchParams(job.model(), job, filter);
  }

  private static BatchParams batchParams(Recommender model, RecommendationsJob job, ItemFilter filter) {
    Map<String, Object> params = new LinkedHashMap<>(model.params());
    if (filter != null && !filter.sizes().isEmpty()) params.put("filters", filter.sizes());
    if (job.fallbackHalfLife() != null) params.put("fallback_half_life", DurationText.format(job.fallbackHalfLife()));
    return BatchParams.of(params);
  }

  /** A decay measures ages, so a source that gave no times fails the run naming the setting. */
  private static void requireTimesForDecay(RecommendationsJob job, ExtractResult extracted) {
    if (extracted.hasTimestamps()) return;
    Duration model = RecommendationsJob.modelHalfLife(job.model());
    String key = model != null ? "model.half_life" : job.fallbackHalfLife() != null ? "fallback_half_life" : null;
    if (key == null) return;
    throw new ConfigException("jobs." + job.name() + "." + key, DurationText.format(model != null ? model
        : job.fallbackHalfLife()), job.source().label() + " gave no timestamps, so its interactions have no age",
        "fill the source's timestamp column, or remove " + key);
  }

  /** A time split holds out each user's latest interactions, so a source that gave no times fails the run. */
  private static void requireTimesForSplit(RecommendationsJob job, ExtractResult extracted) {
    if (extracted.hasTimestamps() || job.evaluation() == null
        || job.evaluation().split() != RecommendationsJob.EvaluationConfig.Split.TIME) {
      return;
    }
    throw new ConfigException("jobs." + job.name() + ".evaluate.split", "time", job.source().label()
        + " gave no timestamps, so there is no latest interaction to hold out",
        "fill the source's timestamp column, or use split: random");
  }

  /** The evaluation as stored with the batch, the gate's verdict (null without a gate), and the model it judged. */
  private record Evaluated(Map<String, Object> metrics, QualityGate.Verdict gate, Recommender model) {}

  /**
   * @param data the extracted interactions with their times, when the source has them
   * @param spark trains and scores on Spark when not null (the split is made here, on the driver, as locally)
   */
  private Evaluated evaluate(RecommendationsJob job, ExtractResult extracted, Interactions data, SparkEngine spark) {
    RecommendationsJob.EvaluationConfig ev = job.evaluation();
    Holdout.Split split;
    if (ev.split() == RecommendationsJob.EvaluationConfig.Split.TIME) {
      listener.step(job.name(), String.format("evaluating: holding out the latest %.0f%% of each user's interactions",
          ev.holdout() * 100));
      split = Holdout.latestPerUser(data, extracted.lastSeen(), ev.holdout());
    } else {
      listener.step(job.name(), String.format("evaluating: holding out %.0f%% of each user's interactions at random",
          ev.holdout() * 100));
      split = Holdout.perUser(data, ev.holdout(), ev.seed());
    }
    Recommender chosen = job.model();
    Map<String, Object> tuning = null;
    if (job.tune() != null) {
      if (spark != null) {
        throw new ConfigException("jobs." + job.name() + ".tune", null, "cannot run on Spark yet",
            "remove tune: (copy the tuned parameters from a local run into model:), or run the job locally");
      }
      TuneRun tuned = new JobTuning(publisher.store(), listener, progress).tune(job, split.train(), data);
      chosen = tuned.model();
      tuning = tuned.record();
    }
    Metrics model;
    Metrics baseline;
    if (spark != null) {
      model = spark.evaluate(job.model(), split.train(), split.test(), ev.k(), progress);
      baseline = spark.evaluate(new Popularity(), split.train(), split.test(), ev.k(), progress);
    } else {
      // Two trainings and two scorings of the held-out users: each reports as "eval <phase>", so a long
      // evaluation is never silent and is told apart from the full training that follows.
      Progress eval = evalPhases(progress);
      listener.step(job.name(), "evaluating: training " + chosen.name() + " on the training part");
      long fitStart = System.nanoTime();
      TrainedModel fitted = chosen.fit(split.train(), eval);
      if (tuning != null) JobTuning.cost(tuning, (System.nanoTime() - fitStart) / 1e9);
      listener.step(job.name(), "evaluating: scoring the held-out users");
      model = Evaluation.evaluate(fitted, split.train(), split.test(), ev.k(), job.threads(), eval);
      baseline = Evaluation.evaluate(new Popularity().fit(split.train(), Progress.NONE), split.train(), split.test(),
          ev.k(), job.threads());
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put(BatchMetrics.K, ev.k());
    out.put("holdout", ev.holdout());
    out.put("split", ev.split().key());
    out.put(BatchMetrics.MODEL, model.toMap());
    out.put(BatchMetrics.POPULARITY, baseline.toMap());
    if (tuning != null) out.put(JobTuning.KEY, tuning);
    listener.step(job.name(), String.format("precision@%d %.4f vs popularity %.4f; ndcg@%d %.4f vs %.4f",
        ev.k(), model.precision(), baseline.precision(), ev.k(), model.ndcg(), baseline.ndcg()));
    QualityGate.Verdict verdict = null;
    if (ev.gate() != null) {
      verdict = ev.gate().check(model, baseline);
      out.put("gate", verdict.toMap());
      if (verdict.passed()) listener.step(job.name(), "quality gate passed: " + texts(verdict.checks()));
    }
    return new Evaluated(out, verdict, chosen);
  }

  /** {@code progress} with every phase named "eval <phase>", notes included. */
  static Progress evalPhases(Progress progress) {
    return new Progress() {
      @Override public void update(String phase, long done, long total, String unit) {
        progress.update("eval " + phase, done, total, unit);
      }

      @Override public void note(String phase, String message) {
        progress.note("eval " + phase, message);
      }
    };
  }

  /** The run's error when the model falls short of its gate: every failed condition, measured and required. */
  private ModelException gateFailed(RecommendationsJob job, QualityGate.Verdict verdict) {
    String serving;
    try {
      serving = new PredictionReader(publisher.store()).current(job.name())
          .map(b -> "batch " + b.id() + " keeps serving")
          .orElse("nothing was published before, so the job serves nothing yet");
    } catch (RuntimeException e) {
      serving = "the previous batch, if any, keeps serving"; // the message must not hinge on this read
    }
    return new ModelException("job '" + job.name() + "': quality gate failed, not publishing: "
        + texts(verdict.failures()), serving + "; check the data or lower the gate in jobs." + job.name()
        + ".evaluate.gate");
  }

  private static String texts(List<QualityGate.Check> checks) {
    return String.join("; ", checks.stream().map(QualityGate.Check::text).toList());
  }

  /**
   * How the fallback list counts popularity: as the model does when the model is popularity (so a newcomer's
   * list is the model's own ranking), else by distinct users.
   */
  private static PopularityParams.Count fallbackCount(RecommendationsJob job) {
    return job.model() instanceof Popularity p ? p.parameters().count() : PopularityParams.Count.USERS;
  }

  /**
   * Per segment of the named segments job's current batch, the allowed items most popular among its
   * customers who are users here: the list for users without one of their own who have a segment. Returns how many
   * segment lists were written; none (with a note) when that job has not published yet.
   */
  private int writeSegmentFallback(RecommendationsJob job, Interactions data, BitSet allowed, RecommendationWriter out) {
    String segJob = job.segmentFallback();
    out.setSegmentJob(segJob);
    Optional<PreviousSegments> current = new SegmentReader(publisher.store()).previousForStability(segJob);
    if (current.isEmpty()) {
      listener.step(job.name(), "segment fallback: job '" + segJob + "' has no published segments yet;"
          + " users without a list get the global fallback only");
      return 0;
    }
    PreviousSegments segs = current.get();
    Map<Integer, Integer> groupOf = new LinkedHashMap<>();
    for (var p : segs.profiles()) groupOf.put(p.segmentId(), groupOf.size());
    int[] group = new int[data.userCount()];
    java.util.Arrays.fill(group, -1);
    long[] matched = new long[1];
    segs.forEachAssignment((customer, segment) -> {
      int u = data.users().idOf(customer);
      Integer g = groupOf.get(segment);
      if (u >= 0 && g != null) {
        group[u] = g;
        matched[0]++;
      }
    });
    Popularity.Fallback[] lists = Popularity.fallbackByGroup(data, group, groupOf.size(), job.topN(), allowed,
        job.fallbackHalfLife());
    int written = 0;
    for (var e : groupOf.entrySet()) {
      Popularity.Fallback f = lists[e.getValue()];
      if (f.size() == 0) continue;
      out.writeSegmentFallback(e.getKey(), f.items(), f.scores(), f.size(), data.items());
      written++;
    }
    listener.step(job.name(), String.format("segment fallback: %d segment lists from job '%s' batch %d"
        + " (%,d of its customers are users here)", written, segJob, segs.batchId(), matched[0]));
    return written;
  }

}
