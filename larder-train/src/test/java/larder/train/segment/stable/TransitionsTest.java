package larder.train.segment.stable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import larder.core.segment.SegmentTransition;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class TransitionsTest {

  @Test
  void handExample() {
    // Previous: segment 1 had 3 customers, segment 7 had 2, segment 9 had 1 (who left).
    int[] previous = {1, 1, 7, 0, 0};
    int[] current = {1, 2, 2, 2, 1};
    List<SegmentTransition> t = Transitions.compute(previous, current, Map.of(1, 3L, 7, 2L, 9, 1L));
    assertThat(t).containsExactly(
        new SegmentTransition(null, 1, 1),
        new SegmentTransition(null, 2, 1),
        new SegmentTransition(1, 1, 1),
        new SegmentTransition(1, 2, 1),
        new SegmentTransition(1, null, 1),
        new SegmentTransition(7, 2, 1),
        new SegmentTransition(7, null, 1),
        new SegmentTransition(9, null, 1));
    assertThat(Transitions.stayedShare(t)).isEqualTo(1.0 / 3);
  }

  @Property(tries = 100)
  void rowsAddUpToBothBatches(@ForAll @IntRange(min = 0, max = 300) int n, @ForAll @IntRange(min = 1, max = 6) int k,
      @ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] previous = new int[n];
    int[] current = new int[n];
    Map<Integer, Long> sizes = new HashMap<>();
    for (int i = 0; i < n; i++) {
      previous[i] = r.nextInt(k + 1) * 100; // large, sparse ids; 0 = new
      current[i] = 100 * (1 + r.nextInt(k));
      if (previous[i] > 0) sizes.merge(previous[i], 1L, Long::sum);
    }
    for (int id = 1; id <= k; id++) sizes.merge(100 * id, (long) r.nextInt(5), Long::sum); // some left
    List<SegmentTransition> t = Transitions.compute(previous, current, sizes);
    long toCurrent = 0;
    Map<Integer, Long> fromSum = new HashMap<>();
    for (SegmentTransition s : t) {
      assertThat(s.customers()).isPositive();
      if (s.toSegment() != null) toCurrent += s.customers();
      if (s.fromSegment() != null) fromSum.merge(s.fromSegment(), s.customers(), Long::sum);
      assertThat(s.fromSegment() == null && s.toSegment() == null).isFalse();
    }
    assertThat(toCurrent).isEqualTo(n);
    sizes.values().removeIf(v -> v == 0);
    assertThat(fromSum).isEqualTo(sizes);
  }

  @Test
  void contradictoryInputsAreRefused() {
    assertThatThrownBy(() -> Transitions.compute(new int[] {3}, new int[] {1}, Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no previous size");
    assertThatThrownBy(() -> Transitions.compute(new int[] {3, 3}, new int[] {1, 1}, Map.of(3, 1L)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("had 1 customers but 2");
  }
}
