package larder.train.segment;

import java.util.List;
import larder.core.segment.SegmentAssignment;
import larder.core.segment.SegmentProfile;
import larder.core.segment.SegmentTransition;
import larder.train.segment.kmeans.KChooser;
import larder.train.segment.stable.IdMapping;
import larder.train.segment.transform.FittedTransform;

/**
 * Everything a segmentation run publishes and prints.
 *
 * @param method "kmeans" or "rfm-rules"
 * @param assignment every customer's segment, distance to its centroid in the clustering space (0 for rules)
 *     and RFM values and scores when the features were RFM
 * @param profiles one per non-empty segment, by id
 * @param transitions customers moving between the previous batch's segments and these; empty without a previous
 *     batch (or without its per-customer segments)
 * @param kChoice the inertia/silhouette table when k was chosen automatically, else null
 * @param idMapping which cluster got which id and why; for rules, the fixed ids
 * @param transform the fitted transform of the clustering space, null for rules
 * @param customersLeftOut customers of the source without a purchase up to the as-of instant (0 for a feature table)
 */
public record SegmentationResult(String method, SegmentAssignment assignment, List<SegmentProfile> profiles,
    List<SegmentTransition> transitions, KChooser.Choice kChoice, IdMapping idMapping, FittedTransform transform,
    int customersLeftOut) {
  public SegmentationResult {
    profiles = List.copyOf(profiles);
    transitions = List.copyOf(transitions);
  }

  /** Segments with customers. */
  public int segments() { return profiles.size(); }
}
