package larder.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class CentroidJsonTest {
  @Property
  void anyCentroidRoundTripsExactlyInOrder(@ForAll @Size(max = 12) List<String> names, @ForAll @Size(12) List<Double> values) {
    Map<String, Double> centroid = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      double v = values.get(i);
      centroid.put(names.get(i), Double.isFinite(v) ? v : i);
    }
    Map<String, Double> back = CentroidJson.read(CentroidJson.write(centroid));
    assertThat(back).containsExactlyEntriesOf(centroid);
  }

  @Test void writesPlainJsonThatOtherParsersRead() {
    Map<String, Double> c = new LinkedHashMap<>();
    c.put("recency_days", 12.5);
    c.put("say \"hi\"\n", -1e-7);
    assertThat(CentroidJson.write(c)).isEqualTo("{\"recency_days\":12.5,\"say \\\"hi\\\"\\n\":-1.0E-7}");
    assertThat(CentroidJson.read(" { \"a\" : 1 , \"b\":2.5e3 } ")).containsExactly(Map.entry("a", 1.0), Map.entry("b", 2500.0));
    assertThat(CentroidJson.read("{}")).isEmpty();
    assertThat(CentroidJson.read(null)).isEmpty();
  }

  @Test void refusesWhatJsonCannotHoldAndWhatIsNotAFlatObject() {
    assertThatThrownBy(() -> CentroidJson.write(Map.of("x", Double.NaN))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'x'");
    assertThatThrownBy(() -> CentroidJson.read("{\"a\":{}}")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CentroidJson.read("{\"a\":1} x")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CentroidJson.read("[1]")).isInstanceOf(IllegalArgumentException.class);
  }
}
