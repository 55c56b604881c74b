package larder.jobs.config;

import java.nio.file.Path;
import larder.core.ConfigException;
import larder.extract.Column;
import larder.extract.CsvSource;
import larder.extract.CsvSpec;
import larder.extract.InteractionSource;
import larder.extract.ListSource;
import larder.extract.ListSpec;
import larder.extract.ParquetSource;
import larder.extract.ScoreSource;
import larder.extract.ScoreSpec;
import larder.extract.JdbcSource;
import larder.extract.JdbcSpec;
import larder.extract.ReadOptions;
import larder.extract.FeatureSpec;
import larder.extract.TableFeatureSource;
import larder.extract.TableTransactionSource;
import larder.extract.TransactionSpec;
import larder.extract.formats.KnownLayout;
import larder.extract.formats.TimeWindow;
import larder.extract.formats.TransactionLayout;
import larder.extract.table.DelimitedFile;
import larder.extract.table.JdbcQuery;
import larder.extract.table.TableInput;
import java.util.List;

/**
 * Reads a job's {@code source:} mapping: a file ({@code file:}) or a SQL query ({@code sql:} with
 * {@code url:}). Relative file paths are resolved against the config file's folder.
 */
final class SourceConfigs {
  private SourceConfigs() {}

  static InteractionSource parse(ConfigNode n, Path baseDir) {
    boolean file = n.has("file");
    boolean sql = n.has("sql");
    boolean parquet = n.has("parquet");
    if ((file ? 1 : 0) + (sql ? 1 : 0) + (parquet ? 1 : 0) != 1) {
      throw new ConfigException(n.path(), null, "give one of 'file:' (CSV/TSV), 'sql:' with 'url:' (JDBC)"
          + " or 'parquet:' (engine: spark)");
    }
    try {
      if (parquet) return parquet(n, baseDir);
      return file ? csv(n, baseDir) : jdbc(n);
    } catch (ConfigException e) {
      if (e.key().startsWith("jobs.")) throw e;
      throw ConfigException.of(n.path(), e.getMessage(), e.hint(), e); // name the whole path, not just "delimiter"
    }
  }

  private static InteractionSource csv(ConfigNode n, Path baseDir) {
    Path path = baseDir.resolve(n.string("file"));
    String format = n.string("format", "csv").toLowerCase(java.util.Locale.ROOT);
    CsvSpec spec = switch (format) {
      case "csv" -> new CsvSpec(path, ',', true, Column.named("user_id"), Column.named("item_id"), null, null, null);
      case "tsv" -> new CsvSpec(path, '\t', true, Column.named("user_id"), Column.named("item_id"), null, null, null);
      case "whitespace" -> new CsvSpec(path, CsvSpec.WHITESPACE, false, Column.at(1), Column.at(2), null, null, null);
      default -> KnownLayout.of(format).spec(path);
    };
    if (n.has("delimiter")) spec = spec.withDelimiter(CsvSpec.delimiter(n.string("delimiter")));
    boolean header = n.bool("header", spec.header());
    ConfigNode cols = n.childOrNull("columns");
    if (cols != null || header != spec.header()) {
      Column user = spec.user(), item = spec.item(), weight = spec.weight(), time = spec.timestamp();
      if (cols != null) {
        user = column(cols, "user", user);
        item = column(cols, "item", item);
        weight = column(cols, "weight", weight);
        time = column(cols, "timestamp", time);
        cols.finish();
      }
      spec = new CsvSpec(path, spec.delimiter(), header, user, item, weight, time, spec.options());
    }
    spec = spec.withOptions(options(n));
    n.finish();
    return new CsvSource(spec);
  }

