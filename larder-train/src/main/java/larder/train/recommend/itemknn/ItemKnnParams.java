package larder.train.recommend.itemknn;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import larder.core.ConfigException;

/**
 * Parameters of {@link ItemKnn}, validated once.
 *
 * @param neighbors how many most similar items each item keeps ({@code itemknn.neighbors}, >= 1)
 * @param shrink added to the similarity's denominator so that pairs seen by few users count less
 *     ({@code itemknn.shrink}, >= 0)
 * @param similarity {@link Similarity#COSINE} or {@link Similarity#JACCARD}
 * @param weighting how interaction weights enter both the similarity and a user's history
 * @param neighborhood whose {@code neighbors} nearest items a score sums over ({@code itemknn.neighborhood},
 *     {@link Form})
 * @param normalize how each item's kept similarities are scaled before scoring ({@code itemknn.normalize},
 *     {@link Normalize})
 * @param threads worker threads for the similarity computation ({@code itemknn.threads}, >= 1)
 */
public record ItemKnnParams(int neighbors, float shrink, Similarity similarity, Weighting weighting, Form neighborhood,
    Normalize normalize, int threads) {
  /** Item-item similarity over the item columns of the interaction matrix. */
  public enum Similarity { COSINE, JACCARD }

  /**
   * Which neighbourhood a user's score for item i sums over; N_k(x) is x's {@code neighbors} most similar items,
   * H_u the user's history.
   */
  public enum Form {
    /** {@code sum over j in H_u with i in N_k(j) of w_uj sim(j, i)}: each history item votes for its neighbours. */
    HISTORY,
    /**
     * {@code sum over j in H_u ∩ N_k(i) of w_uj sim(i, j)}: each candidate is scored from its own neighbours, so
     * no item collects more than k votes, however many lists it sits in.
     */
    CANDIDATE
  }

  /** Scaling of each item's kept list N_k(x) before scoring. */
  public enum Normalize {
    /** The similarities as computed. */
    NONE,
    /**
     * Each list divided by its sum (Deshpande and Karypis 2004): in the history form every history item casts
     * votes summing to one; in the candidate form a candidate's score becomes the share of its neighbourhood's
     * similarity the history covers. Measured (BENCHMARKS.md, "Item-kNN neighbourhood forms"): with the history
     * form it gives Last.fm's best cell (nDCG@10 0.277 against 0.266 for the candidate form's best) but not
     * MovieLens's; with the candidate form it loses on both, up to collapse at large k, since an item with a few
     * weak neighbours scores as high as one with many strong ones.
     */
    ROWS
  }

  /** Interaction values as the model sees them. */
  public enum Weighting {
    /** Every interaction counts 1. */
    BINARY,
    /** The aggregated weight as given. */
    WEIGHTS,
    /** {@code log(1 + weight)}: keeps play counts from letting a few heavy users dominate. */
    LOG
  }

  public ItemKnnParams {
    if (neighbors < 1) throw new ConfigException("itemknn.neighbors", neighbors, "must be >= 1");
    if (!(shrink >= 0) || Float.isInfinite(shrink)) {
      throw new ConfigException("itemknn.shrink", shrink, "must be a finite number >= 0");
    }
    if (similarity == null) throw new ConfigException("itemknn.similarity", null, "must be 'cosine' or 'jaccard'");
    if (weighting == null) {
      throw new ConfigException("itemknn.weighting", null, "must be 'binary', 'weights' or 'log'");
    }
    if (neighborhood == null) {
      throw new ConfigException("itemknn.neighborhood", null, "must be 'candidate' or 'history'");
    }
    if (normalize == null) throw new ConfigException("itemknn.normalize", null, "must be 'none' or 'rows'");
    if (threads < 1) throw new ConfigException("itemknn.threads", threads, "must be >= 1");
  }

  /**
   * 100 neighbours, shrink 10, cosine over binary interactions, the candidate form, no normalisation, one thread per
   * core. Chosen on BENCHMARKS.md's "Item-kNN neighbourhood forms" grid (per-user random 25% holdout, seed 7,
   * nDCG@10 over k 10..400 × shrink 0..200 × cosine/jaccard × both forms × both normalisations): within 1.3% of the
   * grid's best on ml-latest-small (0.354 against 0.358) and 4.9% on Last.fm hetrec-2k (0.263 against 0.277, the
   * history form with rows normalisation, which loses 21% on MovieLens), the best worst case but for k 200 (0.001
   * ahead on Last.fm, 0.004 behind on MovieLens, twice the lists). The previous defaults (50 neighbours, history
   * form) scored 0.307 and 0.253: the candidate form is +15% on MovieLens and +4% on Last.fm.
   */
  public static ItemKnnParams defaults() {
    return new ItemKnnParams(100, 10f, Similarity.COSINE, Weighting.BINARY, Form.CANDIDATE, Normalize.NONE,
        Runtime.getRuntime().availableProcessors());
  }

  public ItemKnnParams withNeighbors(int v) {
    return new ItemKnnParams(v, shrink, similarity, weighting, neighborhood, normalize, threads);
  }

  public ItemKnnParams withShrink(float v) {
    return new ItemKnnParams(neighbors, v, similarity, weighting, neighborhood, normalize, threads);
  }

  public ItemKnnParams withSimilarity(Similarity v) {
    return new ItemKnnParams(neighbors, shrink, v, weighting, neighborhood, normalize, threads);
  }

  public ItemKnnParams withWeighting(Weighting v) {
    return new ItemKnnParams(neighbors, shrink, similarity, v, neighborhood, normalize, threads);
  }

  public ItemKnnParams withNeighborhood(Form v) {
    return new ItemKnnParams(neighbors, shrink, similarity, weighting, v, normalize, threads);
  }

  public ItemKnnParams withNormalize(Normalize v) {
    return new ItemKnnParams(neighbors, shrink, similarity, weighting, neighborhood, v, threads);
  }

  public ItemKnnParams withThreads(int v) {
    return new ItemKnnParams(neighbors, shrink, similarity, weighting, neighborhood, normalize, v);
  }

  /** Parses "cosine" or "jaccard" (any case) for {@code itemknn.similarity}. */
  public static Similarity similarity(String value) {
    for (Similarity s : Similarity.values()) {
      if (value != null && s.name().equalsIgnoreCase(value.trim())) return s;
    }
    throw new ConfigException("itemknn.similarity", value, "must be 'cosine' or 'jaccard'");
  }

  /** Parses "binary", "weights" or "log" (any case) for {@code itemknn.weighting}. */
  public static Weighting weighting(String value) {
    for (Weighting w : Weighting.values()) {
      if (value != null && w.name().equalsIgnoreCase(value.trim())) return w;
    }
    throw new ConfigException("itemknn.weighting", value, "must be 'binary', 'weights' or 'log'");
  }

  /** Parses "candidate" or "history" (any case) for {@code itemknn.neighborhood}. */
  public static Form neighborhood(String value) {
    for (Form f : Form.values()) {
      if (value != null && f.name().equalsIgnoreCase(value.trim())) return f;
    }
    throw new ConfigException("itemknn.neighborhood", value, "must be 'candidate' or 'history'");
  }

  /** Parses "none" or "rows" (any case) for {@code itemknn.normalize}. */
  public static Normalize normalize(String value) {
    for (Normalize n : Normalize.values()) {
      if (value != null && n.name().equalsIgnoreCase(value.trim())) return n;
    }
    throw new ConfigException("itemknn.normalize", value, "must be 'none' or 'rows'");
  }

  /** The parameters as stored with a batch; threads are left out since they do not change the model. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("neighbors", neighbors);
    m.put("shrink", shrink);
    m.put("similarity", similarity.name().toLowerCase(Locale.ROOT));
    m.put("weighting", weighting.name().toLowerCase(Locale.ROOT));
    m.put("neighborhood", neighborhood.name().toLowerCase(Locale.ROOT));
    m.put("normalize", normalize.name().toLowerCase(Locale.ROOT));
    return m;
  }
}
