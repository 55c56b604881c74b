package larder.store.mysql;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import larder.store.Schema;
import larder.store.Store;
import larder.testkit.MariaDbDatabase;
import org.junit.jupiter.api.Test;

/**
 * MySQL 8 reserves {@code rank}, the name of a column every ranked view shows. Larder's SQL passes through
 * {@link ReservedWords#quote} on every MySQL/MariaDB connection; these tests check the rewrite itself, that the schema
 * has no other column MySQL 8 reserves that Larder writes bare, and that the SQL built for the MySQL dialect leaves
 * no bare reserved word used as a column once quoted. MariaDB accepts {@code rank} bare, so a run there cannot fail
 * on it: the scan stands in for a MySQL 8 server.
 */
class ReservedWordsTest {
  /** MySQL 8.0/8.4's reserved words (the "(R)" entries of the manual's keyword list). */
  static final Set<String> MYSQL8_RESERVED = Set.of(("ACCESSIBLE ADD ALL ALTER ANALYZE AND AS ASC ASENSITIVE BEFORE"
      + " BETWEEN BIGINT BINARY BLOB BOTH BY CALL CASCADE CASE CHANGE CHAR CHARACTER CHECK COLLATE COLUMN CONDITION"
      + " CONSTRAINT CONTINUE CONVERT CREATE CROSS CUBE CUME_DIST CURRENT_DATE CURRENT_TIME CURRENT_TIMESTAMP"
      + " CURRENT_USER CURSOR DATABASE DATABASES DAY_HOUR DAY_MICROSECOND DAY_MINUTE DAY_SECOND DEC DECIMAL DECLARE"
      + " DEFAULT DELAYED DELETE DENSE_RANK DESC DESCRIBE DETERMINISTIC DISTINCT DISTINCTROW DIV DOUBLE DROP DUAL EACH"
      + " ELSE ELSEIF EMPTY ENCLOSED ESCAPED EXCEPT EXISTS EXIT EXPLAIN FALSE FETCH FIRST_VALUE FLOAT FLOAT4 FLOAT8 FOR"
      + " FORCE FOREIGN FROM FULLTEXT FUNCTION GENERATED GET GRANT GROUP GROUPING GROUPS HAVING HIGH_PRIORITY"
      + " HOUR_MICROSECOND HOUR_MINUTE HOUR_SECOND IF IGNORE IN INDEX INFILE INNER INOUT INSENSITIVE INSERT INT INT1"
      + " INT2 INT3 INT4 INT8 INTEGER INTERSECT INTERVAL INTO IO_AFTER_GTIDS IO_BEFORE_GTIDS IS ITERATE JOIN JSON_TABLE"
      + " KEY KEYS KILL LAG LAST_VALUE LATERAL LEAD LEADING LEAVE LEFT LIKE LIMIT LINEAR LINES LOAD LOCALTIME"
      + " LOCALTIMESTAMP LOCK LONG LONGBLOB LONGTEXT LOOP LOW_PRIORITY MANUAL MASTER_BIND MASTER_SSL_VERIFY_SERVER_CERT"
      + " MATCH MAXVALUE MEDIUMBLOB MEDIUMINT MEDIUMTEXT MIDDLEINT MINUTE_MICROSECOND MINUTE_SECOND MOD MODIFIES NATURAL"
      + " NOT NO_WRITE_TO_BINLOG NTH_VALUE NTILE NULL NUMERIC OF ON OPTIMIZE OPTIMIZER_COSTS OPTION OPTIONALLY OR ORDER"
      + " OUT OUTER OUTFILE OVER PARALLEL PARTITION PERCENT_RANK PRECISION PRIMARY PROCEDURE PURGE QUALIFY RANGE RANK"
      + " READ READS READ_WRITE REAL RECURSIVE REFERENCES REGEXP RELEASE RENAME REPEAT REPLACE REQUIRE RESIGNAL RESTRICT"
      + " RETURN REVOKE RIGHT RLIKE ROW ROWS ROW_NUMBER SCHEMA SCHEMAS SECOND_MICROSECOND SELECT SENSITIVE SEPARATOR SET"
      + " SHOW SIGNAL SMALLINT SPATIAL SPECIFIC SQL SQLEXCEPTION SQLSTATE SQLWARNING SQL_BIG_RESULT SQL_CALC_FOUND_ROWS"
      + " SQL_SMALL_RESULT SSL STARTING STORED STRAIGHT_JOIN SYSTEM TABLE TABLESAMPLE TERMINATED THEN TINYBLOB TINYINT"
      + " TINYTEXT TO TRAILING TRIGGER TRUE UNDO UNION UNIQUE UNLOCK UNSIGNED UPDATE USAGE USE USING UTC_DATE UTC_TIME"
      + " UTC_TIMESTAMP VALUES VARBINARY VARCHAR VARCHARACTER VARYING VIRTUAL WHEN WHERE WHILE WINDOW WITH WRITE XOR"
      + " YEAR_MONTH ZEROFILL").toLowerCase(Locale.ROOT).split(" "));

