package larder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code larder --version} prints the version the build gave, the commit when known, and the Java running it. */
class VersionTest {
  @Test
  void versionPrintsTheBuildsVersionAndTheJava() {
    String expected = System.getProperty("larder.version");
    assertThat(expected).as("the build passes its version to the tests").isNotBlank();
    CommandLineTest.Result r = CommandLineTest.larder("--version");
    assertThat(r.exit()).isZero();
    var lines = r.out().lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).matches("larder " + java.util.regex.Pattern.quote(expected) + "( \\(commit [0-9a-f]{12}\\))?");
    assertThat(lines.get(1)).startsWith("java " + System.getProperty("java.version") + " (").contains(System.getProperty("java.home"));
  }

  @Test
  void unfilledOrEmptyValuesReadAsUnknown() {
    assertThat(BuildInfo.of("${project.version}", "${larder.commit}").line()).isEqualTo("larder dev");
    assertThat(BuildInfo.of(null, null).line()).isEqualTo("larder dev");
    assertThat(BuildInfo.of("0.1.0", " ").line()).isEqualTo("larder 0.1.0");
    assertThat(BuildInfo.of("0.1.0", "0123456789ab\n").line()).isEqualTo("larder 0.1.0 (commit 0123456789ab)");
  }
}
