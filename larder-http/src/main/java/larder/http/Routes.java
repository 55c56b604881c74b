package larder.http;

import io.javalin.http.ContentType;
import io.javalin.http.Context;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import larder.core.BatchInfo;
import larder.core.ConfigException;
import larder.core.DurationText;
import larder.serve.ApiJson;
import larder.serve.BatchComparison;
import larder.serve.BatchJson;
import larder.serve.StatusJson;
import larder.serve.BatchHistory;
import larder.serve.JobStatus;
import larder.serve.MemberConsumer;
import larder.serve.MembersCsv;
import larder.serve.SegmentMember;
import larder.serve.PredictionReader;
import larder.serve.ScoreReader;
import larder.serve.SegmentReader;
import larder.serve.Serving;
import larder.publish.Publisher;
import larder.store.Rollbacks;
import larder.store.Store;

/** The endpoints, each a thin mapping from a request to one reader call; see {@link LarderHttp} for the list. */
final class Routes {
  static final int MAX_LIMIT = 1_000;
  static final int DEFAULT_PAGE = 1_000;

  private final Store store;
  private final Publisher publisher;
  private final PredictionReader predictions;
  private final SegmentReader segments;
  private final ScoreReader scores;
  private final BatchHistory history;
  private final BatchComparison comparison;
  private final RequestMetrics metrics;
  private final HttpOptions options;
  private final Disclosure disclosure;
  private final ServerMeters meters;

  Routes(Store store, PredictionReader predictions, SegmentReader segments, RequestMetrics metrics, HttpOptions options,
      Disclosure disclosure, ServerMeters meters) {
    this.store = store;
    this.publisher = new Publisher(store);
    this.predictions = predictions;
    this.segments = segments;
    this.scores = new ScoreReader(store);
    this.history = new BatchHistory(store);
    this.comparison = new BatchComparison(store);
    this.metrics = metrics;
    this.options = options;
    this.disclosure = disclosure;
    this.meters = meters;
  }

  /** Every endpoint registered, as "GET /path", for the OpenAPI document's test. */
  final List<String> endpoints = new ArrayList<>();

