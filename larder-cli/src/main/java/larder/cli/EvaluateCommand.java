package larder.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import larder.core.ConfigException;
import larder.core.Interactions;
import larder.core.Progress;
import larder.extract.ExtractResult;
import larder.jobs.config.JobConfig;
import larder.jobs.config.LarderConfig;
import larder.jobs.config.RecommendationsJob;
import larder.jobs.config.TuneConfig;
import larder.train.eval.Evaluation;
import larder.train.eval.Holdout;
import larder.train.eval.Metrics;
import larder.train.recommend.Recommender;
import larder.train.recommend.TrainedModel;
import larder.train.recommend.als.Als;
import larder.train.recommend.als.AlsParams;
import larder.train.recommend.ease.Ease;
import larder.train.recommend.ease.EaseParams;
import larder.train.recommend.itemknn.ItemKnn;
import larder.train.recommend.itemknn.ItemKnnParams;
import larder.train.recommend.popularity.Popularity;
import larder.train.tune.Trial;
import larder.train.tune.TuneSettings;
import larder.train.tune.Tuning;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code larder evaluate CONFIG}: a job's model, or the models listed, side by side with popularity on one split of
 * the job's data (its {@code evaluate:} section, else a random 20% per user), without a store and without publishing.
 * With {@code --tune}, each tunable model is also searched on the split's training part, as a run with {@code tune:}
 * would, and its winner measured on the same test part.
 */
@Command(name = "evaluate", description = {"Compare models on one split of a job's data, side by side with popularity:"
    + " precision, recall, nDCG, MAP, hit rate, coverage and fit time at the job's evaluate.k. Nothing is published"
    + " and no store is needed.", "With --tune, each model's parameters are also searched on the training part (as"
    + " tune: in a job does) and the winner is measured on the same test part; the search table follows."})
