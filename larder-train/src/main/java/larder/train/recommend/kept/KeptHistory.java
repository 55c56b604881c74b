package larder.train.recommend.kept;

import java.io.InputStream;
import java.io.OutputStream;
import larder.core.IdMap;
import larder.core.ModelException;
import larder.core.SparseMatrix;

/**
 * The inputs a later refresh rebuilds a model's from, in the kept format ({@link KeptOutput}): the id dictionaries
 * (kind {@code ids}) and the users' merged histories (kind {@code history}), format version 1:
 * <pre>
 * ids      users int32, each user's external id string in dense order; items int32, each item's likewise
 * history  users int32, items int32, ptr int32[users + 1], item ids int32[], values float32[]: user u's items
 *          are ids[ptr[u] .. ptr[u+1]), ascending, with the values the source's rows summed to
 * </pre>
 * 8 bytes per interaction and 4 per user, plus the id strings.
 */
public final class KeptHistory {
  static final int VERSION = 1;

  private KeptHistory() {}

  public static void writeIds(IdMap users, IdMap items, OutputStream out) {
    try (KeptOutput o = new KeptOutput(out, "ids", VERSION)) {
      for (IdMap ids : new IdMap[] {users, items}) {
        o.int32(ids.size());
        for (int i = 0; i < ids.size(); i++) o.string(ids.name(i));
      }
    }
  }

  public static void writeHistory(SparseMatrix byUser, OutputStream out) {
    try (KeptOutput o = new KeptOutput(out, "history", VERSION)) {
      o.int32(byUser.rows());
      o.int32(byUser.columns());
      int nnz = (int) byUser.nonZeros();
      o.ints(byUser.ptr(), 0, byUser.rows() + 1);
      o.ints(byUser.cols(), 0, nnz);
      o.floats(byUser.vals(), 0, nnz);
    }
  }

  /** The users' and the items' ids, in that order. */
  public static IdMap[] readIds(InputStream in, String what) {
    try (KeptInput i = open(in, "ids", what)) {
      IdMap[] out = new IdMap[2];
      for (int k = 0; k < 2; k++) {
        int n = i.int32();
        IdMap ids = new IdMap(n);
        for (int j = 0; j < n; j++) ids.intern(i.string());
        out[k] = ids;
      }
      return out;
    }
  }

  public static SparseMatrix readHistory(InputStream in, String what) {
    try (KeptInput i = open(in, "history", what)) {
      int users = i.int32();
      int items = i.int32();
      return new SparseMatrix(users, items, i.ints(), i.ints(), i.floats());
    }
  }

  private static KeptInput open(InputStream in, String kind, String what) {
    KeptInput i = new KeptInput(in, what);
    if (!i.kind().equals(kind) || i.version() != VERSION) {
      i.close();
      throw new ModelException(what + " holds '" + i.kind() + "' version " + i.version() + ", not '" + kind
          + "' version " + VERSION, "run the job again to keep a fresh model");
    }
    return i;
  }
}
