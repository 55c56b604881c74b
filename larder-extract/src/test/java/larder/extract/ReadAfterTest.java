package larder.extract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import larder.core.ConfigException;
import larder.core.Interactions;
import larder.core.Progress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files read for a refresh: only rows strictly after the high-water mark, the rest counted, not bad. */
class ReadAfterTest {
  static final long T = Instant.parse("2024-03-01T12:00:00Z").getEpochSecond();

  @TempDir Path dir;

  Path write(String name, String content) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, content, StandardCharsets.UTF_8);
    return f;
  }

  static float weight(Interactions in, String user, String item) {
    return in.byUser().get(in.users().idOf(user), in.items().idOf(item));
  }

  static CsvSpec timed(Path f, char delimiter) {
    return new CsvSpec(f, delimiter, true, Column.named("user"), Column.named("item"), Column.named("w"),
        Column.named("ts"), ReadOptions.DEFAULT);
  }

  @Test
  void onlyRowsAfterTheMarkAreKeptAndTheOthersCountedAsCoveredNotBad() throws IOException {
    Path f = write("events.csv", "user,item,w,ts\n"
        + "a,x,1," + (T - 10) + "\n"
        + "a,y,2," + T + "\n"              // at the mark: covered
        + "b,x,3," + (T + 1) + "\n"
        + "c,z,4,2024-03-01T12:00:05Z\n"
        + "d,z,5,\n");                     // no time: left for the next full run
    ExtractResult r = new CsvSource(timed(f, ',')).after(Instant.ofEpochSecond(T)).read(Progress.NONE);
    assertThat(r.rowsRead()).isEqualTo(5);
    assertThat(r.rowsKept()).isEqualTo(2);
    assertThat(r.rowsBefore()).isEqualTo(3);
    assertThat(r.badRows()).isZero();
    assertThat(r.interactions().users().size()).isEqualTo(2);
    assertThat(weight(r.interactions(), "b", "x")).isEqualTo(3f);
    assertThat(weight(r.interactions(), "c", "z")).isEqualTo(4f);
    assertThat(r.newest()).isEqualTo(Instant.ofEpochSecond(T + 5));
  }

  @Test
  void nullReadsEveryRowAsBefore() throws IOException {
    Path f = write("events.csv", "user,item,w,ts\na,x,1," + (T - 10) + "\nb,y,1,\n");
    ExtractResult r = new CsvSource(timed(f, ',')).after(null).read(Progress.NONE);
    assertThat(r.rowsKept()).isEqualTo(2);
    assertThat(r.rowsBefore()).isZero();
  }

  @Test
  void gzippedTsvIsReadAfterTheMarkToo() throws IOException {
    Path f = dir.resolve("events.tsv.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
      out.write(("user\titem\tw\tts\na\tx\t1\t" + T + "\nb\ty\t2\t" + (T + 60) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    ExtractResult r = new CsvSource(timed(f, '\t')).after(Instant.ofEpochSecond(T)).read(Progress.NONE);
    assertThat(r.rowsKept()).isEqualTo(1);
    assertThat(r.rowsBefore()).isEqualTo(1);
    assertThat(weight(r.interactions(), "b", "y")).isEqualTo(2f);
  }

  @Test
  void nothingNewIsAnEmptyResultNotAFailure() throws IOException {
    Path f = write("events.csv", "user,item,w,ts\na,x,1," + (T - 10) + "\n");
    ExtractResult r = new CsvSource(timed(f, ',')).after(Instant.ofEpochSecond(T)).read(Progress.NONE);
    assertThat(r.rowsKept()).isZero();
    assertThat(r.rowsBefore()).isEqualTo(1);
    assertThat(r.interactions().users().size()).isZero();
    assertThat(r.newest()).isNull();
    Path empty = write("none.csv", "user,item,w,ts\n");
    assertThat(new CsvSource(timed(empty, ',')).after(Instant.ofEpochSecond(T)).read(Progress.NONE).rowsRead()).isZero();
  }

  @Test
  void aFullReadStillFailsWhenThereAreNoRows() throws IOException {
    Path empty = write("none.csv", "user,item,w,ts\n");
    assertThatThrownBy(() -> new CsvSource(timed(empty, ',')).read(Progress.NONE))
        .hasMessageContaining("no interactions");
  }

  @Test
  void aSourceWithoutATimestampColumnCannotBeReadAfterAnInstant() throws IOException {
    Path f = write("plain.csv", "user_id,item_id\na,x\n");
    CsvSource plain = new CsvSource(CsvSpec.of(f, "user_id", "item_id"));
    assertThatThrownBy(() -> plain.after(Instant.ofEpochSecond(T)).read(Progress.NONE))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("plain.csv")
        .hasMessageContaining("refresh")
        .hasMessageContaining("timestamp column");
  }

  /** Random rows and marks: the kept interactions are exactly the rows after the mark, summed. */
  @Test
  void keptRowsAreExactlyThoseAfterTheMarkOverRandomFiles() throws IOException {
    Random rnd = new Random(20261205L);
    for (int round = 0; round < 40; round++) {
      int rows = 1 + rnd.nextInt(300);
      long mark = T + rnd.nextInt(1000);
      StringBuilder sb = new StringBuilder("user,item,w,ts\n");
      Map<String, Float> expected = new HashMap<>();
      long before = 0;
      for (int k = 0; k < rows; k++) {
        String u = "u" + rnd.nextInt(20), i = "i" + rnd.nextInt(15);
        int w = 1 + rnd.nextInt(5);
        boolean timeless = rnd.nextInt(20) == 0;
        long t = T + rnd.nextInt(2000);
        sb.append(u).append(',').append(i).append(',').append(w).append(',').append(timeless ? "" : Long.toString(t)).append('\n');
        if (!timeless && t > mark) expected.merge(u + "/" + i, (float) w, Float::sum);
        else before++;
      }
      Path f = write("r" + round + ".csv", sb.toString());
      ExtractResult r = new CsvSource(timed(f, ',')).after(Instant.ofEpochSecond(mark)).read(Progress.NONE);
      assertThat(r.rowsBefore()).as("round %d", round).isEqualTo(before);
      assertThat(r.rowsKept() + r.rowsBefore()).isEqualTo(rows);
      Map<String, Float> got = new HashMap<>();
      Interactions in = r.interactions();
      for (int u = 0; u < in.users().size(); u++) {
        for (int p = in.byUser().ptr()[u]; p < in.byUser().ptr()[u + 1]; p++) {
          got.put(in.users().name(u) + "/" + in.items().name(in.byUser().cols()[p]), in.byUser().vals()[p]);
        }
      }
      assertThat(got).as("round %d", round).isEqualTo(expected);
    }
  }
}
