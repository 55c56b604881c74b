package larder.extract.formats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class DecimalsTest {

  @Property(tries = 300)
  void finiteDoublesReadBackInEveryNotation(@ForAll("finite") double v) {
    assertThat(Decimals.parse(Double.toString(v))).isEqualTo(v);
    assertThat(Decimals.parse(" " + v + "\t")).isEqualTo(v);
    String plain = new BigDecimal(v).toPlainString(); // -0.0 is written "0": compare numerically
    assertThat(Decimals.parse(plain) == v).as(plain).isTrue();
    assertThat(Decimals.parse(String.format(java.util.Locale.ROOT, "%.17e", v))).isEqualTo(v);
  }

  @Provide
  Arbitrary<Double> finite() {
    return Arbitraries.doubles().between(-Double.MAX_VALUE, Double.MAX_VALUE);
  }

  @Test
  void amountsAsWritten() {
    assertThat(Decimals.parse("11.77")).isEqualTo(11.77);
    assertThat(Decimals.parse("-3.5")).isEqualTo(-3.5);
    assertThat(Decimals.parse("1e3")).isEqualTo(1000.0);
    assertThat(Decimals.parse("+0.5")).isEqualTo(0.5);
    assertThat(Decimals.parse("  42  ")).isEqualTo(42.0);
  }

  @Test
  void rejectsWhatIsNoFiniteNumber() {
    assertThatThrownBy(() -> Decimals.parse("")).hasMessage("empty, expected a number");
    assertThatThrownBy(() -> Decimals.parse("   ")).hasMessage("empty, expected a number");
    assertThatThrownBy(() -> Decimals.parse("1e999")).hasMessage("'1e999' is too large");
    for (String s : new String[] {"abc", "NaN", "Infinity", "-Infinity", "1.5d", "0x10", "4,5", "1-2", "$3", "e", "."}) {
      assertThatThrownBy(() -> Decimals.parse(s)).as(s).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("'" + s + "' is not a number");
    }
  }
}
