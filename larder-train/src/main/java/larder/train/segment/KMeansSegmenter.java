package larder.train.segment;

import java.util.LinkedHashMap;
import java.util.Map;
import larder.core.Progress;
import larder.train.segment.kmeans.KMeansParams;
import larder.train.segment.transform.Transform;

/**
 * k-means segmentation ({@link Segmentation#kmeans}): transformed features, a fixed k or the best of a range,
 * cluster ids matched to the previous batch's segments.
 *
 * @param kmeans every k-means setting but k, which {@code k} decides
 * @param matchThreshold distance below which a cluster continues a previous segment
 */
public record KMeansSegmenter(Transform transform, KSpec k, KMeansParams kmeans, double matchThreshold)
    implements Segmenter {
  @Override public String name() { return "kmeans"; }

  @Override public Map<String, Object> params() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("transform", transform.toString());
    p.put("k", k instanceof KSpec.Fixed f ? (Object) f.k() : "auto " + range(k));
    p.put("restarts", kmeans.restarts());
    p.put("max_iterations", kmeans.maxIterations());
    p.put("seed", kmeans.seed());
    p.put("match_threshold", matchThreshold);
    return p;
  }

  @Override public String describe() {
    return "k-means " + (k instanceof KSpec.Fixed f ? "k = " + f.k() : "k: auto " + range(k)) + ", " + transform;
  }

  @Override public SegmentationResult segment(SegmentFeatures features, Previous previous, Progress progress) {
    return Segmentation.kmeans(features, transform, k, kmeans, matchThreshold, previous, progress);
  }

  private static String range(KSpec k) {
    return k instanceof KSpec.Auto a ? a.kMin() + ".." + a.kMax() : String.valueOf(k);
  }
}
