package larder.train.recommend.itemknn;

import java.util.LinkedHashMap;
import java.util.Map;
import larder.core.Interactions;
import larder.core.Progress;
import larder.train.recommend.itemknn.ItemKnnParams.Similarity;
import larder.train.recommend.itemknn.ItemKnnParams.Weighting;

/**
 * Models for many item-kNN configurations on one training set, at the cost of one similarity pass per (similarity,
 * shrink, weighting): what a parameter search's trials need ({@link ItemKnn#neighbours}). Each pass is computed at
 * {@code maxK}, and a configuration's neighbours, form and normalisation are cut from it, so the model equals
 * {@code new ItemKnn(p).fit(train, progress)} bit for bit.
 *
 * <p>At most {@code keep} passes are held, the least recently used dropped first. A pass holds up to
 * {@code items × maxK} neighbours of 8 bytes (at k 400: 26 MB for ml-latest-small's 9,724 items, 10 MB for
 * Last.fm's 17,632), so a search should take its configurations grouped by (similarity, shrink, weighting), k and
 * the form varying fastest; then {@code keep = 1} makes one pass per group. Not thread-safe.
 */
public final class ItemKnnTrials {
  private final Interactions train;
  private final int maxK;
  private final Map<Pass, ItemKnn.Neighbours> passes;
  private int computed;

  /** What one similarity pass depends on. */
  private record Pass(Similarity similarity, float shrink, Weighting weighting) {}

  /**
   * @param maxK the largest {@code neighbors} a configuration may ask for (>= 1)
   * @param keep how many passes to hold at once (>= 1)
   */
  public ItemKnnTrials(Interactions train, int maxK, int keep) {
    if (maxK < 1) throw new IllegalArgumentException("maxK must be >= 1, got " + maxK);
    if (keep < 1) throw new IllegalArgumentException("keep must be >= 1, got " + keep);
    this.train = train;
    this.maxK = maxK;
    this.passes = new LinkedHashMap<>(4, 0.75f, true) {
      @Override protected boolean removeEldestEntry(Map.Entry<Pass, ItemKnn.Neighbours> eldest) {
        return size() > keep;
      }
    };
  }

  /**
   * The model {@code p} fits on the training set, from a held pass when one matches {@code p}'s similarity, shrink
   * and weighting, else from a new pass (on {@code p.threads()} threads).
   *
   * @throws IllegalArgumentException when {@code p.neighbors()} is above {@code maxK}
   */
  public ItemKnn.Model model(ItemKnnParams p, Progress progress) {
    if (p.neighbors() > maxK) {
      throw new IllegalArgumentException("neighbors " + p.neighbors() + " is above the passes' maxK " + maxK);
    }
    return neighbours(p, progress).model(p.neighbors(), p.neighborhood(), p.normalize());
  }

  /**
   * The similarity pass of {@code p}'s similarity, shrink and weighting (held, or computed now), from which
   * {@link ItemKnn.Neighbours#model} and {@link ItemKnn.Neighbours#family} cut models for any k up to {@code maxK}.
   */
  public ItemKnn.Neighbours neighbours(ItemKnnParams p, Progress progress) {
    Pass key = new Pass(p.similarity(), p.shrink(), p.weighting());
    ItemKnn.Neighbours lists = passes.get(key);
    if (lists == null) {
      lists = ItemKnn.neighbours(train, p, maxK, progress);
      computed++;
      passes.put(key, lists);
    }
    return lists;
  }

  /** How many similarity passes have been computed so far. */
  public int passes() { return computed; }
}
