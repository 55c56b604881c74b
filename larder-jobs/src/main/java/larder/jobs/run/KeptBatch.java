package larder.jobs.run;

import larder.core.IdMap;
import larder.core.Interactions;
import larder.core.SparseMatrix;
import larder.store.Artifacts;
import larder.train.recommend.Recommender;
import larder.train.recommend.TrainedModel;
import larder.train.recommend.kept.KeptHistory;
import larder.train.recommend.kept.KeptModel;

/**
 * What a recommendations batch keeps to score its users again later, as three artifacts of the batch
 * ({@link Artifacts}): {@value #MODEL} (the fitted model, {@link KeptModel}), {@value #IDS} (the external ids of
 * users and items in dense order) and {@value #HISTORY} (each user's merged history), both {@link KeptHistory}.
 * Written before the batch is published, so they go wherever the batch's rows go: a failed run, or a batch retired
 * beyond {@code keep}, keeps none.
 */
public final class KeptBatch {
  public static final String MODEL = "model";
  public static final String IDS = "ids";
  public static final String HISTORY = "history";

  private final Artifacts artifacts;

  public KeptBatch(Artifacts artifacts) {
    this.artifacts = artifacts;
  }

  /** Keeps {@code model}, fitted by {@code recommender} on {@code data}, with batch {@code batchId}. */
  public void write(long batchId, Recommender recommender, TrainedModel model, Interactions data) {
    KeptHistory.writeIds(data.users(), data.items(), artifacts.writer(batchId, IDS));
    KeptHistory.writeHistory(data.byUser(), artifacts.writer(batchId, HISTORY));
    KeptModel.write(recommender, model, artifacts.writer(batchId, MODEL));
  }

  /**
   * The model, histories and ids batch {@code batchId} kept; the model scores the batch's users exactly as the
   * one that produced it.
   *
   * @throws larder.core.NotFoundException when the batch kept none
   */
  public Loaded read(long batchId) {
    String of = " of batch " + batchId;
    IdMap[] ids = KeptHistory.readIds(artifacts.reader(batchId, IDS), "the kept ids" + of);
    SparseMatrix history = KeptHistory.readHistory(artifacts.reader(batchId, HISTORY), "the kept histories" + of);
    KeptModel.Kept model = KeptModel.read(artifacts.reader(batchId, MODEL), history, "the kept model" + of);
    return new Loaded(ids[0], ids[1], history, model);
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
