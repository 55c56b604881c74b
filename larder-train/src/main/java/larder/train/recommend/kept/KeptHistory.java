package larder.train.recommend.kept;

import java.io.InputStream;
import java.io.OutputStream;
import larder.core.IdMap;
import larder.core.ModelException;
import larder.core.SparseMatrix;

/**
 * The inputs a model is scored from again later, in the kept format ({@link KeptOutput}): the id dictionaries,
 * items (kind {@code item-ids}) and users ({@code user-ids}) apart so that a refresh reads only the items', and the
 * users' merged histories (kind {@code history}). After the header, little-endian:
 * <pre>
 * item-ids, user-ids (version 2)  count int32, each external id string in dense order
 * history (version 1)             users int32, items int32, ptr int32[users + 1], item ids int32[],
 *                                 values float32[]: user u's items are ids[ptr[u] .. ptr[u+1]), ascending,
 *                                 with the values the source's rows summed to
 * </pre>
 * 8 bytes per interaction and 4 per user, plus the id strings. One user's history alone is {@link UserHistory}'s.
 */
public final class KeptHistory {
  static final int IDS_VERSION = 2;
  static final int HISTORY_VERSION = 1;
  static final String ITEM_IDS = "item-ids";
  static final String USER_IDS = "user-ids";
  static final String HISTORY = "history";

  private KeptHistory() {}

  /** The items' external ids in dense order: the columns of the histories and of the model. */
  public static void writeItemIds(IdMap items, OutputStream out) {
    writeIds(ITEM_IDS, items, out);
  }

  /** The users' external ids in dense order: the rows of the histories. */
  public static void writeUserIds(IdMap users, OutputStream out) {
    writeIds(USER_IDS, users, out);
  }

  public static IdMap readItemIds(InputStream in, String what) {
    return readIds(ITEM_IDS, in, what);
  }

  public static IdMap readUserIds(InputStream in, String what) {
    return readIds(USER_IDS, in, what);
  }

  public static void writeHistory(SparseMatrix byUser, OutputStream out) {
    try (KeptOutput o = new KeptOutput(out, HISTORY, HISTORY_VERSION)) {
      o.int32(byUser.rows());
      o.int32(byUser.columns());
      int nnz = (int) byUser.nonZeros();
      o.ints(byUser.ptr(), 0, byUser.rows() + 1);
      o.ints(byUser.cols(), 0, nnz);
      o.floats(byUser.vals(), 0, nnz);
    }
  }

  public static SparseMatrix readHistory(InputStream in, String what) {
    try (KeptInput i = open(in, HISTORY, HISTORY_VERSION, what)) {
      int users = i.int32();
      int items = i.int32();
      return new SparseMatrix(users, items, i.ints(), i.ints(), i.floats());
    }
  }

  private static void writeIds(String kind, IdMap ids, OutputStream out) {
    try (KeptOutput o = new KeptOutput(out, kind, IDS_VERSION)) {
      o.int32(ids.size());
      for (int i = 0; i < ids.size(); i++) o.string(ids.name(i));
    }
  }

  private static IdMap readIds(String kind, InputStream in, String what) {
    try (KeptInput i = open(in, kind, IDS_VERSION, what)) {
      int n = i.int32();
      IdMap ids = new IdMap(n);
      for (int j = 0; j < n; j++) ids.intern(i.string());
      return ids;
    }
  }

  private static KeptInput open(InputStream in, String kind, int version, String what) {
    KeptInput i = new KeptInput(in, what);
    if (!i.kind().equals(kind) || i.version() != version) {
      i.close();
      throw new ModelException(what + " holds '" + i.kind() + "' version " + i.version() + ", not '" + kind
          + "' version " + version, "run the job again to keep a fresh model");
    }
    return i;
  }
}