  void register(JavalinDefaultRoutingApi api) {
    Registrar r = new Registrar(api, endpoints);
    r.get("/v1/recommendations/{job}/{user}", ctx -> {
      var recs = predictions.recommend(ctx.pathParam("job"), ctx.pathParam("user"), limit(ctx));
      batchHeaders(ctx, recs.batchId(), recs.age(), recs.serving());
      cached(ctx, recs);
    });
    r.get("/v1/similar-items/{job}/{item}", ctx -> {
      var similar = predictions.similarItems(ctx.pathParam("job"), ctx.pathParam("item"), limit(ctx));
      batchHeaders(ctx, similar.batchId(), similar.age());
      cached(ctx, similar);
    });
    r.get("/v1/segments/{job}/customers/{customer}", ctx -> {
      var s = segments.segmentOf(ctx.pathParam("job"), ctx.pathParam("customer"));
      batchHeaders(ctx, s.batchId(), s.age());
      cached(ctx, s);
    });
    r.get("/v1/segments/{job}/profiles", ctx -> {
      var p = segments.profiles(ctx.pathParam("job"));
      batchHeaders(ctx, p.batchId(), p.age());
      cached(ctx, p);
    });
    r.get("/v1/segments/{job}/transitions", ctx -> {
      var t = segments.transitions(ctx.pathParam("job"));
      batchHeaders(ctx, t.batchId(), t.age());
      cached(ctx, t);
    });
    r.get("/v1/segments/{job}/members/{segment}", this::members);
    r.get("/v1/scores/{job}/entities/{entity}", ctx -> {
      var e = scores.scoreOf(ctx.pathParam("job"), ctx.pathParam("entity"));
      batchHeaders(ctx, e.batchId(), e.age());
      cached(ctx, e);
    });
    r.get("/v1/scores/{job}/top", ctx -> {
      int limit = ctx.queryParam("limit") == null ? options.defaultLimit()
          : integer(ctx.queryParam("limit"), "limit", 1, ScoreReader.MAX_PAGE);
      var page = scores.top(ctx.pathParam("job"), limit, ctx.queryParam("label"));
      batchHeaders(ctx, page.batchId(), page.age());
      cached(ctx, page);
    });
    r.get("/v1/jobs", ctx -> {
      List<Map<String, Object>> jobs = new ArrayList<>();
      for (String job : predictions.jobs()) predictions.serving(job).ifPresent(s -> jobs.add(withRefresh(s.base(), s.refresh())));
      cached(ctx, Map.of("jobs", jobs));
    });
    r.get("/v1/jobs/{job}/batches", ctx -> {
      String job = ctx.pathParam("job");
      List<BatchInfo> all = predictions.batches(job);
      if (all.isEmpty()) {
        throw new larder.core.NotFoundException("job '" + job + "' has no batches; jobs serving: " + predictions.jobs(),
            "check the job name");
      }
      // the base and its refresh both serve: each user's list comes from one of them
      Optional<Serving> serving = predictions.serving(job);
      List<Map<String, Object>> out = new ArrayList<>();
      for (BatchInfo b : all) out.add(batch(b, serving.isPresent() && (serving.get().base().id() == b.id()
          || serving.get().refresh() != null && serving.get().refresh().id() == b.id())));
      Map<String, Object> answer = new LinkedHashMap<>();
      answer.put("job", job);
      answer.put("batches", out);
      cached(ctx, answer);
    });
    r.get("/v1/status", this::status);
    r.get("/health", ctx -> ctx.json(Map.of("status", "up")));
    r.get("/ready", ctx -> {
      // Ready when the store answers and, with --max-age, no job serves predictions older than allowed.
      // A store that does not answer is a 503 problem, worded by the error mapping for who asks.
      Freshness f = freshness(options.maxAge());
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("status", f.stale() > 0 ? "stale" : "ready");
      if (!disclosure.details(ctx)) {
        ctx.status(f.stale() > 0 ? 503 : 200).json(body);
        return;
      }
      body.put("store", store.kind().name().toLowerCase(java.util.Locale.ROOT));
      if (options.maxAge() != null) {
        body.put("max_age", options.maxAge());
        body.put("stale_jobs", f.staleJobs());
      }
      ctx.status(f.stale() > 0 ? 503 : 200).json(body);
    });
    r.post("/v1/events", this::events);
    r.post("/v1/jobs/{job}/rollback", this::rollback);
    r.get("/v1/jobs/{job}/rollbacks", this::rollbacks);
    r.get("/v1/jobs/{job}/compare", this::compare);
    r.get("/metrics", this::metrics);
    r.get("/openapi.yaml", ctx -> ctx.contentType("application/yaml").result(openApi()));
  }

  /** Registers a route and remembers it. */
  private record Registrar(JavalinDefaultRoutingApi api, List<String> seen) {
    void get(String path, io.javalin.http.Handler h) {
      seen.add("GET " + path);
      api.get(path, h);
    }

    void post(String path, io.javalin.http.Handler h) {
      seen.add("POST " + path);
      api.post(path, h);
    }
  }

  /** The API's OpenAPI 3 description, kept beside the routes and checked against them by the tests. */
  static byte[] openApi() {
    try (var in = Routes.class.getResourceAsStream("openapi.yaml")) {
      return in.readAllBytes();
    } catch (java.io.IOException | NullPointerException e) {
      throw new IllegalStateException("the OpenAPI document is missing from the jar", e);
    }
  }

