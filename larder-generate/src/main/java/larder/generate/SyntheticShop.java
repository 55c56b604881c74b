package larder.generate;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import larder.core.IdMap;
import larder.core.InputException;
import larder.core.Interactions;
import larder.core.Progress;
import larder.core.SparseMatrix;

/**
 * A made-up shop with planted structure, for tests and benchmarks at any scale.
 *
 * <p>Each item belongs to one taste group and has a power-law popularity {@code rank^-itemExponent}
 * (ranks shuffled, so popularity is not tied to the id) and a log-normal price. Each user has one taste
 * group and a heavy-tailed (log-normal) number of events, at least one when there are as many events as
 * users, summing to exactly {@code interactions}. An event takes, with probability {@code tasteAffinity},
 * an item of the user's own group by popularity, else one from the whole catalogue by popularity; so the
 * expected share of a user's events in their own group is {@code a + (1 - a) * groupShare}.
 *
 * <p>Events are streamed user by user (0, 1, ...), each user's timestamps increasing; events of a user on
 * the same UTC day share an order id. The whole sequence is a function of the seed: each user draws from a
 * generator seeded by (seed, user), so nothing but the small per-user/per-item tables is held in memory.
 */
public final class SyntheticShop {
  private static final long DAY = 86_400L;

  private final ShopParams p;
  private final int[] itemTaste;
  private final double[] itemWeight;
  private final long[] priceCents;
  private final int[] userTaste;
  private final long[] userEvents;
  private final AliasTable global;
  private final AliasTable[] byTaste;
  private final int[][] tasteItems;

  public SyntheticShop(ShopParams p) {
    this.p = p;
    SplittableRandom rnd = new SplittableRandom(p.seed());
    int n = p.items();
    int[] perm = permutation(n, rnd);
    itemTaste = new int[n];
    // Round robin over a shuffled order: every group gets items even when tastes == items.
    for (int k = 0; k < n; k++) itemTaste[perm[k]] = k % p.tastes();
    int[] rank = permutation(n, rnd);
    itemWeight = new double[n];
    for (int i = 0; i < n; i++) itemWeight[i] = Math.pow(rank[i] + 1.0, -p.itemExponent());
    priceCents = new long[n];
    for (int i = 0; i < n; i++) {
      double price = Math.exp(Math.log(15.0) + 0.8 * rnd.nextGaussian());
      priceCents[i] = Math.max(49, Math.round(price * 100));
    }
    global = new AliasTable(itemWeight);
    int[] groupSize = new int[p.tastes()];
    for (int t : itemTaste) groupSize[t]++;
    tasteItems = new int[p.tastes()][];
    for (int g = 0; g < p.tastes(); g++) tasteItems[g] = new int[groupSize[g]];
    int[] fill = new int[p.tastes()];
    for (int i = 0; i < n; i++) tasteItems[itemTaste[i]][fill[itemTaste[i]]++] = i;
    byTaste = new AliasTable[p.tastes()];
    for (int g = 0; g < p.tastes(); g++) {
      double[] w = new double[tasteItems[g].length];
      for (int k = 0; k < w.length; k++) w[k] = itemWeight[tasteItems[g][k]];
      byTaste[g] = new AliasTable(w);
    }
    userTaste = new int[p.users()];
    for (int u = 0; u < p.users(); u++) userTaste[u] = rnd.nextInt(p.tastes());
    userEvents = allocateEvents(p.users(), p.interactions(), rnd);
  }

  public ShopParams params() { return p; }

  /** The planted taste group of a user (0..tastes-1). */
  public int tasteOfUser(int user) { return userTaste[user]; }

  /** The planted taste group of an item (0..tastes-1). */
  public int tasteOfItem(int item) { return itemTaste[item]; }

  /** Unnormalised popularity weight of an item, {@code rank^-itemExponent}. */
  public double popularityOfItem(int item) { return itemWeight[item]; }

  /** Share of the total popularity weight held by a taste group's items. */
  public double groupShare(int taste) {
    double in = 0;
    double all = 0;
    for (int i = 0; i < itemWeight.length; i++) {
      all += itemWeight[i];
      if (itemTaste[i] == taste) in += itemWeight[i];
    }
    return in / all;
  }

  /** The fixed unit price of an item in cents. */
  public long priceCentsOfItem(int item) { return priceCents[item]; }

  /** How many events the user gets. */
  public long eventsOfUser(int user) { return userEvents[user]; }

  /** Display name of a taste group, used as the item category. */
  public String tasteName(int taste) {
    String base = Words.CATEGORIES[taste % Words.CATEGORIES.length];
    int round = taste / Words.CATEGORIES.length;
    return round == 0 ? base : base + " " + (round + 1);
  }

