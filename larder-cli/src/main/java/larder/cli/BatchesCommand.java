package larder.cli;

import larder.core.CsvFields;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import larder.core.BatchInfo;
import larder.serve.BatchJson;
import larder.serve.Serving;
import larder.serve.PredictionReader;
import larder.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "batches", description = "List the batches in the store, newest first: status, model, sizes, metrics.")
final class BatchesCommand implements Callable<Integer> {
  @Mixin StoreOption store;

  @Option(names = "--job", description = "Only this job's batches.")
  String job;

  @Option(names = "--format", defaultValue = "table", description = OutputFormat.HELP)
  OutputFormat format;

  @Override
  public Integer call() {
    try (Store s = Store.openExisting(store.resolve())) {
      var batches = new PredictionReader(s).batches(job);
      switch (format) {
        case json -> {
          // one batch per line, as GET /v1/jobs/{job}/batches lists it
          java.time.Instant now = java.time.Instant.now();
          Map<String, Optional<Serving>> serving = new HashMap<>();
          PredictionReader r = new PredictionReader(s);
          for (BatchInfo b : batches) {
            Optional<Serving> sv = serving.computeIfAbsent(b.job(), r::serving);
            boolean current = sv.isPresent() && (sv.get().base().id() == b.id()
                || sv.get().refresh() != null && sv.get().refresh().id() == b.id());
            System.out.println(Json.write(BatchJson.batch(b, current, now)));
          }
        }
        case csv -> {
          System.out.println("batch_id,job,kind,model,status,created_at,published_at,rec_rows,similar_rows,users,params,"
              + "metrics,message,input_rows,data_until,base_batch_id");
          for (BatchInfo b : batches) {
            System.out.printf(Locale.ROOT, "%d,%s,%s,%s,%s,%s,%s,%d,%d,%d,%s,%s,%s,%s,%s,%s%n", b.id(), CsvFields.quote(b.job()), b.kind(),
                b.model(), b.status(), b.createdAt(), b.publishedAt() == null ? "" : b.publishedAt(), b.rows(),
                b.secondaryRows(), b.keys(), CsvFields.quote(b.params().toJson()), CsvFields.quote(b.metrics().toJson()), CsvFields.quote(b.message()),
                b.inputRows() == null ? "" : b.inputRows(), b.dataUntil() == null ? "" : b.dataUntil(),
                b.isRefresh() ? b.baseBatchId() : "");
          }
        }
        case table -> {
          if (batches.isEmpty()) {
            System.out.println(job == null ? "no batches yet; run a job with 'larder run CONFIG'" : "no batches for job " + job);
            return 0;
          }
          System.out.printf("%6s  %-20s %-16s %-11s %-20s %-20s %12s %12s  %s%n", "batch", "job", "kind/model", "status",
              "created", "data until", "input rows", "rows", "covers");
          for (BatchInfo b : batches) {
            System.out.printf(Locale.ROOT, "%6d  %-20s %-16s %-11s %-20s %-20s %12s %,12d  %s%n", b.id(), b.job(),
                shortKind(b) + "/" + b.model(), b.status(), shortTime(b.createdAt()),
                b.dataUntil() == null ? "-" : shortTime(b.dataUntil()),
                b.inputRows() == null ? "-" : String.format(Locale.ROOT, "%,d", b.inputRows()), b.rows(), covers(b));
            if (b.message() != null && !b.message().isBlank()) System.out.println("        " + b.message());
            String tuned = tuned(b);
            if (tuned != null) System.out.println("        " + tuned);
          }
        }
      }
    }
    return 0;
  }

  /**
   * A tuned batch's line: "tuned: trial 5 of 30 won, ndcg 0.1785 on validation (stopped by trials, 8.8 fits):
   * alpha=55.12 rho=2.126 confidence=log", or "tuned parameters of batch 12 (tuned 2026-12-01 ...)"; null otherwise.
   */
  static String tuned(BatchInfo b) {
    if (!(b.metrics().get("tuning") instanceof Map<?, ?> t) || !(t.get("winner") instanceof Map<?, ?> w)) return null;
    StringBuilder params = new StringBuilder();
    if (w.get("params") instanceof Map<?, ?> p) {
      for (var e : p.entrySet()) {
        Object v = e.getValue();
        params.append(params.length() == 0 ? "" : " ").append(e.getKey()).append('=')
            .append(v instanceof Double d ? String.format(Locale.ROOT, "%.4g", d) : v);
      }
    }
    if (t.get("reused_from") instanceof Map<?, ?> from) {
      return "tuned parameters of batch " + from.get("batch") + " (tuned " + from.get("tuned_at") + "): " + params;
    }
    Object metric = t.get("config") instanceof Map<?, ?> c ? c.get("metric") : "metric";
    Object value = w.get("validation") instanceof Map<?, ?> v ? v.get(String.valueOf(metric)) : null;
    int trials = t.get("trials") instanceof List<?> l ? l.size() : 0;
    return String.format(Locale.ROOT, "tuned: trial %s of %d won, %s %s on validation (stopped by %s%s): %s",
        w.get("trial"), trials, metric, value instanceof Number n ? String.format(Locale.ROOT, "%.4f", n.doubleValue())
            : "-", t.get("stopped_by"), t.get("cost_fits") instanceof Number f ? String.format(Locale.ROOT, ", %.1f fits",
            f.doubleValue()) : "", params);
  }

  /** An instant as "2026-12-05 14:30:00", UTC, without fractions. */
  private static String shortTime(java.time.Instant t) {
    return t.toString().replace('T', ' ').replaceAll("\\.\\d+", "");
  }

  private static String shortKind(BatchInfo b) {
    return switch (b.kind()) {
      case RECOMMENDATIONS -> "recs";
      case SEGMENTS, SCORES -> b.kind().text();
    };
  }

  /** What the rows cover, in the words of the batch's kind; a refresh says which batch it re-scored users of. */
  static String covers(BatchInfo b) {
    String refresh = b.isRefresh() ? "refresh of batch " + b.baseBatchId() + ": " : "";
    if (b.rows() == 0 && (b.status().equals("failed") || b.status().equals("retired") || b.status().equals("staging"))) {
      return refresh + "-"; // rows removed, or never written
    }
    if (b.isRefresh()) return String.format(Locale.ROOT, "%s%,d %s", refresh, b.keys(), b.keys() == 1 ? "user" : "users");
    return switch (b.kind()) {
      case SEGMENTS -> String.format(Locale.ROOT, "%,d customers in %,d segments", b.keys(), b.secondaryRows());
      case SCORES -> String.format(Locale.ROOT, "%,d entities", b.keys());
      case RECOMMENDATIONS -> String.format(Locale.ROOT, "%,d users; %,d similar-item rows", b.keys(), b.secondaryRows());
    };
  }
}
