package larder.spark;

import java.io.Serializable;
import larder.core.SparseMatrix;
import larder.train.recommend.TrainedModel;
import larder.train.recommend.UserScorer;
import larder.train.recommend.als.AlsModel;
import larder.train.recommend.ease.Ease;
import larder.train.recommend.itemknn.ItemKnn;
import larder.train.recommend.itemknn.ItemKnnParams;

/**
 * What every executor needs of a trained model, broadcast once: the popularity of each item, each item's
 * neighbours, EASE's item-item weights, or ALS's item factors. With a partition's own users (and, for ALS, their
 * factors) it becomes a model Larder's scorer runs as locally.
 */
abstract class ItemSide implements Serializable {
  private static final long serialVersionUID = 1L;

  abstract int itemCount();

  /** The model over a partition's users: its row r is the block's r-th user. */
  abstract TrainedModel modelFor(UserBlock block);

  static ItemSide popularity(float[] scores) {
    return new Popularity(scores);
  }

  static ItemSide ease(float[][] b) {
    return new EaseWeights(b);
  }

  static ItemSide als(float[] itemFactors, int rank) {
    return new AlsItems(itemFactors, rank);
  }

  static ItemSide neighbours(ItemKnn.Model m) {
    SparseMatrix n = m.neighbours();
    return new Neighbours(n.rows(), n.columns(), n.ptr(), n.cols(), n.vals(), m.form(), m.normalize());
  }

  /** Every user scores every item by its popularity. */
  private static final class Popularity extends ItemSide {
    private static final long serialVersionUID = 1L;
    private final float[] scores;

    Popularity(float[] scores) {
      this.scores = scores;
    }

    @Override int itemCount() { return scores.length; }

    @Override TrainedModel modelFor(UserBlock block) {
      int users = block.users().length;
      return new TrainedModel() {
        @Override public int userCount() { return users; }

        @Override public int itemCount() { return scores.length; }

        @Override public UserScorer newUserScorer() {
          return (block, count, out) -> {
            for (int j = 0; j < count; j++) System.arraycopy(scores, 0, out, j * scores.length, scores.length);
          };
        }
      };
    }
  }

  /**
   * Item-kNN's neighbour table, as CSR arrays (SparseMatrix itself is not serializable), with the form and
   * normalisation it scores in.
   */
  private static final class Neighbours extends ItemSide {
    private static final long serialVersionUID = 1L;
    private final int rows;
    private final int columns;
    private final int[] ptr;
    private final int[] cols;
    private final float[] vals;
    private final ItemKnnParams.Form form;
    private final ItemKnnParams.Normalize normalize;

    Neighbours(int rows, int columns, int[] ptr, int[] cols, float[] vals, ItemKnnParams.Form form,
        ItemKnnParams.Normalize normalize) {
      this.rows = rows;
      this.columns = columns;
      this.ptr = ptr;
      this.cols = cols;
      this.vals = vals;
      this.form = form;
      this.normalize = normalize;
    }

    @Override int itemCount() { return rows; }

    @Override TrainedModel modelFor(UserBlock block) {
      return ItemKnn.Model.of(block.history(), new SparseMatrix(rows, columns, ptr, cols, vals), form, normalize);
    }
  }

  /** EASE's item-item weights B, dense (items² floats; the config caps the items on Spark). */
  private static final class EaseWeights extends ItemSide {
    private static final long serialVersionUID = 1L;
    private final float[][] b;

    EaseWeights(float[][] b) {
      this.b = b;
    }

    @Override int itemCount() { return b.length; }

    @Override TrainedModel modelFor(UserBlock block) {
      return Ease.Model.of(block.history(), b);
    }
  }

  /** ALS's item factors, item i's at i * rank; the users' own factors come with their block. */
  private static final class AlsItems extends ItemSide {
    private static final long serialVersionUID = 1L;
    private final float[] y;
    private final int rank;

    AlsItems(float[] y, int rank) {
      this.y = y;
      this.rank = rank;
    }

    @Override int itemCount() { return y.length / rank; }

    @Override TrainedModel modelFor(UserBlock block) {
      if (block.factors() == null) throw new IllegalStateException("part " + block.part() + " came without factors");
      return AlsModel.of(block.users().length, itemCount(), rank, block.factors(), y);
    }
  }
}
