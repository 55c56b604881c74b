package larder.jobs.run;

import java.nio.file.Path;
import larder.testkit.PgSchema;

/** The shrink checks on PostgreSQL, in a schema of its own per test. */
class ShrinkCheckPostgresTest extends ShrinkCheckTest {
  private PgSchema schema;

  @Override String newStore(Path dir) {
    schema = new PgSchema();
    return schema.url;
  }

  @Override void dropStore() {
    if (schema != null) schema.close();
  }
}
