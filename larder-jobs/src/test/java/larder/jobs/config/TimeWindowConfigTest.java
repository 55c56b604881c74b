package larder.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import larder.core.ConfigException;
import larder.extract.CsvSource;
import larder.extract.JdbcSource;
import larder.extract.TableTransactionSource;
import larder.extract.formats.TimeWindow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A source's {@code time_window:}, on every source that reads times, and its errors. */
class TimeWindowConfigTest {
  @TempDir Path dir;

  private JobConfig job(String yaml) throws Exception {
    Path f = dir.resolve("larder.yaml");
    Files.writeString(f, yaml);
    return LarderConfig.load(f).jobs().get("j");
  }

  private JobConfig recs(String source) throws Exception {
    return job("jobs:\n  j:\n    source: " + source + "\n    model: { type: popularity }\n");
  }

  static long at(String instant) {
    return Instant.parse(instant).getEpochSecond();
  }

  @Test
  void datesAndInstantsBoundEachSourceThatReadsTimes() throws Exception {
    RecommendationsJob file = (RecommendationsJob) recs("{ file: e.csv, columns: { user: u, item: i, timestamp: t },"
        + " time_window: { from: 2015-01-01, to: 2030-12-31 } }");
    assertThat(((CsvSource) file.source()).spec().options().timeWindow())
        .isEqualTo(new TimeWindow(at("2015-01-01T00:00:00Z"), at("2030-12-31T23:59:59Z")));

    RecommendationsJob query = (RecommendationsJob) recs("{ url: \"jdbc:sqlite:x.db\", sql: \"SELECT 1\","
        + " columns: { user: 1, item: 2 }, time_window: { to: \"2030-01-01T12:00:00+02:00\" } }");
    assertThat(((JdbcSource) query.source()).spec().options().timeWindow())
        .isEqualTo(new TimeWindow(null, at("2030-01-01T10:00:00Z")));

    SegmentsJob seg = (SegmentsJob) job("jobs:\n  j:\n    type: segments\n    method: rfm\n"
        + "    source: { file: t.csv, time_window: { from: 1990-06-01 } }\n");
    assertThat(((TableTransactionSource) seg.transactions()).spec().timeWindow())
        .isEqualTo(new TimeWindow(at("1990-06-01T00:00:00Z"), null));

    assertThat(((CsvSource) ((RecommendationsJob) recs("{ file: e.csv }")).source()).spec().options().timeWindow())
        .isEqualTo(TimeWindow.DEFAULT);
  }

  @Test
  void badWindowsAreRefusedWithTheirKey() {
    assertThatThrownBy(() -> recs("{ file: e.csv, time_window: { from: soon } }"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("jobs.j.source")
        .hasMessageContaining("time_window.from").hasMessageContaining("is not a date or an instant");
    assertThatThrownBy(() -> recs("{ file: e.csv, time_window: { from: 2020-01-01, to: 2019-12-31 } }"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'from' is after 'to'");
    assertThatThrownBy(() -> recs("{ file: e.csv, time_window: { form: 2020-01-01 } }"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("form");
  }
}