  /**
   * Reserved column names Larder never writes bare on MySQL: the ledger of partitioned loads, which only PostgreSQL
   * fills, whose DDL quotes them and which MySQL only deletes from by batch id.
   */
  static final Set<String> QUOTED_WHERE_USED = Set.of("rows", "keys");

  @Test void aBareRankIsQuotedWhereverItStandsAsAColumn() {
    assertThat(ReservedWords.quote("SELECT rank, item_id FROM larder_recommendations WHERE job = ? ORDER BY rank"))
        .isEqualTo("SELECT `rank`, item_id FROM larder_recommendations WHERE job = ? ORDER BY `rank`");
    assertThat(ReservedWords.quote("SELECT f.rank, r.RANK FROM t f WHERE f.rank<=? AND x=1 GROUP BY Rank"))
        .isEqualTo("SELECT f.`rank`, r.`RANK` FROM t f WHERE f.`rank`<=? AND x=1 GROUP BY `Rank`");
    assertThat(ReservedWords.quote("SELECT MAX(rank) AS rank FROM x"))
        .isEqualTo("SELECT MAX(`rank`) AS `rank` FROM x");
  }

  @Test void literalsQuotedNamesCommentsAndOtherWordsAreLeftAlone() {
    for (String sql : List.of(
        "SELECT `rank` FROM t",
        "SELECT 'rank', \"rank\", 'it''s rank', 'a\\'rank' FROM t",
        "SELECT x FROM t -- order by rank\nWHERE y = 1",
        "SELECT x /* rank */ FROM t # rank",
        "SELECT ranking, franks, rank_2, rank$x, ranks FROM t",
        "SELECT RANK() OVER (ORDER BY score), rank (x) FROM t")) {
      assertThat(ReservedWords.quote(sql)).as(sql).isEqualTo(sql);
    }
    assertThat(ReservedWords.quote("SELECT 'rank', rank FROM t")).isEqualTo("SELECT 'rank', `rank` FROM t");
  }

  @Test void quotingTwiceChangesNothingMore() {
    String once = ReservedWords.quote(Schema.RECOMMEND_SQL);
    assertThat(ReservedWords.quote(once)).isEqualTo(once);
    assertThat(bareReserved(once)).isEmpty();
    assertThat(bareReserved(Schema.RECOMMEND_SQL)).containsOnly("rank");
  }

  /** Every statement of the MySQL schema and the one-query recommendation, as sent, has no bare reserved column. */
  @Test void theSqlOfTheMysqlDialectNamesNoReservedColumnBare() {
    for (MysqlDialect.Flavour f : MysqlDialect.Flavour.values()) {
      MysqlDialect d = new MysqlDialect(f, "larder");
      List<String> sql = new ArrayList<>();
      for (int v = 0; v <= Schema.VERSION; v++) sql.addAll(d.migration(v));
      sql.add(Schema.recommendSql(d));
      for (String s : sql) assertThat(bareReserved(ReservedWords.quote(s))).as(s).isEmpty();
    }
  }

  /**
   * The schema Larder creates on MariaDB (the same DDL MySQL 8 gets but the collation): every column of its tables and
   * views whose name MySQL 8 reserves is one {@link ReservedWords} quotes, or one Larder never writes bare.
   */
  @Test void theSchemaHasNoOtherReservedColumnName() throws Exception {
    try (MariaDbDatabase db = new MariaDbDatabase(); Store store = Store.open(db.url);
        Connection c = store.connection(); PreparedStatement ps = c.prepareStatement("SELECT DISTINCT column_name"
            + " FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name LIKE 'larder%'")) {
      List<String> reserved = new ArrayList<>();
      int columns = 0;
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          columns++;
          String name = rs.getString(1).toLowerCase(Locale.ROOT);
          if (MYSQL8_RESERVED.contains(name)) reserved.add(name);
        }
      }
      assertThat(columns).isGreaterThan(50);
      assertThat(reserved).contains("rank").allMatch(n -> ReservedWords.QUOTED.contains(n) || QUOTED_WHERE_USED.contains(n));
      // and the wrapped connection sends it quoted: a plain statement and a prepared one both run
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(rank) FROM larder_fallback_rows"
          + " WHERE rank > 0")) {
        assertThat(rs.next()).isTrue();
      }
    }
  }

  /**
   * The words of {@code sql} outside literals, quoted names and comments that MySQL 8 reserves and that are a
   * column of Larder's schema somewhere (a keyword of the statement itself is not a column).
   */
  static List<String> bareReserved(String sql) {
    Set<String> columns = Set.of("rank", "rows", "keys");
    List<String> found = new ArrayList<>();
    String stripped = sql.replaceAll("`[^`]*`", " ").replaceAll("'(?:[^'\\\\]|\\\\.|'')*'", " ")
        .replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", " ");
    for (String w : stripped.split("[^A-Za-z0-9_$]+")) {
      String lower = w.toLowerCase(Locale.ROOT);
      if (columns.contains(lower) && MYSQL8_RESERVED.contains(lower)) found.add(lower);
    }
    return found;
  }
}
