package larder.http;

import java.nio.file.Path;
import larder.testkit.PgSchema;

/** The HTTP API contract on PostgreSQL, in a schema of its own. */
class HttpApiPostgresTest extends HttpApiContract {
  private PgSchema schema;

  @Override String newStore(Path dir) {
    schema = new PgSchema();
    return schema.url;
  }

  @Override void dropStore() {
    if (schema != null) schema.close();
  }
}
