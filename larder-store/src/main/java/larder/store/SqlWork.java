package larder.store;

import java.sql.Connection;
import java.sql.SQLException;

/** Work done on one connection, inside whatever transaction {@link Store} opened for it. */
@FunctionalInterface
public interface SqlWork<T> {
  T run(Connection c) throws SQLException;
}
