package larder.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import larder.core.ConfigException;
import larder.train.recommend.popularity.Popularity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parsing {@code filters:}, {@code model.half_life} and {@code fallback_half_life}, and their errors. */
class FiltersAndDecayConfigTest {
  private static final String TIMED = "{ file: events.csv, columns: { user: u, item: i, timestamp: t } }";
  private static final String UNTIMED = "{ file: events.csv, columns: { user: u, item: i } }";

  @TempDir Path dir;

  /** A job "shop" on {@code source} with {@code model} and the extra lines {@code extra} (indented 4). */
  private RecommendationsJob job(String source, String model, String extra) throws Exception {
    Path f = dir.resolve("conf/larder.yaml");
    Files.createDirectories(f.getParent());
    Files.writeString(f, """
        jobs:
          shop:
            source: %s
            model: %s
        """.formatted(source, model) + extra);
    return (RecommendationsJob) LarderConfig.load(f).jobs().get("shop");
  }

  private RecommendationsJob filters(String filters) throws Exception {
    return job(TIMED, "{ type: als }", "    filters: " + filters + "\n");
  }

  private void refused(String source, String model, String extra, String key, String... message) {
    assertThatThrownBy(() -> job(source, model, extra))
        .isInstanceOfSatisfying(ConfigException.class, e -> {
          assertThat(e.key()).isEqualTo(key);
          assertThat(e.exitCode()).isEqualTo(2);
        })
        .hasMessageStartingWith(key)
        .hasMessageContainingAll(message);
  }

  // ---------------------------------------------------------------- filters

  @Test
  void withoutFiltersNothingIsFiltered() throws Exception {
    RecommendationsJob j = job(TIMED, "{ type: als }", "");
    assertThat(j.filters()).isEqualTo(ItemFilters.NONE);
    assertThat(j.filters().none()).isTrue();
    assertThat(j.filters().hasAllowList()).isFalse();
  }

  @Test
  void inlineListsAndFilesRelativeToTheConfigFile() throws Exception {
    ItemFilters f = filters("{ deny: [i13, i99], deny_file: out-of-stock.csv, allow_file: lists/catalogue.csv.gz }")
        .filters();
    assertThat(f.deny()).containsExactly("i13", "i99");
    assertThat(f.denyFile()).isEqualTo(dir.resolve("conf/out-of-stock.csv").toAbsolutePath());
    assertThat(f.allow()).isNull();
    assertThat(f.allowFile()).isEqualTo(dir.resolve("conf/lists/catalogue.csv.gz").toAbsolutePath());
    assertThat(f.none()).isFalse();
    assertThat(f.hasAllowList()).isTrue();

    ItemFilters inline = filters("{ deny: \"a, b\", allow: [a, c, d] }").filters();
    assertThat(inline.deny()).containsExactly("a", "b");
    assertThat(inline.allow()).containsExactly("a", "c", "d");
    assertThat(inline.denyFile()).isNull();
    assertThat(inline.allowFile()).isNull();

    ItemFilters absolute = filters("{ deny_file: " + dir.resolve("x.csv").toAbsolutePath() + " }").filters();
    assertThat(absolute.denyFile()).isEqualTo(dir.resolve("x.csv").toAbsolutePath());
    assertThat(absolute.hasAllowList()).isFalse();
  }

  @Test
  void anEmptyAllowListAnEmptyIdAndAnUnknownKeyAreRefusedByName() {
    refused(TIMED, "{ type: als }", "    filters: { allow: [] }\n", "jobs.shop.filters.allow", "nothing could be recommended");
    refused(TIMED, "{ type: als }", "    filters: { deny: [a, \"\"] }\n", "jobs.shop.filters.deny", "empty id");
    refused(TIMED, "{ type: als }", "    filters: { deny: [\"a\\0b\"] }\n", "jobs.shop.filters.deny",
        "holds a control character (U+0000)");
    refused(TIMED, "{ type: als }", "    filters: { allow: [" + "x".repeat(513) + "] }\n", "jobs.shop.filters.allow",
        "is 513 bytes long (UTF-8); ids are at most 512");
    refused(TIMED, "{ type: als }", "    filters: { deny: [a], denylist: x.csv }\n", "jobs.shop.filters", "denylist");
    refused(TIMED, "{ type: als }", "    filters: { deny: { a: 1 } }\n", "jobs.shop.filters.deny", "list");
    refused(TIMED, "{ type: als }", "    filters: [a, b]\n", "jobs.shop.filters", "mapping");
  }

