package larder.train.recommend.als;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import larder.core.Interactions;
import larder.core.Progress;
import org.junit.jupiter.api.Test;

/** A fit continued by {@link Als#resume} is the fit with as many iterations from the start: what warm promotion needs. */
class AlsResumeTest {
  @Test
  void fiveThenTenIsFifteenBitForBit() {
    Interactions d = Planted.groups(150, 90, 3, 12, 5L);
    for (int threads : new int[] {1, 2}) {
      AlsParams p = new AlsParams(8, 15, 0.5f, true, 4f, AlsParams.Confidence.LOG, 1f, 3, 11L, threads);
      AlsModel full = new Als(p).fit(d, Progress.NONE);
      AlsModel five = new Als(p.withIterations(5)).fit(d, Progress.NONE);
      AlsModel resumed = new Als(p).resume(d, five, 10, Progress.NONE);
      assertThat(resumed.userFactors()).containsExactly(full.userFactors());
      assertThat(resumed.itemFactors()).containsExactly(full.itemFactors());
      assertThat(resumed.lossHistory()).containsExactly(full.lossHistory());
      // the start is not changed, and differs from the end: the test compares models that moved
      assertThat(five.userFactors()).isNotEqualTo(full.userFactors());
      assertThat(five.lossHistory()).hasSize(5);
    }
  }

  @Test
  void refusesAModelOfOtherShape() {
    Interactions d = Planted.groups(40, 30, 3, 6, 5L);
    AlsParams p = new AlsParams(4, 2, 0.5f, false, 4f, AlsParams.Confidence.LOG, 1f, 3, 11L, 1);
    AlsModel m = new Als(p).fit(d, Progress.NONE);
    assertThatThrownBy(() -> new Als(p.withFactors(5)).resume(d, m, 1, Progress.NONE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rank 4");
  }
}
