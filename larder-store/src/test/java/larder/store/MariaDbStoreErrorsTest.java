package larder.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;
import larder.core.StoreException;
import larder.testkit.MariaDbDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a user sees when a MySQL/MariaDB store cannot be opened: the store named (password masked), the server's
 * reason and a hint saying what to do; never the password. Each test has a database and a user of its own.
 */
class MariaDbStoreErrorsTest {
  private MariaDbDatabase db;
  private String user;
  private final String password = "Pw" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);

  @BeforeEach void create() throws SQLException {
    db = new MariaDbDatabase();
    user = "lu_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
    root("CREATE USER '" + user + "'@'%' IDENTIFIED BY '" + password + "'",
        "CREATE USER '" + user + "'@'localhost' IDENTIFIED BY '" + password + "'");
  }

  @AfterEach void drop() throws SQLException {
    try {
      root("DROP USER IF EXISTS '" + user + "'@'%'", "DROP USER IF EXISTS '" + user + "'@'localhost'");
    } finally {
      db.close();
    }
  }

  private static void root(String... sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(MariaDbDatabase.BASE); Statement st = c.createStatement()) {
      for (String s : sql) st.execute(s);
    }
  }

  private String url(String pw) {
    return "jdbc:mariadb://127.0.0.1:3306/" + db.name + "?user=" + user + "&password=" + pw;
  }

  @Test void aWrongPasswordIsNamedButNeverPrinted() {
    String wrong = "Wrong" + password;
    assertThatThrownBy(() -> Store.open(url(wrong))).isInstanceOf(StoreException.class)
        .hasMessageContaining("cannot connect").hasMessageContaining("Access denied").hasMessageContaining("password=***")
        .hasMessageNotContaining(wrong)
        .satisfies(e -> assertThat(((StoreException) e).hint()).contains("LARDER_DB_PASSWORD").doesNotContain(wrong));
  }

  @Test void aPasswordFromTheEnvironmentIsNeverPrintedEither() {
    String wrong = "Env" + password;
    StoreLocation at = StoreLocation.parse("jdbc:mariadb://127.0.0.1:3306/" + db.name, user, wrong);
    assertThatThrownBy(() -> Store.open(at)).isInstanceOf(StoreException.class)
        .hasMessageContaining("Access denied").hasMessageNotContaining(wrong);
  }

  @Test void anUnreachableServerSaysWhereItLooked() {
    assertThatThrownBy(() -> Store.open("jdbc:mariadb://127.0.0.1:1/" + db.name + "?user=root&password=" + password))
        .isInstanceOf(StoreException.class).hasMessageContaining("cannot connect").hasMessageNotContaining(password)
        .satisfies(e -> assertThat(((StoreException) e).hint()).contains("running and reachable"));
  }

  @Test void aUserWithoutTheRightToCreateTablesIsToldWhichGrant() throws SQLException {
    root("GRANT SELECT, INSERT, UPDATE, DELETE ON " + db.name + ".* TO '" + user + "'@'%'",
        "GRANT SELECT, INSERT, UPDATE, DELETE ON " + db.name + ".* TO '" + user + "'@'localhost'");
    assertThatThrownBy(() -> Store.open(url(password))).isInstanceOf(StoreException.class)
        .hasMessageContaining("create or migrate the Larder schema").hasMessageContaining("CREATE command denied")
        .hasMessageNotContaining(password)
        .satisfies(e -> assertThat(((StoreException) e).hint()).contains("GRANT ALL ON"));
  }

  @Test void aStoreMadeByAnAdministratorServesAUserWithDataRightsOnly() throws SQLException {
    Store.open(db.url).close(); // tables and views created by root
    root("GRANT SELECT, INSERT, UPDATE, DELETE ON " + db.name + ".* TO '" + user + "'@'%'",
        "GRANT SELECT, INSERT, UPDATE, DELETE ON " + db.name + ".* TO '" + user + "'@'localhost'");
    try (Store store = Store.open(url(password))) {
      assertThat(Schema.version(store)).isEqualTo(Schema.VERSION);
    }
  }

  @Test void aMissingDatabaseIsNamedWithWhatToDo() {
    assertThatThrownBy(() -> Store.open("jdbc:mariadb://127.0.0.1:3306/" + db.name + "_nope?user=root"))
        .isInstanceOf(StoreException.class).hasMessageContaining("Unknown database")
        .satisfies(e -> assertThat(((StoreException) e).hint()).contains("CREATE DATABASE"));
  }
}
