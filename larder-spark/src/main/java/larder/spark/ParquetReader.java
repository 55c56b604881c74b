package larder.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import larder.core.ConfigException;
import larder.core.InputException;
import larder.core.Progress;
import larder.extract.Column;
import larder.extract.ExtractResult;
import larder.extract.ParquetSource;
import larder.extract.RowStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * Reads a Parquet source with Spark (decoding runs on the executors) and streams its rows to the driver, where
 * Larder's own row checks and id dictionary take them as they take a file's: the same bad rows, the same
 * {@code max_bad_rows}, ids numbered in the order rows arrive (partitions in order, so a given set of files
 * always gives the same ids). Rows are numbered from 1 in that order for messages.
 */
final class ParquetReader {
  private ParquetReader() {}

  static ExtractResult read(SparkSession spark, String job, ParquetSource src, Progress progress) {
    Dataset<Row> df;
    try {
      df = spark.read().parquet(src.path());
    } catch (Exception e) { // Spark throws AnalysisException (checked in Java terms) for a missing or bad path
      if (!(e instanceof org.apache.spark.sql.AnalysisException)) throw e;
      throw new InputException(src.path(), 0, null, "cannot read as Parquet: " + firstLine(e.getMessage()),
          "check the path (a file or a folder of .parquet parts) and that this machine or cluster can reach it");
    }
    List<String> names = new ArrayList<>();
    List<org.apache.spark.sql.Column> cols = new ArrayList<>();
    String at = "jobs." + job + ".source.columns.";
    add(df, at, "user", src.user(), names, cols);
    add(df, at, "item", src.item(), names, cols);
    if (src.weight() != null) add(df, at, "weight", src.weight(), names, cols);
    if (src.timestamp() != null) add(df, at, "timestamp", src.timestamp(), names, cols);
    Iterator<Row> rows = df.select(cols.toArray(new org.apache.spark.sql.Column[0])).toLocalIterator();
    int width = names.size();
    Iterator<String[]> text = new Iterator<>() {
      @Override public boolean hasNext() { return rows.hasNext(); }

      @Override public String[] next() {
        Row r = rows.next();
        String[] out = new String[width];
        for (int k = 0; k < width; k++) out[k] = r.isNullAt(k) ? null : r.getString(k);
        return out;
      }
    };
    return RowStream.read(src.label(), names, text, Column.named(src.user()), Column.named(src.item()),
        src.weight() == null ? null : Column.named(src.weight()),
        src.timestamp() == null ? null : Column.named(src.timestamp()), src.options(), progress);
  }

  /** The column as text; times as epoch seconds (UTC), which Larder's time parser reads as numbers. */
  private static void add(Dataset<Row> df, String at, String role, String name, List<String> names,
      List<org.apache.spark.sql.Column> cols) {
    if (!Arrays.asList(df.columns()).contains(name)) {
      throw new ConfigException(at + role, name, "is not a column of the Parquet data",
          "its columns: " + String.join(", ", df.columns()));
    }
    DataType type = df.schema().apply(name).dataType();
    org.apache.spark.sql.Column c = functions.col(name);
    if (type.equals(DataTypes.TimestampType) || type.equals(DataTypes.DateType)
        || type.equals(DataTypes.TimestampNTZType)) {
      c = functions.unix_timestamp(c);
    }
    names.add(name);
    cols.add(c.cast(DataTypes.StringType));
  }

  private static String firstLine(String s) {
    if (s == null) return "";
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
