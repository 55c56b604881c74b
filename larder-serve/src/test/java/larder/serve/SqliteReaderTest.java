package larder.serve;

import java.nio.file.Path;
import larder.store.Store;
import org.junit.jupiter.api.io.TempDir;

class SqliteReaderTest extends ReaderContract {
  @TempDir Path dir;

  @Override Store openStore() { return Store.open(dir.resolve("serve.db").toString()); }

  @Override void dropStore() {}
}
