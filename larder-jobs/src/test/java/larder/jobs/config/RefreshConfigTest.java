package larder.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Random;
import larder.core.ConfigException;
import larder.extract.CsvSource;
import larder.extract.JdbcSource;
import larder.jobs.config.RefreshConfig.MaxChangedUsers;
import org.junit.jupiter.api.Test;

/** Parsing a recommendations job's {@code refresh:} section, its defaults and its errors. */
class RefreshConfigTest {
  static final Path FILE = Path.of("/tmp/larder-refresh-test/larder.yaml");
  static final String TIMED = "{ file: events.csv, columns: { user: u, item: i, timestamp: t } }";
  static final String UNTIMED = "{ file: events.csv, columns: { user: u, item: i } }";

  static LarderConfig config(String source, String model, String extra) {
    return YamlConfig.parse(FILE, """
        timezone: Europe/Paris
        jobs:
          shop:
            source: %s
            model: %s
        """.formatted(source, model) + extra);
  }

  static RecommendationsJob job(String source, String model, String extra) {
    return (RecommendationsJob) config(source, model, extra).jobs().get("shop");
  }

  static RecommendationsJob refresh(String section) {
    return job(TIMED, "{ type: als }", "    refresh: " + section + "\n");
  }

  static void refused(String source, String model, String extra, String key, String... message) {
    assertThatThrownBy(() -> job(source, model, extra))
        .isInstanceOfSatisfying(ConfigException.class, e -> {
          assertThat(e.key()).isEqualTo(key);
          assertThat(e.exitCode()).isEqualTo(2);
        })
        .hasMessageStartingWith(key)
        .hasMessageContainingAll(message.length == 0 ? new String[] {key} : message);
  }

  @Test
  void withoutTheSectionThereIsNoRefreshAndTheDefaultsApply() {
    RecommendationsJob j = job(UNTIMED, "{ type: als }", "");
    assertThat(j.refresh()).isNull();
    assertThat(j.refreshOrDefault()).isEqualTo(RefreshConfig.DEFAULT);
    assertThat(j.refreshOrDefault().maxChangedUsers().text()).isEqualTo("10%");
    assertThat(j.refreshSource()).isSameAs(j.source());
  }

  @Test
  void everyKeyIsRead() {
    RecommendationsJob j = job(TIMED, "{ type: itemknn }", """
            refresh:
              schedule: "*/15 * * * *"
              source: { sql: "SELECT u, i, t FROM events WHERE t > :since", url: "jdbc:sqlite:x.db", columns: { user: u, item: i, timestamp: t } }
              max_changed_users: 20000
        """);
    RefreshConfig r = j.refresh();
    assertThat(r.schedule().text()).isEqualTo("*/15 * * * *");
    assertThat(r.schedule().zone()).isEqualTo(ZoneId.of("Europe/Paris"));
    assertThat(r.schedule().next(ZonedDateTime.parse("2025-01-01T00:01:00Z")).orElseThrow().toInstant())
        .isEqualTo(Instant.parse("2025-01-01T00:15:00Z"));
    assertThat(r.source()).isInstanceOf(JdbcSource.class);
    assertThat(((JdbcSource) r.source()).spec().query()).contains(":since");
    assertThat(j.refreshSource()).isSameAs(r.source());
    assertThat(r.maxChangedUsers()).isEqualTo(new MaxChangedUsers(20000, 0));
    assertThat(r.maxChangedUsers().limit(1_000_000)).isEqualTo(20000);
  }

  @Test
  void anEmptySectionTakesTheDefaultsAndAFileSourceResolvesAgainstTheConfig() {
    RecommendationsJob j = refresh("{}");
    assertThat(j.refresh()).isEqualTo(RefreshConfig.DEFAULT);
    assertThat(j.refreshSource()).isSameAs(j.source());
    RecommendationsJob f = refresh("{ source: { file: recent.csv, columns: { user: u, item: i, timestamp: t } },"
        + " max_changed_users: \"2.5%\" }");
    assertThat(((CsvSource) f.refresh().source()).spec().path()).isEqualTo(Path.of("/tmp/larder-refresh-test/recent.csv"));
    assertThat(f.refresh().maxChangedUsers().percent()).isEqualTo(2.5);
    assertThat(f.refresh().maxChangedUsers().text()).isEqualTo("2.5%");
    assertThat(f.refresh().schedule()).isNull();
  }

