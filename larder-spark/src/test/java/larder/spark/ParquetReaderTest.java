package larder.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import larder.core.ConfigException;
import larder.core.InputException;
import larder.core.Progress;
import larder.extract.ExtractResult;
import larder.extract.ParquetSource;
import larder.extract.ReadOptions;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parquet rows meet the checks a file's rows meet: bad rows counted against max_bad_rows and named by row,
 * typed times read, ids numbered in row order.
 */
@ExtendWith(SparkSessionExtension.class)
class ParquetReaderTest {
  @TempDir static Path dir;
  static String path;

  @BeforeAll static void write() {
    StructType schema = new StructType().add("uid", DataTypes.StringType).add("sku", DataTypes.StringType)
        .add("qty", DataTypes.DoubleType).add("at", DataTypes.TimestampType);
    java.sql.Timestamp t = java.sql.Timestamp.from(java.time.Instant.parse("2026-01-02T03:04:05Z"));
    List<Row> rows = Arrays.asList(
        RowFactory.create("u2", "b", 2.0, t),
        RowFactory.create("u1", "a", 1.0, t),
        RowFactory.create(null, "a", 1.0, t),   // row 3: no user
        RowFactory.create("u1", "c", Double.NaN, t),  // row 4: a weight that is not a number
        RowFactory.create("u1", "b", 3.0, null));
    path = dir.resolve("events.parquet").toString();
    SparkSessionExtension.spark().createDataFrame(rows, schema).coalesce(1).write().parquet(path);
  }

  private static ExtractResult read(long maxBad) {
    ParquetSource src = new ParquetSource(path, "uid", "sku", "qty", "at", ReadOptions.DEFAULT.withMaxBadRows(maxBad));
    return ParquetReader.read(SparkSessionExtension.spark(), "recs", src, Progress.NONE);
  }

  @Test void badRowsFailTheRunNamingTheRowUnlessMaxBadRowsAllowsThem() {
    assertThatThrownBy(() -> read(1)).isInstanceOfSatisfying(InputException.class, e ->
        assertThat(e.getMessage()).contains("events.parquet").contains("2 bad rows"));
    ExtractResult r = read(2);
    assertThat(r.rowsRead()).isEqualTo(5);
    assertThat(r.badRows()).isEqualTo(2);
    assertThat(r.badRowSamples()).anySatisfy(s -> assertThat(s).contains(":3").contains("uid"));
    var data = r.interactions();
    assertThat(data.users().name(0)).isEqualTo("u2"); // first seen first, as in a file
    assertThat(data.items().name(0)).isEqualTo("b");
    assertThat(data.size()).isEqualTo(3); // (u2,b), (u1,a), (u1,b)
    assertThat(r.hasTimestamps()).isTrue();
    assertThat(r.lastSeen()).contains(java.time.Instant.parse("2026-01-02T03:04:05Z").getEpochSecond());
    assertThat(r.newest()).as("the batch's data_until; the row without a time counts for nothing")
        .isEqualTo(java.time.Instant.parse("2026-01-02T03:04:05Z"));
  }

  @Test void aMissingColumnOrPathIsNamed() {
    ParquetSource noCol = new ParquetSource(path, "user_id", "sku", null, null, ReadOptions.DEFAULT);
    assertThatThrownBy(() -> ParquetReader.read(SparkSessionExtension.spark(), "recs", noCol, Progress.NONE))
        .isInstanceOfSatisfying(ConfigException.class, e -> {
          assertThat(e.key()).isEqualTo("jobs.recs.source.columns.user");
          assertThat(e.hint()).contains("uid, sku, qty, at");
        });
    ParquetSource missing = new ParquetSource(dir.resolve("nope.parquet").toString(), "uid", "sku", null, null,
        ReadOptions.DEFAULT);
    assertThatThrownBy(() -> ParquetReader.read(SparkSessionExtension.spark(), "recs", missing, Progress.NONE))
        .isInstanceOf(InputException.class).hasMessageContaining("nope.parquet");
  }
}
