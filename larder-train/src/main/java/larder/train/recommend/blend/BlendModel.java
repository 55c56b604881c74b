package larder.train.recommend.blend;

import java.util.List;
import larder.core.SparseMatrix;
import larder.train.kernel.TopN;
import larder.train.recommend.TrainedModel;
import larder.train.recommend.UserScorer;

/**
 * Several fitted models as one: each part scores a user, its scores are put on a common scale for that user, and
 * the weighted sum ranks the items. Models' raw scores are not comparable (ALS's dot products, EASE's regression
 * weights, item-kNN's summed similarities), so each part counts by what it thinks of an item relative to its
 * other items for that user, over the items the user has not seen (seen items are never recommended, and EASE
 * or item-kNN may score them highest, which would squash the rest).
 *
 * <ul>
 *   <li>{@link Scale#RANK}: reciprocal rank, {@code 1 / (60 + rank)} for a part's top {@code depth} unseen items and
 *       0 below them (reciprocal rank fusion; 60 is the constant of Cormack et al., which flattens the top so that
 *       one part cannot decide alone).
 *   <li>{@link Scale#RANGE}: {@code (s - min) / (max - min)} over the same top {@code depth}, 0 below them.
 * </ul>
 * Either way only a part's top {@code depth} items count, so a blend can be scored from each part's stored lists.
 * All parts must have the same users and items (fitted on the same interactions).
 */
public final class BlendModel implements TrainedModel {
  /** How each part's scores are made comparable, per user. */
  public enum Scale { RANK, RANGE }

  /** Reciprocal rank fusion's constant. */
  static final int RANK_CONSTANT = 60;

  private final List<TrainedModel> parts;
  private final double[] weights;
  private final SparseMatrix seen;
  private final Scale scale;
  private final int depth;

  /**
   * @param parts fitted on the same interactions
   * @param weights one per part, >= 0, not all 0
   * @param seen user-major matrix of the items each user has seen (left out of each part's scale)
   * @param depth for {@link Scale#RANK}: how many of a part's best items count
   */
  public BlendModel(List<TrainedModel> parts, double[] weights, SparseMatrix seen, Scale scale, int depth) {
    if (parts.size() < 2) throw new IllegalArgumentException("a blend needs at least two parts, got " + parts.size());
    if (weights.length != parts.size()) {
      throw new IllegalArgumentException(weights.length + " weights for " + parts.size() + " parts");
    }
    double sum = 0;
    for (double w : weights) {
      if (!(w >= 0) || Double.isInfinite(w)) throw new IllegalArgumentException("weights must be finite and >= 0");
      sum += w;
    }
    if (sum <= 0) throw new IllegalArgumentException("at least one weight must be above 0");
    TrainedModel first = parts.get(0);
    for (TrainedModel p : parts) {
      if (p.userCount() != first.userCount() || p.itemCount() != first.itemCount()) {
        throw new IllegalArgumentException("parts must have the same users and items");
      }
    }
    if (seen.rows() != first.userCount() || seen.columns() != first.itemCount()) {
      throw new IllegalArgumentException("the seen matrix must have the parts' users and items");
    }
    if (depth < 1) throw new IllegalArgumentException("depth must be >= 1");
    this.parts = List.copyOf(parts);
    this.weights = weights.clone();
    this.seen = seen;
    this.scale = scale;
    this.depth = Math.min(depth, first.itemCount());
  }

  @Override public int userCount() { return parts.get(0).userCount(); }

  @Override public int itemCount() { return parts.get(0).itemCount(); }

  @Override public int preferredBlock() { return 16; }

  /** Similar items come from the heaviest part that has them (a blend of item lists would need its own scales). */
  @Override public larder.train.recommend.ItemScorer newItemScorer() {
    int best = -1;
    for (int p = 0; p < parts.size(); p++) {
      if ((best < 0 || weights[p] > weights[best]) && parts.get(p).newItemScorer() != null) best = p;
    }
    return best < 0 ? null : parts.get(best).newItemScorer();
  }

  @Override public UserScorer newUserScorer() {
    int items = itemCount();
    UserScorer[] scorers = new UserScorer[parts.size()];
    for (int p = 0; p < scorers.length; p++) scorers[p] = parts.get(p).newUserScorer();
    return new UserScorer() {
      float[] part = new float[0];
      final boolean[] seenMask = new boolean[items];
      final TopN top = new TopN(depth);
      final int[] topItems = new int[depth];
      final float[] topScores = new float[depth];

      @Override public void score(int[] users, int count, float[] out) {
        int cells = count * items;
        if (part.length < cells) part = new float[cells];
        java.util.Arrays.fill(out, 0, cells, 0f);
        for (int p = 0; p < scorers.length; p++) {
          if (weights[p] == 0) continue;
          scorers[p].score(users, count, part);
          for (int j = 0; j < count; j++) add(users[j], j * items, (float) weights[p], out);
        }
      }

      /** Adds one part's scores of one user, on the common scale, times {@code w}, to {@code out}. */
      private void add(int user, int offset, float w, float[] out) {
        int[] cols = seen.cols();
        for (int q = seen.rowStart(user); q < seen.rowEnd(user); q++) seenMask[cols[q]] = true;
        top.reset(depth);
        for (int i = 0; i < items; i++) {
          float s = part[offset + i];
          if (!seenMask[i] && s == s) top.offer(i, s);
        }
        int n = top.drainSorted(topItems, topScores);
        if (scale == Scale.RANK) {
          for (int r = 0; r < n; r++) out[offset + topItems[r]] += w / (RANK_CONSTANT + r + 1);
        } else if (n > 0 && topScores[0] > topScores[n - 1]) {
          float lo = topScores[n - 1], f = w / (topScores[0] - lo);
          for (int r = 0; r < n; r++) out[offset + topItems[r]] += (topScores[r] - lo) * f;
        }
        for (int q = seen.rowStart(user); q < seen.rowEnd(user); q++) seenMask[cols[q]] = false;
      }
    };
  }
}
