package larder.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import larder.core.BatchInfo;
import larder.core.BatchKind;
import larder.core.Progress;
import larder.generate.ShopParams;
import larder.generate.SyntheticShop;
import larder.http.HttpOptions;
import larder.http.LarderHttp;
import larder.jobs.config.ConfigFile;
import larder.jobs.config.LarderConfig;
import larder.jobs.run.JobRunner;
import larder.jobs.run.RunReport;
import larder.jobs.schedule.ConfigSchedules;
import larder.publish.Publisher;
import larder.serve.PredictionReader;
import larder.store.Store;
import larder.testkit.TestStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's pages and fragments served from a MariaDB store (their HTML, not a browser): the jobs overview with
 * a failed run and a schedule, a recommendations job's history and the comparison of its two batches, the user
 * inspector, and a segments job's pages and member export. Each page runs its own queries (BatchComparison's churn
 * among them), so each is an answer from MariaDB.
 */
class DashboardMariaDbTest {
  @TempDir Path dir;

  @Test void everyScreenAnswersFromAMariaDbStore() throws Exception {
    for (int v = 1; v <= 2; v++) {
      new SyntheticShop(ShopParams.of(300, 60, 4_000, 41L + v)).writeCsv(dir.resolve("interactions-" + v + ".csv"),
          Progress.NONE);
    }
    Files.writeString(dir.resolve("churn.csv"), "customer_id,p\nc1,0.9\nc2,0.1\n");
    try (TestStore db = TestStore.mariadb(); Store store = db.open(Store::open)) {
      Publisher publisher = new Publisher(store);
      LarderConfig first = config("interactions-1.csv");
      run(publisher, first, "shop");
      run(publisher, first, "seg");
      run(publisher, config("interactions-2.csv"), "shop");
      publisher.begin("churn", BatchKind.SCORES, "import", null).fail("churn.csv:2: field 'p': 'x' is not a number");
      PredictionReader reader = new PredictionReader(store);
      List<BatchInfo> shop = reader.batches("shop");
      assertThat(shop).hasSize(2);
      String user = store.read("a user", c -> {
        try (var st = c.createStatement(); var rs = st.executeQuery("SELECT MIN(user_id) FROM larder_recommendations"
            + " WHERE job = 'shop' AND rank = 1")) {
          rs.next();
          return rs.getString(1);
        }
      });
      try (LarderHttp server = LarderHttp.start(store, HttpOptions.defaults().withHost("127.0.0.1").withPort(0),
          new Dashboard(Clock.fixed(Instant.now(), ZoneOffset.UTC), new ConfigSchedules(first)))) {
        String base = "http://127.0.0.1:" + server.port();
        assertThat(get(base, "/")).contains("shop", "seg", "churn", "'x' is not a number");
        assertThat(get(base, "/fragments/jobs")).contains("shop", "seg");
        assertThat(get(base, "/jobs/shop")).contains(">" + shop.get(0).id() + "</th>", ">" + shop.get(1).id() + "</th>");
        assertThat(get(base, "/fragments/jobs/shop/compare?a=" + shop.get(1).id() + "&b=" + shop.get(0).id()))
            .contains("users");
        assertThat(get(base, "/jobs/shop/users?id=" + user)).contains(user);
        assertThat(get(base, "/fragments/jobs/shop/users?id=" + user)).contains(user);
        assertThat(get(base, "/segments")).contains("seg");
        assertThat(get(base, "/segments/seg")).contains("segment");
        assertThat(get(base, "/segments/seg/1")).contains("customer");
        assertThat(get(base, "/segments/seg/1/members.csv")).startsWith("customer_id");
      }
    }
  }

  private LarderConfig config(String interactions) {
    Path file = dir.resolve("larder.yaml");
    return LarderConfig.parse(file, ConfigFile.parse(file.toString(), """
        jobs:
          shop:
            source: { file: %s, columns: { user: user_id, item: item_id, weight: quantity } }
            model: { type: itemknn, neighbors: 20 }
            top_n: 10
            threads: 1
            schedule: "0 3 * * *"
          seg:
            type: segments
            source: { file: %s, columns: { customer: user_id, timestamp: timestamp, amount: amount, order: order_id } }
            kmeans: { k: 3 }
            threads: 1
          churn:
            type: import
            source: { file: churn.csv, columns: { entity: customer_id, score: p } }
        """.formatted(interactions, interactions)));
  }

  private static void run(Publisher publisher, LarderConfig config, String job) {
    JobRunner runner = new JobRunner(publisher, Progress.NONE, RunReport.Listener.NONE);
    for (var j : config.select(List.of(job))) runner.run(j);
  }

  private static String get(String base, String path) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + path)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    return r.body();
  }
}
