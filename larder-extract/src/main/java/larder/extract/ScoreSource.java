package larder.extract;

import java.util.Arrays;
import larder.core.Progress;
import larder.core.Scores;
import larder.extract.formats.Decimals;
import larder.extract.table.BadRowCollector;
import larder.extract.table.FieldRef;
import larder.extract.table.Fields;
import larder.extract.table.Header;
import larder.extract.table.RowHandler;

/**
 * Reads imported per-entity predictions from a file or a query ({@link ScoreSpec#input()}), validated row by
 * row: {@code churn.csv:9: field 'probability': 'high' is not a number}, a repeated entity as
 * {@code churn.csv:12: field 'customer_id': 'c7' already appeared on line 4}.
 */
public final class ScoreSource {
  private final ScoreSpec spec;

  public ScoreSource(ScoreSpec spec) {
    if (spec == null) throw new IllegalArgumentException("spec is null");
    this.spec = spec;
  }

  public ScoreSpec spec() { return spec; }

  public String label() { return spec.input().label(); }

  /**
   * Reads the whole source; reports progress about every 100,000 rows.
   *
   * @throws larder.core.InputException when the source cannot be read, has no entities, or has more bad rows
   *     than allowed
   */
  public ScoresResult read(Progress p) {
    Rows rows = new Rows(new BadRowCollector(label(), spec.maxBadRows(), p));
    spec.input().read(rows, rows.collector);
    rows.collector.finish("entities", rows.scores.size(), null);
    return new ScoresResult(rows.scores.build(), rows.collector.rowsRead(), rows.collector.badRows(),
        rows.collector.samples());
  }

  private final class Rows implements RowHandler {
    final BadRowCollector collector;
    final Scores.Builder scores = new Scores.Builder();
    long[] firstLine = new long[1 << 12];
    Header header;
    FieldRef entity;
    FieldRef score;
    FieldRef label;

    Rows(BadRowCollector collector) {
      this.collector = collector;
    }

    @Override public void start(Header h) {
      header = h;
      entity = h.field(spec.entity(), "entity");
      score = h.field(spec.score(), "score");
      label = spec.label() == null ? null : h.field(spec.label(), "label");
    }

    @Override public void row(long line, Fields f) {
      BadRowCollector rc = collector;
      if (rc.missing(line, f, entity) || rc.missing(line, f, score)) return;
      if (label != null && rc.missing(line, f, label)) return;
      String id = rc.id(line, f, entity);
      if (id == null) return;
      int before = scores.idOf(id);
      if (before >= 0) {
        rc.bad(line, entity.name(), "'" + id + "' already appeared on " + header.where(firstLine[before]));
        return;
      }
      String s = f.text(score.index());
      if (s == null) {
        rc.bad(line, score.name(), "NULL, expected a number");
        return;
      }
      double value;
      try {
        value = Decimals.parse(s);
      } catch (IllegalArgumentException e) {
        rc.bad(line, score.name(), e.getMessage());
        return;
      }
      String text = label == null ? null : f.text(label.index());
      if (text != null) {
        text = text.strip();
        if (text.isEmpty()) text = null;
        else if (!rc.validText(line, label, text)) return;
      }
      int row = scores.size();
      scores.add(id, value, text);
      if (row == firstLine.length) firstLine = Arrays.copyOf(firstLine, row * 2);
      firstLine[row] = line;
    }
  }
}
