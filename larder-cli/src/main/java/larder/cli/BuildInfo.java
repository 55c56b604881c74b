package larder.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version and commit this build of Larder was made from, for {@code larder --version}: the build writes
 * them into {@code build.properties} (Maven resource filtering), so they are there in the jar, in a release and
 * in tests run from the classes alike.
 *
 * @param version the project version, e.g. {@code 0.1.0}; {@code dev} when the resource was not filtered
 * @param commit the git commit the build was made from (12 hex digits), or empty when it was built outside git
 */
record BuildInfo(String version, String commit) {
  static final String RESOURCE = "build.properties";

  static BuildInfo current() {
    Properties p = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
      if (in != null) p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return of(p.getProperty("version"), p.getProperty("commit"));
  }

  /** Values the build left unfilled ({@code ${...}}) or empty count as unknown. */
  static BuildInfo of(String version, String commit) {
    return new BuildInfo(known(version) ? version.strip() : "dev", known(commit) ? commit.strip() : "");
  }

  private static boolean known(String v) {
    return v != null && !v.isBlank() && !v.contains("${");
  }

  /** {@code larder 0.1.0 (commit 0123456789ab)}, or without the commit when unknown. */
  String line() {
    return "larder " + version + (commit.isEmpty() ? "" : " (commit " + commit + ")");
  }
}
