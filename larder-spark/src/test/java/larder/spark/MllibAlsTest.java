package larder.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import larder.core.ConfigException;
import larder.train.recommend.als.AlsParams;
import org.apache.spark.ml.recommendation.ALS;
import org.junit.jupiter.api.Test;

/** Larder's ALS settings as MLlib's (no Spark session needed: the estimator is only configured). */
class MllibAlsTest {

  @Test void rankIterationsSeedAndAlphaCarryOverAndLambdaIsScaledByTheMeanCounts() {
    AlsParams p = AlsParams.defaults().withFactors(24).withIterations(7).withRegularization(10f).withSeed(99)
        .withConfidence(AlsParams.Confidence.LINEAR, 4f, 1f);
    // 1,000 users and 250 items with 25,000 interactions: 25 per user, 100 per item, √(25·100) = 50.
    MllibAls.Settings s = MllibAls.Settings.of(p, 1_000, 250, 25_000, 6);
    assertThat(s).isEqualTo(new MllibAls.Settings(24, 7, 0.2, 4.0, 99, 6));
    ALS als = s.estimator();
    assertThat(als.getImplicitPrefs()).isTrue();
    assertThat(als.getRank()).isEqualTo(24);
    assertThat(als.getMaxIter()).isEqualTo(7);
    assertThat(als.getRegParam()).isCloseTo(0.2, within(1e-12));
    assertThat(als.getAlpha()).isEqualTo(4.0);
    assertThat(als.getSeed()).isEqualTo(99L);
    assertThat(als.getNumUserBlocks()).isEqualTo(6);
    assertThat(als.getNumItemBlocks()).isEqualTo(6);
    assertThat(als.getNonnegative()).isFalse();
  }

  @Test void sparseDataKeepsLambdaAndNoBlocksIsOne() {
    MllibAls.Settings s = MllibAls.Settings.of(AlsParams.defaults().withRegularization(3f), 10, 20, 5, 0);
    assertThat(s.regParam()).isEqualTo(3.0, within(1e-6));
    assertThat(s.blocks()).isEqualTo(1);
  }

  /** MLlib's per-row λ is regParam·n: with the local engine's scale both engines give each row the same λ. */
  @Test void eachRowsLambdaIsTheLocalEnginesAndOneLambdaForAllIsRefused() {
    AlsParams p = AlsParams.defaults().withRegularization(10f);
    MllibAls.Settings s = MllibAls.Settings.of(p, 1_000, 250, 25_000, 6);
    double scale = AlsParams.regularizationScale(1_000, 250, 25_000);
    for (int n : new int[] {1, 7, 300}) assertThat(s.regParam() * n).isCloseTo(p.rowRegularization(n, scale), within(1e-9));
    assertThatThrownBy(() -> MllibAls.Settings.of(p.withWeightedRegularization(false), 1_000, 250, 25_000, 6))
        .isInstanceOf(ConfigException.class).hasMessageContaining("model.weighted_regularization")
        .hasMessageContaining("no counterpart on Spark");
  }

  /** MLlib's confidence 1 + alpha·|rating| and preference (rating &gt; 0) are Larder's for every value. */
  @Test void theRatingHandedToMllibGivesLardersConfidenceAndPreference() {
    SplittableRandom r = new SplittableRandom(5);
    for (AlsParams.Confidence c : AlsParams.Confidence.values()) {
      for (int n = 0; n < 2_000; n++) {
        float alpha = (float) (0.01 + r.nextDouble() * 40);
        float eps = (float) (0.01 + r.nextDouble() * 10);
        AlsParams p = AlsParams.defaults().withConfidence(c, alpha, eps);
        float value = (float) ((r.nextDouble() - 0.2) * Math.pow(10, r.nextInt(6)));
        float rating = MllibAls.rating(p, value);
        double larder = 1 + p.confidenceMinusOne(value);
        double mllib = 1 + p.alpha() * Math.abs((double) rating);
        assertThat(mllib).isCloseTo(larder, within(1e-5 * larder));
        assertThat(rating > 0).isEqualTo(value > 0);
      }
    }
    AlsParams linear = AlsParams.defaults().withConfidence(AlsParams.Confidence.LINEAR, 2f, 1f);
    assertThat(MllibAls.rating(linear, 3f)).isEqualTo(3f); // linear values go over unchanged
  }
}