final class EvaluateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "CONFIG", description = "The YAML config file (see README).")
  Path config;

  @Option(names = "--job", paramLabel = "JOB", description = "The recommendations job whose data and models to use;"
      + " needed when the file has more than one.")
  String job;

  @Option(names = "--models", split = ",", paramLabel = "MODEL", description = "Models to compare: als, ease, itemknn,"
      + " popularity (comma-separated). The job's own model keeps its settings; others take their defaults. Default:"
      + " the job's model.")
  List<String> models;

  @Option(names = "--tune", description = "Also tune each model (the job's tune: settings, its space for the job's"
      + " model only; else the defaults) and show the search.")
  boolean tune;

  @Option(names = "--format", defaultValue = "table", description = OutputFormat.HELP)
  OutputFormat format;

  @Option(names = {"-q", "--quiet"}, description = "No progress lines.")
  boolean quiet;

  /** One model's line of the table. */
  private record Row(String model, boolean tuned, Map<String, Object> params, Metrics metrics, double fitSeconds,
      Tuning.Outcome search, double fitCpu, double searchCpu) {}

  /**
   * CPU time of this process so far, or -1 where the JVM does not say: a search's cost in fits measured in CPU
   * seconds holds when other work shares the cores, where wall-clock seconds do not.
   */
  private static long cpuNanos() {
    return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : -1;
  }

  @Override
  public Integer call() {
    LarderConfig cfg = LarderConfig.load(config);
    RecommendationsJob j = pick(cfg);
    RecommendationsJob.EvaluationConfig ev = j.evaluation() != null ? j.evaluation()
        : new RecommendationsJob.EvaluationConfig(0.2, RecommendationsJob.EvaluationConfig.Split.RANDOM, j.topN(), 42L, null);
    List<Recommender> chosen = models(j);
    ConsoleProgress progress = new ConsoleProgress(System.err, quiet);
    ExtractResult extracted = j.source().read(progress);
    Interactions data = extracted.interactions();
    if (extracted.hasTimestamps()) data = data.withTimes(extracted.lastSeen());
    Holdout.Split split;
    if (ev.split() == RecommendationsJob.EvaluationConfig.Split.TIME) {
      if (!extracted.hasTimestamps()) {
        throw new ConfigException("jobs." + j.name() + ".evaluate.split", "time", j.source().label()
            + " gave no timestamps, so there is no latest interaction to hold out", "use split: random");
      }
      split = Holdout.latestPerUser(data, extracted.lastSeen(), ev.holdout());
    } else {
      split = Holdout.perUser(data, ev.holdout(), ev.seed());
    }
    note(String.format(Locale.ROOT, "%s: %,d users, %,d items, %,d interactions; %s split, %.0f%% held out, k=%d",
        j.name(), data.userCount(), data.itemCount(), data.size(), ev.split().key(), ev.holdout() * 100, ev.k()));
    List<Row> rows = new ArrayList<>();
    rows.add(measure(new Popularity(), false, null, split, ev.k(), j.threads(), progress, -1));
    for (Recommender r : chosen) {
      if (!(r instanceof Popularity)) rows.add(measure(r, false, null, split, ev.k(), j.threads(), progress, -1));
      if (tune && !(r instanceof Popularity) && larder.train.tune.Tunables.of(r, j.threads()) == null) {
        note(r.name() + " has no parameters to tune; measured as configured"); // a blend: tune its models instead
      } else if (tune && !(r instanceof Popularity)) {
        // the job's tune: settings apply to every model compared; its space only to the job's own model
        TuneConfig t = j.tune() != null && r == j.model() ? j.tune()
            : j.tune() != null ? j.tune().withDefaultSpace()
            : new TuneConfig(null, TuneSettings.DEFAULT_VALIDATION, null, TuneSettings.DEFAULT_TRIALS, null, null, null,
                List.of(), "jobs." + j.name() + ".tune");
        TuneSettings s = t.settings(ev, j.threads());
        note("tuning " + r.name() + " on the training part");
        long c0 = cpuNanos();
        Tuning.Outcome out = Tuning.tune(r, split.train(), s, progress);
        double cpu = c0 < 0 ? -1 : (cpuNanos() - c0) / 1e9;
        rows.add(measure(out.model(), true, out, split, ev.k(), j.threads(), progress, cpu));
      }
    }
    print(rows, ev.k());
    return 0;
  }

  private Row measure(Recommender r, boolean tuned, Tuning.Outcome search, Holdout.Split split, int k, int threads,
      Progress progress, double searchCpu) {
    note("fitting " + r.name() + (tuned ? " (tuned) " : " ") + r.params());
    long c0 = cpuNanos();
    long t0 = System.nanoTime();
    TrainedModel m = r.fit(split.train(), Progress.NONE);
    double secs = (System.nanoTime() - t0) / 1e9;
    double cpu = c0 < 0 ? -1 : (cpuNanos() - c0) / 1e9;
    Metrics metrics = Evaluation.evaluate(m, split.train(), split.test(), k, threads, Progress.NONE);
    return new Row(r.name(), tuned, r.params(), metrics, secs, search, cpu, searchCpu);
  }

  private void note(String message) {
    if (!quiet) System.err.println("[evaluate] " + message);
  }

  private RecommendationsJob pick(LarderConfig cfg) {
    List<RecommendationsJob> recs = new ArrayList<>();
    for (JobConfig c : cfg.jobs().values()) if (c instanceof RecommendationsJob r) recs.add(r);
    if (job != null) {
      JobConfig c = cfg.jobs().get(job);
      if (!(c instanceof RecommendationsJob r)) {
        throw new ConfigException("--job", job, c == null ? "is not a job of " + config : "is not a recommendations job",
            "name one of: " + String.join(", ", recs.stream().map(RecommendationsJob::name).toList()));
      }
      return r;
    }
    if (recs.size() == 1) return recs.get(0);
    throw new ConfigException("--job", null, recs.isEmpty() ? config + " has no recommendations job"
        : "is needed: " + config + " has " + recs.size() + " recommendations jobs",
        recs.isEmpty() ? "add a job of type: recommendations" : "name one of: "
            + String.join(", ", recs.stream().map(RecommendationsJob::name).toList()));
  }

  /** The models to compare: the job's own (as configured) and, by name, the others with their defaults. */
  private List<Recommender> models(RecommendationsJob j) {
    if (models == null || models.isEmpty()) return List.of(j.model());
    List<Recommender> out = new ArrayList<>();
    int t = j.threads();
    for (String raw : models) {
      String name = raw.strip().toLowerCase(Locale.ROOT);
      if (name.isEmpty()) continue;
      Recommender r = name.equals(j.model().name()) ? j.model() : switch (name) {
        case "popularity" -> new Popularity();
        case "als" -> new Als(AlsParams.defaults().withThreads(t));
        case "ease" -> new Ease(EaseParams.defaults().withThreads(t));
        case "itemknn" -> new ItemKnn(ItemKnnParams.defaults().withThreads(t));
        default -> throw new ConfigException("--models", raw, "is not a model", "use als, ease, itemknn or popularity");
      };
      out.add(r);
    }
    return out;
  }

  private void print(List<Row> rows, int k) {
    PrintWriter out = spec.commandLine().getOut();
    switch (format) {
      case json -> {
        for (Row r : rows) out.println(Json.write(json(r)));
      }
      case csv -> {
        out.println("model,tuned,precision,recall,ndcg,map,hit_rate,coverage,fit_seconds,params");
        for (Row r : rows) {
          Metrics m = r.metrics();
          out.printf(Locale.ROOT, "%s,%s,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f,%.3f,%s%n", r.model(), r.tuned(), m.precision(),
              m.recall(), m.ndcg(), m.map(), m.hitRate(), m.coverage(), r.fitSeconds(),
              larder.core.CsvFields.quote(larder.core.BatchParams.of(r.params()).toJson()));
        }
      }
      case table -> {
        out.printf(Locale.ROOT, "%-16s %9s %9s %9s %9s %9s %9s %9s%n", "model", "prec@" + k, "recall@" + k,
            "ndcg@" + k, "map@" + k, "hit@" + k, "coverage", "fit s");
        for (Row r : rows) {
          Metrics m = r.metrics();
          out.printf(Locale.ROOT, "%-16s %9.4f %9.4f %9.4f %9.4f %9.4f %9.4f %9.2f%n",
              r.model() + (r.tuned() ? " (tuned)" : ""), m.precision(), m.recall(), m.ndcg(), m.map(), m.hitRate(),
              m.coverage(), r.fitSeconds());
        }
        for (Row r : rows) {
          if (r.search() == null) continue;
          out.println();
          searchTable(out, r);
        }
      }
    }
    out.flush();
  }

  private static void searchTable(PrintWriter out, Row r) {
    Tuning.Outcome o = r.search();
    var s = o.search();
    String metric = o.settings().metric().key();
    String cpu = r.searchCpu() > 0 && r.fitCpu() > 0
        ? String.format(Locale.ROOT, "; CPU %.1f s, %.1f fits", r.searchCpu(), r.searchCpu() / r.fitCpu()) : "";
    out.printf(Locale.ROOT, "search of %s: %d trials%s, stopped by %s, %.1f s (%.1f fits of the winner%s); winner: trial"
        + " %d %s%n", r.model(), s.trials().size(), o.settings().repeats() == 1 ? ""
            : " on " + o.settings().repeats() + " validation draws", s.stoppedBy(), s.seconds(),
        s.seconds() / Math.max(1e-9, r.fitSeconds()), cpu,
        s.winner().number(), r.params());
    boolean budgets = s.rungs().length > 1;
    out.printf(Locale.ROOT, "%5s  %-9s %s%9s  %8s  %s%n", "trial", "status", budgets ? "  iter" : "", metric, "seconds",
        "params");
    for (Trial t : s.trials()) {
      out.printf(Locale.ROOT, "%5d  %-9s %s%9s  %8.2f  %s%n", t.number(), t.status().key(),
          budgets ? String.format(Locale.ROOT, "%6d", t.budget()) : "",
          Double.isNaN(t.value()) ? "-" : String.format(Locale.ROOT, "%.4f", t.value()), t.seconds(), text(t.params()));
    }
  }

  private static String text(Map<String, Object> params) {
    StringBuilder b = new StringBuilder();
    for (var e : params.entrySet()) {
      if (b.length() > 0) b.append(' ');
      Object v = e.getValue();
      b.append(e.getKey()).append('=').append(v instanceof Double d ? String.format(Locale.ROOT, "%.4g", d) : v);
    }
    return b.toString();
  }

  private static Map<String, Object> json(Row r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model", r.model());
    m.put("tuned", r.tuned());
    m.put("params", r.params());
    m.putAll(r.metrics().toMap());
    m.put("fit_seconds", Math.round(r.fitSeconds() * 1000) / 1000.0);
    if (r.search() != null) m.put("tuning", r.search().record(r.model(), true));
    return m;
  }
}