  /** Column names only (Parquet has no positions worth naming); defaults user_id and item_id as for CSV. */
  private static InteractionSource parquet(ConfigNode n, Path baseDir) {
    String path = n.string("parquet");
    // A URI (hdfs://, s3a://, file:) is Spark's to resolve; a plain path is relative to the config, like file:.
    if (!path.matches("^[A-Za-z][A-Za-z0-9+.-]*:.*")) path = baseDir.resolve(path).toString();
    String user = "user_id", item = "item_id", weight = null, time = null;
    ConfigNode cols = n.childOrNull("columns");
    if (cols != null) {
      user = cols.string("user", user);
      item = cols.string("item", item);
      weight = cols.string("weight", null);
      time = cols.string("timestamp", null);
      cols.finish();
    }
    ReadOptions options = options(n);
    n.finish();
    return new ParquetSource(path, user, item, weight, time, options);
  }

  private static InteractionSource jdbc(ConfigNode n) {
    String url = n.string("url");
    String query = n.string("sql");
    ConfigNode cols = n.child("columns");
    JdbcSpec spec = JdbcSpec.of(url, query, cols.string("user"), cols.string("item"));
    spec = spec.withWeight(column(cols, "weight", null)).withTimestamp(column(cols, "timestamp", null));
    cols.finish();
    if (n.has("username") || n.has("password")) spec = spec.withCredentials(n.string("username", null), n.string("password", null));
    spec = spec.withFetchSize(n.integer("fetch_size", JdbcSpec.DEFAULT_FETCH_SIZE));
    if (n.has("label")) spec = spec.withLabel(n.string("label"));
    spec = spec.withOptions(options(n));
    n.finish();
    return new JdbcSource(spec);
  }

  /**
   * A segmentation job's source: transactions ({@code columns: {customer, timestamp, amount, order}}) or,
   * when {@code columns.features} lists columns, a per-customer feature table. Returns one of the two.
   */
  static Object segments(ConfigNode n, Path baseDir) {
    try {
      TableInput input = tableInput(n, baseDir);
      String format = n.has("file") ? n.string("format", "csv").toLowerCase(java.util.Locale.ROOT) : "csv";
      ConfigNode cols = n.childOrNull("columns");
      long maxBad = n.longValue("max_bad_rows", 0);
      Object source;
      if (cols != null && cols.has("features")) {
        List<Column> features = new java.util.ArrayList<>();
        for (String f : cols.strings("features")) features.add(Column.parse(f));
        Column customer = column(cols, "customer", Column.named("customer_id"));
        cols.finish();
        source = new TableFeatureSource(new FeatureSpec(input, customer, features, maxBad));
      } else {
        // Columns are settled first and the spec built once: a spec checks its columns against the input,
        // and the named defaults cannot be found in a file without a header.
        TransactionSpec preset = isPresetFormat(format) ? TransactionSpec.preset(format, ((DelimitedFile) input).path()) : null;
        Column customer = preset != null ? preset.customer() : Column.named("customer_id");
        Column time = preset != null ? preset.timestamp() : Column.named("timestamp");
        Column amount = preset != null ? preset.amount() : Column.named("amount");
        Column order = preset != null ? preset.order() : null;
        if (cols != null) {
          customer = column(cols, "customer", customer);
          time = column(cols, "timestamp", time);
          amount = column(cols, "amount", amount);
          order = column(cols, "order", order);
          cols.finish();
        }
        TransactionSpec spec = new TransactionSpec(input, customer, time, amount, order, maxBad, timeWindow(n));
        source = new TableTransactionSource(spec);
      }
      n.finish();
      return source;
    } catch (ConfigException e) {
      if (e.key().startsWith("jobs.")) throw e;
      throw ConfigException.of(n.path(), e.getMessage(), e.hint(), e);
    }
  }

