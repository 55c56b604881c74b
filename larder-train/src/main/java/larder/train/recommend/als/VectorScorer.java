package larder.train.recommend.als;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import larder.train.kernel.TileScorer;
import larder.train.kernel.VectorSupport;
import larder.train.recommend.UserScorer;

/**
 * Factor-model scoring ({@code x_u · y_i} for a block of users against every item) on the JDK's Vector API,
 * register-blocked as a tuned BLAS does: {@value #USERS} users × two vectors of items (32 items with
 * AVX-512) accumulate in 16 registers across every factor, so each factor costs 2 vector loads and 8
 * broadcasts for 16 fused multiply-adds, where C2's auto-vectorised loop loads and stores its accumulators
 * on every factor pass. Item factors are packed once per model into chunks of that width ({@link #pack}),
 * factor-major within a chunk, so the loads stream linearly.
 *
 * <p>Selection is fused at chunk level: after a chunk, each user's 32 scores (still in L1) are compared with
 * the consumer's {@link TileScorer.TileConsumer#floor} in two vector compares, and only a chunk holding a
 * score that could still enter the user's top-N is handed over. With a full top-10, almost every chunk is
 * rejected that way, where a scalar scan would compare every score.
 *
 * <p>Only loaded when {@link VectorSupport#enabled()} says the module is there; not thread-safe: one per thread.
 */
final class VectorScorer implements UserScorer, TileScorer {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int LANES = S.length();
  /** Items per chunk: two vectors. */
  static final int WIDTH = 2 * LANES;
  /** Users per micro-kernel: 8 × 2 accumulators plus 2 loads and a broadcast fit AVX-512's 32 registers. */
  static final int USERS = 8;
  /** Floats of packed item factors per tile: 256 KiB, which stays in L2 while a user block passes over it. */
  private static final int TILE_FLOATS = 1 << 16;
  private static final AtomicBoolean WARM = new AtomicBoolean();

  private final int items;
  private final int factors;
  private final float[] x;
  private final float[] packed;
  private final int chunks;
  /** Chunks per tile: 1,024 items at rank 64, fewer at higher ranks. */
  private final int tileChunks;
  /** One scratch row per micro-kernel user, chunk-padded. */
  private final float[][] rows;
  private float[] xs = new float[0];

  /**
   * @param x user factors, user-major ({@code x[u * factors + k]})
   * @param packed item factors as {@link #pack} laid them out
   */
  VectorScorer(int items, int factors, float[] x, float[] packed) {
    this.items = items;
    this.factors = factors;
    this.x = x;
    this.packed = packed;
    this.chunks = chunks(items);
    this.tileChunks = Math.max(1, TILE_FLOATS / (WIDTH * Math.max(1, factors)));
    this.rows = new float[USERS][chunks * WIDTH];
  }

  /**
   * Once per JVM, scores a tiny model until C2 has compiled the kernel (a batch of calls gets 200x faster than
   * the first) or for at most half a second. Until then the Vector API runs interpreted, boxing every vector: a
   * first all-user run took three times as long as the next and left most of a GiB of garbage. Returns at once
   * after the first call.
   */
  static void warmUp() {
    if (!WARM.compareAndSet(false, true)) return;
    int users = USERS, items = WIDTH + 1, factors = 2;
    float[] x = new float[users * factors];
    float[] y = new float[items * factors];
    for (int i = 0; i < x.length; i++) x[i] = (float) Math.sin(i);
    for (int i = 0; i < y.length; i++) y[i] = (float) Math.cos(i);
    VectorScorer scorer = new VectorScorer(items, factors, x, pack(y, items, factors));
    int[] us = new int[users];
    for (int u = 0; u < users; u++) us[u] = u;
    float[] sink = new float[1];
    TileConsumer consumer = (slot, scores, from, to) -> sink[0] += scores[from];
    long deadline = System.nanoTime() + 500_000_000L;
    long first = -1;
    while (System.nanoTime() < deadline) {
      long t = System.nanoTime();
      for (int r = 0; r < 200; r++) scorer.scoreTiles(us, users, consumer);
      long batch = System.nanoTime() - t;
      if (first < 0) first = batch;
      // Interpreted, then C1 (still boxing vectors, about 20x faster), then C2 (about 1,000x faster).
      else if (batch * 200 < first) break;
    }
  }

  static int chunks(int items) {
    return (items + WIDTH - 1) / WIDTH;
  }

  /**
   * Item factors (item-major, {@code y[i * factors + k]}) packed chunk by chunk: chunk c holds, factor by
   * factor, the {@value #WIDTH}-item run of factor k of items {@code c*WIDTH ..}; the last chunk is padded
   * with zeros.
   */
  static float[] pack(float[] y, int items, int factors) {
    float[] p = new float[chunks(items) * factors * WIDTH];
    for (int i = 0; i < items; i++) {
      int c = i / WIDTH;
      int o = i - c * WIDTH;
      int base = c * factors * WIDTH + o;
      for (int k = 0; k < factors; k++) p[base + k * WIDTH] = y[i * factors + k];
    }
    return p;
  }

