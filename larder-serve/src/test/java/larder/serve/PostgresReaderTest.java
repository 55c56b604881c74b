package larder.serve;

import larder.testkit.PgSchema;

import larder.store.Store;

class PostgresReaderTest extends ReaderContract {
  PgSchema schema;

  @Override Store openStore() {
    schema = new PgSchema();
    return Store.open(schema.url);
  }

  @Override void dropStore() { schema.close(); }
}
