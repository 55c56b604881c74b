package larder.train.recommend.popularity;

import java.time.Duration;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Map;
import larder.core.ConfigException;
import larder.core.Interactions;
import larder.core.Progress;
import larder.core.SparseMatrix;
import larder.train.kernel.TopN;
import larder.train.recommend.Recommender;
import larder.train.recommend.TrainedModel;
import larder.train.recommend.UserScorer;

/**
 * The non-personalised baseline: every user gets the same item scores, the number of distinct users
 * who interacted with the item (or their total weight), optionally decayed with age so that what is
 * popular now outranks what was popular long ago. It is the bar every other model must clear and,
 * through {@link #fallback}, the list for users with no history.
 */
public final class Popularity implements Recommender {
  private final PopularityParams params;

  public Popularity() {
    this(PopularityParams.defaults());
  }

  public Popularity(PopularityParams params) {
    this.params = params;
  }

  @Override public String name() { return "popularity"; }

  @Override public Map<String, Object> params() { return params.toMap(); }

  /** The typed parameters; {@link #params()} is their stored form. */
  public PopularityParams parameters() { return params; }

  @Override public TrainedModel fit(Interactions train, Progress progress) {
    float[] scores = itemScores(train, params.count(), params.halfLife());
    progress.update("popularity", train.itemCount(), train.itemCount(), "items");
    return new Model(train.userCount(), scores);
  }

  /** Each item's popularity as counted by {@code count}, without decay; one pass over the interactions. */
  public static float[] itemScores(Interactions train, PopularityParams.Count count) {
    return itemScores(train, count, null);
  }

  /**
   * Each item's popularity as counted by {@code count}, each interaction decayed by {@code halfLife} (see
   * {@link Decay}; null for none); one pass over the interactions.
   *
   * @throws ConfigException when there is a half-life and the data has no timestamps
   */
  public static float[] itemScores(Interactions train, PopularityParams.Count count, Duration halfLife) {
    Decay decay = Decay.of(train, halfLife, "popularity.half_life");
    SparseMatrix m = train.byUser();
    float[] scores = new float[train.itemCount()];
    int[] cols = m.cols();
    float[] vals = m.vals();
    int nnz = (int) m.nonZeros();
    // Columns within a row are unique, so each stored entry is one distinct (user, item) pair.
    boolean users = count == PopularityParams.Count.USERS;
    if (decay == null) {
      if (users) for (int p = 0; p < nnz; p++) scores[cols[p]] += 1f;
      else for (int p = 0; p < nnz; p++) scores[cols[p]] += vals[p];
    } else {
      if (users) for (int p = 0; p < nnz; p++) scores[cols[p]] += decay.weight(p);
      else for (int p = 0; p < nnz; p++) scores[cols[p]] += vals[p] * decay.weight(p);
    }
    return scores;
  }

  /**
   * The global list for users with no history: the {@code n} most popular items, best first.
   *
   * @param allowedItems items that may be listed, or null for all
   */
  public static Fallback fallback(Interactions train, int n, PopularityParams.Count count, BitSet allowedItems) {
    return fallback(train, n, count, allowedItems, null);
  }

  /**
   * The global list for users with no history: the {@code n} most popular allowed items, best first.
   *
   * @param allowedItems items that may be listed, or null for all
   * @param halfLife decay of the interactions (see {@link Decay}), or null for none
   */
  public static Fallback fallback(Interactions train, int n, PopularityParams.Count count, BitSet allowedItems,
      Duration halfLife) {
    if (n < 0) throw new ConfigException("n", n, "must be >= 0");
    float[] scores = itemScores(train, count, halfLife);
    TopN top = new TopN(Math.min(n, scores.length));
    for (int i = 0; i < scores.length; i++) {
      if (allowedItems == null || allowedItems.get(i)) top.offer(i, scores[i]);
    }
    int[] items = new int[top.size()];
    float[] out = new float[top.size()];
    top.drainSorted(items, out);
    return new Fallback(items, out);
  }

