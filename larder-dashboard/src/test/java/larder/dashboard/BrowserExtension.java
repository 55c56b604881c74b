package larder.dashboard;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.opentest4j.TestAbortedException;

/**
 * One headless chromium per test JVM, shared by every browser test (starting one costs a second or two), closed
 * when the JVM's tests end. It is Debian's {@code /usr/bin/chromium} (system property {@code larder.chromium})
 * driven through Playwright with the system Node ({@code PLAYWRIGHT_NODEJS_PATH}, set by Surefire): Playwright's
 * own driver bundle and browser download are not used.
 *
 * <p>Without chromium the tests are skipped with a message; with {@code CI=true} they fail instead, so a CI image
 * that lost its browser is noticed.
 */
public final class BrowserExtension implements BeforeAllCallback, ParameterResolver {
  /** Flags for a headless browser that must not reach the network by itself (updates, sync, first-run pages). */
  static final List<String> FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu",
      "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run");

  /** Skips (or with CI=true fails) the class before it publishes anything when there is no browser to drive. */
  @Override
  public void beforeAll(ExtensionContext e) {
    String missing = missing();
    if (missing == null) return;
    String why = "browser tests need " + missing;
    if ("true".equalsIgnoreCase(System.getenv("CI"))) throw new IllegalStateException(why + "; CI=true, so this fails");
    // Surefire counts an aborted class as 0 tests; say why where people look.
    System.err.println("SKIPPED " + e.getDisplayName() + ": " + why);
    throw new TestAbortedException(why + "; skipped");
  }

  private static Path chromium() {
    return Path.of(System.getProperty("larder.chromium", "/usr/bin/chromium"));
  }

  /** What is missing to drive a browser, or null. */
  private static String missing() {
    String node = System.getenv().getOrDefault("PLAYWRIGHT_NODEJS_PATH", System.getProperty("playwright.nodejs.path", ""));
    return !Files.isExecutable(chromium()) ? chromium() + " (install it: apt-get install -y chromium)"
        : node.isEmpty() || !Files.isExecutable(Path.of(node)) ? "Node at PLAYWRIGHT_NODEJS_PATH='" + node + "'"
        : null;
  }

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
    return p.getParameter().getType() == Browser.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext e) {
    return e.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(Shared.class, k -> Shared.start(), Shared.class).browser;
  }

  /** Playwright and its browser, closed by JUnit after the last test of the JVM. */
  private record Shared(Playwright playwright, Browser browser) implements AutoCloseable {
    static Shared start() {
      Path chromium = chromium();
      Playwright pw = Playwright.create();
      try {
        return new Shared(pw, pw.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(chromium)
            .setHeadless(true).setArgs(FLAGS)));
      } catch (RuntimeException ex) {
        pw.close();
        throw ex;
      }
    }

    @Override public void close() {
      playwright.close();
    }
  }
}
