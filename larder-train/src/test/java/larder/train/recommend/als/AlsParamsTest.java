package larder.train.recommend.als;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import larder.core.ConfigException;
import org.junit.jupiter.api.Test;

class AlsParamsTest {
  @Test
  void defaultsAreValid() {
    AlsParams d = AlsParams.defaults();
    assertThat(d.cgSteps()).isEqualTo(3);
    assertThat(d.threads()).isPositive();
  }

  @Test
  void badValuesNameTheirKey() {
    AlsParams d = AlsParams.defaults();
    assertKey(() -> d.withFactors(0), "als.factors");
    assertKey(() -> d.withIterations(0), "als.iterations");
    assertKey(() -> d.withRegularization(-1f), "als.regularization");
    assertKey(() -> d.withRegularization(Float.NaN), "als.regularization");
    assertKey(() -> d.withConfidence(AlsParams.Confidence.LINEAR, 0f, 1f), "als.alpha");
    assertKey(() -> d.withConfidence(AlsParams.Confidence.LOG, 1f, 0f), "als.epsilon");
    assertKey(() -> d.withConfidence(null, 1f, 1f), "als.confidence");
    assertKey(() -> d.withCgSteps(0), "als.cgSteps");
    assertKey(() -> d.withThreads(0), "als.threads");
  }

  @Test
  void confidenceFollowsTheChosenWeighting() {
    AlsParams lin = AlsParams.defaults().withConfidence(AlsParams.Confidence.LINEAR, 40f, 1f);
    AlsParams log = AlsParams.defaults().withConfidence(AlsParams.Confidence.LOG, 2f, 0.5f);
    assertThat(lin.confidenceMinusOne(3f)).isEqualTo(120f);
    assertThat((double) log.confidenceMinusOne(3f)).isCloseTo(2 * Math.log(1 + 3 / 0.5),
        org.assertj.core.data.Offset.offset(1e-5));
  }

  private static void assertKey(Runnable r, String key) {
    assertThatThrownBy(r::run).isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo(key));
  }
}
