package larder.dashboard;

import io.javalin.router.JavalinDefaultRoutingApi;
import java.time.Clock;
import larder.dashboard.history.JobHistory;
import larder.dashboard.inspect.Inspector;
import larder.dashboard.jobs.JobsOverview;
import larder.dashboard.segments.SegmentsScreen;
import larder.http.HttpExtension;
import larder.http.ServeContext;
import larder.serve.Schedules;

/**
 * The dashboard: HTML pages that {@code larder serve} shows beside the JSON API, with the same keys (see
 * {@code BrowserKey} in larder-http: a browser opens a page once with {@code ?key=KEY}). Pages read through the
 * same services as the API and {@code larder status}, so they cannot disagree.
 *
 * <pre>
 * GET /                    jobs overview: every job's batch, age, headline, last failure, next run
 * GET /fragments/jobs      its table rows, which the page reloads every 30 s
 * GET /inspect             recommendation inspector: pick a job; /jobs/{job}/users?id=USER&amp;item=ITEM shows a
 *                          user's list, its source and segment, and an item's similar items (see {@link Inspector})
 * GET /segments            the segments jobs
 * GET /segments/{job}      a segments job's segments, sizes, recency/spend sample, moves, choice of k
 * GET /segments/{job}/{segment}               its members, paged; ?moved=1: those that moved in
 * GET /segments/{job}/{segment}/members.csv   every member as CSV, named after its batch
 * GET /jobs/{job}          a job's history: kept and failed batches, chart, compare, rollbacks (JobHistory)
 * GET /fragments/jobs/{job}/compare?a=&b=   two kept batches compared
 * POST /jobs/{job}/rollback?to=BATCH        admin: roll back, answered with the history redrawn
 * GET /assets/...          scripts, CSS and icon, under versioned paths (see {@link Assets})
 * </pre>
 * A screen is a template under {@code src/main/jte}, a page class building its model, and a route line below.
 */
public final class Dashboard implements HttpExtension {
  private final Clock clock;
  private final Schedules schedules;

  /**
   * @param clock "now" for ages and next runs (fixed in tests)
   * @param schedules the config's schedules when {@code larder serve} was given one, else {@link Schedules#NONE}
   */
  public Dashboard(Clock clock, Schedules schedules) {
    this.clock = clock;
    this.schedules = schedules;
  }

  @Override
  public void register(JavalinDefaultRoutingApi routes, ServeContext served) {
    Assets assets = new Assets();
    assets.register(routes);
    Pages pages = new Pages(routes, served, assets, new Csrf());

    JobsOverview jobs = new JobsOverview(served.store(), clock, served.options().maxAge(), schedules);
    pages.page("/", Nav.JOBS, "jobs/overview.jte", jobs::page);
    pages.fragment("/fragments/jobs", "jobs/table.jte", jobs::rows);

    Inspector inspector = new Inspector(served.store(), clock, served.options().defaultLimit());
    pages.page("/inspect", Nav.INSPECTOR, "inspect/choose.jte", inspector::choose);
    pages.page("/jobs/{job}/users", Nav.INSPECTOR, "inspect/page.jte", inspector::page);
    pages.fragment("/fragments/jobs/{job}/users", "inspect/view.jte", inspector::fragment);

    SegmentsScreen segments = new SegmentsScreen(served.store(), clock);
    pages.page("/segments", Nav.SEGMENTS, "segments/index.jte", segments::index);
    pages.page("/segments/{job}", Nav.SEGMENTS, "segments/segments.jte", segments::segments);
    pages.page("/segments/{job}/{segment}", Nav.SEGMENTS, "segments/members.jte", segments::members);
    routes.get("/segments/{job}/{segment}/members.csv", segments::export);
    JobHistory history = new JobHistory(served.store(), served);
    pages.page("/jobs/{job}", Nav.JOBS, "history/page.jte", history::page);
    pages.fragment("/fragments/jobs/{job}/compare", "history/compare.jte", history::compare);
    pages.action("/jobs/{job}/rollback", "history/section.jte", history::rollback);
  }
}
