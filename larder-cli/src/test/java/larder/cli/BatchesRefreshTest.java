package larder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import larder.cli.CommandLineTest.Result;
import larder.testkit.TestStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code larder batches} after {@code larder run --refresh}: the refresh is listed as published, as a refresh of the
 * batch it re-scored users of, with the users it changed; csv and json carry its base batch id. One contract per store.
 */
abstract class BatchesRefreshTest {
  @TempDir Path dir;
  TestStore db;

  abstract TestStore newStore();

  @BeforeEach void open() {
    db = newStore();
  }

  @AfterEach void close() {
    if (db != null) db.close();
  }

  @Test void aRefreshIsListedAsARefreshOfItsBase() throws Exception {
    StringBuilder csv = new StringBuilder("user_id,item_id,ts\n");
    for (int u = 0; u < 40; u++) {
      for (int i = 0; i <= u % 6; i++) csv.append('u').append(u).append(",i").append((u + i) % 12).append(",1700000000\n");
    }
    Path events = dir.resolve("events.csv");
    Files.writeString(events, csv);
    Path config = dir.resolve("larder.yaml");
    Files.writeString(config, "jobs:\n  shop:\n    source: { file: events.csv, columns: { user: user_id, item: item_id,"
        + " timestamp: ts } }\n    model: { type: itemknn }\n    refresh: { max_changed_users: 5 }\n");
    Result full = CommandLineTest.larder("run", config.toString(), "--db", db.location(), "--quiet");
    assertThat(full.exit()).as(full.err()).isZero();
    Files.writeString(events, "u1,i7,1700000100\nu2,i9,1700000200\n", StandardOpenOption.APPEND);
    Result refresh = CommandLineTest.larder("run", config.toString(), "--db", db.location(), "--refresh", "--quiet");
    assertThat(refresh.exit()).as(refresh.err()).isZero();

    // one batch per line, as the API lists them
    List<String> lines = stdout("batches", "--db", db.location(), "--format", "json").lines().toList();
    assertThat(lines).hasSize(2);
    ObjectMapper json = new ObjectMapper();
    JsonNode r = json.readTree(lines.get(0)), base = json.readTree(lines.get(1));
    long baseId = base.get("batch_id").asLong(), refreshId = r.get("batch_id").asLong();
    assertThat(r.get("base_batch_id").asLong()).isEqualTo(baseId);
    assertThat(r.get("is_current").asBoolean()).as("the refresh serves with its base").isTrue();
    assertThat(r.get("status").asText()).isEqualTo("published");
    assertThat(r.get("keys").asLong()).isEqualTo(2);
    assertThat(base.get("base_batch_id").isNull()).isTrue();
    assertThat(base.get("status").asText()).isEqualTo("published");
    assertThat(r.has("refresh")).as("a batch, not a job with its refresh").isFalse();

    List<String> table = stdout("batches", "--db", db.location()).lines().toList();
    assertThat(table).anySatisfy(l -> assertThat(l).startsWith(String.format("%6d  shop ", refreshId)).contains(" published ")
        .endsWith("refresh of batch " + baseId + ": 2 users"));
    assertThat(table).anySatisfy(l -> assertThat(l).startsWith(String.format("%6d  shop ", baseId))
        .contains(" published ").contains("  40 users; ").doesNotContain("refresh"));

    List<String> rows = stdout("batches", "--db", db.location(), "--format", "csv").lines().toList();
    assertThat(rows.get(0)).endsWith(",data_until,base_batch_id");
    assertThat(rows.get(1)).startsWith(refreshId + ",shop,").endsWith("," + baseId);
    assertThat(rows.get(2)).startsWith(baseId + ",shop,").endsWith(",");
  }

  /** What the command prints on standard output (it writes there, not to picocli's writer). */
  private static String stdout(String... args) {
    PrintStream was = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      assertThat(CommandLineTest.larder(args).exit()).isZero();
    } finally {
      System.setOut(was);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
