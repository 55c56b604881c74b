package larder.serve;

import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import larder.core.BatchInfo;
import larder.core.BatchKind;
import larder.store.Store;

/**
 * A sample of a segments job's current customers with their recency and spend, e.g. to plot: at most {@code max},
 * the same ones on every read and across batches (the customers whose ids hash lowest), so a chart does not
 * reshuffle on reload and a customer who stays in the sample can be followed from batch to batch. Streams the
 * batch's rows once, keeping only the sample in memory.
 */
public final class CustomerSample {
  private static final int FETCH = 10_000;

  /** One sampled customer; recency and monetary are null when the job clustered a feature table. */
  public record Point(String customerId, int segmentId, Double recencyDays, Double monetary) {}

  /**
   * @param customers every customer of the batch; {@code points} are at most the sample size of them
   * @param points ordered by segment, then customer id
   */
  public record Sample(String job, long batchId, long customers, List<Point> points) {}

  private record Hashed(long hash, Point point) {}

  private final Store store;

  public CustomerSample(Store store) {
    this.store = store;
  }

  /** @throws larder.core.NotFoundException when the job has no current segments batch */
  public Sample read(String job, int max) {
    if (max < 1) throw new IllegalArgumentException("sample size " + max);
    return store.read("sample the customers of job '" + job + "'", c -> {
      BatchInfo b = Current.of(c, store.dialect(), job, BatchKind.SEGMENTS);
      // the max lowest hashes: a max-heap whose head is the first to go
      PriorityQueue<Hashed> kept = new PriorityQueue<>(max + 1,
          Comparator.comparingLong(Hashed::hash).thenComparing(h -> h.point().customerId()).reversed());
      long n = 0;
      try (PreparedStatement ps = c.prepareStatement("SELECT customer_id, segment_id, recency_days, monetary"
          + " FROM larder_segment_rows WHERE batch_id = ?")) {
        ps.setFetchSize(FETCH);
        ps.setLong(1, b.id());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            n++;
            String id = rs.getString(1);
            long h = hash(id);
            if (kept.size() == max && h > kept.peek().hash()) continue;
            double r = rs.getDouble(3);
            Double recency = rs.wasNull() ? null : r;
            double m = rs.getDouble(4);
            Double monetary = rs.wasNull() ? null : Figures.money(m);
            kept.add(new Hashed(h, new Point(id, rs.getInt(2), recency, monetary)));
            if (kept.size() > max) kept.poll();
          }
        }
      }
      List<Point> points = new ArrayList<>(kept.size());
      for (Hashed h : kept) points.add(h.point());
      points.sort(Comparator.comparingInt(Point::segmentId).thenComparing(Point::customerId));
      return new Sample(job, b.id(), n, points);
    });
  }

  /** FNV-1a over the id's UTF-8 bytes, then a 64-bit finaliser: ids like c1, c2, ... spread evenly. */
  static long hash(String id) {
    long h = 0xcbf29ce484222325L;
    for (byte x : id.getBytes(StandardCharsets.UTF_8)) {
      h ^= x & 0xff;
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    return h ^ (h >>> 33);
  }
}
