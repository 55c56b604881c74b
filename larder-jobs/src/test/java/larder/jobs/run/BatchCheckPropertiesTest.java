package larder.jobs.run;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Scale;

/** The arithmetic of the shrink and change checks, against integer oracles. */
class BatchCheckPropertiesTest {
  @Property
  void atTheDefaultHalfOrFewerIsRefusedAndMoreIsNot(@ForAll @LongRange(min = 1, max = 1L << 52) long before,
      @ForAll @LongRange(min = 0, max = 1L << 53) long now) {
    assertThat(BatchCheck.shrankTooMuch(now, before, 0.5)).isEqualTo(2 * now <= before);
  }

  @Property
  void fewerIsNeverBetterAndGrowthIsNeverAShrink(@ForAll @LongRange(min = 1, max = 1L << 40) long before,
      @ForAll @LongRange(min = 0, max = 1L << 41) long now,
      @ForAll @DoubleRange(min = 0.001, max = 0.999) @Scale(6) double share) {
    if (BatchCheck.shrankTooMuch(now, before, share) && now > 0) {
      assertThat(BatchCheck.shrankTooMuch(now - 1, before, share)).isTrue();
    }
    if (now >= before) assertThat(BatchCheck.shrankTooMuch(now, before, share)).isFalse();
    assertThat(BatchCheck.shrankTooMuch(0, before, share)).as("nothing left").isTrue();
  }

  @Property
  void aChangeLimitOfAQuarterAllowsExactlyAQuarterEitherWay(@ForAll @LongRange(min = 1, max = 1L << 50) long before,
      @ForAll @LongRange(min = 0, max = 1L << 51) long now) {
    assertThat(BatchCheck.changedMore(now, before, 0.25)).isEqualTo(4 * Math.abs(now - before) > before);
  }

  @Property
  void percentagesAreCutNotRoundedSoNothingShortOfAllReadsAsAll(
      @ForAll @DoubleRange(min = 0, max = 1) @Scale(8) double share) {
    String p = BatchCheck.percent(share);
    assertThat(p).endsWith("%");
    double shown = Double.parseDouble(p.substring(0, p.length() - 1));
    assertThat(shown).isLessThanOrEqualTo(share * 100 + 1e-6).isGreaterThan(share * 100 - 0.1 - 1e-6);
    if (share < 1) assertThat(p).isNotEqualTo("100%");
  }
}