  /** {@link #fallback(Interactions, int, PopularityParams.Count, BitSet)} by distinct users, all items. */
  public static Fallback fallback(Interactions train, int n) {
    return fallback(train, n, PopularityParams.Count.USERS, null);
  }

  /** {@link #fallbackByGroup(Interactions, int[], int, int, BitSet, Duration)} over all items, without decay. */
  public static Fallback[] fallbackByGroup(Interactions train, int[] groupOfUser, int groups, int n) {
    return fallbackByGroup(train, groupOfUser, groups, n, null, null);
  }

  /**
   * One list per group of users (e.g. customer segments): for each group, the {@code n} allowed items most
   * popular among its users, counted by distinct users (each decayed by {@code halfLife} when given), best
   * first; ties go to the lower item id as everywhere. Only items some user of the group touched are listed.
   * One pass over the interactions plus one selection per group, so memory is groups × items floats.
   *
   * @param groupOfUser per dense user id, its group in {@code 0..groups-1}, or -1 for none (ignored)
   * @param allowedItems items that may be listed, or null for all
   * @param halfLife decay of the interactions (see {@link Decay}), or null for none
   * @return per group its list (empty when no user of the group has interactions)
   */
  public static Fallback[] fallbackByGroup(Interactions train, int[] groupOfUser, int groups, int n,
      BitSet allowedItems, Duration halfLife) {
    if (n < 0) throw new ConfigException("n", n, "must be >= 0");
    if (groupOfUser.length != train.userCount()) {
      throw new IllegalArgumentException(groupOfUser.length + " groups for " + train.userCount() + " users");
    }
    Decay decay = Decay.of(train, halfLife, "popularity.half_life");
    int items = train.itemCount();
    float[][] counts = new float[groups][];
    SparseMatrix m = train.byUser();
    int[] cols = m.cols();
    for (int u = 0; u < groupOfUser.length; u++) {
      int g = groupOfUser[u];
      if (g < 0) continue;
      if (g >= groups) throw new IllegalArgumentException("user " + u + " in group " + g + " of " + groups);
      float[] c = counts[g] == null ? counts[g] = new float[items] : counts[g];
      if (decay == null) {
        for (int p = m.rowStart(u), end = m.rowEnd(u); p < end; p++) c[cols[p]] += 1f;
      } else {
        for (int p = m.rowStart(u), end = m.rowEnd(u); p < end; p++) c[cols[p]] += decay.weight(p);
      }
    }
    Fallback[] out = new Fallback[groups];
    TopN top = new TopN(Math.min(n, items));
    for (int g = 0; g < groups; g++) {
      top.reset(Math.min(n, items));
      if (counts[g] != null) {
        float[] c = counts[g];
        for (int i = 0; i < items; i++) {
          if (c[i] > 0 && (allowedItems == null || allowedItems.get(i))) top.offer(i, c[i]);
        }
      }
      int[] it = new int[top.size()];
      float[] sc = new float[top.size()];
      top.drainSorted(it, sc);
      out[g] = new Fallback(it, sc);
    }
    return out;
  }

  /** A ranked item list: dense item ids best first, with their scores. */
  public record Fallback(int[] items, float[] scores) {
    public int size() { return items.length; }
  }

  /** Scores every user with the same popularity vector. */
  public static final class Model implements TrainedModel {
    private final int users;
    private final float[] scores;

    /** The model that gives each of {@code users} users these item scores (not copied). */
    public static Model of(int users, float[] scores) {
      return new Model(users, scores);
    }

    Model(int users, float[] scores) {
      this.users = users;
      this.scores = scores;
    }

    @Override public int userCount() { return users; }

    @Override public int itemCount() { return scores.length; }

    /** A copy of the shared item scores. */
    public float[] itemScores() { return Arrays.copyOf(scores, scores.length); }

    @Override public UserScorer newUserScorer() {
      return (block, count, out) -> {
        int n = scores.length;
        for (int j = 0; j < count; j++) System.arraycopy(scores, 0, out, j * n, n);
      };
    }
  }
}
