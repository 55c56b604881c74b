package larder.publish;

import java.nio.file.Files;
import java.nio.file.Path;
import larder.core.BatchInfo;
import larder.core.IdMap;
import larder.core.segment.SegmentAssignment;
import larder.store.Store;
import larder.testkit.PgSchema;

/**
 * Scratch measurement, not a test: publishes 1,000,000 segment rows (RFM values and scores, 8 segments)
 * on SQLite and PostgreSQL, twice each (the second publish supersedes the first, as a daily run does),
 * and prints rows/s from begin to the switch. Run: java -cp ... larder.publish.SegmentLoadRate
 */
public final class SegmentLoadRate {
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    PlantedSegments planted = new PlantedSegments(n, 8, true);
    // customer ids as real sources have them: unrelated to the order customers were first seen
    IdMap ids = new IdMap(n);
    for (int c = 0; c < n; c++) ids.intern(String.format("%016x", mix(c)));
    PlantedSegments p = new PlantedSegments(n, 8, true) {
      @Override SegmentAssignment assignment(int gen) {
        SegmentAssignment a = planted.assignment(gen);
        return new SegmentAssignment(ids, a.segment(), a.distance(), a.rfm());
      }
    };
    Path dir = Files.createTempDirectory("larder-segrate");
    try (Store s = Store.open(dir.resolve("rate.db").toString())) {
      for (int gen = 1; gen <= 2; gen++) report("sqlite", n, publish(s, p.assignment(gen), n));
    }
    if (System.getProperty("sqlite-only") != null) return;
    try (PgSchema schema = new PgSchema(); Store s = Store.open(schema.url)) {
      for (int gen = 1; gen <= 2; gen++) report("postgres", n, publish(s, p.assignment(gen), n));
    }
  }

  static long mix(long x) {
    x ^= x >>> 33;
    x *= 0xff51afd7ed558ccdL;
    x ^= x >>> 33;
    x *= 0xc4ceb9fe1a85ec53L;
    return x ^ (x >>> 33);
  }

  static void report(String what, int n, double seconds) {
    System.out.printf("%-10s %,d segment rows in %.2f s = %,.0f rows/s%n", what, n, seconds, n / seconds);
  }

  static double publish(Store s, SegmentAssignment a, int n) {
    long t0 = System.nanoTime();
    BatchInfo b;
    try (BatchWriter w = new Publisher(s).begin("rate", "segments", "test", "{}")) {
      w.writeSegments(a);
      b = w.publish(2);
    }
    if (b.rows() != n) throw new IllegalStateException("rows " + b.rows());
    return (System.nanoTime() - t0) / 1e9;
  }
}
