package larder.dashboard.segments;

import io.javalin.http.Context;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import larder.core.BatchInfo;
import larder.core.BatchKind;
import larder.core.DurationText;
import larder.core.InputException;
import larder.core.NotFoundException;
import larder.core.segment.SegmentProfile;
import larder.dashboard.Frame;
import larder.serve.CustomerSample;
import larder.serve.JobStatus;
import larder.serve.MemberConsumer;
import larder.serve.MembersCsv;
import larder.serve.MovedMember;
import larder.serve.MovedMembers;
import larder.serve.PredictionReader;
import larder.serve.SegmentMember;
import larder.serve.SegmentMoves;
import larder.serve.SegmentProfiles;
import larder.serve.SegmentReader;
import larder.serve.SegmentTransitions;
import larder.store.Store;

/**
 * Screens 4 and 5: a segments job's segments ({@code GET /segments/{job}}) and one segment's members
 * ({@code GET /segments/{job}/{segment}}, CSV at {@code .../members.csv}), read through the services the JSON API
 * uses ({@link SegmentReader}: profiles, transitions, the members CSV), so page, API and CLI cannot disagree.
 */
public final class SegmentsScreen {
  /** Customers on the scatter plot at most. */
  public static final int SAMPLE = 2_000;
  /** Members per page. */
  public static final int PAGE = 100;
  private static final DateTimeFormatter UTC_MINUTE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  private final SegmentReader segments;
  private final SegmentMoves moves;
  private final CustomerSample sample;
  private final PredictionReader batches;
  /** Each job's sample while it serves the same batch: drawing one reads every customer of the batch. */
  private final Map<String, CustomerSample.Sample> samples = new java.util.concurrent.ConcurrentHashMap<>();

  public SegmentsScreen(Store store, Clock clock) {
    this.segments = new SegmentReader(store, clock);
    this.moves = new SegmentMoves(store);
    this.sample = new CustomerSample(store);
    this.batches = new PredictionReader(store, clock);
  }

  /** {@code /segments}: the segments jobs, each linking to its page. */
  public record Index(Frame frame, List<String> jobs) {}

  /**
   * {@code /segments/{job}}.
   *
   * @param batch what the page shows: "batch 7, published 2026-03-02 09:00 UTC (3.0 h ago), 3,000 customers"
   * @param previous the previous batch in words, or empty for a first batch
   * @param sampleNote how the scatter's customers were chosen
   */
  public record Segments(String job, long batchId, String batch, String previous, List<SegmentLine> lines,
      long customers, String sizesChart, List<CustomerSample.Point> sample, String sampleNote, String scatterChart,
      TransitionMatrix transitions, String heatmapChart, KChoice kChoice, String kChoiceChart) {}

  /**
   * {@code /segments/{job}/{segment}}.
   *
   * @param size the segment's members; {@code movedIn} of them came from another segment or are new (-1: unknown)
   * @param next the link to the next page, or empty on the last
   */
  public record Members(String job, SegmentLine segment, MovedMembers page, Map<Integer, String> names,
      long size, long movedIn, String previous, String csv, String all, String movedOnly, String next) {
    public String previousOf(MovedMember m) {
      if (!page.previousKept()) return "unknown";
      if (m.previousSegment() == null) return "new customer";
      return names.getOrDefault(m.previousSegment(), m.previousSegment().toString());
    }
  }

  public Index index(Context ctx, Frame frame) {
    List<String> jobs = new ArrayList<>();
    for (JobStatus s : batches.jobStatuses()) {
      if (s.serving() != null && s.serving().kind() == BatchKind.SEGMENTS) jobs.add(s.job());
    }
    return new Index(frame, jobs);
  }

  /** A page: its view, or the problem that kept it from being shown. */
  public record Page<V>(Frame frame, String job, Problem problem, V view) {}

  public Page<Segments> segments(Context ctx, Frame frame) {
    String job = ctx.pathParam("job");
    return shown(ctx, frame, job, () -> segments(job));
  }

  public Page<Members> members(Context ctx, Frame frame) {
    String job = ctx.pathParam("job");
    return shown(ctx, frame, job, () -> members(ctx, job));
  }

  private static <V> Page<V> shown(Context ctx, Frame frame, String job, java.util.function.Supplier<V> view) {
    try {
      return new Page<>(frame, job, null, view.get());
    } catch (NotFoundException | InputException e) {
      Problem p = Problem.of(e);
      ctx.status(p.status());
      return new Page<>(frame, job, p, null);
    }
  }

  private Segments segments(String job) {
    View v = view(job);
    List<SegmentLine> lines = new ArrayList<>();
    for (SegmentProfile p : v.profiles.profiles()) lines.add(SegmentLine.of(p, v.matrix));
    long customers = v.batch.keys();
    CustomerSample.Sample s = samples.get(job);
    if (s == null || s.batchId() != v.batch.id()) {
      s = sample.read(job, SAMPLE);
      samples.put(job, s);
    }
    String note = s.points().size() < s.customers()
        ? String.format(Locale.ROOT, "%,d of %,d customers, the same ones on every visit (chosen by a hash of the id)",
            s.points().size(), s.customers())
        : String.format(Locale.ROOT, "all %,d customers", s.customers());
    return new Segments(job, v.batch.id(), describe(v.batch, v.profiles.age()), previous(v.batch), lines, customers,
        Charts.sizes(lines), s.points(), note, Charts.scatter(s.points(), v.names), v.matrix,
        v.matrix.isEmpty() ? "" : Charts.heatmap(v.matrix), v.kChoice, v.kChoice.isEmpty() ? "" : Charts.kChoice(v.kChoice));
  }

