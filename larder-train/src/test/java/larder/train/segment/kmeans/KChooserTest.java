package larder.train.segment.kmeans;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import larder.core.ConfigException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class KChooserTest {

  @Property(tries = 6)
  void picksThePlantedKOnCleanData(@ForAll @IntRange(min = 2, max = 7) int k,
      @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
    // centres at least 20 standard deviations apart: at 12, one seed in a few hundred put two of seven blobs close
    // enough that the silhouette preferred six, which is a fair reading of such data, not a planted-k failure
    Blobs b = Blobs.of(400 * k, 3, k, 20, 1, seed);
    KChooser.Choice c = KChooser.auto(b.points(), b.n(), 3, 2, 9, KMeansParams.defaults(2).withSeed(seed), 1_000);
    assertThat(c.chosenK()).isEqualTo(k);
    assertThat(c.rows()).extracting(KChooser.Row::k).containsExactly(2, 3, 4, 5, 6, 7, 8, 9);
    assertThat(c.chosen().centroids()).hasSize(k * 3);
    assertThat(AdjustedRand.index(b.truth(), c.chosen().assignment())).isGreaterThan(0.95);
    assertThat(c.table()).contains("silhouette").containsPattern("(?m)^\\s+" + k + "\\s.*\\*$");
  }

  @Test
  void badRangesAreConfigErrors() {
    double[] x = Blobs.uniform(20, 2, 0, 1);
    KMeansParams p = KMeansParams.defaults(2);
    assertThatThrownBy(() -> KChooser.auto(x, 20, 2, 1, 4, p, 100)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("kmeans.k_min");
    assertThatThrownBy(() -> KChooser.auto(x, 20, 2, 5, 4, p, 100)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("kmeans.k_max");
    assertThatThrownBy(() -> KChooser.auto(x, 20, 2, 2, 21, p, 100)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("kmeans.k_max").hasMessageContaining("20 points");
  }
}
