package larder.dashboard.inspect;

import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import larder.core.BatchInfo;
import larder.core.BatchKind;
import larder.core.DurationText;
import larder.core.NotFoundException;
import larder.core.Printable;
import larder.dashboard.Frame;
import larder.serve.CustomerSegment;
import larder.serve.JobStatus;
import larder.serve.PredictionReader;
import larder.serve.Recommendations;
import larder.serve.SegmentReader;
import larder.serve.SimilarItems;
import larder.store.Store;

/**
 * Screen 3, the recommendation inspector: a user's list with where it came from (own list, segment fallback,
 * popular fallback), its batch and age, the user's segment; and the items similar to an item. Lists come from
 * {@link PredictionReader#recommend} and {@link PredictionReader#similarItems}, the calls behind
 * {@code GET /v1/recommendations/...} and {@code GET /v1/similar-items/...}, with the API's default length, so
 * the page and the API cannot disagree.
 *
 * <pre>
 * GET /inspect                                  the recommendations jobs, each a link to its inspector
 * GET /jobs/{job}/users?id=USER&amp;item=ITEM       the inspector; both ids optional, the address can be shared
 * GET /fragments/jobs/{job}/users?id=&amp;item=     the same without the layout, for htmx; its HX-Push-Url header
 *                                               puts the page's address in the address bar
 * </pre>
 * An unknown job, user or item is a message on the page (an unknown user gets the popular list, as in the API),
 * never an error page.
 */
public final class Inspector {
  private static final DateTimeFormatter UTC_MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
      .withZone(ZoneOffset.UTC);
  /** Beyond this the address is not pushed: a response header that long may be refused on the way. */
  private static final int MAX_PUSHED_URL = 4_000;

  private final PredictionReader predictions;
  private final SegmentReader segments;
  private final Clock clock;
  private final int limit;

  /**
   * @param clock "now" for ages (fixed in tests)
   * @param limit list length, the API's default ({@code larder serve --default-limit})
   */
  public Inspector(Store store, Clock clock, int limit) {
    this.predictions = new PredictionReader(store, clock);
    this.segments = new SegmentReader(store, clock);
    this.clock = clock;
    this.limit = limit;
  }

  /** A recommendations job to inspect: its serving batch and age, and where its inspector is. */
  public record JobChoice(String job, long batchId, String age, String href) {}

  /** {@code /inspect}: which job to inspect. */
  public record Choice(Frame frame, List<JobChoice> jobs) {}

  /**
   * The inspector page.
   *
   * @param jobProblem why {@code job} cannot be inspected (unknown, or not a recommendations job), else null
   * @param jobs every recommendations job, for switching
   */
  public record Page(Frame frame, String job, Problem jobProblem, List<JobChoice> jobs, View view) {}

  /**
   * The form and what it asked for: the part htmx swaps.
   *
   * @param user the user's answer, null when no user id was given
   * @param item the item's answer, null when no item id was given
   */
  public record View(InspectUrl url, UserAnswer user, ItemAnswer item) {}

  public Choice choose(Context ctx, Frame frame) {
    return new Choice(frame, jobs(null));
  }

  public Page page(Context ctx, Frame frame) {
    String job = ctx.pathParam("job");
    List<JobChoice> jobs = jobs(ids(ctx));
    Problem problem = jobs.stream().anyMatch(j -> j.job().equals(job)) ? null : jobProblem(job, jobs);
    return new Page(frame, job, problem, jobs, problem == null ? view(ctx) : null);
  }

  /** The fragment; tells htmx to show the page's address, so the answer can be shared or reloaded. */
  public View fragment(Context ctx, Frame frame) {
    View v = view(ctx);
    String page = v.url().page();
    if (page.length() <= MAX_PUSHED_URL) ctx.header("HX-Push-Url", page);
    return v;
  }

  private View view(Context ctx) {
    InspectUrl url = ids(ctx);
    return new View(url, url.userId().isEmpty() ? null : user(url.job(), url.userId()),
        url.itemId().isEmpty() ? null : item(url.job(), url.itemId()));
  }

