package larder.extract.formats;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import larder.core.ConfigException;
import larder.extract.Column;
import larder.extract.TransactionSpec;
import larder.extract.table.DelimitedFile;

/** Public transaction data sets whose layout is known, so a job need only name the file. */
public enum TransactionLayout {
  /**
   * The CDNOW master file ({@code CDNOW_master.txt}): whitespace-separated, no header; customer id (e.g.
   * {@code 00001}, kept as written), date {@code yyyyMMdd}, quantity, amount in dollars. No order ids.
   */
  CDNOW("cdnow") {
    @Override public TransactionSpec spec(Path path) {
      return new TransactionSpec(new DelimitedFile(path, DelimitedFile.WHITESPACE, false), Column.at(1),
          Column.at(2), Column.at(4), null, 0);
    }
  };

  private final String id;

  TransactionLayout(String id) {
    this.id = id;
  }

  /** The name used in configuration, e.g. "cdnow". */
  public String id() { return id; }

  /** The spec for a file in this layout. */
  public abstract TransactionSpec spec(Path path);

  public static TransactionLayout of(String id) {
    for (TransactionLayout l : values()) if (l.id.equalsIgnoreCase(id)) return l;
    throw new ConfigException("format", id, "unknown transactions layout; known: "
        + Arrays.stream(values()).map(TransactionLayout::id).collect(Collectors.joining(", ")));
  }
}
