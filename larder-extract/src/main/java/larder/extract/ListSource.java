package larder.extract;

import java.util.Arrays;
import larder.core.IdMap;
import larder.core.Progress;
import larder.extract.formats.Decimals;
import larder.extract.table.BadRowCollector;
import larder.extract.table.FieldRef;
import larder.extract.table.Fields;
import larder.extract.table.Header;
import larder.extract.table.RowHandler;

/**
 * Reads imported recommendation lists ({@link ListSpec}) and validates them as a whole: an item listed twice
 * for one user, or a rank used twice, makes the later row bad ({@code recs.csv:14: field 'item_id': 'i9' is
 * already in user 'u3''s list on line 11}). Each list is ordered by rank when ranks are given (then renumbered
 * 1..n, so gaps are allowed), else by score, highest first (ties by item id). Without a score column an item's
 * score is {@code 1 / rank}, so scores fall as ranks rise.
 *
 * <p>Rows are kept as four parallel arrays (about 20 bytes a row) and grouped by user with a counting sort.
 */
public final class ListSource {
  private final ListSpec spec;

  public ListSource(ListSpec spec) {
    if (spec == null) throw new IllegalArgumentException("spec is null");
    this.spec = spec;
  }

  public ListSpec spec() { return spec; }

  public String label() { return spec.input().label(); }

  /**
   * @throws larder.core.InputException when the source cannot be read, has no lists, or has more bad rows
   *     than allowed
   */
  public ImportedLists read(Progress p) {
    BadRowCollector rc = new BadRowCollector(label(), spec.maxBadRows(), p);
    Rows rows = new Rows(rc);
    spec.input().read(rows, rc);
    return rows.build();
  }

  private final class Rows implements RowHandler {
    final BadRowCollector rc;
    final IdMap users = new IdMap(1 << 12);
    final IdMap items = new IdMap(1 << 12);
    Header header;
    FieldRef user;
    FieldRef item;
    FieldRef score;
    FieldRef rank;
    int n;
    int[] userOf = new int[1 << 12];
    int[] itemOf = new int[1 << 12];
    float[] scoreOf = new float[1 << 12];
    int[] rankOf = new int[1 << 12];
    long[] lineOf = new long[1 << 12];

    Rows(BadRowCollector rc) {
      this.rc = rc;
    }

    @Override public void start(Header h) {
      header = h;
      user = h.field(spec.user(), "user");
      item = h.field(spec.item(), "item");
      score = spec.score() == null ? null : h.field(spec.score(), "score");
      rank = spec.rank() == null ? null : h.field(spec.rank(), "rank");
    }

    @Override public void row(long line, Fields f) {
      if (rc.missing(line, f, user) || rc.missing(line, f, item)) return;
      if ((score != null && rc.missing(line, f, score)) || (rank != null && rc.missing(line, f, rank))) return;
      String u = rc.id(line, f, user);
      if (u == null) return;
      String i = rc.id(line, f, item);
      if (i == null) return;
      float s = 0;
      if (score != null) {
        String text = f.text(score.index());
        if (text == null) {
          rc.bad(line, score.name(), "NULL, expected a number");
          return;
        }
        try {
          double v = Decimals.parse(text);
          s = (float) v;
          if (!Float.isFinite(s)) throw new IllegalArgumentException("'" + text + "' is too large");
        } catch (IllegalArgumentException e) {
          rc.bad(line, score.name(), e.getMessage());
          return;
        }
      }
      int r = 0;
      if (rank != null) {
        String text = f.text(rank.index());
        try {
          r = Integer.parseInt(text == null ? "" : text.strip());
        } catch (NumberFormatException e) {
          r = 0;
        }
        if (r < 1) {
          rc.bad(line, rank.name(), "'" + text + "' is not a rank (a whole number from 1)");
          return;
        }
      }
      if (n == userOf.length) grow();
      userOf[n] = users.intern(u);
      itemOf[n] = items.intern(i);
      scoreOf[n] = s;
      rankOf[n] = r;
      lineOf[n] = line;
      n++;
    }

    private void grow() {
      int cap = n * 2;
      userOf = Arrays.copyOf(userOf, cap);
      itemOf = Arrays.copyOf(itemOf, cap);
      scoreOf = Arrays.copyOf(scoreOf, cap);
      rankOf = Arrays.copyOf(rankOf, cap);
      lineOf = Arrays.copyOf(lineOf, cap);
    }

    ImportedLists build() {
      int us = users.size();
      // Group rows by user (counting sort, stable: file order within a user).
      int[] offsets = new int[us + 1];
      for (int k = 0; k < n; k++) offsets[userOf[k] + 1]++;
      for (int u = 0; u < us; u++) offsets[u + 1] += offsets[u];
      int[] order = new int[n];
      int[] next = Arrays.copyOf(offsets, us);
      for (int k = 0; k < n; k++) order[next[userOf[k]]++] = k;

      int[] outItems = new int[n];
      float[] outScores = new float[n];
      int[] outOffsets = new int[us + 1];
      int kept = 0;
      Integer[] list = new Integer[16];
      // One user's items and ranks so far, with the line each came from; reused from user to user.
      java.util.HashMap<Integer, Long> itemLine = new java.util.HashMap<>();
      java.util.HashMap<Integer, Long> rankLine = new java.util.HashMap<>();
      for (int u = 0; u < us; u++) {
        int from = offsets[u];
        int len = offsets[u + 1] - from;
        if (list.length < len) list = new Integer[Math.max(len, list.length * 2)];
        for (int j = 0; j < len; j++) list[j] = order[from + j];
        // Within a user: by rank, else score descending; ties by file order keep the first of a duplicate.
        Arrays.sort(list, 0, len, (a, b) -> {
          int c = rank != null ? Integer.compare(rankOf[a], rankOf[b]) : Float.compare(scoreOf[b], scoreOf[a]);
          if (c != 0) return c;
          c = rank == null ? items.name(itemOf[a]).compareTo(items.name(itemOf[b])) : 0;
          return c != 0 ? c : Long.compare(lineOf[a], lineOf[b]);
        });
        outOffsets[u] = kept;
        itemLine.clear();
        rankLine.clear();
        int position = 0;
        for (int j = 0; j < len; j++) {
          int k = list[j];
          Long first = itemLine.putIfAbsent(itemOf[k], lineOf[k]);
          if (first != null) {
            rc.bad(lineOf[k], item.name(), "'" + items.name(itemOf[k]) + "' is already in user '" + users.name(u)
                + "''s list on " + header.where(first));
            continue;
          }
          if (rank != null) {
            Long sameRank = rankLine.putIfAbsent(rankOf[k], lineOf[k]);
            if (sameRank != null) {
              itemLine.remove(itemOf[k]);
              rc.bad(lineOf[k], rank.name(), "rank " + rankOf[k] + " of user '" + users.name(u) + "' is already on "
                  + header.where(sameRank));
              continue;
            }
          }
          position++;
          outItems[kept] = itemOf[k];
          outScores[kept] = score != null ? scoreOf[k] : 1f / position;
          kept++;
        }
      }
      outOffsets[us] = kept;
      rc.finish("lists", us, null);
      return new ImportedLists(users, items, outOffsets, Arrays.copyOf(outItems, kept), Arrays.copyOf(outScores, kept),
          rc.rowsRead(), rc.badRows(), rc.samples());
    }
  }
}