  /**
   * An import job's source: per-entity scores ({@code columns: {entity, score, label}}, defaults entity_id,
   * score, no label) or, for {@code kind: recommendations}, per-user lists ({@code columns: {user, item,
   * score, rank}}, defaults user_id, item_id, score, no rank). Returns a ScoreSource or a ListSource.
   */
  static Object imports(ConfigNode n, Path baseDir, boolean lists) {
    try {
      TableInput input = tableInput(n, baseDir);
      ConfigNode cols = n.childOrNull("columns");
      long maxBad = n.longValue("max_bad_rows", 0);
      Object source;
      if (lists) {
        Column user = Column.named("user_id"), item = Column.named("item_id"), score = Column.named("score"), rank = null;
        if (cols != null) {
          user = column(cols, "user", user);
          item = column(cols, "item", item);
          rank = column(cols, "rank", null);
          // a rank alone orders the lists; the score column is then only read when named
          score = column(cols, "score", rank != null ? null : score);
          cols.finish();
        }
        source = new ListSource(new ListSpec(input, user, item, score, rank, maxBad));
      } else {
        Column entity = Column.named("entity_id"), score = Column.named("score"), label = null;
        if (cols != null) {
          entity = column(cols, "entity", entity);
          score = column(cols, "score", score);
          label = column(cols, "label", null);
          cols.finish();
        }
        source = new ScoreSource(new ScoreSpec(input, entity, score, label, maxBad));
      }
      n.finish();
      return source;
    } catch (ConfigException e) {
      if (e.key().startsWith("jobs.")) throw e;
      throw ConfigException.of(n.path(), e.getMessage(), e.hint(), e);
    }
  }

  private static boolean isPresetFormat(String format) {
    return !format.equals("csv") && !format.equals("tsv") && !format.equals("whitespace");
  }

  /** The file ({@code file:}, {@code format:}, {@code delimiter:}, {@code header:}) or query a table is read from. */
  private static TableInput tableInput(ConfigNode n, Path baseDir) {
    boolean file = n.has("file");
    boolean sql = n.has("sql");
    if (file == sql) {
      throw new ConfigException(n.path(), null, "give either 'file:' (CSV/TSV) or 'sql:' with 'url:' (JDBC)");
    }
    if (sql) {
      JdbcQuery q = JdbcQuery.of(n.string("url"), n.string("sql"));
      if (n.has("username") || n.has("password")) q = q.withCredentials(n.string("username", null), n.string("password", null));
      q = q.withFetchSize(n.integer("fetch_size", JdbcQuery.DEFAULT_FETCH_SIZE));
      if (n.has("label")) q = q.withLabel(n.string("label"));
      return q;
    }
    Path path = baseDir.resolve(n.string("file"));
    String format = n.string("format", "csv").toLowerCase(java.util.Locale.ROOT);
    DelimitedFile f = switch (format) {
      case "csv" -> new DelimitedFile(path, ',', true);
      case "tsv" -> new DelimitedFile(path, '\t', true);
      case "whitespace" -> new DelimitedFile(path, DelimitedFile.WHITESPACE, false);
      default -> (DelimitedFile) TransactionLayout.of(format).spec(path).input();
    };
    if (n.has("delimiter")) f = f.withDelimiter(DelimitedFile.delimiter(n.string("delimiter")));
    return f.withHeader(n.bool("header", f.header()));
  }

  private static Column column(ConfigNode cols, String key, Column fallback) {
    String v = cols.column(key);
    return v == null ? fallback : Column.parse(v);
  }

  private static ReadOptions options(ConfigNode n) {
    long maxBad = n.longValue("max_bad_rows", 0);
    Double min = n.numberOrNull("min_weight");
    boolean binary = n.bool("binary", false);
    return new ReadOptions(maxBad, min == null ? Float.NEGATIVE_INFINITY : min.floatValue(), binary, timeWindow(n));
  }

  /** {@code time_window: {from, to}}: the plausible times, each a date or an instant; defaults 1970 and tomorrow. */
  private static TimeWindow timeWindow(ConfigNode n) {
    ConfigNode w = n.childOrNull("time_window");
    if (w == null) return TimeWindow.DEFAULT;
    TimeWindow window = TimeWindow.parse(w.string("from", null), w.string("to", null));
    w.finish();
    return window;
  }
}
