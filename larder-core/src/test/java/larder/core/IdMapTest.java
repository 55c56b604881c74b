package larder.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The open-addressing map against a plain map, with names that share hashes and tables that grow. */
class IdMapTest {

  @Property(tries = 200)
  void idsAreDenseInFirstSeenOrderAsWithAPlainMap(@ForAll long seed, @ForAll @IntRange(min = 0, max = 3000) int n,
      @ForAll @IntRange(min = 1, max = 5000) int distinct, @ForAll @IntRange(min = 0, max = 2000) int expected) {
    Random r = new Random(seed);
    IdMap m = new IdMap(expected);
    Map<String, Integer> oracle = new HashMap<>();
    for (int k = 0; k < n; k++) {
      int x = r.nextInt(distinct);
      // "Aa" and "BB" have one hash: names built from them collide in whole families.
      String name = r.nextBoolean() ? "u" + x : Integer.toBinaryString(x).replace("0", "Aa").replace("1", "BB");
      boolean had = oracle.containsKey(name);
      Integer want = oracle.computeIfAbsent(name, s -> oracle.size());
      assertThat(m.idOf(name)).isEqualTo(had ? want : -1);
      assertThat(m.intern(new String(name))).isEqualTo(want);
      assertThat(m.idOf(name)).isEqualTo(want);
    }
    assertThat(m.size()).isEqualTo(oracle.size());
    for (var e : oracle.entrySet()) {
      assertThat(m.name(e.getValue())).isEqualTo(e.getKey());
      assertThat(m.idOf(e.getKey())).isEqualTo(e.getValue());
    }
    assertThat(m.idOf("never")).isEqualTo(-1);
    assertThat(m.idOf(null)).isEqualTo(-1);
  }

  @Test
  void sequentialAndBounds() {
    IdMap m = IdMap.sequential(100_000);
    assertThat(m.size()).isEqualTo(100_000);
    assertThat(m.idOf("99999")).isEqualTo(99_999);
    assertThat(m.name(42)).isEqualTo("42");
    assertThatThrownBy(() -> m.name(100_000)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> m.name(-1)).isInstanceOf(IndexOutOfBoundsException.class);
  }
}
