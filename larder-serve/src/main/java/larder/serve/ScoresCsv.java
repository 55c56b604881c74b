package larder.serve;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import larder.core.CsvFields;

/**
 * A scores job's rows as CSV, {@code entity_id,score,label}, as the {@link ScoreConsumer} of
 * {@link ScoreReader#forEachScore}, so any batch size streams.
 */
public final class ScoresCsv implements ScoreConsumer {
  public static final String HEADER = "entity_id,score,label\n";

  private final Writer out;

  public ScoresCsv(Writer out) {
    this.out = out;
  }

  @Override public void start(larder.core.BatchInfo batch) {
    write(HEADER);
  }

  @Override public void accept(ScoredEntity x) {
    write(CsvFields.quote(x.entityId()) + "," + x.score() + "," + CsvFields.quote(x.label()) + "\n");
  }

  private void write(String s) {
    try {
      out.write(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
