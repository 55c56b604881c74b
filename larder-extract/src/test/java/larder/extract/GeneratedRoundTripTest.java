package larder.extract;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import larder.core.Interactions;
import larder.core.Progress;
import larder.core.SparseMatrix;
import larder.generate.ShopParams;
import larder.generate.SyntheticShop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the generator writes, the file source reads back to the generator's own aggregate. */
class GeneratedRoundTripTest {

  @Test
  void generatedCsvReadsBackToTheSameInteractions(@TempDir Path dir) {
    SyntheticShop shop = new SyntheticShop(ShopParams.of(2_000, 500, 60_000, 21L));
    Interactions expected = shop.interactions();
    for (String name : new String[] {"events.csv.gz", "events.csv"}) {
      Path f = dir.resolve(name);
      shop.writeCsv(f, Progress.NONE);
      ExtractResult r = new CsvSource(CsvSpec.of(f, "user_id", "item_id").withWeight(Column.named("quantity"))
          .withTimestamp(Column.named("timestamp"))).read(Progress.NONE);
      assertThat(r.rowsRead()).isEqualTo(60_000);
      assertSame(expected, r.interactions());
      long start = shop.params().start().getEpochSecond();
      for (long t : r.lastSeen()) assertThat(t).isBetween(start, start + 365 * 86_400L);
    }
    Path spark = dir.resolve("spark.csv");
    shop.writeSparkCsv(spark, Progress.NONE);
    ExtractResult s = new CsvSource(CsvSpec.of(spark, "user", "item").withWeight(Column.named("count")))
        .read(Progress.NONE);
    assertThat(s.interactions().size()).isEqualTo(expected.size());
    assertThat(s.interactions().byUser().get(s.interactions().users().idOf("7"),
        s.interactions().items().idOf(Integer.toString(expected.byUser().cols()[expected.byUser().rowStart(7)]))))
        .isEqualTo(expected.byUser().vals()[expected.byUser().rowStart(7)]);
  }

  private static void assertSame(Interactions expected, Interactions got) {
    assertThat(got.size()).isEqualTo(expected.size());
    SparseMatrix e = expected.byUser();
    for (int u = 0; u < expected.userCount(); u++) {
      int gu = got.users().idOf("u" + u);
      if (e.rowLength(u) == 0) {
        assertThat(gu).isEqualTo(-1);
        continue;
      }
      assertThat(got.byUser().rowLength(gu)).isEqualTo(e.rowLength(u));
      for (int k = e.rowStart(u); k < e.rowEnd(u); k++) {
        int gi = got.items().idOf("i" + e.cols()[k]);
        assertThat(got.byUser().get(gu, gi)).isEqualTo(e.vals()[k]);
      }
    }
  }
}