  /** A page of members as JSON, or with {@code format=csv} every member streamed as CSV (any segment size). */
  private void members(Context ctx) throws Exception {
    String job = ctx.pathParam("job");
    int segment = integer(ctx.pathParam("segment"), "segment", 1, Integer.MAX_VALUE);
    String format = Optional.ofNullable(ctx.queryParam("format")).orElse("json");
    if (format.equals("csv")) {
      ctx.contentType("text/csv; charset=utf-8");
      ctx.header("Content-Disposition", "attachment; filename=\"" + job + "-segment-" + segment + ".csv\"");
      // Streamed: rows go out as the reader produces them, never the whole segment in memory.
      Writer w = new BufferedWriter(new OutputStreamWriter(ctx.outputStream(), StandardCharsets.UTF_8), 1 << 16);
      MembersCsv csv = new MembersCsv(w);
      segments.forEachMember(job, segment, new MemberConsumer() {
        @Override public void start(BatchInfo b, String label) {
          // Before the first row: headers cannot follow the body.
          batchHeaders(ctx, b.id(), b.publishedAt() == null ? Duration.ZERO : Duration.between(b.publishedAt(), Instant.now()));
          csv.start(b, label);
        }

        @Override public void accept(SegmentMember m) {
          csv.accept(m);
        }
      });
      w.flush();
      return;
    }
    if (!format.equals("json")) {
      throw new ConfigException("format", format, "must be json (a page) or csv (every member, streamed)");
    }
    int limit = ctx.queryParam("limit") == null ? DEFAULT_PAGE
        : integer(ctx.queryParam("limit"), "limit", 1, SegmentReader.MAX_PAGE);
    var page = segments.members(job, segment, ctx.queryParam("after"), limit);
    batchHeaders(ctx, page.batchId(), page.age());
    cached(ctx, page);
  }

  /**
   * Every job as a monitor must see it: 200 when each serves a batch younger than {@code max_age} and its latest
   * run did not fail; 503 when one is stale ("stale"), or its latest run failed or it never published ("failing"),
   * as {@code larder status} exits 1 for the same jobs.
   */
  private void status(Context ctx) {
    String text = ctx.queryParam("max_age");
    Duration maxAge = text == null ? null : DurationText.parse("max_age", text);
    StatusJson status = StatusJson.of(predictions.jobStatuses(), maxAge, Instant.now());
    ctx.status(status.healthy() ? 200 : 503).json(status.body());
  }

  /**
   * Each serving job's current batch, marked stale when it was last published or refreshed longer than
   * {@code maxAge} ago (never when it is null), as {@link JobStatus#stale} judges.
   */
  private record Freshness(List<Map<String, Object>> jobs, List<String> staleJobs) {
    int stale() { return staleJobs.size(); }
  }

  private Freshness freshness(Duration maxAge) {
    List<Map<String, Object>> jobs = new ArrayList<>();
    List<String> stale = new ArrayList<>();
    Instant now = Instant.now();
    for (String job : predictions.jobs()) {
      Serving s = predictions.serving(job).orElse(null);
      if (s == null) continue;
      Map<String, Object> j = withRefresh(s.base(), s.refresh());
      boolean isStale = new JobStatus(job, s.base(), s.refresh(), null, null).stale(maxAge, now);
      j.put("stale", isStale);
      if (isStale) stale.add(job);
      jobs.add(j);
    }
    return new Freshness(jobs, stale);
  }

  /**
   * Admin: serve an earlier kept batch again ({@code ?to=BATCH} for a given one), as {@code larder rollback} does;
   * the audit records the admin key's label ({@link ApiKeys#label}).
   */
  private void rollback(Context ctx) {
    String job = ctx.pathParam("job");
    String to = ctx.queryParam("to");
    String who = ApiKeys.label(LarderHttp.presentedKey(ctx));
    BatchInfo b = publisher.rollback(job, to == null ? -1 : integer(to, "to", 1, Integer.MAX_VALUE), who);
    ctx.json(Map.of("job", job, "now_serving", batch(b, true)));
  }

  /**
   * Admin: records interactions (one event or an array, {@link EventsBody}) in one transaction; from then on the
   * job's lists leave the item out for that user until a run covers it ({@link larder.store.Events}).
   */
  private void events(Context ctx) {
    List<larder.store.Events.Event> events = EventsBody.parse(ctx.body(), larder.store.Schema.now());
    larder.store.Events.record(store, events);
    ctx.json(Map.of("recorded", events.size()));
  }

