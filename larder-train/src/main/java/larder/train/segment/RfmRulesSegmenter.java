package larder.train.segment;

import java.util.Map;
import larder.core.Progress;

/** Classic RFM segmentation ({@link Segmentation#rfmRules}): quintile scores into named segments with fixed ids. */
public record RfmRulesSegmenter() implements Segmenter {
  @Override public String name() { return "rfm"; }

  @Override public Map<String, Object> params() { return Map.of(); }

  @Override public String describe() { return "scoring R, F, M quintiles into named segments"; }

  /** @throws IllegalArgumentException when the features were not derived from transactions (no RFM values) */
  @Override public SegmentationResult segment(SegmentFeatures features, Previous previous, Progress progress) {
    if (features.rfm() == null) {
      throw new IllegalArgumentException("RFM rules need features derived from transactions, not a feature table");
    }
    return Segmentation.rfmRules(features.rfm(), previous);
  }
}
