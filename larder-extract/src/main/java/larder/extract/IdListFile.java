package larder.extract;

import java.nio.file.Path;
import java.util.Set;
import larder.core.InputException;
import larder.core.Progress;
import larder.extract.table.BadRowCollector;
import larder.extract.table.DelimitedFile;
import larder.extract.table.FieldRef;
import larder.extract.table.Fields;
import larder.extract.table.Header;
import larder.extract.table.RowHandler;

/**
 * A file of item ids, one a line (a deny or allow list): read like any delimited file (gzip by content, a
 * byte-order mark skipped, blank lines skipped, a field may be quoted, strict UTF-8, no change while read), and
 * each id checked as every source checks ids. A first line reading {@code item_id} is a header. Any bad line
 * fails the read: a filter that silently lost an id would recommend what it should not.
 */
public final class IdListFile {
  private static final String FIELD = "item_id";

  private IdListFile() {}

  /**
   * Adds the file's ids to {@code into}.
   *
   * @throws InputException naming the file (by path), and the line and field of a bad id
   */
  public static void read(Path file, Set<String> into) {
    BadRowCollector rc = new BadRowCollector(file.toString(), 0, Progress.NONE);
    FieldRef id = new FieldRef(0, FIELD);
    RowHandler ids = new RowHandler() {
      boolean first = true;

      @Override public void start(Header header) {}

      @Override public void row(long line, Fields f) {
        if (first) {
          first = false;
          if (f.count() == 1 && f.text(0).strip().equalsIgnoreCase(FIELD)) return;
        }
        if (f.count() > 1) {
          rc.bad(line, FIELD, "holds a tab; the file lists one id a line");
          return;
        }
        String s = rc.id(line, f, id);
        if (s != null) into.add(s);
      }
    };
    try {
      new DelimitedFile(file, '\t', false).read(ids, rc);
    } catch (InputException e) {
      InputException bad = rc.firstBad();
      if (bad == null) throw e;
      throw new InputException(file.toString(), bad.line(), FIELD, bad.problem(),
          "fix the id on that line; the current batch is still serving", e);
    }
  }
}
