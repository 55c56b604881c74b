package larder.extract.formats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class WeightsTest {

  @Property(tries = 300)
  void finiteFloatsReadBack(@ForAll("finite") float v) {
    assertThat(Weights.parse(Float.toString(v))).isEqualTo(v);
    assertThat(Weights.parse(" " + v + " ")).isEqualTo(v);
  }

  @Test
  void weightsRejectNonNumbers() {
    for (String s : new String[] {"abc", "NaN", "Infinity", "1.5f", "0x10", "1e999", "", "4,5"}) {
      assertThatThrownBy(() -> Weights.parse(s)).as(s).isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(Weights.parse("1e3")).isEqualTo(1000f);
    assertThat(Weights.parse("-2")).isEqualTo(-2f);
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<Float> finite() {
    return net.jqwik.api.Arbitraries.floats().between(-Float.MAX_VALUE, Float.MAX_VALUE);
  }
}
