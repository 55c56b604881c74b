package larder.cli;

import picocli.CommandLine.Option;

/** The {@code --db} option every command shares. */
final class StoreOption {
  static final String DEFAULT = "larder.db";

  @Option(
      names = "--db",
      paramLabel = "DB",
      description = "The store: a SQLite file path or a JDBC URL (jdbc:sqlite:..., jdbc:postgresql://host/db). "
          + "Default: $LARDER_DB, else larder.db in the working folder (for run, the config's store: comes first).")
  String db;

  String resolve() {
    return resolve(null);
  }

  /** --db, else the config file's store, else $LARDER_DB, else larder.db. */
  String resolve(String fromConfig) {
    if (db != null && !db.isBlank()) return db;
    if (fromConfig != null && !fromConfig.isBlank()) return fromConfig;
    String env = System.getenv("LARDER_DB");
    return env != null && !env.isBlank() ? env : DEFAULT;
  }
}
