package larder.train.segment.rfm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class RfmSegmentTest {

  @Property
  void everyCombinationMatchesExactlyOneRule(@ForAll @IntRange(min = 1, max = 5) int r,
      @ForAll @IntRange(min = 1, max = 5) int f, @ForAll @IntRange(min = 1, max = 5) int m) {
    long matching = RfmSegment.RULES.stream().filter(rule -> rule.matches(r, f, m)).count();
    assertThat(matching).isEqualTo(1);
    RfmSegment s = RfmSegment.of(r, f, m);
    assertThat(RfmSegment.RULES.stream().filter(rule -> rule.matches(r, f, m)).findFirst().orElseThrow().segment())
        .isEqualTo(s);
    assertThat(RfmSegment.ofScore(100 * r + 10 * f + m)).isEqualTo(s);
  }

  @Test
  void allElevenSegmentsAreReachableWithFixedIds() {
    Set<RfmSegment> seen = EnumSet.noneOf(RfmSegment.class);
    for (int r = 1; r <= 5; r++) for (int f = 1; f <= 5; f++) for (int m = 1; m <= 5; m++) seen.add(RfmSegment.of(r, f, m));
    assertThat(seen).hasSize(11);
    for (RfmSegment s : RfmSegment.values()) {
      assertThat(s.id()).isEqualTo(s.ordinal() + 1);
      assertThat(RfmSegment.byId(s.id())).isEqualTo(s);
    }
    assertThat(RfmSegment.byId(0)).isNull();
    assertThat(RfmSegment.byId(12)).isNull();
  }

  @Test
  void extremesLandWhereExpected() {
    assertThat(RfmSegment.of(5, 5, 5)).isEqualTo(RfmSegment.CHAMPIONS);
    assertThat(RfmSegment.of(1, 1, 1)).isEqualTo(RfmSegment.LOST);
    assertThat(RfmSegment.of(5, 1, 1)).isEqualTo(RfmSegment.NEW);
    assertThat(RfmSegment.of(1, 5, 5)).isEqualTo(RfmSegment.CANNOT_LOSE_THEM);
    assertThat(RfmSegment.of(2, 1, 1)).isEqualTo(RfmSegment.HIBERNATING);
    assertThat(RfmSegment.of(3, 3, 3)).isEqualTo(RfmSegment.NEED_ATTENTION);
    assertThat(RfmSegment.of(4, 5, 5)).isEqualTo(RfmSegment.LOYAL);
  }

  /** Better recency never moves a customer from an active segment to a lapsed one, nor the reverse for worse. */
  @Property
  void recencyOrdersTheSegmentsSensibly(@ForAll @IntRange(min = 1, max = 4) int r,
      @ForAll @IntRange(min = 1, max = 5) int f, @ForAll @IntRange(min = 1, max = 5) int m) {
    Set<RfmSegment> lapsed = EnumSet.of(RfmSegment.LOST, RfmSegment.HIBERNATING, RfmSegment.AT_RISK,
        RfmSegment.CANNOT_LOSE_THEM);
    if (!lapsed.contains(RfmSegment.of(r, f, m))) assertThat(lapsed).doesNotContain(RfmSegment.of(r + 1, f, m));
    assertThat(lapsed.contains(RfmSegment.of(r, f, m))).isEqualTo(r <= 2);
    // More business at the same recency never makes a customer "Lost" or "New".
    if (f < 5 && RfmSegment.of(r, f, m) != RfmSegment.LOST) assertThat(RfmSegment.of(r, f + 1, m)).isNotEqualTo(RfmSegment.LOST);
    if (RfmSegment.of(r, f, m) == RfmSegment.CHAMPIONS || RfmSegment.of(r, f, m) == RfmSegment.LOYAL) {
      assertThat(RfmSegment.of(r, Math.min(5, f + 1), Math.min(5, m + 1))).isIn(RfmSegment.CHAMPIONS, RfmSegment.LOYAL);
    }
  }
}