  /** Streams every event in a fixed order: the same seed gives the same sequence. */
  public void forEachEvent(EventConsumer c) {
    long startSec = p.start().getEpochSecond();
    long span = p.days() * DAY;
    double affinity = p.tasteAffinity();
    long[] times = new long[16];
    long orderId = 0;
    for (int u = 0; u < p.users(); u++) {
      int n = Math.toIntExact(userEvents[u]);
      if (n == 0) continue;
      SplittableRandom r = new SplittableRandom(mix(p.seed(), u));
      if (times.length < n) times = new long[Math.max(n, times.length * 2)];
      for (int i = 0; i < n; i++) times[i] = r.nextLong(span);
      Arrays.sort(times, 0, n);
      // Baskets: some events follow the previous one within minutes, so orders hold several lines.
      for (int i = 1; i < n; i++) {
        if (r.nextDouble() < 0.4) times[i] = Math.min(times[i - 1] + 30 + r.nextInt(900), span - 1);
        else times[i] = Math.max(times[i], times[i - 1]);
      }
      int g = userTaste[u];
      long lastDay = Long.MIN_VALUE;
      for (int i = 0; i < n; i++) {
        int item = r.nextDouble() < affinity ? tasteItems[g][byTaste[g].sample(r)] : global.sample(r);
        double q = r.nextDouble();
        int quantity = q < 0.8 ? 1 : q < 0.95 ? 2 : 3;
        long t = startSec + times[i];
        long day = Math.floorDiv(t, DAY);
        if (day != lastDay) {
          orderId++;
          lastDay = day;
        }
        c.accept(u, item, t, quantity, priceCents[item] * quantity / 100.0, orderId);
      }
    }
  }

