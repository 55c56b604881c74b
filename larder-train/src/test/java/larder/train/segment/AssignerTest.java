package larder.train.segment;

import static org.assertj.core.api.Assertions.assertThat;

import larder.core.Progress;
import larder.generate.CustomerParams;
import larder.train.segment.kmeans.KMeansParams;
import larder.train.segment.transform.Transform;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * The assigner that places customers apart from the fit (on Spark's executors) puts every customer the model was
 * fitted on where k-means' own last pass put it, at the distance the local engine publishes; so a fit on all
 * customers followed by assignment is the local segmentation.
 */
class AssignerTest {
  @Property(tries = 12, edgeCases = EdgeCasesMode.NONE)
  void assignsWhatKMeansAssignedAtThePublishedDistance(@ForAll @LongRange(min = 1, max = 1_000_000) long seed,
      @ForAll @IntRange(min = 2, max = 8) int k, @ForAll boolean logStandardise) {
    Planted d = Planted.of(CustomerParams.of(800, seed));
    SegmentFeatures f = SegmentFeatures.of(d.rfm());
    Transform transform = logStandardise ? Transform.log1pStandardise() : Transform.none();
    KMeansParams params = KMeansParams.defaults(k).withSeed(seed).withThreads(2);
    Segmentation.KMeansModel model = Segmentation.fit(f, transform, KSpec.fixed(k), params, Progress.NONE);
    int n = f.rows();
    int[] cluster = new int[n];
    float[] distance = new float[n];
    model.assigner().assign(f.values(), n, cluster, distance);
    assertThat(cluster).isEqualTo(model.fit().assignment());

    SegmentationResult local = Segmentation.kmeans(f, transform, KSpec.fixed(k), params, null, Progress.NONE);
    SegmentationResult split = Segmentation.kmeans(f, model, cluster, distance, null, 1.0);
    assertThat(split.assignment().distance()).isEqualTo(local.assignment().distance());
    assertThat(split.assignment().segment()).isEqualTo(local.assignment().segment());
    assertThat(split.profiles()).isEqualTo(local.profiles());
  }
}
