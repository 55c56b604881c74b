package larder.extract.formats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class WeightsAndSplitterTest {

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

  @Property(tries = 300)
  void splitterMatchesRegexSplit(@ForAll("lines") String line) {
    WhitespaceSplitter s = new WhitespaceSplitter();
    int n = s.split(line);
    List<String> expected = new ArrayList<>();
    for (String f : line.strip().split("[ \t\r]+")) if (!f.isEmpty()) expected.add(f);
    List<String> got = new ArrayList<>();
    for (int k = 0; k < n; k++) got.add(s.field(k));
    assertThat(got).isEqualTo(expected);
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<Float> finite() {
    return net.jqwik.api.Arbitraries.floats().between(-Float.MAX_VALUE, Float.MAX_VALUE);
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<String> lines() {
    return net.jqwik.api.Arbitraries.strings().withChars(" \tab1.").ofMaxLength(40);
  }

  @Test
  void splitsCdnowStyleLines() {
    WhitespaceSplitter s = new WhitespaceSplitter();
    assertThat(s.split(" 00001 19970101  1   11.77\r")).isEqualTo(4);
    assertThat(List.of(s.field(0), s.field(1), s.field(2), s.field(3)))
        .containsExactly("00001", "19970101", "1", "11.77");
    assertThat(s.split("   \t ")).isZero();
  }
}
