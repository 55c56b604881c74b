package larder.train.recommend.als;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import larder.core.Progress;
import larder.train.recommend.UserScorer;
import larder.train.score.TopNScoring;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The ALS user-block scoring kernel, one thread: a block of {@value #BLOCK} users against 20,000 items
 * at rank 64, as {@code TopNScoring} calls it. One "operation" is one floating-point operation
 * (2·users·items·rank per call) and the time unit is the nanosecond, so the score reads in GFLOP/s.
 * Lives in the model's package to reach the package-private oracle scorer.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ScoringKernelBench {
  static final int BLOCK = 64;
  static final int ITEMS = 20_000;
  static final int RANK = 64;
  static final int FLOPS = 2 * BLOCK * ITEMS * RANK;
  static final int USERS = 4096;

  private UserScorer blocked;
  private AlsModel model;
  private float[] x;
  private float[][] yT;
  private final int[] block = new int[BLOCK];
  private float[] out;
  private int cursor;

  @Setup
  public void setup() {
    SplittableRandom r = new SplittableRandom(1);
    x = new float[USERS * RANK];
    float[] y = new float[ITEMS * RANK];
    for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
    for (int i = 0; i < y.length; i++) y[i] = (float) r.nextGaussian();
    AlsModel model = AlsModel.of(USERS, ITEMS, RANK, x, y);
    blocked = model.newUserScorer();
    this.model = model;
    yT = new float[RANK][ITEMS];
    for (int i = 0; i < ITEMS; i++) for (int k = 0; k < RANK; k++) yT[k][i] = y[i * RANK + k];
    out = new float[BLOCK * ITEMS];
  }

  private int[] nextBlock() {
    for (int j = 0; j < BLOCK; j++) block[j] = (cursor + j) % USERS;
    cursor = (cursor + BLOCK) % USERS;
    return block;
  }

  /** The production kernel ({@code AlsModel.newUserScorer()}). */
  @Benchmark
  @OperationsPerInvocation(FLOPS)
  public float blocked() {
    blocked.score(nextBlock(), BLOCK, out);
    return out[17];
  }

  /**
   * The production kernel with top-10 selection fused into its tile loop, as {@code TopNScoring} runs it
   * (one thread, no seen items, a counting sink): the kernel-only figure above minus what selection costs.
   */
  @Benchmark
  @OperationsPerInvocation(FLOPS)
  public long blockedTop10() {
    long[] rows = new long[1];
    TopNScoring.scoreUsers(model, null, nextBlock(), 10, null, 1, (user, items, scores, n) -> rows[0] += n,
        Progress.NONE);
    return rows[0];
  }

  /** One user at a time, one axpy per factor over full rows (the simple vectorisable form). */
  @Benchmark
  @OperationsPerInvocation(FLOPS)
  public float perUserAxpy() {
    int[] us = nextBlock();
    float[] row = new float[ITEMS];
    for (int j = 0; j < BLOCK; j++) {
      java.util.Arrays.fill(row, 0f);
      int xo = us[j] * RANK;
      for (int k = 0; k < RANK; k++) {
        float a = x[xo + k];
        float[] yk = yT[k];
        for (int i = 0; i < ITEMS; i++) row[i] += a * yk[i];
      }
      System.arraycopy(row, 0, out, j * ITEMS, ITEMS);
    }
    return out[17];
  }

  private final float[] c0 = new float[ITEMS], c1 = new float[ITEMS], c2 = new float[ITEMS], c3 = new float[ITEMS];

  /** Candidate: items tiled outermost so a tile of yT stays in L2 for all users of the block; 2 factors per pass. */
  @Benchmark
  @OperationsPerInvocation(FLOPS)
  public float tiled256k2() {
    tiled(nextBlock(), 256, true, false);
    return out[17];
  }

  @Benchmark
  @OperationsPerInvocation(FLOPS)
  public float tiled512k2() {
    tiled(nextBlock(), 512, true, false);
    return out[17];
  }

  @Benchmark
  @OperationsPerInvocation(FLOPS)
  public float tiled256k1() {
    tiled(nextBlock(), 256, false, false);
    return out[17];
  }

  @Benchmark
  @OperationsPerInvocation(FLOPS)
  public float tiled256k2fma() {
    tiled(nextBlock(), 256, true, true);
    return out[17];
  }

  @Benchmark
  @OperationsPerInvocation(FLOPS)
  public float tiled128k1() {
    tiled(nextBlock(), 128, false, false);
    return out[17];
  }

  @Benchmark
  @OperationsPerInvocation(FLOPS)
  public float tiled512k1() {
    tiled(nextBlock(), 512, false, false);
    return out[17];
  }

  @Benchmark
  @OperationsPerInvocation(FLOPS)
  public float tiled256k1fma() {
    tiled(nextBlock(), 256, false, true);
    return out[17];
  }

  @Benchmark
  @OperationsPerInvocation(FLOPS)
  public float tiled256k4fma() {
    int[] us = nextBlock();
    float[] r0 = c0, r1 = c1, r2 = c2, r3 = c3;
    for (int t0 = 0; t0 < ITEMS; t0 += 256) {
      int end = Math.min(ITEMS, t0 + 256);
      for (int g = 0; g < BLOCK; g += 4) {
        int o0 = us[g] * RANK, o1 = us[g + 1] * RANK, o2 = us[g + 2] * RANK, o3 = us[g + 3] * RANK;
        java.util.Arrays.fill(r0, t0, end, 0f);
        java.util.Arrays.fill(r1, t0, end, 0f);
        java.util.Arrays.fill(r2, t0, end, 0f);
        java.util.Arrays.fill(r3, t0, end, 0f);
        for (int k = 0; k < RANK; k += 4) {
          float a0 = x[o0 + k], a1 = x[o1 + k], a2 = x[o2 + k], a3 = x[o3 + k];
          float b0 = x[o0 + k + 1], b1 = x[o1 + k + 1], b2 = x[o2 + k + 1], b3 = x[o3 + k + 1];
          float c0_ = x[o0 + k + 2], c1_ = x[o1 + k + 2], c2_ = x[o2 + k + 2], c3_ = x[o3 + k + 2];
          float d0 = x[o0 + k + 3], d1 = x[o1 + k + 3], d2 = x[o2 + k + 3], d3 = x[o3 + k + 3];
          float[] ya = yT[k], yb = yT[k + 1], yc = yT[k + 2], yd = yT[k + 3];
          for (int i = t0; i < end; i++) {
            float v = ya[i], w = yb[i], p = yc[i], q = yd[i];
            r0[i] = Math.fma(d0, q, Math.fma(c0_, p, Math.fma(b0, w, Math.fma(a0, v, r0[i]))));
            r1[i] = Math.fma(d1, q, Math.fma(c1_, p, Math.fma(b1, w, Math.fma(a1, v, r1[i]))));
            r2[i] = Math.fma(d2, q, Math.fma(c2_, p, Math.fma(b2, w, Math.fma(a2, v, r2[i]))));
            r3[i] = Math.fma(d3, q, Math.fma(c3_, p, Math.fma(b3, w, Math.fma(a3, v, r3[i]))));
          }
        }
        System.arraycopy(r0, t0, out, g * ITEMS + t0, end - t0);
        System.arraycopy(r1, t0, out, (g + 1) * ITEMS + t0, end - t0);
        System.arraycopy(r2, t0, out, (g + 2) * ITEMS + t0, end - t0);
        System.arraycopy(r3, t0, out, (g + 3) * ITEMS + t0, end - t0);
      }
    }
    return out[17];
  }

  @Benchmark
  @OperationsPerInvocation(FLOPS)
  public float tiled512k2fma() {
    tiled(nextBlock(), 512, true, true);
    return out[17];
  }

  private void tiled(int[] us, int tile, boolean k2, boolean fma) {
    float[] r0 = c0, r1 = c1, r2 = c2, r3 = c3;
    for (int t0 = 0; t0 < ITEMS; t0 += tile) {
      int end = Math.min(ITEMS, t0 + tile);
      for (int g = 0; g < BLOCK; g += 4) {
        int o0 = us[g] * RANK, o1 = us[g + 1] * RANK, o2 = us[g + 2] * RANK, o3 = us[g + 3] * RANK;
        java.util.Arrays.fill(r0, t0, end, 0f);
        java.util.Arrays.fill(r1, t0, end, 0f);
        java.util.Arrays.fill(r2, t0, end, 0f);
        java.util.Arrays.fill(r3, t0, end, 0f);
        if (!k2 && fma) {
          for (int k = 0; k < RANK; k++) {
            float a0 = x[o0 + k], a1 = x[o1 + k], a2 = x[o2 + k], a3 = x[o3 + k];
            float[] yk = yT[k];
            for (int i = t0; i < end; i++) {
              float v = yk[i];
              r0[i] = Math.fma(a0, v, r0[i]);
              r1[i] = Math.fma(a1, v, r1[i]);
              r2[i] = Math.fma(a2, v, r2[i]);
              r3[i] = Math.fma(a3, v, r3[i]);
            }
          }
        } else if (!k2) {
          for (int k = 0; k < RANK; k++) {
            float a0 = x[o0 + k], a1 = x[o1 + k], a2 = x[o2 + k], a3 = x[o3 + k];
            float[] yk = yT[k];
            for (int i = t0; i < end; i++) {
              float v = yk[i];
              r0[i] += a0 * v;
              r1[i] += a1 * v;
              r2[i] += a2 * v;
              r3[i] += a3 * v;
            }
          }
        } else if (!fma) {
          for (int k = 0; k < RANK; k += 2) {
            float a0 = x[o0 + k], a1 = x[o1 + k], a2 = x[o2 + k], a3 = x[o3 + k];
            float b0 = x[o0 + k + 1], b1 = x[o1 + k + 1], b2 = x[o2 + k + 1], b3 = x[o3 + k + 1];
            float[] ya = yT[k], yb = yT[k + 1];
            for (int i = t0; i < end; i++) {
              float v = ya[i], w = yb[i];
              r0[i] += a0 * v + b0 * w;
              r1[i] += a1 * v + b1 * w;
              r2[i] += a2 * v + b2 * w;
              r3[i] += a3 * v + b3 * w;
            }
          }
        } else {
          for (int k = 0; k < RANK; k += 2) {
            float a0 = x[o0 + k], a1 = x[o1 + k], a2 = x[o2 + k], a3 = x[o3 + k];
            float b0 = x[o0 + k + 1], b1 = x[o1 + k + 1], b2 = x[o2 + k + 1], b3 = x[o3 + k + 1];
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
        System.arraycopy(r0, t0, out, g * ITEMS + t0, end - t0);
        System.arraycopy(r1, t0, out, (g + 1) * ITEMS + t0, end - t0);
        System.arraycopy(r2, t0, out, (g + 2) * ITEMS + t0, end - t0);
        System.arraycopy(r3, t0, out, (g + 3) * ITEMS + t0, end - t0);
      }
    }
  }
}
