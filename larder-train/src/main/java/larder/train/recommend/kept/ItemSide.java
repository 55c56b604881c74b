package larder.train.recommend.kept;

import larder.core.Progress;
import larder.core.SparseMatrix;
import larder.train.recommend.TrainedModel;
import larder.train.recommend.als.AlsFoldIn;
import larder.train.recommend.als.AlsModel;
import larder.train.recommend.als.AlsParams;
import larder.train.recommend.ease.Ease;
import larder.train.recommend.itemknn.ItemKnn;
import larder.train.recommend.itemknn.ItemKnnParams;
import larder.train.recommend.popularity.Popularity;

/**
 * The part of a fitted model that scores any user from their history alone, as a batch keeps it
 * ({@link KeptModel#write}): what an incremental refresh reads to score the users with new interactions, without
 * the batch's other users. Arrays are held as read, not copied.
 */
public sealed interface ItemSide permits ItemSide.PopularitySide, ItemSide.ItemKnnSide, ItemSide.EaseSide,
    ItemSide.AlsSide {

  /** The recommender's name, as {@link larder.train.recommend.Recommender#name()}. */
  String kind();

  /** The kept item dictionary's size: the columns of every history this side scores. */
  int itemCount();

  /**
   * A model whose users are the rows of {@code histories}, scoring each exactly as the batch's model scored a user
   * with that history: item-kNN weights the history and sums its items' votes in the kept neighbourhood form, EASE
   * sums the rows of B over the binarised history, popularity gives the kept scores. ALS has no user side kept for a refresh: each row is
   * folded in ({@link AlsFoldIn}, an exact solve against the kept item factors), which is the training's per-user
   * objective solved exactly rather than by its few warm-started CG steps, so its scores are close to, not equal to,
   * the batch's for an unchanged user.
   *
   * @param histories user-major, columns the kept item ids, values as the source summed them ({@link UserHistory})
   * @param threads worker threads for the ALS fold-in; the result does not depend on them
   * @throws IllegalArgumentException when {@code histories} has another number of columns than {@link #itemCount()}
   */
  TrainedModel forUsers(SparseMatrix histories, int threads, Progress progress);

  private static void check(SparseMatrix histories, int items) {
    if (histories.columns() != items) {
      throw new IllegalArgumentException("the histories have " + histories.columns() + " item columns, the kept model "
          + items + " items");
    }
  }

  /**
   * Popularity: every user gets the same scores.
   *
   * @param users how many users the batch had (its model's user count)
   */
  record PopularitySide(int users, float[] scores) implements ItemSide {
    @Override public String kind() { return "popularity"; }

    @Override public int itemCount() { return scores.length; }

    @Override public TrainedModel forUsers(SparseMatrix histories, int threads, Progress progress) {
      check(histories, scores.length);
      return Popularity.Model.of(histories.rows(), scores);
    }
  }

  /**
   * Item-kNN: how a history's values are weighted, the neighbourhood form and normalisation it scores in, and the
   * neighbour table.
   *
   * @param neighbours row j holds j's neighbours best first, with their similarities
   */
  record ItemKnnSide(ItemKnnParams.Weighting weighting, ItemKnnParams.Form form, ItemKnnParams.Normalize normalize,
      SparseMatrix neighbours) implements ItemSide {
    @Override public String kind() { return "itemknn"; }

    @Override public int itemCount() { return neighbours.rows(); }

    @Override public TrainedModel forUsers(SparseMatrix histories, int threads, Progress progress) {
      check(histories, neighbours.rows());
      return ItemKnn.Model.of(ItemKnn.weighted(histories, weighting), neighbours, form, normalize);
    }
  }

  /** EASE: the weight rows, {@code b[j]} how item j votes for every item. */
  record EaseSide(float[][] b) implements ItemSide {
    @Override public String kind() { return "ease"; }

    @Override public int itemCount() { return b.length; }

    @Override public TrainedModel forUsers(SparseMatrix histories, int threads, Progress progress) {
      check(histories, b.length);
      return Ease.Model.of(histories.mapValues(v -> 1f), b);
    }
  }

  /**
   * ALS: the solve's parameters (its λ, confidence and rank are the fold-in's) and the item factors.
   *
   * @param itemFactors entity-major, {@code items × params.factors()}
   * @param regularizationScale the training data's {@link AlsParams#regularizationScale}, for weighted λ
   */
  record AlsSide(AlsParams params, int items, float[] itemFactors, double regularizationScale) implements ItemSide {
    @Override public String kind() { return "als"; }

    @Override public int itemCount() { return items; }

    /** The fold-in against these factors; computing it forms YᵀY + λI once, on {@code threads} threads. */
    public AlsFoldIn foldIn(int threads) {
      return AlsFoldIn.ofItemFactors(items, itemFactors, params.withThreads(threads), regularizationScale);
    }

    @Override public TrainedModel forUsers(SparseMatrix histories, int threads, Progress progress) {
      check(histories, items);
      int rows = histories.rows();
      progress.update("als fold-in", 0, rows, "users");
      float[] x = foldIn(threads).solveAll(histories, threads);
      progress.update("als fold-in", rows, rows, "users");
      return AlsModel.of(rows, items, params.factors(), x, itemFactors, regularizationScale);
    }
  }
}
