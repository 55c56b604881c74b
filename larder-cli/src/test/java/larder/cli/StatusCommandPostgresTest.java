package larder.cli;

import java.nio.file.Path;
import larder.testkit.PgSchema;

/** {@code larder status} on PostgreSQL, in a schema of its own per test. */
class StatusCommandPostgresTest extends StatusCommandTest {
  private PgSchema schema;

  @Override String newStore(Path dir) {
    schema = new PgSchema();
    return schema.url;
  }

  @Override void dropStore() {
    if (schema != null) schema.close();
  }
}
