package larder.jobs.damage;

import java.nio.file.Path;
import larder.testkit.PgSchema;

/** The damaged-input contract on PostgreSQL, in a schema of its own per test. */
class DamagedInputPostgresTest extends DamagedInputContract {
  private PgSchema schema;

  @Override String newStore(Path dir) {
    schema = new PgSchema();
    return schema.url;
  }

  @Override void dropStore() {
    if (schema != null) schema.close();
  }

  @Override String snapshotUrl(Path dir) {
    return schema.url;
  }
}
