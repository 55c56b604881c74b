package larder.extract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import larder.core.ConfigException;
import larder.core.FeatureTable;
import larder.core.InputException;
import larder.core.Progress;
import larder.extract.table.DelimitedFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureSourceTest {
  @TempDir Path dir;

  Path write(String name, String content) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, content, StandardCharsets.UTF_8);
    return f;
  }

  static FeatureResult read(FeatureSpec spec) {
    return new TableFeatureSource(spec).read(Progress.NONE);
  }

  static final String TABLE = "customer,Recency,frequency,monetary,segment\n"
      + "c1,10,3,120.5,gold\n"
      + "c2,200,1,15,bronze\n"
      + "c3,5,12,1e3,gold\n";

  @Test
  void chosenColumnsByNameAndPositionInChosenOrder() throws IOException {
    Path f = write("features.csv", TABLE);
    FeatureResult r = read(FeatureSpec.of(DelimitedFile.csv(f), "customer", "monetary", "recency", "3"));
    FeatureTable t = r.table();
    assertThat(r.rowsRead()).isEqualTo(3);
    assertThat(r.rowsKept()).isEqualTo(3);
    assertThat(r.badRows()).isZero();
    assertThat(t.names()).containsExactly("monetary", "Recency", "frequency"); // the header's spelling
    assertThat(t.rows()).isEqualTo(3);
    assertThat(t.dimensions()).isEqualTo(3);
    assertThat(t.customers().name(2)).isEqualTo("c3");
    assertThat(new double[] {t.get(0, 0), t.get(0, 1), t.get(0, 2)}).containsExactly(120.5, 10, 3);
    assertThat(new double[] {t.get(2, 0), t.get(2, 1), t.get(2, 2)}).containsExactly(1000, 5, 12);
    assertThat(t.get(1, 1)).isEqualTo(200);
  }

  @Test
  void tsvWithoutHeaderNamesFeaturesByPosition() throws IOException {
    Path f = dir.resolve("f.tsv.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
      out.write("00001\t1.5\t-2\n00002\t0\t7\n".getBytes(StandardCharsets.UTF_8));
    }
    FeatureTable t = read(FeatureSpec.of(new DelimitedFile(f, '\t', false), "1", "3", "2")).table();
    assertThat(t.names()).containsExactly("#3", "#2");
    assertThat(t.customers().idOf("00002")).isEqualTo(1);
    assertThat(t.values()).containsExactly(-2, 1.5, 7, 0);
  }

  /** A planted table of random size and values reads back exactly, whatever the column order. */
  @Test
  void plantedTablesReadBack() throws IOException {
    Random rnd = new Random(11);
    for (int trial = 0; trial < 20; trial++) {
      int n = 1 + rnd.nextInt(300);
      int d = 1 + rnd.nextInt(5);
      double[] planted = new double[n * d];
      StringBuilder s = new StringBuilder("id");
      for (int k = 0; k < d; k++) s.append(",f").append(k);
      s.append('\n');
      for (int row = 0; row < n; row++) {
        s.append("cust").append(row);
        for (int k = 0; k < d; k++) {
          planted[row * d + k] = rnd.nextGaussian() * Math.pow(10, rnd.nextInt(8) - 3);
          s.append(',').append(planted[row * d + k]);
        }
        s.append('\n');
      }
      Path f = write("planted" + trial + ".csv", s.toString());
      String[] reversed = new String[d];
      for (int k = 0; k < d; k++) reversed[k] = "f" + (d - 1 - k);
      FeatureTable t = read(FeatureSpec.of(DelimitedFile.csv(f), "id", reversed)).table();
      assertThat(t.rows()).isEqualTo(n);
      for (int row = 0; row < n; row++) {
        assertThat(t.customers().name(row)).isEqualTo("cust" + row);
        for (int k = 0; k < d; k++) assertThat(t.get(row, k)).isEqualTo(planted[row * d + (d - 1 - k)]);
      }
    }
  }

  @Test
  void repeatedCustomersAndBadValuesNameLineAndField() throws IOException {
    Path f = write("features.csv", "customer,recency,monetary\n"
        + "c1,10,120.5\n"
        + "c2,n/a,15\n"
        + "c3,5,\n"
        + "c1,11,130\n"
        + "c4,7\n"
        + "c2,4,3\n"
        + " c5 ,1,NaN\n"
        + "c6,1,2\n"
        + "c6,1,2\n");
    FeatureSpec spec = FeatureSpec.of(DelimitedFile.csv(f), "customer", "recency", "monetary").withMaxBadRows(6);
    FeatureResult r = read(spec);
    assertThat(r.rowsRead()).isEqualTo(9);
    assertThat(r.rowsKept()).isEqualTo(3);
    assertThat(r.badRows()).isEqualTo(6);
    assertThat(r.table().customers().idOf("c2")).isEqualTo(1); // its first row was bad, so this one counts
    assertThat(r.table().get(1, 0)).isEqualTo(4);
    assertThat(r.badRowSamples()).containsExactly(
        "features.csv:3: field 'recency': 'n/a' is not a number",
        "features.csv:4: field 'monetary': empty, expected a number",
        "features.csv:5: field 'customer': 'c1' already appeared on line 2",
        "features.csv:6: field 'monetary': missing: column 3 but the row has 2 fields (wrong delimiter?)",
        "features.csv:8: field 'monetary': 'NaN' is not a number",
        "features.csv:10: field 'customer': 'c6' already appeared on line 9");
    assertThatThrownBy(() -> read(spec.withMaxBadRows(5))).isInstanceOfSatisfying(InputException.class, e -> {
      assertThat(e.line()).isEqualTo(3);
      assertThat(e.getMessage()).endsWith("(6 bad rows seen, more than max_bad_rows = 5)");
    });
  }

  @Test
  void emptyAndAllBadInputFailClearly() throws IOException {
    Path empty = write("empty.csv", "customer,x\n");
    assertThatThrownBy(() -> read(FeatureSpec.of(DelimitedFile.csv(empty), "customer", "x")))
        .isInstanceOf(InputException.class).hasMessage("empty.csv: no customers: no data rows");
    Path bad = write("bad.csv", "customer,x\nc1,?\n");
    assertThatThrownBy(() -> read(FeatureSpec.of(DelimitedFile.csv(bad), "customer", "x").withMaxBadRows(1)))
        .isInstanceOf(InputException.class).hasMessage("bad.csv: no customers: all 1 rows were bad");
  }

  @Test
  void aColumnChosenTwiceUnderTwoSpellingsIsRefused() throws IOException {
    Path f = write("features.csv", TABLE);
    assertThatThrownBy(() -> read(FeatureSpec.of(DelimitedFile.csv(f), "customer", "recency", "2")))
        .isInstanceOfSatisfying(InputException.class, e -> {
          assertThat(e.getMessage()).isEqualTo("features.csv:1: features recency and #2 are the same column");
          assertThat(e.hint()).isEqualTo("choose each feature column once");
        });
    assertThatThrownBy(() -> read(FeatureSpec.of(DelimitedFile.csv(f), "customer", "1")))
        .isInstanceOf(InputException.class).hasMessageContaining("feature #1 is the customer column customer");
    assertThatThrownBy(() -> read(FeatureSpec.of(DelimitedFile.csv(f), "customer", "spend")))
        .isInstanceOf(InputException.class)
        .hasMessage("features.csv:1: unknown column 'spend'; the header has: customer, Recency, frequency, monetary, segment");
  }

  @Test
  void specIsValidated() {
    DelimitedFile csv = DelimitedFile.csv(dir.resolve("x.csv"));
    assertThatThrownBy(() -> FeatureSpec.of(csv, "customer")).isInstanceOf(ConfigException.class)
        .hasMessage("features: give at least one feature column");
    assertThatThrownBy(() -> FeatureSpec.of(csv, "customer", "spend", "SPEND")).isInstanceOf(ConfigException.class)
        .hasMessage("features = SPEND: is chosen twice");
    assertThatThrownBy(() -> FeatureSpec.of(csv, "1", "2", "1")).isInstanceOf(ConfigException.class)
        .hasMessage("features = #1: is the customer column");
    assertThatThrownBy(() -> FeatureSpec.of(new DelimitedFile(dir.resolve("y"), ',', false), "1", "spend"))
        .isInstanceOf(ConfigException.class).hasMessage("features = spend: a column name needs a header line");
    assertThatThrownBy(() -> new FeatureSpec(csv, Column.at(1), List.of(Column.at(2)), -1))
        .isInstanceOf(ConfigException.class).hasMessageContaining("max_bad_rows");
    assertThatThrownBy(() -> new FeatureSpec(csv, null, List.of(Column.at(2)), 0))
        .isInstanceOf(ConfigException.class).hasMessageContaining("customer");
  }
}
