package larder.train.segment;

import java.util.Map;
import larder.core.Progress;

/**
 * A segmentation method with its validated parameters, beside {@link larder.train.recommend.Recommender}:
 * puts customers' features into segments whose ids stay stable against the previous batch.
 */
public interface Segmenter {
  /** Short method name stored with each batch: "kmeans", "rfm". */
  String name();

  /** The parameters as stored with the batch, with the YAML's key names and defaults filled in. */
  Map<String, Object> params();

  /** What {@link #segment} is about to do, for the run's log. */
  String describe();

  /**
   * Segments every customer of {@code features}.
   *
   * @param previous the job's current batch, or null for its first run
   * @throws larder.core.ConfigException when a setting contradicts the data (e.g. more segments than customers)
   */
  SegmentationResult segment(SegmentFeatures features, Previous previous, Progress progress);
}
