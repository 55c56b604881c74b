package larder.dashboard.segments;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import larder.core.segment.SegmentTransition;

/**
 * The transitions of a batch as a matrix: one row per segment of the previous batch (then new customers), one
 * column per segment of this batch (then customers who left), each cell a count and its share of the row.
 *
 * @param rows the previous batch's segments, then "new customers" when there are any
 * @param columns this batch's segments, then "left" when any customer left
 * @param cells {@code cells.get(row).get(column)}
 */
public record TransitionMatrix(List<Side> rows, List<Side> columns, List<List<Cell>> cells) {
  /** A row or column: a segment id (null for new customers / customers who left) and its name. */
  public record Side(Integer segmentId, String name) {
    /** The id as the table's data attribute: the segment id, or "none". */
    public String key() { return segmentId == null ? "none" : segmentId.toString(); }
  }

  /** One cell: customers that moved from the row's segment to the column's, and their share of the row. */
  public record Cell(Side from, Side to, long customers, double rowShare) {
    public String count() { return String.format(Locale.ROOT, "%,d", customers); }

    public String percent() { return String.format(Locale.ROOT, "%.1f%%", rowShare * 100); }

    /** Stayed in a segment of the same id. */
    public boolean stayed() { return from.segmentId() != null && from.segmentId().equals(to.segmentId()); }
  }

  /**
   * @param current this batch's segment ids (columns even when nobody moved into one)
   * @param names a segment id's name, e.g. "3 · recent, frequent, high spend"
   */
  static TransitionMatrix of(List<SegmentTransition> transitions, List<Integer> current, Map<Integer, String> names) {
    TreeSet<Integer> from = new TreeSet<>();
    TreeSet<Integer> to = new TreeSet<>(current);
    boolean fresh = false, left = false;
    Map<List<Integer>, Long> counts = new HashMap<>();
    for (SegmentTransition t : transitions) {
      if (t.fromSegment() == null) fresh = true; else from.add(t.fromSegment());
      if (t.toSegment() == null) left = true; else to.add(t.toSegment());
      counts.merge(java.util.Arrays.asList(t.fromSegment(), t.toSegment()), t.customers(), Long::sum);
    }
    List<Side> rows = new ArrayList<>();
    for (int id : from) rows.add(new Side(id, names.getOrDefault(id, Integer.toString(id))));
    if (fresh) rows.add(new Side(null, "new customers"));
    List<Side> columns = new ArrayList<>();
    for (int id : to) columns.add(new Side(id, names.getOrDefault(id, Integer.toString(id))));
    if (left) columns.add(new Side(null, "left"));
    List<List<Cell>> cells = new ArrayList<>();
    for (Side r : rows) {
      long total = 0;
      for (Side c : columns) total += counts.getOrDefault(java.util.Arrays.asList(r.segmentId(), c.segmentId()), 0L);
      List<Cell> line = new ArrayList<>();
      for (Side c : columns) {
        long n = counts.getOrDefault(java.util.Arrays.asList(r.segmentId(), c.segmentId()), 0L);
        line.add(new Cell(r, c, n, total == 0 ? 0 : (double) n / total));
      }
      cells.add(line);
    }
    return new TransitionMatrix(rows, columns, cells);
  }

  public boolean isEmpty() { return rows.isEmpty(); }

  /** Customers of the previous batch in segment {@code id} (every row sums to it: who stayed, moved or left). */
  long previousSize(int id) {
    for (int r = 0; r < rows.size(); r++) {
      if (Integer.valueOf(id).equals(rows.get(r).segmentId())) return cells.get(r).stream().mapToLong(Cell::customers).sum();
    }
    return -1;
  }

  /** Customers who came into segment {@code id}: from another segment, or new. */
  long movedInto(int id) {
    long n = 0;
    for (List<Cell> line : cells) {
      for (Cell c : line) {
        if (Integer.valueOf(id).equals(c.to().segmentId()) && !c.stayed()) n += c.customers();
      }
    }
    return n;
  }
}