  /** Every rollback of a job, newest first: who (a key's label or an OS user), when, from, to. */
  private void rollbacks(Context ctx) {
    String job = ctx.pathParam("job");
    BatchHistory.Report h = history.read(job);
    List<Map<String, Object>> out = new ArrayList<>();
    for (Rollbacks.Entry e : h.rollbacks()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("rollback_id", e.id());
      m.put("from_batch", e.fromBatch());
      m.put("to_batch", e.toBatch());
      m.put("rolled_by", e.rolledBy());
      m.put("rolled_at", e.at());
      out.add(m);
    }
    ctx.json(Map.of("job", job, "rollbacks", out));
  }

  /**
   * Two kept batches of a job compared ({@code ?a=BATCH&b=BATCH}), as the dashboard shows them: parameters and
   * metrics (a, b, changed, and b - a for numbers), and for recommendations the list churn.
   */
  private void compare(Context ctx) {
    String job = ctx.pathParam("job");
    String a = ctx.queryParam("a"), b = ctx.queryParam("b");
    BatchComparison.Report r = comparison.compare(job, integer(a == null ? "" : a, "a", 1, Integer.MAX_VALUE),
        integer(b == null ? "" : b, "b", 1, Integer.MAX_VALUE));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("job", job);
    out.put("a", batch(r.a(), "published".equals(r.a().status())));
    out.put("b", batch(r.b(), "published".equals(r.b().status())));
    out.put("params", diffs(r.params()));
    out.put("metrics", diffs(r.metrics()));
    if (r.churn() != null) {
      BatchComparison.Churn c = r.churn();
      Map<String, Object> churn = new LinkedHashMap<>();
      churn.put("top_n", c.topN());
      churn.put("users_in_both", c.common());
      churn.put("users_changed", c.changed());
      churn.put("changed_share", c.changedShare());
      churn.put("mean_jaccard", c.meanJaccard());
      churn.put("users_only_in_a", c.onlyA());
      churn.put("users_only_in_b", c.onlyB());
      out.put("churn", churn);
    }
    ctx.json(out);
  }

