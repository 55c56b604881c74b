package larder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Progress lines give a rate that means something for slow steps as for fast ones. */
class ConsoleProgressTest {
  @Test void aSlowStepShowsItsRateWithDecimalsNotZero() throws InterruptedException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ConsoleProgress p = new ConsoleProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
    p.update("als", 0, 2, "iterations");
    Thread.sleep(250);
    p.update("als", 2, 2, "iterations"); // the final line: 2 in at least 0.25 s, at most 8 per second
    String line = bytes.toString(StandardCharsets.UTF_8).strip();
    assertThat(line).startsWith("als").contains("2/2 (100%) iterations").matches("(?s).* \\d\\.\\d\\d iterations/s");
  }

  @Test void aFastStepShowsWholeUnitsPerSecond() throws InterruptedException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ConsoleProgress p = new ConsoleProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
    p.update("score", 0, 100_000, "users");
    Thread.sleep(150);
    p.update("score", 100_000, 100_000, "users");
    assertThat(bytes.toString(StandardCharsets.UTF_8).strip()).matches("(?s).* [\\d,]+ users/s");
  }

  /** A quarter done after two seconds: about six seconds left; the final line has no time left to tell. */
  @Test void aLineBeforeTheEndTellsTheTimeLeft() throws InterruptedException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ConsoleProgress p = new ConsoleProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
    p.update("ease inv", 0, 100, "columns");
    Thread.sleep(2100);
    p.update("ease inv", 25, 100, "columns");
    p.update("ease inv", 100, 100, "columns");
    String[] lines = bytes.toString(StandardCharsets.UTF_8).strip().split("\\R");
    assertThat(lines).hasSize(2); // the start itself is not printed
    assertThat(lines[0]).contains("25/100 (25%) columns").matches(".*  ETA ([5-9]|[1-9]\\d) s");
    assertThat(lines[1]).contains("100/100").doesNotContain("ETA");
  }

  @Test void timeLeftIsInUnitsThatReadEasily() {
    assertThat(ConsoleProgress.eta(42.4)).isEqualTo("42 s");
    assertThat(ConsoleProgress.eta(780)).isEqualTo("13 min");
    assertThat(ConsoleProgress.eta(5400)).isEqualTo("90 min");
    assertThat(ConsoleProgress.eta(9000)).isEqualTo("2.5 h");
  }
}