  // ---------------------------------------------------------------- decay

  @Test
  void aPopularityHalfLifeIsReadStoredAndInheritedByTheFallback() throws Exception {
    RecommendationsJob j = job(TIMED, "{ type: popularity, count: weight, half_life: 14d }", "");
    Popularity p = (Popularity) j.model();
    assertThat(p.parameters().halfLife()).isEqualTo(Duration.ofDays(14));
    assertThat(j.model().params()).containsEntry("half_life", "14d").containsEntry("count", "weight");
    assertThat(RecommendationsJob.modelHalfLife(j.model())).isEqualTo(Duration.ofDays(14));
    // for a popularity job the fallback is the model's ranking, so it decays the same way unless told otherwise
    assertThat(j.fallbackHalfLife()).isEqualTo(Duration.ofDays(14));
    assertThat(job(TIMED, "{ type: popularity, half_life: 14d }", "    fallback_half_life: 36h\n").fallbackHalfLife())
        .isEqualTo(Duration.ofHours(36));
    assertThat(job(TIMED, "{ type: popularity, half_life: 14d }", "    fallback_half_life: none\n").fallbackHalfLife())
        .isNull();
    // without a half-life nothing decays
    RecommendationsJob plain = job(UNTIMED, "{ type: popularity }", "");
    assertThat(((Popularity) plain.model()).parameters().halfLife()).isNull();
    assertThat(plain.model().params()).doesNotContainKey("half_life");
    assertThat(plain.fallbackHalfLife()).isNull();
  }

  @Test
  void otherModelsDecayTheFallbackOnlyWhenAsked() throws Exception {
    assertThat(job(TIMED, "{ type: ease }", "").fallbackHalfLife()).isNull();
    assertThat(job(TIMED, "{ type: ease }", "    fallback_half_life: 7d\n").fallbackHalfLife()).isEqualTo(Duration.ofDays(7));
    // half_life is a popularity setting: another model refuses it as an unknown key
    refused(TIMED, "{ type: itemknn, half_life: 7d }", "", "jobs.shop.model", "half_life");
  }

  @Test
  void aHalfLifeThatIsNoDurationOrZeroIsRefusedByName() {
    refused(TIMED, "{ type: popularity, half_life: two weeks }", "", "jobs.shop.model.half_life", "two weeks", "not a duration");
    refused(TIMED, "{ type: popularity, half_life: 0d }", "", "jobs.shop.model.half_life", "at least 1s");
    refused(TIMED, "{ type: ease }", "    fallback_half_life: 14 days\n", "jobs.shop.fallback_half_life", "not a duration");
    refused(TIMED, "{ type: ease }", "    fallback_half_life: 0h\n", "jobs.shop.fallback_half_life", "at least 1s");
  }

  @Test
  void aHalfLifeOnASourceWithoutATimestampColumnIsRefusedNamingTheKey() {
    refused(UNTIMED, "{ type: popularity, half_life: 14d }", "", "jobs.shop.model.half_life",
        "needs a timestamp column", "jobs.shop.source has none");
    refused(UNTIMED, "{ type: als }", "    fallback_half_life: 14d\n", "jobs.shop.fallback_half_life",
        "needs a timestamp column");
    // an SQL source without a timestamp column is refused the same way
    refused("{ url: \"jdbc:sqlite:x.db\", sql: \"SELECT u, i FROM t\", columns: { user: 1, item: 2 } }",
        "{ type: popularity, half_life: 3d }", "", "jobs.shop.model.half_life", "needs a timestamp column");
  }
}
