package larder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code larder batches} shows each batch's data high-water mark: the newest timestamp it read, or none. */
class BatchesDataUntilTest {
  @TempDir Path dir;

  @Test void theTableAndCsvShowDataUntilOrNothingWithoutTimestamps() throws Exception {
    StringBuilder timed = new StringBuilder("user_id,item_id,ts\n");
    StringBuilder untimed = new StringBuilder("user_id,item_id\n");
    for (int u = 0; u < 30; u++) {
      for (int i = 0; i <= u % 5; i++) {
        timed.append('u').append(u).append(",i").append(i).append(",2024-03-0").append(1 + i).append("T10:00:0").append(u % 10)
            .append("Z\n");
        untimed.append('u').append(u).append(",i").append(i).append('\n');
      }
    }
    Files.writeString(dir.resolve("timed.csv"), timed);
    Files.writeString(dir.resolve("untimed.csv"), untimed);
    Path config = dir.resolve("larder.yaml");
    Files.writeString(config, "jobs:\n"
        + "  timed:\n    source: { file: timed.csv, columns: { user: user_id, item: item_id, timestamp: ts } }\n"
        + "    model: { type: popularity }\n"
        + "  untimed:\n    source: { file: untimed.csv }\n    model: { type: popularity }\n");
    String db = dir.resolve("larder.db").toString();
    assertThat(CommandLineTest.larder("run", config.toString(), "--db", db, "--quiet").exit()).isZero();

    // the newest row: item i4 (day 5) of the users with u % 5 == 4 and the largest u % 10, u9 and u19 and u29
    List<String> csv = stdout("batches", "--db", db, "--format", "csv").lines().toList();
    assertThat(csv.get(0)).endsWith(",input_rows,data_until,base_batch_id");
    assertThat(csv).anySatisfy(l -> assertThat(l).contains(",timed,").endsWith(",2024-03-05T10:00:09Z,"));
    assertThat(csv).anySatisfy(l -> assertThat(l).contains(",untimed,").endsWith(",,"));

    List<String> table = stdout("batches", "--db", db).lines().toList();
    assertThat(table.get(0)).contains("data until");
    assertThat(table).anySatisfy(l -> assertThat(l).contains(" timed ").contains("2024-03-05 10:00:09"));
    assertThat(table).anySatisfy(l -> assertThat(l).contains(" untimed ").doesNotContain("2024-"));
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
