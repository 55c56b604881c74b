package larder.extract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import larder.core.ConfigException;
import larder.core.InputException;
import larder.core.Interactions;
import larder.core.Progress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvSourceTest {
  @TempDir Path dir;

  Path write(String name, String content) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, content, StandardCharsets.UTF_8);
    return f;
  }

  Path writeGzip(String name, String content) throws IOException {
    Path f = dir.resolve(name);
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
      out.write(content.getBytes(StandardCharsets.UTF_8));
    }
    return f;
  }

  static ExtractResult read(CsvSpec spec) {
    return new CsvSource(spec).read(Progress.NONE);
  }

  static float weight(Interactions in, String user, String item) {
    return in.byUser().get(in.users().idOf(user), in.items().idOf(item));
  }

  static final String RATINGS = "userId,movieId,rating,timestamp\n"
      + "1,10,4.0,964982703\n"
      + "1,20,2.5,964982704\n"
      + "2,10,5.0,2024-03-01T12:00:00Z\n"
      + "1,10,1.0,964982800\n";

  @Test
  void readsHeaderColumnsByNameAndMergesDuplicates() throws IOException {
    Path f = write("ratings.csv", RATINGS);
    ExtractResult r = read(CsvSpec.of(f, "userId", "movieId").withWeight(Column.named("rating"))
        .withTimestamp(Column.named("timestamp")));
    Interactions in = r.interactions();
    assertThat(in.userCount()).isEqualTo(2);
    assertThat(in.itemCount()).isEqualTo(2);
    assertThat(weight(in, "1", "10")).isEqualTo(5f);
    assertThat(weight(in, "1", "20")).isEqualTo(2.5f);
    assertThat(weight(in, "2", "10")).isEqualTo(5f);
    assertThat(r.rowsRead()).isEqualTo(4);
    assertThat(r.rowsKept()).isEqualTo(4);
    assertThat(r.duplicatesMerged()).isEqualTo(1);
    assertThat(r.badRows()).isZero();
    assertThat(r.badRowSamples()).isEmpty();
    assertThat(r.hasTimestamps()).isTrue();
    int u1 = in.users().idOf("1");
    int at = in.byUser().rowStart(u1) + Arrays.binarySearch(in.byUser().cols(), in.byUser().rowStart(u1),
        in.byUser().rowEnd(u1), in.items().idOf("10")) - in.byUser().rowStart(u1);
    assertThat(r.lastSeen()[at]).isEqualTo(964982800L);
  }

  @Test
  void positionsWorkWithAndWithoutHeader() throws IOException {
    Path f = write("plain.csv", "a,x,3\nb,y,4\n");
    ExtractResult r = read(new CsvSpec(f, ',', false, Column.at(1), Column.at(2), Column.at(3), null, null));
    assertThat(weight(r.interactions(), "b", "y")).isEqualTo(4f);
    assertThat(r.hasTimestamps()).isFalse();
    Path g = write("headed.csv", "who,what,howmuch\na,x,3\n");
    ExtractResult h = read(CsvSpec.of(g, "1", "2").withWeight(Column.at(3)));
    assertThat(h.rowsRead()).isEqualTo(1);
    assertThat(weight(h.interactions(), "a", "x")).isEqualTo(3f);
  }

  @Test
  void withoutWeightEachRowCountsOne() throws IOException {
    Path f = write("events.csv", "u,i\na,x\na,x\na,y\n");
    Interactions in = read(CsvSpec.of(f, "u", "i")).interactions();
    assertThat(weight(in, "a", "x")).isEqualTo(2f);
    assertThat(weight(in, "a", "y")).isEqualTo(1f);
  }

  @Test
  void gzipIsDetectedByContentNotName() throws IOException {
    Path hidden = writeGzip("ratings.csv", RATINGS);
    Path named = write("plain.csv.gz", RATINGS);
    for (Path f : List.of(hidden, named)) {
      ExtractResult r = read(CsvSpec.preset("movielens-ratings", f));
      assertThat(r.rowsRead()).as(f.toString()).isEqualTo(4);
      assertThat(weight(r.interactions(), "1", "10")).isEqualTo(5f);
    }
  }

  @Test
  void crlfQuotesBomAndMissingFinalNewline() throws IOException {
    Path f = write("crlf.csv", "\uFEFFuser,item,weight\r\n\"smith, j\",\"a \"\"big\"\" box\",2\r\n\r\nlee,box,1.5");
    ExtractResult r = read(CsvSpec.of(f, "user", "item").withWeight(Column.named("weight")));
    Interactions in = r.interactions();
    assertThat(r.rowsRead()).isEqualTo(2);
    assertThat(weight(in, "smith, j", "a \"big\" box")).isEqualTo(2f);
    assertThat(weight(in, "lee", "box")).isEqualTo(1.5f);
  }

  @Test
  void tabAndOtherDelimiters() throws IOException {
    Path tab = write("t.tsv", "u\ti\tw\n1\t2\t3\n");
    assertThat(weight(read(CsvSpec.of(tab, "u", "i").withDelimiter(CsvSpec.delimiter("tab"))
        .withWeight(Column.named("w"))).interactions(), "1", "2")).isEqualTo(3f);
    Path semi = write("s.csv", "u;i;w\n1;2;3,5\n1;3;4\n");
    ExtractResult r = read(CsvSpec.of(semi, "u", "i").withDelimiter(';').withWeight(Column.named("w"))
        .withMaxBadRows(1));
    assertThat(r.badRows()).isEqualTo(1); // "3,5" is no number: decimal commas are not guessed
    assertThat(r.badRowSamples().get(0)).isEqualTo("s.csv:2: field 'w': '3,5' is not a number");
  }

  @Test
  void whitespaceModeReadsRunsOfSpacesWithLeadingSpaces() throws IOException {
    Path f = write("cdnow.txt", " 00001 19970101  1   11.77\r\n 00002 19970112  1   12.00\r\n"
        + " 00002 19970112  5   77.00\r\n\r\n 00003 19970102  2   20.76");
    CsvSpec spec = new CsvSpec(f, CsvSpec.WHITESPACE, false, Column.at(1), Column.at(2), Column.at(4),
        Column.at(2), null);
    ExtractResult r = read(spec);
    assertThat(r.rowsRead()).isEqualTo(4);
    assertThat(r.duplicatesMerged()).isEqualTo(1);
    assertThat(weight(r.interactions(), "00002", "19970112")).isEqualTo(89f);
    assertThat(r.interactions().users().idOf("00001")).isEqualTo(0);
    assertThat(r.lastSeen()).contains(852076800L); // 1997-01-01
    Path headed = write("ws.txt", "user   item\n  a   b\n\tc\td\n");
    ExtractResult h = read(CsvSpec.of(headed, "user", "item").withDelimiter(CsvSpec.delimiter("whitespace")));
    assertThat(h.rowsRead()).isEqualTo(2);
    assertThat(weight(h.interactions(), "c", "d")).isEqualTo(1f);
  }

  @Test
  void presetsReadTheirLayouts() throws IOException {
    Path udata = writeGzip("u.data", "196\t242\t3\t881250949\n186\t302\t3\t891717742\n196\t302\t4\t881250950\n");
    ExtractResult u = read(CsvSpec.preset("movielens-udata", udata));
    assertThat(u.interactions().userCount()).isEqualTo(2);
    assertThat(weight(u.interactions(), "196", "302")).isEqualTo(4f);
    assertThat(u.lastSeen()).contains(881250949L, 891717742L, 881250950L);

    Path lastfm = write("user_artists.dat", "userID\tartistID\tweight\r\n2\t51\t13883\r\n2\t52\t11690\r\n");
    ExtractResult l = read(CsvSpec.preset("lastfm", lastfm));
    assertThat(weight(l.interactions(), "2", "51")).isEqualTo(13883f);
    assertThat(l.hasTimestamps()).isFalse();

    ExtractResult m = read(CsvSpec.preset("movielens-ratings", write("ratings.csv", RATINGS)).withMinWeight(3.5f));
    assertThat(m.belowMinWeight()).isEqualTo(2);
    assertThat(m.rowsKept()).isEqualTo(2);
    assertThat(m.interactions().items().idOf("20")).isEqualTo(-1);

    assertThatThrownBy(() -> CsvSpec.preset("netflix", udata)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("movielens-udata, movielens-ratings, lastfm");
  }

  @Test
  void binaryGivesOnePerPair() throws IOException {
    Path f = write("r.csv", RATINGS);
    ExtractResult r = read(CsvSpec.preset("movielens-ratings", f).withBinary(true));
    for (float v : r.interactions().byUser().vals()) assertThat(v).isEqualTo(1f);
    assertThat(r.interactions().size()).isEqualTo(3);
  }

  @Test
  void eachKindOfBadRowIsDescribed() throws IOException {
    Path f = write("bad.csv", "user,item,rating,ts\n"
        + "a,x,1,100\n"
        + "b,y\n"
        + ",y,1,100\n"
        + "c, ,1,100\n"
        + "d,y,lots,100\n"
        + "e,y,2,17e9x\n"
        + "f,z,3,200\n");
    CsvSpec spec = CsvSpec.of(f, "user", "item").withWeight(Column.named("rating"))
        .withTimestamp(Column.named("ts")).withMaxBadRows(5);
    ExtractResult r = read(spec);
    assertThat(r.rowsRead()).isEqualTo(7);
    assertThat(r.rowsKept()).isEqualTo(2);
    assertThat(r.badRows()).isEqualTo(5);
    assertThat(r.badRowSamples()).containsExactly(
        "bad.csv:3: field 'rating': missing: column 3 but the row has 2 fields (wrong delimiter?)",
        "bad.csv:4: field 'user': empty id",
        "bad.csv:5: field 'item': empty id",
        "bad.csv:6: field 'rating': 'lots' is not a number",
        "bad.csv:7: field 'ts': '17e9x' is not a date or time; accepted: epoch seconds, ISO-8601 date-time, yyyy-MM-dd"
            + " or yyyyMMdd");

    assertThatThrownBy(() -> read(spec.withMaxBadRows(4)))
        .isInstanceOfSatisfying(InputException.class, e -> {
          assertThat(e.line()).isEqualTo(3);
          assertThat(e.field()).isEqualTo("rating");
          assertThat(e.getMessage()).startsWith("bad.csv:3: field 'rating': missing")
              .contains("5 bad rows seen, more than max_bad_rows = 4");
          assertThat(e.hint()).isEqualTo("fix the rows or raise max_bad_rows; nothing was published");
        });
    assertThatThrownBy(() -> read(spec.withMaxBadRows(0)))
        .isInstanceOf(InputException.class).hasMessageContaining("1 bad row seen, more than max_bad_rows = 0");
  }

  @Test
  void onlyTheFirstTenBadRowsAreSampled() throws IOException {
    StringBuilder s = new StringBuilder("u,i,w\n");
    for (int k = 0; k < 25; k++) s.append("u").append(k).append(",i,x").append(k).append('\n');
    s.append("ok,i,1\n");
    ExtractResult r = read(CsvSpec.of(write("many.csv", s.toString()), "u", "i").withWeight(Column.named("w"))
        .withMaxBadRows(100));
    assertThat(r.badRows()).isEqualTo(25);
    assertThat(r.badRowSamples()).hasSize(10);
    assertThat(r.badRowSamples().get(9)).isEqualTo("many.csv:11: field 'w': 'x9' is not a number");
  }

  @Test
  void unknownColumnListsTheHeader() throws IOException {
    Path f = write("r.csv", RATINGS);
    assertThatThrownBy(() -> read(CsvSpec.of(f, "user", "movieId")))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("unknown column 'user'")
        .hasMessageContaining("userId, movieId, rating, timestamp");
    // Case differences are forgiven.
    assertThat(read(CsvSpec.of(f, "USERID", "movieid")).rowsRead()).isEqualTo(4);
  }

  @Test
  void missingUnreadableEmptyAndCorruptFiles() throws IOException {
    Path missing = dir.resolve("nope.csv");
    assertThatThrownBy(() -> read(CsvSpec.of(missing, "u", "i")))
        .isInstanceOfSatisfying(InputException.class, e -> {
          assertThat(e.source()).isEqualTo(missing.toString());
          assertThat(e.getMessage()).contains("file not found");
          assertThat(e.hint()).contains("check the path");
        });
    assertThatThrownBy(() -> read(CsvSpec.of(dir, "u", "i")))
        .isInstanceOf(InputException.class).hasMessageContaining(dir.toString());
    assertThatThrownBy(() -> read(CsvSpec.of(write("empty.csv", ""), "u", "i")))
        .isInstanceOf(InputException.class).hasMessageContaining("no interactions");
    assertThatThrownBy(() -> read(CsvSpec.of(write("header.csv", "u,i\r\n\r\n"), "u", "i")))
        .isInstanceOf(InputException.class).hasMessageContaining("no interactions");
    assertThatThrownBy(() -> read(CsvSpec.preset("movielens-ratings", write("low.csv", RATINGS)).withMinWeight(9)))
        .isInstanceOf(InputException.class).hasMessageContaining("no interactions")
        .hasMessageContaining("below min_weight");

    byte[] gz = Files.readAllBytes(writeGzip("full.csv", RATINGS.repeat(200)));
    Path cut = dir.resolve("cut.csv.gz");
    Files.write(cut, Arrays.copyOf(gz, gz.length / 2));
    assertThatThrownBy(() -> read(CsvSpec.preset("movielens-ratings", cut)))
        .isInstanceOfSatisfying(InputException.class, e -> {
          assertThat(e.getMessage()).contains(cut.toString()).contains("the gzip data ends early: the file is truncated");
          assertThat(e.exitCode()).isEqualTo(3);
          assertThat(e.getCause()).isInstanceOf(IOException.class);
        });
  }

  @Test
  void specIsValidated() {
    Path f = dir.resolve("x.csv");
    assertThatThrownBy(() -> new CsvSpec(f, ',', false, Column.named("user"), Column.at(2), null, null, null))
        .isInstanceOf(ConfigException.class).hasMessageContaining("user").hasMessageContaining("header");
    assertThatThrownBy(() -> CsvSpec.of(f, "u", "i").withDelimiter('"')).isInstanceOf(ConfigException.class)
        .hasMessageContaining("delimiter");
    assertThatThrownBy(() -> CsvSpec.of(f, "u", "i").withMaxBadRows(-1)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("max_bad_rows");
    assertThatThrownBy(() -> Column.at(0)).isInstanceOf(ConfigException.class);
    assertThatThrownBy(() -> CsvSpec.delimiter("tabs")).isInstanceOf(ConfigException.class);
  }

  @Test
  void reportsProgressWhileReadingLargeFiles() throws IOException {
    StringBuilder s = new StringBuilder("user_id,item_id,timestamp\n");
    for (int k = 0; k < 250_000; k++) {
      s.append('u').append(k % 5_000).append(",i").append(k % 777).append(",2024-03-01T12:00:00Z\n");
    }
    Path f = writeGzip("big.csv.gz", s.toString());
    List<Long> seen = new ArrayList<>();
    ExtractResult r = new CsvSource(CsvSpec.of(f, "user_id", "item_id").withTimestamp(Column.named("timestamp")))
        .read((phase, done, total, unit) -> {
          assertThat(phase).isEqualTo("read");
          assertThat(unit).isEqualTo("rows");
          seen.add(done);
        });
    assertThat(seen).startsWith(100_000L, 200_000L).endsWith(250_000L);
    assertThat(r.rowsKept()).isEqualTo(250_000);
    assertThat(r.interactions().userCount()).isEqualTo(5_000);
  }
}
