package larder.jobs.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import larder.core.BatchInfo;
import larder.core.ConfigException;
import larder.core.InputException;
import larder.core.Progress;
import larder.generate.ShopParams;
import larder.generate.SyntheticShop;
import larder.jobs.config.ImportJob;
import larder.jobs.config.JobConfig;
import larder.jobs.config.YamlConfig;
import larder.publish.Publisher;
import larder.serve.PredictionReader;
import larder.store.Dialect;
import larder.store.Schema;
import larder.store.Store;
import larder.store.postgres.PostgresDialect;
import larder.store.sqlite.SqliteDialect;
import larder.testkit.ServingSnapshot;
import larder.testkit.TestStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole-batch checks against the serving batch, on by default: a time-sorted extract cut short is refused on
 * its input rows although it keeps most users, published once with {@code --accept-shrink}; floors count what
 * they name; a batch from before the store kept input rows is compared on keys. One contract per store.
 */
abstract class ShrinkCheckTest {
  static final String JOB = "shop";
  static final int USERS = 600;
  static final int EVENTS = 12_000;

  @TempDir static Path shared;
  /** The generated events sorted by time, as a nightly extract of an event log is: header first. */
  private static List<String> byTime;

  @TempDir Path dir;
  TestStore db;
  Store store;
  PredictionReader reader;
  final List<String> steps = Collections.synchronizedList(new ArrayList<>());

  /** A fresh, empty store for each test, removed after it. */
  abstract TestStore newStore();

  @BeforeAll
  static void generate() throws Exception {
    Path events = shared.resolve("events.csv");
    new SyntheticShop(ShopParams.of(USERS, 150, EVENTS, 20240601L)).writeCsv(events, Progress.NONE);
    List<String> lines = Files.readAllLines(events);
    List<String> rows = new ArrayList<>(lines.subList(1, lines.size()));
    rows.sort(Comparator.comparing(l -> l.split(",")[2])); // ISO-8601 instants sort as text
    byTime = new ArrayList<>();
    byTime.add(lines.get(0));
    byTime.addAll(rows);
  }

  @BeforeEach
  void open() {
    db = newStore();
  }

  void openStore() {
    store = db.open(Store::open);
    reader = new PredictionReader(store);
  }

  @AfterEach
  void close() {
    if (db != null) db.close();
  }

  JobRunner runner(boolean acceptShrink) {
    return new JobRunner(new Publisher(store), Progress.NONE, (job, message) -> steps.add(message), acceptShrink);
  }

  /** The first {@code rows} events in time order into events.csv; returns the distinct users among them. */
  int writeFirst(int rows) throws Exception {
    Files.write(dir.resolve("events.csv"), byTime.subList(0, rows + 1));
    Set<String> users = new HashSet<>();
    for (String l : byTime.subList(1, rows + 1)) users.add(l.substring(0, l.indexOf(',')));
    return users.size();
  }

  JobConfig job(String extra) {
    Path file = dir.resolve("larder.yaml");
    String yaml = """
        jobs:
          shop:
            source: { file: events.csv, columns: { user: user_id, item: item_id, weight: quantity } }
            model: { type: popularity }
            similar_items: 0
            threads: 2
        """ + extra;
    return YamlConfig.job(file, yaml, JOB);
  }

