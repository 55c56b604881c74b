package larder.jobs.damage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import larder.core.InputException;
import larder.core.LarderException;
import larder.core.Progress;
import larder.generate.CustomerParams;
import larder.generate.ShopParams;
import larder.generate.SyntheticCustomers;
import larder.generate.SyntheticShop;
import larder.jobs.config.JobConfig;
import larder.jobs.config.YamlConfig;
import larder.jobs.run.JobRunner;
import larder.publish.Publisher;
import larder.store.Store;
import larder.testkit.ServingSnapshot;
import larder.testkit.TestStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Damaged input never replaces a good batch. For a recommendations, a segments and an import job: a good batch
 * is published from a small generated file, then the same job runs on a damaged copy of it, one defect at a
 * time. Each run must fail with exit code 3 (bad input), a message naming the file, the line and the field, and
 * leave what the job serves byte for byte as it was. One contract, run by a subclass per store.
 */
abstract class DamagedInputContract {
  /** The damaged data row (0-based): far enough in that a lenient reader would have kept rows before it. */
  static final int ROW = 1_500;
  /** Rows read before the file is cut short in the "truncated while read" case: when progress is reported. */
  static final long CUT_AFTER = 100_000;

  /** A job kind, its file and the columns the damage goes into. */
  enum Kind {
    RECOMMENDATIONS("events.csv", "user_id", "timestamp", "order_id", """
        jobs:
          job:
            source: { file: events.csv, columns: { user: user_id, item: item_id, weight: quantity, timestamp: timestamp } }
            model: { type: popularity, count: weight }
            top_n: 5
        """),
    SEGMENTS("customers.csv", "customer_id", "timestamp", "order_id", """
        jobs:
          job:
            type: segments
            source: { file: customers.csv, columns: { customer: customer_id, timestamp: timestamp, amount: amount } }
            method: rfm
        """),
    IMPORT("scores.csv", "entity_id", null, "note", """
        jobs:
          job:
            type: import
            source: { file: scores.csv, columns: { entity: entity_id, score: score, label: label } }
        """);

    final String file;
    final String id;
    final String time;
    final String unused;
    final String yaml;

    Kind(String file, String id, String time, String unused, String yaml) {
      this.file = file;
      this.id = id;
      this.time = time;
      this.unused = unused;
      this.yaml = yaml;
    }
  }

  /** Stands for a byte that is not UTF-8 (0xE9, Latin-1 'é') until the file is written. */
  static final char NOT_UTF8 = '\uE000';

  /** One defect: which column it damages and how, or the file cut short while it is read. */
  enum Defect {
    QUOTE_OPENED_IN_A_USED_COLUMN(false, v -> "\"" + v),
    QUOTE_OPENED_IN_AN_UNUSED_COLUMN(false, v -> "\"" + v),
    QUOTE_CLOSED_TEN_LINES_LATER(false, v -> "\"" + v),
    TEXT_AFTER_A_CLOSING_QUOTE(false, v -> "\"ab\"c"),
    MILLISECOND_EPOCH(true, v -> "1712345678000"),
    LAST_SECOND_OF_9999_WITH_OFFSET(true, v -> "9999-12-31T23:59:59+00:00"),
    LAST_SECOND_OF_9999_AS_EPOCH(true, v -> "253402300799"),
    BEFORE_1970(true, v -> "1969-07-20"),
    INVALID_UTF8(false, v -> v + NOT_UTF8),
    NUL_IN_AN_ID(false, v -> v + "\u0000x"),
    OVER_LONG_ID(false, v -> v + "x".repeat(600)),
    TRUNCATED_WHILE_READ(false, null),
    GZIP_CUT_SHORT(false, null);

    final boolean time;
    final UnaryOperator<String> damage;

    Defect(boolean time, UnaryOperator<String> damage) {
      this.time = time;
      this.damage = damage;
    }

    /** The column this defect damages in a file of {@code kind}, or null when it does not apply. */
    String column(Kind kind) {
      if (damage == null) return null;
      if (time) return kind.time;
      return this == QUOTE_OPENED_IN_AN_UNUSED_COLUMN ? kind.unused : kind.id;
    }

