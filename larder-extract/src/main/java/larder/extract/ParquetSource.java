package larder.extract;

import larder.core.ConfigException;
import larder.core.Progress;

/**
 * Interactions in Parquet ({@code source: {parquet: path}}): any path Spark reads (a file, a folder of parts,
 * hdfs:// or s3a:// through the cluster's Hadoop settings). Only the Spark engine reads it; the local engine
 * refuses the job before it starts (see the config check), so {@link #read} is never reached there.
 *
 * @param path as given in the config; a relative local path is resolved against the config's folder
 * @param user the user id column's name
 * @param item the item id column's name
 * @param weight the weight column's name, or null for weight 1
 * @param timestamp the time column's name, or null for none
 */
public record ParquetSource(String path, String user, String item, String weight, String timestamp,
    ReadOptions options) implements InteractionSource {

  @Override public ParquetSource after(java.time.Instant hwm) {
    return new ParquetSource(path, user, item, weight, timestamp, (options == null ? ReadOptions.DEFAULT : options).withAfter(hwm));
  }

  @Override public ExtractResult read(Progress p) {
    throw new ConfigException("source.parquet", path, "Parquet is read by the Spark engine only",
        "set engine: spark for this job, or give the interactions as a CSV/TSV file");
  }

  @Override public boolean binary() { return options != null && options.binary(); }

  @Override public String label() {
    String p = path.replaceAll("/+$", "");
    return p.substring(p.lastIndexOf('/') + 1);
  }
}
