package larder.dashboard;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import larder.core.BatchKind;
import larder.core.Progress;
import larder.http.HttpOptions;
import larder.http.LarderHttp;
import larder.jobs.config.ConfigFile;
import larder.jobs.config.LarderConfig;
import larder.jobs.run.JobRunner;
import larder.jobs.run.RunReport;
import larder.publish.BatchLoader;
import larder.publish.Publisher;
import larder.serve.Schedules;
import larder.store.Store;
import larder.testkit.TempTree;
import larder.testkit.TestStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The base of a dashboard test in a real browser: {@link #publish} fills a temporary SQLite store with Larder's
 * own jobs and publisher, then {@code larder serve} (the API and the dashboard) starts in-process on a free port
 * with the clock fixed at {@link #NOW}, and {@link #open} loads a page in the shared browser
 * ({@link BrowserExtension}), recording console errors and requests to anything but the server.
 *
 * <pre>{@code
 * class SegmentsBrowserTest extends DashboardTest {
 *   @Override protected void publish() { runJobs(YAML); backdate("seg", NOW.minus(Duration.ofHours(3))); }
 *   @Test void sizes() { try (Visit v = open("/segments/seg")) { ...; v.screenshot("segments"); v.assertClean(); } }
 * }
 * }</pre>
 */
@Tag("browser")
@ExtendWith(BrowserExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class DashboardTest {
  /** "Now" for the server: ages and next runs are measured to it. */
  protected static final Instant NOW = Instant.parse("2026-03-02T12:00:00Z");
  /** Viewport of every page, and so the width of every screenshot. */
  protected static final int WIDTH = 1280, HEIGHT = 800;

  protected Path dir;
  protected TestStore db;
  protected Store store;
  protected Publisher publisher;
  protected LarderHttp server;
  /** The server's address, e.g. "http://127.0.0.1:41234". */
  protected String base;
  private Browser browser;

  /** Fills {@link #store}: {@link #runJobs}, {@link #failRun}, {@link #backdate}. */
  protected abstract void publish() throws Exception;

  /** How the server runs; override for keys or an allowed age. Its port is replaced by a free one. */
  protected HttpOptions options() {
    return HttpOptions.defaults();
  }

  /** The config's schedules the dashboard shows; none by default. */
  protected Schedules schedules() {
    return Schedules.NONE;
  }

  @BeforeAll
  void startServer(Browser browser) throws Exception {
    this.browser = browser;
    dir = Files.createTempDirectory("larder-dashboard-test");
    db = TestStore.sqlite();
    store = db.open(Store::open);
    publisher = new Publisher(store);
    publish();
    server = startServer(options());
    base = "http://127.0.0.1:" + server.port();
  }

  /** Another server on the same store, e.g. with keys; the caller closes it. */
  protected LarderHttp startServer(HttpOptions options) {
    return LarderHttp.start(store, options.withHost("127.0.0.1").withPort(0),
        new Dashboard(Clock.fixed(NOW, ZoneOffset.UTC), schedules()));
  }

  @AfterAll
  void stopServer() throws IOException {
    try {
      if (server != null) server.close();
    } finally {
      if (db != null) db.close();
      TempTree.delete(dir);
    }
  }

  // ---------------------------------------------------------------- filling the store

  /** The config {@code yaml} (relative files under {@link #dir}), parsed as {@code larder run} reads it. */
  protected LarderConfig config(String yaml) {
    Path file = dir.resolve("larder.yaml");
    return LarderConfig.parse(file, ConfigFile.parse(file.toString(), yaml));
  }

  /** Runs the named jobs of {@code config} (all when none are named), as {@code larder run} does. */
  protected void runJobs(LarderConfig config, String... jobs) {
    JobRunner runner = new JobRunner(publisher, Progress.NONE, RunReport.Listener.NONE);
    for (var job : config.select(jobs.length == 0 ? null : List.of(jobs))) runner.run(job);
  }

  /** A run of {@code job} that fails with {@code message}; the job's current batch keeps serving. Its id. */
  protected long failRun(String job, BatchKind kind, String model, String message) {
    BatchLoader run = publisher.begin(job, kind, model, null);
    run.fail(message);
    return run.batchId();
  }

  /**
   * Sets when batch {@code batchId} was created and published, as if it had run then: publishing stamps the real
   * time, and the tests need ages against {@link #NOW} that they choose. A null {@code publishedAt} keeps it unset.
   */
  protected void backdate(long batchId, Instant createdAt, Instant publishedAt) {
    store.write("backdate batch " + batchId, c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE larder_batch SET created_at = ?, published_at = CASE WHEN published_at IS NULL THEN NULL ELSE ? END"
              + " WHERE batch_id = ?")) {
        store.dialect().setInstant(ps, 1, createdAt);
        store.dialect().setInstant(ps, 2, publishedAt == null ? createdAt : publishedAt);
        ps.setLong(3, batchId);
        return ps.executeUpdate();
      }
    });
  }

  // ---------------------------------------------------------------- the browser

  /** {@code path} loaded in a fresh browser context (no cookies), with what it logs and asks for recorded. */
  protected Visit open(String path) {
    return openAt(base, path);
  }

  /** {@code path} of another server (e.g. one with keys), as {@link #open} does. */
  protected Visit openAt(String server, String path) {
    Visit v = new Visit(browser.newContext(new Browser.NewContextOptions().setViewportSize(WIDTH, HEIGHT)), server);
    v.page.navigate(server + path);
    return v;
  }

  /** One page in its own browser context: cookies, console errors and requests are its own. */
  public static final class Visit implements AutoCloseable {
    public final BrowserContext context;
    public final Page page;
    /** Console errors and uncaught exceptions of the page. */
    public final List<String> errors = Collections.synchronizedList(new ArrayList<>());
    /** Requests to anything but the server under test. */
    public final List<String> foreign = Collections.synchronizedList(new ArrayList<>());

    Visit(BrowserContext context, String base) {
      this.context = context;
      context.onRequest(r -> {
        if (!r.url().startsWith(base + "/") && !r.url().equals(base)) foreign.add(r.url());
      });
      this.page = context.newPage();
      page.onConsoleMessage(m -> {
        if (m.type().equals("error")) errors.add(m.text() + " at " + m.location());
      });
      page.onPageError(errors::add);
    }

    /**
     * Saves a full-page screenshot as {@code target/screenshots/{screen}.png}, for people to look at (fonts differ
     * between machines, so they are not compared).
     */
    public Path screenshot(String screen) {
      Path dir = Path.of(System.getProperty("larder.screenshots", "target/screenshots"));
      Path file = dir.resolve(screen + ".png");
      page.screenshot(new Page.ScreenshotOptions().setPath(file).setFullPage(true));
      try {
        Files.writeString(dir.resolve(screen + ".txt"), weight() + System.lineSeparator());
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      return file;
    }

    /**
     * The page's weight and speed as the browser measured them: bytes over the wire for the document and
     * everything it loaded (from this fresh context, so nothing cached), and the time to first contentful paint.
     */
    public String weight() {
      Object measured = page.evaluate("() => {"
          + " const nav = performance.getEntriesByType('navigation')[0];"
          + " const res = performance.getEntriesByType('resource');"
          + " const paint = performance.getEntriesByName('first-contentful-paint')[0];"
          + " return [nav.transferSize + res.reduce((s, e) => s + e.transferSize, 0),"
          + "   nav.decodedBodySize + res.reduce((s, e) => s + e.decodedBodySize, 0), res.length + 1,"
          + "   paint ? Math.round(paint.startTime) : -1]; }");
      List<?> m = (List<?>) measured;
      return String.format(java.util.Locale.ROOT, "%s: %d requests, %.1f KB transferred (%.1f KB decoded),"
          + " first contentful paint %s ms", page.url(), ((Number) m.get(2)).intValue(),
          ((Number) m.get(0)).doubleValue() / 1024, ((Number) m.get(1)).doubleValue() / 1024, m.get(3));
    }

    @Override public void close() {
      context.close();
    }
  }
}
