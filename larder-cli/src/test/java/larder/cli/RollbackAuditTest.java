package larder.cli;

import static larder.cli.CommandLineTest.larder;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import larder.store.Rollbacks;
import larder.store.Store;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code larder rollback} is audited like every rollback: the OS user, from and to, in the store. */
class RollbackAuditTest {
  @TempDir Path dir;

  @Test
  void rollbackRecordsTheOsUserFromAndTo() throws Exception {
    StringBuilder csv = new StringBuilder("user_id,item_id\n");
    for (int u = 0; u < 30; u++) for (int i = 0; i <= u % 5; i++) csv.append('u').append(u).append(",i").append(i).append('\n');
    Files.writeString(dir.resolve("events.csv"), csv);
    Path config = dir.resolve("larder.yaml");
    Files.writeString(config, "jobs:\n  pop:\n    source: { file: events.csv }\n    model: { type: popularity }\n    keep: 3\n");
    String db = dir.resolve("larder.db").toString();
    for (int run = 0; run < 3; run++) assertThat(larder("run", config.toString(), "--db", db, "--quiet").exit()).isZero();

    assertThat(larder("rollback", "--job", "pop", "--db", db).exit()).isZero();
    assertThat(larder("rollback", "--job", "pop", "--to", "3", "--db", db).exit()).isZero();
    assertThat(larder("rollback", "--job", "pop", "--to", "3", "--db", db).exit()).as("already serving: no row").isZero();

    String user = "user " + System.getProperty("user.name");
    try (Store s = Store.openExisting(db)) {
      List<Rollbacks.Entry> log = s.read("read", c -> Rollbacks.ofJob(c, s.dialect(), "pop"));
      assertThat(log).extracting(Rollbacks.Entry::fromBatch, Rollbacks.Entry::toBatch, Rollbacks.Entry::rolledBy)
          .containsExactly(org.assertj.core.groups.Tuple.tuple(2L, 3L, user),
              org.assertj.core.groups.Tuple.tuple(3L, 2L, user));
    }
  }
}
