package larder.train.recommend.als;

import java.util.Arrays;
import larder.train.kernel.TileScorer;
import larder.train.kernel.VectorSupport;
import larder.train.recommend.ItemScorer;
import larder.train.recommend.TrainedModel;
import larder.train.recommend.UserScorer;

/**
 * Fitted ALS factors. The score of item i for user u is x_u · y_i. Factors are kept entity-major
 * ({@code x[u*f + k]}) as the solver wrote them; the item side is also laid out for the scoring kernel in
 * use, on first use: packed in chunks for the Vector API kernel, or factor-major ({@code yT[k][i]}) for the
 * plain-Java one, which streams contiguous floats per factor.
 */
public final class AlsModel implements TrainedModel {
  /** Users scored together by the kernel: each item factor is loaded once for this many users. */
  static final int KERNEL_USERS = 4;
  /** Items per tile: rank × TILE floats of yT stay in L2 while every user of a block passes over them. */
  static final int TILE = 1024;
  /**
   * Whether the JVM compiles Math.fma to the hardware instruction. Without it Math.fma falls back to
   * exact software arithmetic, orders of magnitude slower, so the kernel keeps plain multiply-adds.
   */
  static final boolean FMA = VectorSupport.fmaIsIntrinsic();

  private final int users;
  private final int items;
  private final int factors;
  private final float[] x;
  private final float[] y;
  private final double[] lossHistory;
  private final double regularizationScale;
  /** Item factors laid out for a kernel, made on first use: one scoring path needs only one of them. */
  private volatile float[][] yT;
  private volatile float[] packed;
  private volatile float[][] unitT;

  AlsModel(int users, int items, int factors, float[] x, float[] y, double[] lossHistory, double regularizationScale) {
    this.users = users;
    this.items = items;
    this.factors = factors;
    this.x = x;
    this.y = y;
    this.lossHistory = lossHistory;
    this.regularizationScale = regularizationScale;
  }

  /** A model from given factors (entity-major, {@code users × factors} and {@code items × factors}). */
  public static AlsModel of(int users, int items, int factors, float[] userFactors, float[] itemFactors) {
    return of(users, items, factors, userFactors, itemFactors, Double.NaN);
  }

  /**
   * A model from given factors, trained on data whose {@link AlsParams#regularizationScale} was
   * {@code regularizationScale} (NaN when not known: such a model cannot fold users in with weighted λ).
   */
  public static AlsModel of(int users, int items, int factors, float[] userFactors, float[] itemFactors,
      double regularizationScale) {
    if (userFactors.length != (long) users * factors || itemFactors.length != (long) items * factors) {
      throw new IllegalArgumentException("factor arrays do not match " + users + " users, " + items + " items, "
          + factors + " factors");
    }
    return new AlsModel(users, items, factors, userFactors.clone(), itemFactors.clone(), new double[0],
        regularizationScale);
  }

  /** The training data's {@link AlsParams#regularizationScale}, what a fold-in needs for weighted λ; NaN if unknown. */
  public double regularizationScale() { return regularizationScale; }

  @Override public int userCount() { return users; }
  @Override public int itemCount() { return items; }
  public int factors() { return factors; }

  /** The weighted training loss after each iteration (per unit of weight), first to last. */
  public double[] lossHistory() { return lossHistory.clone(); }

  /** A copy of user u's factor vector. */
  public float[] userVector(int u) { return Arrays.copyOfRange(x, u * factors, u * factors + factors); }

  /** A copy of item i's factor vector. */
  public float[] itemVector(int i) { return Arrays.copyOfRange(y, i * factors, i * factors + factors); }

  /** Entity-major copies of all factors, for saving or inspection. */
  public float[] userFactors() { return x.clone(); }

  public float[] itemFactors() { return y.clone(); }

  @Override public int preferredBlock() { return 64; }

  /**
   * The Vector API kernel ({@link VectorScorer}) where {@link VectorSupport#enabled()}, else the
   * auto-vectorised {@link BlockedScorer}; both hand out tiles for fused top-N selection.
   */
  @Override
  public UserScorer newUserScorer() {
    if (VectorSupport.enabled()) {
      float[] p = packed;
      if (p == null) {
        VectorScorer.warmUp();
        packed = p = VectorScorer.pack(y, items, factors);
      }
      return new VectorScorer(items, factors, x, p);
    }
    return scalarScorer();
  }

  /** The auto-vectorised kernel, whatever {@link VectorSupport} allows: the fallback, kept testable. */
  UserScorer scalarScorer() {
    float[][] t = yT;
    if (t == null) yT = t = transpose(y, items, factors);
    return new BlockedScorer(t);
  }

  /** Cosine similarity between item factor vectors, normalised once on first use. */
  @Override
  public ItemScorer newItemScorer() {
    float[][] t = unitT;
    if (t == null) {
      float[] unit = y.clone();
      for (int i = 0; i < items; i++) {
        double n = 0;
        for (int k = 0; k < factors; k++) n += (double) unit[i * factors + k] * unit[i * factors + k];
        float inv = n > 0 ? (float) (1 / Math.sqrt(n)) : 0f;
        for (int k = 0; k < factors; k++) unit[i * factors + k] *= inv;
      }
      unitT = t = transpose(unit, items, factors);
    }
    float[][] ut = t;
    return (item, out) -> {
      Arrays.fill(out, 0, items, 0f);
      for (int k = 0; k < factors; k++) {
        float a = ut[k][item];
        float[] row = ut[k];
        for (int i = 0; i < items; i++) out[i] += a * row[i];
      }
    };
  }