  /**
   * Events aggregated per (user, item), the weight being the summed quantity. User ids are "u"+index and
   * item ids "i"+index, interned in index order so dense id == generator index and every user and item
   * exists even without events.
   */
  public Interactions interactions() {
    IdMap users = new IdMap(p.users());
    for (int u = 0; u < p.users(); u++) users.intern("u" + u);
    IdMap items = new IdMap(p.items());
    for (int i = 0; i < p.items(); i++) items.intern("i" + i);
    int[] ptr = new int[p.users() + 1];
    int cap = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(16, p.interactions()));
    int[] cols = new int[Math.min(cap, 1 << 20)];
    float[] vals = new float[cols.length];
    float[] acc = new float[p.items()];
    int[] touched = new int[p.items()];
    // Events arrive grouped by user in increasing user order, so each row is finished when the user changes.
    var st = new Object() {
      int user = -1;
      int nTouched;
      int nnz;
      int[] c = cols;
      float[] v = vals;

      void flush() {
        if (user < 0) return;
        Arrays.sort(touched, 0, nTouched);
        if (nnz + nTouched > c.length) {
          int size = Math.max(nnz + nTouched, c.length + (c.length >> 1));
          c = Arrays.copyOf(c, size);
          v = Arrays.copyOf(v, size);
        }
        for (int k = 0; k < nTouched; k++) {
          int it = touched[k];
          c[nnz] = it;
          v[nnz++] = acc[it];
          acc[it] = 0;
        }
        nTouched = 0;
      }
    };
    forEachEvent((u, item, t, q, amount, order) -> {
      if (u != st.user) {
        st.flush();
        for (int x = st.user + 1; x <= u; x++) ptr[x] = st.nnz;
        st.user = u;
      }
      if (acc[item] == 0) touched[st.nTouched++] = item;
      acc[item] += q;
    });
    st.flush();
    for (int x = st.user + 1; x <= p.users(); x++) ptr[x] = st.nnz;
    return new Interactions(users, items, new SparseMatrix(p.users(), p.items(), ptr, st.c, st.v));
  }

  /**
   * Writes every event as CSV: {@code user_id,item_id,timestamp,quantity,amount,order_id}, timestamps as
   * ISO-8601 UTC seconds; gzip when the name ends in ".gz". Reports progress every 100,000 rows.
   */
  public void writeCsv(Path out, Progress progress) {
    writeRows(out, progress, "user_id,item_id,timestamp,quantity,amount,order_id\n", false);
  }

  /**
   * Writes every event in the layout of Spark's ALS example data: {@code user,item,count} with the integer
   * generator indices and count = quantity (one row per event, not aggregated).
   */
  public void writeSparkCsv(Path out, Progress progress) {
    writeRows(out, progress, "user,item,count\n", true);
  }

  /** Writes {@code item_id,name,category,price}: made-up product names, the category being the taste group. */
  public void writeItemsCsv(Path out) {
    try (Writer w = open(out)) {
      w.write("item_id,name,category,price\n");
      SplittableRandom r = new SplittableRandom(mix(p.seed(), -1));
      StringBuilder s = new StringBuilder(64);
      for (int i = 0; i < p.items(); i++) {
        s.setLength(0);
        s.append('i').append(i).append(',')
            .append(Words.ADJECTIVES[r.nextInt(Words.ADJECTIVES.length)]).append(' ')
            .append(Words.NOUNS[r.nextInt(Words.NOUNS.length)]).append(',')
            .append(tasteName(itemTaste[i])).append(',');
        appendCents(s, priceCents[i]);
        w.append(s).append('\n');
      }
    } catch (IOException e) {
      throw writeFailed(out, e);
    }
  }

  private void writeRows(Path out, Progress progress, String header, boolean spark) {
    long startDay = Math.floorDiv(p.start().getEpochSecond(), DAY);
    String[] dayPrefix = new String[p.days() + 2];
    try (Writer w = open(out)) {
      w.write(header);
      StringBuilder s = new StringBuilder(96);
      long[] rows = {0};
      try {
        forEachEvent((u, item, t, q, amount, order) -> {
          s.setLength(0);
          if (spark) {
            s.append(u).append(',').append(item).append(',').append(q);
          } else {
            s.append('u').append(u).append(",i").append(item).append(',');
            long day = Math.floorDiv(t, DAY);
            int d = (int) (day - startDay);
            if (dayPrefix[d] == null) dayPrefix[d] = LocalDate.ofEpochDay(day) + "T";
            s.append(dayPrefix[d]);
            int sec = (int) (t - day * DAY);
            two(s, sec / 3600).append(':');
            two(s, sec / 60 % 60).append(':');
            two(s, sec % 60).append("Z,");
            s.append(q).append(',');
            appendCents(s, priceCents[item] * q);
            s.append(',').append(order);
          }
          s.append('\n');
          try {
            w.append(s);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          if (++rows[0] % 100_000 == 0) progress.update("write", rows[0], p.interactions(), "rows");
        });
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
      progress.update("write", rows[0], p.interactions(), "rows");
    } catch (IOException e) {
      throw writeFailed(out, e);
    }
  }

  private static StringBuilder two(StringBuilder s, int v) {
    if (v < 10) s.append('0');
    return s.append(v);
  }

  private static void appendCents(StringBuilder s, long cents) {
    s.append(cents / 100).append('.');
    two(s, (int) (cents % 100));
  }

  static Writer open(Path out) throws IOException {
    OutputStream os = Files.newOutputStream(out);
    if (out.getFileName().toString().endsWith(".gz")) {
      // Fastest deflate level: generated data is rewritten often, and level 6 made writing gzip-bound.
      os = new GZIPOutputStream(os, 1 << 16) {
        { def.setLevel(Deflater.BEST_SPEED); }
      };
    } else {
      os = new BufferedOutputStream(os, 1 << 16);
    }
    return new OutputStreamWriter(os, StandardCharsets.UTF_8);
  }

  static InputException writeFailed(Path out, IOException e) {
    return new InputException(out.toString(), 0, null, "cannot write: " + e.getMessage(),
        "check that the folder exists, is writable and has space", e);
  }

  private static int[] permutation(int n, SplittableRandom rnd) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) a[i] = i;
    for (int i = n - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /**
   * Events per user: log-normal activity (heavy tail), each user at least one when there are enough
   * events, and the total exactly {@code total}.
   */
  private static long[] allocateEvents(int users, long total, SplittableRandom rnd) {
    long[] count = new long[users];
    double[] w = new double[users];
    double sum = 0;
    for (int u = 0; u < users; u++) {
      w[u] = Math.exp(1.2 * rnd.nextGaussian());
      sum += w[u];
    }
    int[] order = permutation(users, rnd);
    if (total < users) {
      for (int k = 0; k < total; k++) count[order[k]] = 1;
      return count;
    }
    long rest = total - users;
    long given = 0;
    for (int u = 0; u < users; u++) {
      count[u] = 1 + (long) Math.floor(rest * (w[u] / sum));
      given += count[u] - 1;
    }
    long left = rest - given;
    // Floating rounding can leave a few over or under; settle them one by one in a seeded order.
    for (int k = 0; left > 0; k = (k + 1) % users, left--) count[order[k]]++;
    for (int k = 0; left < 0; k = (k + 1) % users) {
      if (count[order[k]] > 1) {
        count[order[k]]--;
        left++;
      }
    }
    return count;
  }

  /** SplitMix64 finaliser over (seed, stream): well-spread seeds for per-user generators. */
  static long mix(long seed, long stream) {
    long z = seed + 0x9E3779B97F4A7C15L * (stream + 1);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