    boolean appliesTo(Kind kind) {
      return damage == null || column(kind) != null;
    }
  }

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (Kind k : Kind.values()) for (Defect d : Defect.values()) if (d.appliesTo(k)) out.add(Arguments.of(k, d));
    return out.stream();
  }

  @TempDir static Path shared;
  @TempDir Path dir;
  TestStore db;
  Store store;
  JobRunner runner;
  /** The file the next read cuts short after {@link #CUT_AFTER} rows, or null. */
  volatile Path cut;

  /** A fresh, empty store for each test, removed after it. */
  abstract TestStore newStore();

  @BeforeAll
  static void generate() throws IOException {
    new SyntheticShop(ShopParams.of(300, 80, 3_000, 7L)).writeCsv(shared.resolve("events.csv"), Progress.NONE);
    new SyntheticCustomers(CustomerParams.of(300, 7L)).writeCsv(shared.resolve("customers.csv"), Progress.NONE);
    Files.writeString(shared.resolve("scores.csv"), scores(0, 3_000));
  }

  /** Scores of entities {@code from..to}, with a label and a column the job does not read. */
  static String scores(int from, int to) {
    Random rnd = new Random(from);
    StringBuilder s = new StringBuilder(from == 0 ? "entity_id,score,label,note\n" : "");
    for (int k = from; k < to; k++) {
      double p = rnd.nextInt(1000) / 1000.0;
      s.append('e').append(k).append(',').append(p).append(',').append(p > 0.5 ? "high" : "low").append(",n")
          .append(k % 9).append('\n');
    }
    return s.toString();
  }

  @BeforeEach
  void open() {
    db = newStore();
    store = db.open(Store::open);
    Progress cutter = (phase, done, total, unit) -> {
      Path f = cut;
      if (f == null || !phase.equals("read") || done != CUT_AFTER) return;
      cut = null;
      try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
        raf.setLength(0); // as `: > file` does
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
    runner = new JobRunner(new Publisher(store), cutter, (job, message) -> {});
  }

  @AfterEach
  void close() {
    if (db != null) db.close();
  }

  JobConfig job(Kind kind) {
    return YamlConfig.job(dir.resolve("larder.yaml"), kind.yaml, "job");
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("cases")
  void damagedInputFailsWithItsPlaceAndLeavesTheServingBatch(Kind kind, Defect defect) throws IOException {
    Path file = dir.resolve(kind.file);
    Files.copy(shared.resolve(kind.file), file);
    runner.run(job(kind));
    ServingSnapshot before = ServingSnapshot.of(db.location(), "job");
    assertThat(before.rows()).isPositive();

    long line = -1;
    String field = null;
    if (defect == Defect.TRUNCATED_WHILE_READ) {
      writeLarge(kind, file);
      cut = file;
    } else if (defect == Defect.GZIP_CUT_SHORT) {
      ByteArrayOutputStream gz = new ByteArrayOutputStream();
      try (var out = new java.util.zip.GZIPOutputStream(gz)) {
        out.write(Files.readAllBytes(file));
      }
      byte[] all = gz.toByteArray();
      Files.write(file, Arrays.copyOf(all, all.length / 2)); // gzip is found by its content, whatever the name
    } else {
      List<String> lines = new ArrayList<>(Arrays.asList(Files.readString(file).split("\n")));
      List<String> header = Arrays.asList(lines.get(0).split(","));
      field = defect.column(kind);
      int col = header.indexOf(field);
      assertThat(col).as(field).isNotNegative();
      line = ROW + 2; // the header is line 1
      damage(lines, ROW + 1, col, defect.damage);
      if (defect == Defect.QUOTE_CLOSED_TEN_LINES_LATER) damage(lines, ROW + 11, col, v -> v + "\"");
      write(file, lines);
    }

    JobConfig job = job(kind);
    long damagedLine = line;
    String damagedField = field;
    assertThatThrownBy(() -> runner.run(job)).isInstanceOfSatisfying(LarderException.class, e -> {
      assertThat(e.exitCode()).as(e.getMessage()).isEqualTo(3);
      assertThat(e).isInstanceOf(InputException.class);
      InputException in = (InputException) e;
      assertThat(e.getMessage()).contains(kind.file);
      if (damagedLine > 0) {
        assertThat(in.line()).as(e.getMessage()).isEqualTo(damagedLine);
        assertThat(in.field()).as(e.getMessage()).isEqualTo(damagedField);
        assertThat(e.getMessage()).contains(kind.file + ":" + damagedLine + ": field '" + damagedField + "': ");
      } else if (defect == Defect.TRUNCATED_WHILE_READ) {
        assertThat(in.line()).as(e.getMessage()).isGreaterThanOrEqualTo(CUT_AFTER);
        assertThat(e.getMessage()).contains(":" + in.line() + ": changed while it was read");
      } else {
        assertThat(in.line()).as(e.getMessage()).isPositive();
        assertThat(e.getMessage()).contains(":" + in.line() + ": the gzip data ends early: the file is truncated");
      }
    });
    assertThat(ServingSnapshot.of(db.location(), "job")).isEqualTo(before);
  }

  /** Replaces field {@code col} of line {@code index} by what {@code how} makes of it. */
  static void damage(List<String> lines, int index, int col, UnaryOperator<String> how) {
    String[] f = lines.get(index).split(",", -1);
    f[col] = how.apply(f[col]);
    lines.set(index, String.join(",", f));
  }

  static void write(Path file, List<String> lines) throws IOException {
    byte[] utf8 = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
    byte[] marker = String.valueOf(NOT_UTF8).getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(utf8.length);
    for (int k = 0; k < utf8.length; k++) {
      if (k + marker.length <= utf8.length && Arrays.equals(utf8, k, k + marker.length, marker, 0, marker.length)) {
        out.write(0xe9);
        k += marker.length - 1;
      } else {
        out.write(utf8[k]);
      }
    }
    Files.write(file, out.toByteArray());
  }

  /** A good file well beyond {@link #CUT_AFTER} rows, so that the cut leaves most of it unread. */
  static void writeLarge(Kind kind, Path file) throws IOException {
    if (kind == Kind.IMPORT) {
      Files.writeString(file, scores(0, 3_000) + scores(3_000, (int) (CUT_AFTER * 3 / 2))); // ids stay distinct
      return;
    }
    String text = Files.readString(file);
    int body = text.indexOf('\n') + 1;
    String rows = text.substring(body);
    StringBuilder s = new StringBuilder(text);
    while (s.length() < text.length() * 60L) s.append(rows);
    Files.writeString(file, s);
  }
}