  @Test
  void badValuesAreRefusedNamingTheKey() {
    String max = "jobs.shop.refresh.max_changed_users";
    for (String bad : new String[] {"0", "-5", "0%", "150%", "lots", "0.1", "\"%\"", "\"10 percent\""}) {
      refused(TIMED, "{ type: als }", "    refresh: { max_changed_users: " + bad + " }\n", max);
    }
    refused(TIMED, "{ type: als }", "    refresh: { max_changed_users: 0 }\n", max, "must be >= 1");
    refused(TIMED, "{ type: als }", "    refresh: { max_changed_users: 150% }\n", max, "150%", "at most 100%");
    refused(TIMED, "{ type: als }", "    refresh: { max_changed_users: lots }\n", max, "lots",
        "neither a whole number of users nor a percentage");
    refused(TIMED, "{ type: als }", "    refresh: { schedule: \"every 10 minutes\" }\n", "jobs.shop.refresh.schedule",
        "is not a cron expression");
    refused(TIMED, "{ type: als }", "    refresh: { every: 10m }\n", "jobs.shop.refresh", "unknown key 'every'");
    refused(TIMED, "{ type: als }", "    refresh: { source: { file: r.csv, sql: x } }\n", "jobs.shop.refresh.source");
    refused(TIMED, "{ type: als }", "    refresh: [a, b]\n", "jobs.shop.refresh", "must be a mapping");
  }

  @Test
  void aRefreshThatCouldNotWorkIsRefusedWhenTheConfigIsRead() {
    refused(TIMED, "{ type: popularity, half_life: 30d }", "    refresh: {}\n", "jobs.shop.refresh", "half_life",
        "kept histories hold no times");
    refused(TIMED, "{ type: als }", "    keep_model: false\n    refresh: {}\n", "jobs.shop.refresh", "keep_model");
    refused(UNTIMED, "{ type: als }", "    refresh: { max_changed_users: 5% }\n", "jobs.shop.source",
        "no timestamp column");
    assertThatThrownBy(() -> job(UNTIMED, "{ type: als }", "    refresh: {}\n"))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.hint())
            .contains("jobs.shop.source.columns.timestamp").contains("refresh: a source of its own"));
    refused(TIMED, "{ type: als }", "    refresh: { source: " + UNTIMED + " }\n", "jobs.shop.refresh.source",
        "no timestamp column");
    // the job's own source may lack times when the refresh has a source with them
    RecommendationsJob j = job(UNTIMED, "{ type: als }", "    refresh: { source: " + TIMED + " }\n");
    assertThat(j.refreshSource()).isNotSameAs(j.source());
    // a popularity model without decay keeps no times and needs none
    assertThat(job(TIMED, "{ type: popularity }", "    refresh: {}\n").refresh()).isNotNull();
  }

  @Test
  void onlyRecommendationsJobsHaveARefresh() {
    assertThatThrownBy(() -> YamlConfig.parse(FILE, """
        jobs:
          segs:
            type: segments
            source: { file: t.csv }
            refresh: { schedule: "@hourly" }
        """)).isInstanceOf(ConfigException.class).hasMessageStartingWith("jobs.segs.refresh")
        .hasMessageContaining("only a recommendations job");
  }

  @Test
  void withRefreshCopiesTheJob() {
    RecommendationsJob j = job(TIMED, "{ type: als }", "");
    RecommendationsJob r = j.withRefresh(RefreshConfig.DEFAULT);
    assertThat(r.refresh()).isEqualTo(RefreshConfig.DEFAULT);
    assertThat(r.withRefresh(null)).isEqualTo(j);
  }

  @Test
  void aShareLimitIsTheCeilingOfTheShareOfServingUsersAndACountIsFixed() {
    assertThat(MaxChangedUsers.parse("k", "10%").limit(30)).isEqualTo(3);
    assertThat(MaxChangedUsers.parse("k", "10%").limit(31)).isEqualTo(4);
    assertThat(MaxChangedUsers.parse("k", "10%").limit(5)).isEqualTo(1);
    assertThat(MaxChangedUsers.parse("k", "10%").limit(0)).isEqualTo(1);
    assertThat(MaxChangedUsers.parse("k", "100%").allows(7, 7)).isTrue();
    assertThat(MaxChangedUsers.parse("k", "20_000").allows(20_001, 10)).isFalse();
    Random rnd = new Random(7);
    for (int k = 0; k < 2000; k++) {
      int pct = 1 + rnd.nextInt(100);
      long users = rnd.nextInt(1_000_000);
      long limit = MaxChangedUsers.parse("k", pct + "%").limit(users);
      // the largest count whose share of the users is at most pct%, but at least one user
      long expected = Math.max(1, (pct * users + 99) / 100);
      assertThat(limit).as("%d%% of %d", pct, users).isEqualTo(expected);
      assertThat(MaxChangedUsers.parse("k", pct + "%").text()).isEqualTo(pct + "%");
    }
  }
}