  @Override
  public void score(int[] us, int count, float[] out) {
    scoreTiles(us, count, (j, scores, from, to) -> System.arraycopy(scores, from, out, j * items + from, to - from));
  }

  @Override
  public void scoreTiles(int[] us, int count, TileConsumer consumer) {
    int groups = (count + USERS - 1) / USERS;
    int need = groups * USERS * factors;
    if (xs.length < need) xs = new float[need];
    for (int j = 0; j < groups * USERS; j++) {
      if (j < count) System.arraycopy(x, us[j] * factors, xs, j * factors, factors);
      else Arrays.fill(xs, j * factors, (j + 1) * factors, 0f);
    }
    for (int c0 = 0; c0 < chunks; c0 += tileChunks) {
      int c1 = Math.min(chunks, c0 + tileChunks);
      for (int g = 0; g < groups; g++) {
        int slot = g * USERS;
        micro(g * USERS * factors, slot, Math.min(USERS, count - slot), c0, c1, consumer);
      }
    }
  }

  /** Users {@code slot .. slot+n-1} (factors at {@code xs[xo ..]}, padded to {@value #USERS}) over chunks c0..c1-1. */
  private void micro(int xo, int slot, int n, int c0, int c1, TileConsumer consumer) {
    final float[] p = packed;
    final float[] xv = xs;
    final int f = factors;
    final float[] r0 = rows[0], r1 = rows[1], r2 = rows[2], r3 = rows[3];
    final float[] r4 = rows[4], r5 = rows[5], r6 = rows[6], r7 = rows[7];
    for (int c = c0; c < c1; c++) {
      FloatVector a0 = FloatVector.zero(S), a1 = a0, b0 = a0, b1 = a0, d0 = a0, d1 = a0, e0 = a0, e1 = a0;
      FloatVector g0 = a0, g1 = a0, h0 = a0, h1 = a0, m0 = a0, m1 = a0, q0 = a0, q1 = a0;
      int at = c * f * WIDTH;
      for (int k = 0; k < f; k++, at += WIDTH) {
        FloatVector y0 = FloatVector.fromArray(S, p, at);
        FloatVector y1 = FloatVector.fromArray(S, p, at + LANES);
        int xk = xo + k;
        FloatVector v = FloatVector.broadcast(S, xv[xk]);
        a0 = y0.fma(v, a0);
        a1 = y1.fma(v, a1);
        v = FloatVector.broadcast(S, xv[xk + f]);
        b0 = y0.fma(v, b0);
        b1 = y1.fma(v, b1);
        v = FloatVector.broadcast(S, xv[xk + 2 * f]);
        d0 = y0.fma(v, d0);
        d1 = y1.fma(v, d1);
        v = FloatVector.broadcast(S, xv[xk + 3 * f]);
        e0 = y0.fma(v, e0);
        e1 = y1.fma(v, e1);
        v = FloatVector.broadcast(S, xv[xk + 4 * f]);
        g0 = y0.fma(v, g0);
        g1 = y1.fma(v, g1);
        v = FloatVector.broadcast(S, xv[xk + 5 * f]);
        h0 = y0.fma(v, h0);
        h1 = y1.fma(v, h1);
        v = FloatVector.broadcast(S, xv[xk + 6 * f]);
        m0 = y0.fma(v, m0);
        m1 = y1.fma(v, m1);
        v = FloatVector.broadcast(S, xv[xk + 7 * f]);
        q0 = y0.fma(v, q0);
        q1 = y1.fma(v, q1);
      }
      int from = c * WIDTH;
      int hi = from + LANES;
      // Out of registers into the users' rows (L1), then the floor check from there: passing vectors to a
      // method C2 does not inline would box them.
      a0.intoArray(r0, from);
      a1.intoArray(r0, hi);
      b0.intoArray(r1, from);
      b1.intoArray(r1, hi);
      d0.intoArray(r2, from);
      d1.intoArray(r2, hi);
      e0.intoArray(r3, from);
      e1.intoArray(r3, hi);
      g0.intoArray(r4, from);
      g1.intoArray(r4, hi);
      h0.intoArray(r5, from);
      h1.intoArray(r5, hi);
      m0.intoArray(r6, from);
      m1.intoArray(r6, hi);
      q0.intoArray(r7, from);
      q1.intoArray(r7, hi);
      int to = Math.min(items, from + WIDTH);
      for (int u = 0; u < n; u++) {
        float[] row = rows[u];
        float floor = consumer.floor(slot + u);
        // Two compares, not one of max(lo, hi): max would let a NaN in one half hide a real score in the other.
        if (FloatVector.fromArray(S, row, from).compare(VectorOperators.GE, floor)
            .or(FloatVector.fromArray(S, row, hi).compare(VectorOperators.GE, floor)).anyTrue()) {
          consumer.accept(slot + u, row, from, to);
        }
      }
    }
  }
}
