package larder.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import larder.core.IdMap;
import larder.core.TopNSink;

/**
 * Deterministic lists whose every row can be recomputed: user u's rank r holds item
 * (31u + 17r) mod items with score gen*1000 + (n - r) + (u mod 7)/8, exact in a float, so a reader
 * can tell which generation (batch) a row came from.
 */
final class Planted {
  final IdMap users;
  final IdMap items;
  final int n;

  Planted(int users, int items, int n) {
    this.users = new IdMap(users);
    for (int u = 0; u < users; u++) this.users.intern("u" + u);
    this.items = new IdMap(items);
    for (int i = 0; i < items; i++) this.items.intern("i" + i);
    this.n = n;
  }

  int item(int u, int rank) { return (31 * u + 17 * rank) % items.size(); }

  float score(int u, int rank, int gen) { return gen * 1000 + (n - rank) + (u % 7) / 8f; }

  static int generation(float score) { return (int) Math.floor(score / 1000); }

  /** Sends users {@code u ≡ part (mod parts)} to the sink, reusing the arrays as scorers do. */
  void send(TopNSink sink, int gen, int part, int parts) {
    int[] it = new int[n];
    float[] sc = new float[n];
    for (int u = part; u < users.size(); u += parts) {
      for (int r = 1; r <= n; r++) {
        it[r - 1] = item(u, r);
        sc[r - 1] = score(u, r, gen);
      }
      sink.accept(u, it, sc, n);
    }
  }

  /** Sends everything from {@code threads} threads at once. */
  void sendParallel(TopNSink sink, int gen, int threads) throws InterruptedException {
    List<Thread> ts = new ArrayList<>();
    List<Throwable> errors = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int part = t;
      Thread th = new Thread(() -> send(sink, gen, part, threads));
      th.setUncaughtExceptionHandler((x, e) -> {
        synchronized (errors) {
          errors.add(e);
        }
      });
      ts.add(th);
      th.start();
    }
    for (Thread th : ts) th.join();
    assertThat(errors).isEmpty();
  }

  /** Asserts that the job's current recommendations are exactly generation {@code gen}, row for row. */
  void assertServing(Connection c, String job, int gen) throws SQLException {
    long rows = 0;
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT user_id, rank, item_id, score FROM larder_recommendations WHERE job = ?")) {
      ps.setString(1, job);
      ps.setFetchSize(10_000);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          int u = Integer.parseInt(rs.getString(1).substring(1));
          int r = rs.getInt(2);
          assertThat(rs.getString(3)).isEqualTo("i" + item(u, r));
          assertThat(rs.getFloat(4)).isEqualTo(score(u, r, gen));
          rows++;
        }
      }
    }
    assertThat(rows).isEqualTo((long) users.size() * n);
  }
}