  /** The obvious scorer, one dot product per (user, item): the oracle for {@link BlockedScorer}. */
  UserScorer naiveScorer() {
    return (us, count, out) -> {
      for (int j = 0; j < count; j++) {
        int xo = us[j] * factors;
        for (int i = 0; i < items; i++) {
          float s = 0;
          for (int k = 0; k < factors; k++) s += x[xo + k] * y[i * factors + k];
          out[j * items + i] = s;
        }
      }
    };
  }

  private static float[][] transpose(float[] m, int rows, int f) {
    float[][] t = new float[f][rows];
    for (int r = 0; r < rows; r++) {
      for (int k = 0; k < f; k++) t[k][r] = m[r * f + k];
    }
    return t;
  }

  /**
   * Cache-blocked scoring. Items are cut into tiles of {@value #TILE}; a tile of every factor row of yT
   * (rank × TILE floats, 256 KiB at rank 64, within a 1 MiB L2) stays in L2 while all users of the block pass over it,
   * {@value #KERNEL_USERS} at a time, instead of streaming all of yT from L3 once per four users. Where the
   * CPU has FMA, each pass applies two factors with fused multiply-adds, halving accumulator traffic;
   * in JMH (larder-bench ScoringKernelBench, JDK 17, one thread) that ran at 59-85 GFLOP/s against 46 for
   * one factor per pass. The unfused {@code r0[i] += a0*ya[i] + b0*yb[i]} and four factors per pass were
   * not vectorised by C2 and ran at 14-15. The accumulators are four separate full-length rows indexed by the same
   * i as yT[k]: C2's vectoriser (JDK 17) gives up when array references carry different loop-invariant
   * offsets, as a flat {@code out[j*items + i]} or a tile-relative index would.
   * As a {@link TileScorer} it hands each user's tile to the consumer right after the kernel wrote it, so
   * top-N selection reads it from L1. Tiles of 1,024 beat 512 (JMH 93-96 vs 81-88 GFLOP/s, end-to-end top-10
   * 141-144 vs 126-132 best-of-3) and 2,048 fell to 40-80 end-to-end; the block size (64, 128, 256 users)
   * made no difference within the noise, so it stays at 64 to balance threads on small runs.
   */
  private final class BlockedScorer implements UserScorer, TileScorer {
    private final float[][] yT;
    private final float[] c0 = new float[items];
    private final float[] c1 = new float[items];
    private final float[] c2 = new float[items];
    private final float[] c3 = new float[items];
    private float[][] xs = new float[0][];

    BlockedScorer(float[][] yT) {
      this.yT = yT;
    }

    @Override
    public void score(int[] us, int count, float[] out) {
      scoreTiles(us, count, (j, scores, from, to) -> System.arraycopy(scores, from, out, j * items + from, to - from));
    }

    @Override
    public void scoreTiles(int[] us, int count, TileConsumer consumer) {
      int groups = (count + KERNEL_USERS - 1) / KERNEL_USERS;
      if (xs.length < groups * KERNEL_USERS) {
        xs = new float[groups * KERNEL_USERS][factors];
      }
      for (int j = 0; j < groups * KERNEL_USERS; j++) {
        if (j < count) System.arraycopy(x, us[j] * factors, xs[j], 0, factors);
        else Arrays.fill(xs[j], 0f);
      }
      float[][] rows = {c0, c1, c2, c3};
      for (int t0 = 0; t0 < items; t0 += TILE) {
        int end = Math.min(items, t0 + TILE);
        for (int g = 0; g < groups; g++) {
          int j0 = g * KERNEL_USERS;
          kernel(xs[j0], xs[j0 + 1], xs[j0 + 2], xs[j0 + 3], t0, end);
          for (int j = 0, n = Math.min(KERNEL_USERS, count - j0); j < n; j++) {
            consumer.accept(j0 + j, rows[j], t0, end);
          }
        }
      }
    }

    private void kernel(float[] x0, float[] x1, float[] x2, float[] x3, int t0, int end) {
      float[] r0 = c0, r1 = c1, r2 = c2, r3 = c3;
      Arrays.fill(r0, t0, end, 0f);
      Arrays.fill(r1, t0, end, 0f);
      Arrays.fill(r2, t0, end, 0f);
      Arrays.fill(r3, t0, end, 0f);
      int k = 0;
      if (FMA) {
        // Two factors per pass with fused multiply-adds: half the accumulator loads and stores per flop.
        for (; k + 1 < factors; k += 2) {
          float a0 = x0[k], a1 = x1[k], a2 = x2[k], a3 = x3[k];
          float b0 = x0[k + 1], b1 = x1[k + 1], b2 = x2[k + 1], b3 = x3[k + 1];
          float[] ya = yT[k], yb = yT[k + 1];
          for (int i = t0; i < end; i++) {
            float v = ya[i], w = yb[i];
            r0[i] = Math.fma(b0, w, Math.fma(a0, v, r0[i]));
            r1[i] = Math.fma(b1, w, Math.fma(a1, v, r1[i]));
            r2[i] = Math.fma(b2, w, Math.fma(a2, v, r2[i]));
            r3[i] = Math.fma(b3, w, Math.fma(a3, v, r3[i]));
          }
        }
      }
      for (; k < factors; k++) {
        float a0 = x0[k], a1 = x1[k], a2 = x2[k], a3 = x3[k];
        float[] yk = yT[k];
        for (int i = t0; i < end; i++) {
          float v = yk[i];
          r0[i] += a0 * v;
          r1[i] += a1 * v;
          r2[i] += a2 * v;
          r3[i] += a3 * v;
        }
      }
    }
  }
}
