package larder.extract.table;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import larder.extract.table.SinceParameter.Kind;
import org.junit.jupiter.api.Test;

class SinceParameterTest {
  @Test
  void namesAreReplacedInOrderOutsideQuotesCommentsAndCasts() {
    SinceParameter p = SinceParameter.scan("SELECT ':since', \"a:since\" FROM t -- :since\n"
        + "WHERE ts > :since AND s >= :since_epoch /* :since_epoch */ AND x = y::since AND z > :Since");
    assertThat(p.sql()).isEqualTo("SELECT ':since', \"a:since\" FROM t -- :since\n"
        + "WHERE ts > ? AND s >= ? /* :since_epoch */ AND x = y::since AND z > ?");
    assertThat(p.kinds()).containsExactly(Kind.SINCE, Kind.SINCE_EPOCH, Kind.SINCE);
  }

  @Test
  void onlyWholeNamesCount() {
    SinceParameter p = SinceParameter.scan("SELECT :sincere, :since_epochs, :since_x FROM t WHERE a>:since");
    assertThat(p.sql()).isEqualTo("SELECT :sincere, :since_epochs, :since_x FROM t WHERE a>?");
    assertThat(p.kinds()).containsExactly(Kind.SINCE);
  }

  @Test
  void aQueryWithoutThemIsUnchanged() {
    String sql = "SELECT 'it''s', \"q\"\"x\" FROM t WHERE a::text = 'b' /* unclosed";
    SinceParameter p = SinceParameter.scan(sql);
    assertThat(p.sql()).isEqualTo(sql);
    assertThat(p.present()).isFalse();
    assertThat(SinceParameter.scan("x > :since").kinds()).isEqualTo(List.of(Kind.SINCE));
  }
}