  /** The job and the ids asked for; a blank id is no id. Ids are taken as typed, as the API takes its path. */
  private static InspectUrl ids(Context ctx) {
    return new InspectUrl(ctx.pathParam("job"), id(ctx.queryParam("id")), id(ctx.queryParam("item")));
  }

  private static String id(String v) {
    return v == null || v.isBlank() ? "" : v;
  }

  private UserAnswer user(String job, String userId) {
    Recommendations r;
    try {
      r = predictions.recommend(job, userId, limit);
    } catch (NotFoundException e) {
      return UserAnswer.problem(Problem.of(e));
    }
    Source source = Source.of(r.source());
    String listSegment = source != Source.SEGMENT ? null : segmentText(r.segmentId(), r.segmentLabel());
    UserAnswer.SegmentLine segment = null;
    String note;
    Optional<String> segmentJob = predictions.segmentJob(r.batchId());
    if (segmentJob.isEmpty()) {
      note = "batch " + r.batchId() + " has no segment fallback, so no segments job is linked to it";
    } else {
      try {
        segment = segmentLine(segments.segmentOf(segmentJob.get(), userId));
        note = null;
      } catch (NotFoundException e) {
        note = Problem.of(e).message();
      }
    }
    return new UserAnswer(null, source, r.batchId(), minute(r.publishedAt()), DurationText.human(r.age()),
        RankedRow.of(r.items()), listSegment, segment, note);
  }

  private ItemAnswer item(String job, String itemId) {
    try {
      SimilarItems s = predictions.similarItems(job, itemId, limit);
      return new ItemAnswer(null, s.batchId(), minute(s.publishedAt()), DurationText.human(s.age()),
          RankedRow.of(s.items()));
    } catch (NotFoundException e) {
      return ItemAnswer.problem(Problem.of(e));
    }
  }

  private static UserAnswer.SegmentLine segmentLine(CustomerSegment s) {
    List<String> history = new ArrayList<>();
    if (s.recencyDays() != null) {
      history.add(String.format(Locale.ROOT, "last order %.1f days before the segmentation's as-of date", s.recencyDays()));
    }
    if (s.frequency() != null) history.add(String.format(Locale.ROOT, "%,.0f orders", s.frequency()));
    if (s.monetary() != null) history.add(String.format(Locale.ROOT, "monetary value %,.2f", s.monetary()));
    if (s.rfmScore() != null) history.add("RFM score " + s.rfmScore());
    return new UserAnswer.SegmentLine(s.job(), s.batchId(), DurationText.human(s.age()),
        segmentText(s.segmentId(), s.segmentLabel()), String.join(", ", history));
  }

  private static String segmentText(Integer id, String label) {
    return label == null || label.isBlank() ? String.valueOf(id) : id + " \u00b7 " + label;
  }

  /** Every job serving recommendations, by name, each linking to its inspector with {@code ids}' user and item. */
  private List<JobChoice> jobs(InspectUrl ids) {
    Instant now = clock.instant();
    List<JobChoice> out = new ArrayList<>();
    for (JobStatus s : predictions.jobStatuses()) {
      BatchInfo b = s.serving();
      if (b == null || b.kind() != BatchKind.RECOMMENDATIONS) continue;
      String href = ids == null ? new InspectUrl(s.job(), "", "").page() : ids.forJob(s.job());
      out.add(new JobChoice(s.job(), b.id(), b.publishedAt() == null ? "?"
          : DurationText.human(Duration.between(b.publishedAt(), now)), href));
    }
    return out;
  }

  private Problem jobProblem(String job, List<JobChoice> jobs) {
    String hint = jobs.isEmpty() ? "no job serves recommendations yet: run one with larder run CONFIG"
        : "pick one of the recommendations jobs named above";
    Optional<BatchInfo> b = predictions.current(job);
    String message = b.isEmpty() ? "job '" + job + "' has no published batch"
        : "job '" + job + "' serves " + b.get().kind().text() + ", not recommendations";
    return new Problem(Printable.escape(message), hint);
  }

  private static String minute(Instant t) {
    return t == null ? "" : UTC_MINUTE.format(t);
  }
}