  private static List<Map<String, Object>> diffs(List<BatchComparison.Diff> diffs) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (BatchComparison.Diff d : diffs) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("key", d.key());
      m.put("a", d.a());
      m.put("b", d.b());
      m.put("changed", d.changed());
      if (d.delta().isPresent()) m.put("delta", d.delta().getAsDouble());
      out.add(m);
    }
    return out;
  }

  /**
   * Request metrics, and each job's batch id and age (and its refresh's) so a stale job can be alerted on; then
   * the JVM's, the pool's and the server's ({@link ServerMeters}).
   */
  private void metrics(Context ctx) {
    StringBuilder out = new StringBuilder(4096);
    metrics.write(out);
    out.append("# HELP larder_batch_age_seconds Seconds since each job's current batch was published.\n");
    out.append("# TYPE larder_batch_age_seconds gauge\n");
    StringBuilder ids = new StringBuilder(), refreshAges = new StringBuilder(), refreshIds = new StringBuilder();
    Instant now = Instant.now();
    for (String job : predictions.jobs()) {
      Serving s = predictions.serving(job).orElse(null);
      if (s == null || s.base().publishedAt() == null) continue;
      BatchInfo b = s.base();
      String labels = "{job=\"" + job.replace("\"", "\\\"") + "\",kind=\"" + b.kind() + "\"}";
      out.append("larder_batch_age_seconds").append(labels).append(' ')
          .append(Duration.between(b.publishedAt(), now).toMillis() / 1000.0).append('\n');
      ids.append("larder_batch_id").append(labels).append(' ').append(b.id()).append('\n');
      BatchInfo r = s.refresh();
      if (r != null && r.publishedAt() != null) {
        refreshAges.append("larder_refresh_age_seconds").append(labels).append(' ')
            .append(Duration.between(r.publishedAt(), now).toMillis() / 1000.0).append('\n');
        refreshIds.append("larder_refresh_id").append(labels).append(' ').append(r.id()).append('\n');
      }
    }
    out.append("# HELP larder_batch_id Each job's current batch id.\n# TYPE larder_batch_id gauge\n").append(ids);
    // only jobs whose base has a refresh: alert on the smaller of the two ages to see how fresh the lists are
    out.append("# HELP larder_refresh_age_seconds Seconds since the refresh serving with each job's batch was published.\n")
        .append("# TYPE larder_refresh_age_seconds gauge\n").append(refreshAges);
    out.append("# HELP larder_refresh_id The refresh serving with each job's batch.\n# TYPE larder_refresh_id gauge\n")
        .append(refreshIds);
    out.append(meters.scrape());
    ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(out.toString());
  }

  private int limit(Context ctx) {
    String v = ctx.queryParam("limit");
    return v == null ? options.defaultLimit() : integer(v, "limit", 1, MAX_LIMIT);
  }

  private static int integer(String text, String name, int min, int max) {
    try {
      int v = Integer.parseInt(text.strip());
      if (v >= min && v <= max) return v;
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ConfigException(name, text, "must be a whole number from " + min + " to " + max);
  }

  /**
   * Sends an answer read from the store with its weak {@link ETags ETag}, or only a 304 and the headers when the
   * request's {@code If-None-Match} names it. {@code no-cache}: a cache keeps the body but asks each time, since
   * nothing says when the next publish or event comes.
   */
  private static void cached(Context ctx, Object answer) {
    // one pass writes both what the tag digests and what is sent
    ApiJson.Written written = ApiJson.write(answer);
    String tag = ETags.of(written.ageless());
    ctx.header("ETag", tag);
    ctx.header("Cache-Control", "no-cache");
    if (ETags.matches(ctx.header("If-None-Match"), tag)) {
      ctx.status(304);
      return;
    }
    ctx.contentType(ContentType.APPLICATION_JSON).result(written.body());
  }

  /**
   * Which batch answered and how old it is, for caches and for seeing staleness without reading the body; the
   * job's base is that batch (answers of segments, scores and similar items never come from a refresh).
   */
  private static void batchHeaders(Context ctx, long batchId, Duration age) {
    ctx.header("Larder-Batch", Long.toString(batchId));
    ctx.header("Larder-Batch-Age", Long.toString(age.toSeconds()));
    ctx.header("Larder-Base-Batch", Long.toString(batchId));
    ctx.header("Larder-Base-Age", Long.toString(age.toSeconds()));
  }

  /**
   * {@link #batchHeaders} for an answer of a refreshable job: the batch that produced the list (a refresh for a
   * refreshed user), the job's serving base, and its current refresh when it has one, read in the list's snapshot.
   */
  private static void batchHeaders(Context ctx, long batchId, Duration age, Serving serving) {
    ctx.header("Larder-Batch", Long.toString(batchId));
    ctx.header("Larder-Batch-Age", Long.toString(age.toSeconds()));
    ctx.header("Larder-Base-Batch", Long.toString(serving.base().id()));
    ctx.header("Larder-Base-Age", Long.toString(serving.baseAge(Clock.systemUTC()).toSeconds()));
    if (serving.refresh() != null) {
      ctx.header("Larder-Refresh", Long.toString(serving.refresh().id()));
      ctx.header("Larder-Refresh-Age", Long.toString(serving.refreshAge(Clock.systemUTC()).toSeconds()));
    }
  }

  private static Map<String, Object> withRefresh(BatchInfo base, BatchInfo refresh) {
    return BatchJson.withRefresh(base, refresh, Instant.now());
  }

  private static Map<String, Object> batch(BatchInfo b, boolean current) {
    return BatchJson.batch(b, current, Instant.now());
  }
}