  static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }

  // ---------------------------------------------------------------- on by default

  @Test
  void aTimeSortedInputCutToItsFirstHalfIsRefusedByDefaultAndPublishedOnceWithAcceptShrink() throws Exception {
    openStore();
    int allUsers = writeFirst(EVENTS);
    BatchInfo good = runner(false).run(job("")).batch();
    assertThat(good.inputRows()).isEqualTo(EVENTS);
    assertThat(good.keys()).isEqualTo(allUsers);
    ServingSnapshot before = ServingSnapshot.of(db.location(), JOB);

    int half = EVENTS / 2;
    int users = writeFirst(half);
    assertThat(users).as("a time cut keeps most users: a check on users alone lets it through")
        .isGreaterThan(allUsers * 3 / 4);
    assertThatThrownBy(() -> runner(false).run(job(""))).isInstanceOfSatisfying(InputException.class, e -> {
      assertThat(e.exitCode()).isEqualTo(3);
      assertThat(e.getMessage()).isEqualTo(fmt("events.csv: %,d input rows against %,d in the serving batch %d:"
          + " 50%% fewer, and a batch that lost max_shrink = 50%% or more is refused", half, EVENTS, good.id()));
      assertThat(e.hint()).contains("batch " + good.id() + " keeps serving")
          .contains("larder run CONFIG --job shop --accept-shrink").contains("jobs.shop.checks.max_shrink")
          .contains("max_shrink: none");
    });
    assertThat(ServingSnapshot.of(db.location(), JOB)).isEqualTo(before);
    BatchInfo refused = reader.batches(JOB).get(0);
    assertThat(refused.status()).isEqualTo("failed");
    assertThat(refused.message()).contains("max_shrink").contains(fmt("%,d input rows", half));
    assertThat(refused.inputRows()).isNull();

    // once, on purpose
    BatchInfo accepted = runner(true).run(job("")).batch();
    assertThat(accepted.status()).isEqualTo("published");
    assertThat(accepted.inputRows()).isEqualTo(half);
    assertThat(accepted.keys()).isEqualTo(users);
    assertThat(steps).anySatisfy(s -> assertThat(s).startsWith("accepted with --accept-shrink: ")
        .contains(fmt("%,d input rows against %,d", half, EVENTS)));
    assertThat(ServingSnapshot.of(db.location(), JOB).batchId()).isEqualTo(accepted.id());

    // the limit is a setting: a quarter of the rows passes max_shrink 0.8, and none turns the check off
    writeFirst(half / 2);
    assertThat(runner(false).run(job("    checks: { max_shrink: 0.8 }\n")).batch().inputRows()).isEqualTo(half / 2);
    writeFirst(half / 20);
    assertThatThrownBy(() -> runner(false).run(job("    checks: { max_shrink: 0.8 }\n")))
        .isInstanceOf(InputException.class).hasMessageContaining("90% fewer").hasMessageContaining("max_shrink = 80%");
    assertThat(runner(false).run(job("    checks: { max_shrink: none }\n")).batch().inputRows()).isEqualTo(half / 20);
  }

  @Test
  void theIssuesChecksNowCatchTheCutAndFloorsCountWhatTheyName() throws Exception {
    openStore();
    int allUsers = writeFirst(EVENTS);
    // floors against the first batch: nothing serves yet
    assertThatThrownBy(() -> runner(false).run(job(fmt("    checks: { min_rows: %d }\n", EVENTS + 1))))
        .isInstanceOf(InputException.class)
        .hasMessage(fmt("events.csv: %,d input rows, fewer than min_rows = %,d", EVENTS, EVENTS + 1));
    assertThatThrownBy(() -> runner(false).run(job(fmt("    checks: { min_users: %d }\n", allUsers + 1))))
        .isInstanceOf(InputException.class)
        .hasMessage(fmt("events.csv: %,d users, fewer than min_users = %,d", allUsers, allUsers + 1));
    assertThat(reader.current(JOB)).isEmpty();
    // min_rows 30000 on 1049 users was compared with the users; now a floor at the row count passes exactly
    String issue = fmt("    checks: { min_rows: %d, max_row_change: 0.2 }\n", EVENTS / 2);
    BatchInfo good = runner(false).run(job(issue)).batch();
    ServingSnapshot before = ServingSnapshot.of(db.location(), JOB);

    writeFirst(EVENTS / 2); // the issue's cut: users fell a little, rows by half
    assertThatThrownBy(() -> runner(false).run(job(issue))).isInstanceOf(InputException.class)
        .hasMessage(fmt("events.csv: %,d input rows against %,d in the serving batch %d: a change of -50%%, more than"
            + " max_row_change = 20%%", EVENTS / 2, EVENTS, good.id()))
        .satisfies(e -> assertThat(((InputException) e).hint()).contains("--accept-shrink")
            .contains("jobs.shop.checks.max_row_change"));
    assertThat(ServingSnapshot.of(db.location(), JOB)).isEqualTo(before);

    // growth beyond max_row_change is not a shrink: --accept-shrink does not accept it
    writeFirst(EVENTS / 2);
    BatchInfo small = runner(true).run(job(issue)).batch();
    writeFirst(EVENTS);
    assertThatThrownBy(() -> runner(true).run(job(issue))).isInstanceOf(InputException.class)
        .hasMessageContaining(fmt("a change of +100%%, more than max_row_change = 20%%"))
        .satisfies(e -> assertThat(((InputException) e).hint()).doesNotContain("--accept-shrink"));
    assertThat(reader.current(JOB).orElseThrow().id()).isEqualTo(small.id());
  }

  @Test
  void importsCheckTheirKeysApartFromTheirRows() throws Exception {
    openStore();
    String lists = """
        jobs:
          partner:
            type: import
            kind: recommendations
            source: { file: recs.csv, columns: { user: u, item: i, score: s } }
            top_n: 5
        """;
    Path file = dir.resolve("import.yaml");
    // 100 users with 2 items each, then 40 users with 5 each: the same 200 rows, 60% fewer users
    Files.writeString(dir.resolve("recs.csv"), recs(100, 2));
    BatchInfo good = runner(false).run(YamlConfig.job(file, lists, "partner")).batch();
    assertThat(good.inputRows()).isEqualTo(200);
    ServingSnapshot before = ServingSnapshot.of(db.location(), "partner");
    Files.writeString(dir.resolve("recs.csv"), recs(40, 5));
    assertThatThrownBy(() -> runner(false).run(YamlConfig.job(file, lists, "partner"))).isInstanceOf(InputException.class)
        .hasMessage(fmt("recs.csv: 40 users against 100 in the serving batch %d: 60%% fewer, and a batch that lost"
            + " max_shrink = 50%% or more is refused", good.id()));
    assertThat(ServingSnapshot.of(db.location(), "partner")).isEqualTo(before);
    String userChange = lists + "    checks: { max_user_change: 0.5, max_shrink: none }\n";
    assertThatThrownBy(() -> runner(false).run(YamlConfig.job(file, userChange, "partner"))).isInstanceOf(InputException.class)
        .hasMessageContaining("40 users against 100").hasMessageContaining("max_user_change = 50%");

    // score imports name their keys entities
    Files.writeString(dir.resolve("churn.csv"), "customer_id,p\nc1,0.5\nc2,0.25\nc3,0.75\n");
    String churn = """
        jobs:
          churn:
            type: import
            source: { file: churn.csv, columns: { entity: customer_id, score: p } }
            checks: { min_entities: 4 }
        """;
    assertThatThrownBy(() -> runner(false).run(YamlConfig.job(file, churn, "churn"))).isInstanceOf(InputException.class)
        .hasMessage("churn.csv: 3 entities, fewer than min_entities = 4");
    ImportJob parsed = (ImportJob) YamlConfig.job(file, churn.replace("min_entities: 4", "min_entities: 3"), "churn");
    assertThat(parsed.checks().toMap()).containsEntry("min_entities", 3L).containsEntry("max_shrink", 0.5);
    assertThat(runner(false).run(parsed).batch().inputRows()).isEqualTo(3);
  }

  private static String recs(int users, int perUser) {
    StringBuilder s = new StringBuilder("u,i,s\n");
    for (int u = 0; u < users; u++) {
      for (int k = 0; k < perUser; k++) s.append("u").append(u).append(",i").append(k).append(',').append(1.0 / (k + 1)).append('\n');
    }
    return s.toString();
  }

  @Test
  void checkKeysFollowTheJobsKeysAndLimitsAreValidated() {
    assertThatThrownBy(() -> job("    checks: { min_customers: 3 }\n")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("jobs.shop.checks").hasMessageContaining("min_customers");
    assertThatThrownBy(() -> job("    checks: { max_shrink: 0 }\n")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("jobs.shop.checks.max_shrink");
    assertThatThrownBy(() -> job("    checks: { max_shrink: 1 }\n")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("max_shrink");
    assertThatThrownBy(() -> job("    checks: { max_shrink: lots }\n")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("jobs.shop.checks.max_shrink").hasMessageContaining("none");
    assertThatThrownBy(() -> job("    checks: { max_user_change: -1 }\n")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("jobs.shop.checks.max_user_change");
  }

  // ---------------------------------------------------------------- a store from before input rows

  @Test
  void aStoreFromBeforeInputRowsIsUpgradedAndItsBatchIsComparedOnKeysOnly() throws Exception {
    int allUsers = writeFirst(EVENTS);
    long old = createVersion3WithAServingBatch(allUsers);
    openStore();
    assertThat(Schema.version(store)).isEqualTo(Schema.VERSION);
    BatchInfo serving = reader.current(JOB).orElseThrow();
    assertThat(serving.id()).isEqualTo(old);
    assertThat(serving.inputRows()).isNull();
    ServingSnapshot before = ServingSnapshot.of(db.location(), JOB);
    assertThat(before.rows()).isEqualTo(allUsers + 1);

    // a third of the users: refused on users, the only count the old batch has
    List<String> third = new ArrayList<>();
    third.add(byTime.get(0));
    for (String l : byTime.subList(1, byTime.size())) {
      if (Integer.parseInt(l.substring(1, l.indexOf(','))) % 3 == 0) third.add(l);
    }
    Files.write(dir.resolve("events.csv"), third);
    Set<String> thirdUsers = new HashSet<>();
    for (String l : third.subList(1, third.size())) thirdUsers.add(l.substring(0, l.indexOf(',')));
    assertThatThrownBy(() -> runner(false).run(job(""))).isInstanceOf(InputException.class)
        .hasMessageContaining(fmt("%,d users against %,d in the serving batch %d", thirdUsers.size(), allUsers, old))
        .hasMessageContaining("max_shrink = 50%");
    assertThat(ServingSnapshot.of(db.location(), JOB)).isEqualTo(before);
    assertThat(steps).contains("serving batch " + old + " has no input row count (published by an earlier Larder):"
        + " comparing users only");

    // half the rows but most users: nothing to compare the rows with, so it is published and counts from now on
    int half = EVENTS / 2;
    writeFirst(half);
    BatchInfo now = runner(false).run(job("")).batch();
    assertThat(now.inputRows()).isEqualTo(half);
    writeFirst(half / 2);
    assertThatThrownBy(() -> runner(false).run(job(""))).isInstanceOf(InputException.class)
        .hasMessageContaining(fmt("%,d input rows against %,d in the serving batch %d", half / 2, half, now.id()));
  }

  /**
   * A store as version 3 of Larder left it: migrations 0 to 3 applied and recorded, and job shop serving a
   * recommendations batch of one row per user (and a fallback row), with no input row count.
   */
  private long createVersion3WithAServingBatch(int users) throws Exception {
    boolean pg = db.jdbcUrl().startsWith("jdbc:postgresql:");
    Dialect d = pg ? new PostgresDialect() : new SqliteDialect();
    String ts = pg ? "now()" : "'2026-11-01T03:00:00.000000Z'";
    try (Connection c = db.connect()) {
      for (int v = 0; v <= 3; v++) Store.execute(c, d.migration(v).toArray(String[]::new));
      Store.execute(c, "INSERT INTO larder_schema (version, applied_at) VALUES (1, " + ts + "), (2, " + ts + "),"
              + " (3, " + ts + ")",
          "INSERT INTO larder_batch (job, kind, model, params, metrics, created_at, published_at, status, rec_rows,"
              + " users) VALUES ('shop', 'recommendations', 'popularity', '{}', '{}', " + ts + ", " + ts
              + ", 'published', " + users + ", " + users + ")");
      if (pg) {
        Store.execute(c, "CREATE TABLE larder_rec_rows_1 PARTITION OF larder_rec_rows FOR VALUES IN (1)",
            "CREATE TABLE larder_fallback_rows_1 PARTITION OF larder_fallback_rows FOR VALUES IN (1)");
      }
      Set<String> seen = new HashSet<>();
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO larder_rec_rows (batch_id, user_id, rank, item_id,"
          + " score) VALUES (1, ?, 1, ?, 1.0)")) {
        for (String l : byTime.subList(1, byTime.size())) {
          String[] f = l.split(",");
          if (!seen.add(f[0])) continue;
          ps.setString(1, f[0]);
          ps.setString(2, f[1]);
          ps.addBatch();
        }
        ps.executeBatch();
      }
      assertThat(seen).hasSize(users);
      Store.execute(c, "INSERT INTO larder_fallback_rows (batch_id, rank, item_id, score) VALUES (1, 1, 'i1', 1.0)",
          "INSERT INTO larder_current (job, batch_id, switched_at) VALUES ('shop', 1, " + ts + ")");
    }
    return 1;
  }
}
