package larder.jobs.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import larder.store.Store;
import larder.store.UserHistories;
import larder.train.recommend.kept.UserHistory;

import larder.core.IdMap;
import larder.core.Interactions;
import larder.core.SparseMatrix;
import larder.store.Artifacts;
import larder.train.recommend.Recommender;
import larder.train.recommend.TrainedModel;
import larder.train.recommend.als.AlsModel;
import larder.train.recommend.kept.ItemSide;
import larder.train.recommend.kept.KeptHistory;
import larder.train.recommend.kept.KeptModel;

/**
 * What a recommendations batch keeps to score its users again later, as artifacts of the batch ({@link Artifacts}):
 * {@value #MODEL} (the model's item side, {@link KeptModel}), {@value #USER_FACTORS} (ALS only: the batch's users'
 * factors, to rebuild its own model bit for bit), {@value #ITEMS} and {@value #USERS} (the external ids in dense
 * order, {@link KeptHistory}); and each user's merged history as a row of its own ({@link UserHistories}, in
 * {@link UserHistory}'s format), so that a refresh reads the model, the items and only the changed users'
 * histories, and writes back only theirs. Written before the batch is published, so they go wherever the batch's
 * rows go: a failed run, or a batch retired beyond {@code keep}, keeps none.
 */
public final class KeptBatch {
  public static final String MODEL = "model";
  public static final String USER_FACTORS = "user_factors";
  public static final String ITEMS = "items";
  public static final String USERS = "users";

  private final Artifacts artifacts;
  private final UserHistories histories;

  public KeptBatch(Store store) {
    this(new Artifacts(store), new UserHistories(store));
  }

  public KeptBatch(Artifacts artifacts, UserHistories histories) {
    this.artifacts = artifacts;
    this.histories = histories;
  }

  /** Keeps {@code model}, fitted by {@code recommender} on {@code data}, with batch {@code batchId}. */
  public void write(long batchId, Recommender recommender, TrainedModel model, Interactions data) {
    KeptHistory.writeItemIds(data.items(), artifacts.writer(batchId, ITEMS));
    KeptHistory.writeUserIds(data.users(), artifacts.writer(batchId, USERS));
    SparseMatrix byUser = data.byUser();
    histories.write(batchId, data.userCount(), data.users()::name, u -> UserHistory.encode(byUser, u));
    KeptModel.write(recommender, model, artifacts.writer(batchId, MODEL));
    // a Spark run's ALS holds no user factors on the driver: its batch keeps the item side only
    if (model instanceof AlsModel als && als.userCount() > 0) {
      KeptModel.writeUserFactors(als, artifacts.writer(batchId, USER_FACTORS));
    }
  }

  /**
   * The model's item side batch {@code batchId} kept: what scores any user from their history.
   *
   * @throws larder.core.NotFoundException when the batch kept none
   */
  public ItemSide itemSide(long batchId) {
    return KeptModel.readItemSide(artifacts.reader(batchId, MODEL), "the kept model of batch " + batchId);
  }

  /** The external ids of the items batch {@code batchId} kept, by dense id (column of its histories). */
  public IdMap items(long batchId) {
    return KeptHistory.readItemIds(artifacts.reader(batchId, ITEMS), "the kept item ids of batch " + batchId);
  }

  /**
   * The model, histories and ids batch {@code batchId} kept; the model scores the batch's users exactly as the
   * one that produced it.
   *
   * @throws larder.core.NotFoundException when the batch kept none
   */
  public Loaded read(long batchId) {
    String of = " of batch " + batchId;
    IdMap users = KeptHistory.readUserIds(artifacts.reader(batchId, USERS), "the kept user ids" + of);
    IdMap items = items(batchId);
    SparseMatrix history = history(batchId, users, items.size());
    ItemSide side = itemSide(batchId);
    KeptModel.Kept model = KeptModel.read(side, history,
        side instanceof ItemSide.AlsSide ? artifacts.reader(batchId, USER_FACTORS) : null, "batch " + batchId);
    return new Loaded(users, items, history, model);
  }

  /** Every user's kept history, in {@code users}' dense order: as the batch's latest refresh left them. */
  private SparseMatrix history(long batchId, IdMap users, int items) {
    List<String> names = new ArrayList<>(users.size());
    for (int u = 0; u < users.size(); u++) names.add(users.name(u));
    Map<String, byte[]> kept = histories.read(batchId, names);
    List<byte[]> rows = new ArrayList<>(names.size());
    for (String name : names) rows.add(kept.get(name));
    return UserHistory.matrix(rows, items);
  }

  /**
   * A batch's kept state.
   *
   * @param users the users' external ids, by dense id (row of {@code history}, user of the model)
   * @param items the items' external ids, by dense id
   * @param history each user's merged history, user-major, as the source summed it
   */
  public record Loaded(IdMap users, IdMap items, SparseMatrix history, KeptModel.Kept model) {
    public TrainedModel trained() { return model.model(); }
  }
}