  private Members members(Context ctx, String job) {
    int segment = segmentId(ctx);
    boolean movedOnly = "1".equals(ctx.queryParam("moved"));
    MovedMembers page = moves.members(job, segment, ctx.queryParam("after"), PAGE, movedOnly);
    View v = view(job);
    Optional<SegmentProfile> known = v.profiles.profiles().stream().filter(p -> p.segmentId() == segment).findFirst();
    // the API's answer for a segment the batch does not have (NotFoundException naming the batch's segments)
    if (known.isEmpty()) segments.members(job, segment, null, 1);
    SegmentProfile profile = known.orElse(new SegmentProfile(segment, "", 0, 0, null, null, null, null, null, null, null));
    String base = "/segments/" + job + "/" + segment;
    String next = page.nextAfter() == null ? ""
        : base + "?" + (movedOnly ? "moved=1&" : "") + "after=" + java.net.URLEncoder.encode(page.nextAfter(), StandardCharsets.UTF_8);
    return new Members(job, SegmentLine.of(profile, v.matrix), page, v.names, profile.size(),
        page.previousKept() ? v.matrix.movedInto(segment) : -1, previous(v.batch), base + "/members.csv", base,
        base + "?moved=1", next);
  }

  /**
   * {@code GET /segments/{job}/{segment}/members.csv}: every member, streamed with {@link MembersCsv} as the API
   * exports it, from one batch, whose id the file's name carries.
   */
  public void export(Context ctx) throws Exception {
    String job = ctx.pathParam("job");
    int segment = segmentId(ctx);
    Writer w = new BufferedWriter(new OutputStreamWriter(ctx.outputStream(), StandardCharsets.UTF_8), 1 << 16);
    MembersCsv csv = new MembersCsv(w);
    segments.forEachMember(job, segment, new MemberConsumer() {
      @Override public void start(BatchInfo b, String label) {
        // before the first row: headers cannot follow the body
        ctx.contentType("text/csv; charset=utf-8");
        ctx.header("Content-Disposition", "attachment; filename=\"" + fileName(job, segment, b.id()) + "\"");
        ctx.header("Larder-Batch", Long.toString(b.id()));
        csv.start(b, label);
      }

      @Override public void accept(SegmentMember m) {
        csv.accept(m);
      }
    });
    w.flush();
  }

  /** The export's file name: job, segment and the batch it comes from. */
  static String fileName(String job, int segment, long batchId) {
    return job.replaceAll("[^A-Za-z0-9._-]", "_") + "-segment-" + segment + "-batch-" + batchId + ".csv";
  }

  /** What one page reads of the current batch, all of the same batch. */
  private record View(BatchInfo batch, SegmentProfiles profiles, TransitionMatrix matrix, Map<Integer, String> names,
      KChoice kChoice) {}

  private View view(String job) {
    // three reads; a publish between them would mix batches, so read again until they agree
    for (int attempt = 0; ; attempt++) {
      SegmentProfiles profiles = segments.profiles(job);
      SegmentTransitions transitions = segments.transitions(job);
      Optional<BatchInfo> batch = batches.current(job);
      if (batch.isPresent() && batch.get().id() == profiles.batchId() && transitions.batchId() == profiles.batchId()) {
        Map<Integer, String> names = new LinkedHashMap<>();
        List<Integer> ids = new ArrayList<>();
        for (SegmentProfile p : profiles.profiles()) {
          names.put(p.segmentId(), SegmentLine.name(p));
          ids.add(p.segmentId());
        }
        return new View(batch.get(), profiles, TransitionMatrix.of(transitions.transitions(), ids, names), names,
            KChoice.of(batch.get().metrics()));
      }
      if (attempt == 3) throw new IllegalStateException("job '" + job + "' switched batches during every read");
    }
  }

  private static String describe(BatchInfo b, java.time.Duration age) {
    return String.format(Locale.ROOT, "batch %d (%s), published %s, %s ago", b.id(), b.model(),
        b.publishedAt() == null ? "never" : UTC_MINUTE.format(b.publishedAt()), DurationText.human(age));
  }

  private static String previous(BatchInfo b) {
    if (b.metrics().stayedShare().isEmpty()) return "";
    String from = b.metrics().previousBatch().isPresent() ? "batch " + b.metrics().previousBatch().getAsLong()
        : "the previous batch";
    return String.format(Locale.ROOT, "compared with %s: %.1f%% of its customers kept their segment id", from,
        b.metrics().stayedShare().getAsDouble() * 100);
  }

  private static int segmentId(Context ctx) {
    String text = ctx.pathParam("segment");
    try {
      int id = Integer.parseInt(text);
      if (id >= 1) return id;
    } catch (NumberFormatException e) {
      // falls through to the message below
    }
    throw new InputException("path", 0, "segment", "'" + text + "' is not a segment id",
        "segment ids are whole numbers from 1; pick one from the job's segments page");
  }
}
