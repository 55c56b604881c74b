package larder.train.segment;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import larder.core.ConfigException;
import larder.core.Progress;
import larder.core.segment.SegmentAssignment;
import larder.core.segment.SegmentProfile;
import larder.core.segment.SegmentTransition;
import larder.train.segment.kmeans.KChooser;
import larder.train.segment.kmeans.KMeans;
import larder.train.segment.kmeans.KMeansParams;
import larder.train.segment.kmeans.KMeansResult;
import larder.train.segment.profile.Profiles;
import larder.train.segment.rfm.RfmFeatures;
import larder.train.segment.rfm.RfmScores;
import larder.train.segment.rfm.RfmSegment;
import larder.train.segment.stable.IdMapping;
import larder.train.segment.stable.IdMatcher;
import larder.train.segment.stable.Transitions;
import larder.train.segment.transform.FittedTransform;
import larder.train.segment.transform.Transform;

/**
 * A segmentation run from features to what is published: segments per customer, profiles, transitions from the
 * previous batch, and the record of how ids were kept stable. Pure computation on arrays.
 *
 * <p>Two methods:
 * <ul>
 *   <li>{@link #kmeans k-means}: features transformed ({@link Transform}), clustered for a fixed k or the best k
 *       of a range ({@link KSpec}), clusters given stable ids against the previous batch ({@link IdMatcher}),
 *       profiled with centroids in original units and readable labels.
 *   <li>{@link #rfmRules RFM rules}: quintile scores ({@link RfmScores}) and the named segments of
 *       {@link RfmSegment}, whose ids are fixed.
 * </ul>
 */
public final class Segmentation {
  private Segmentation() {}

  /** k-means with the default id-match threshold ({@link IdMatcher#DEFAULT_THRESHOLD}). */
  public static SegmentationResult kmeans(SegmentFeatures features, Transform transform, KSpec k, KMeansParams params,
      Previous previous, Progress progress) {
    return kmeans(features, transform, k, params, IdMatcher.DEFAULT_THRESHOLD, previous, progress);
  }

  /**
   * Clusters the customers by k-means.
   *
   * @param params every k-means setting but k, which {@code k} decides
   * @param matchThreshold distance below which a cluster continues a previous segment (see {@link IdMatcher})
   * @param previous the previous batch, or null for the first run
   * @throws ConfigException when k (or the range's kMin) is more than the customers to segment
   */
  public static SegmentationResult kmeans(SegmentFeatures features, Transform transform, KSpec k, KMeansParams params,
      double matchThreshold, Previous previous, Progress progress) {
    int n = features.rows();
    int d = features.dimensions();
    checkK(k, n, features.rfm());
    checkPrevious(previous, n);
    Transform.Fitted fitted = transform.fit(features.values(), n, features.names());
    KMeansModel model = fit(features, fitted, k, params, progress);
    int[] cluster = model.fit().assignment();
    double[] x = fitted.points();
    double[] c = model.assigner().centroids();
    float[] distance = new float[n];
    for (int i = 0; i < n; i++) distance[i] = Assigner.distance(x, i, c, cluster[i], d);
    return kmeans(features, model, cluster, distance, previous, matchThreshold);
  }

  /**
   * What k-means learns from some customers (all of them, or a sample): the fitted transform and centroids that
   * assign any customer, and the choice of k.
   *
   * @param fit the clustering of the customers it was fitted on
   */
  public record KMeansModel(Assigner assigner, KMeansResult fit, KChooser.Choice choice) {}

  /**
   * Fits the transform and k-means on {@code features} (every customer, or a sample of them).
   *
   * @throws ConfigException when k (or the range's kMin) is more than the customers
   */
  public static KMeansModel fit(SegmentFeatures features, Transform transform, KSpec k, KMeansParams params,
      Progress progress) {
    return fit(features, transform.fit(features.values(), features.rows(), features.names()), k, params, progress);
  }

  private static KMeansModel fit(SegmentFeatures features, Transform.Fitted fitted, KSpec k, KMeansParams params,
      Progress progress) {
    int n = features.rows();
    int d = features.dimensions();
    checkK(k, n, features.rfm());
    double[] x = fitted.points();
    KChooser.Choice choice = null;
    KMeansResult fit;
    if (k instanceof KSpec.Auto a) {
      int kMax = Math.min(a.kMax(), n);
      if (kMax < a.kMax()) {
        progress.note("segment", "kmeans.k_max " + a.kMax() + " is more than the " + n + " customers: trying k up to " + n);
      }
      choice = KChooser.auto(x, n, d, a.kMin(), kMax, params, a.sampleSize(), progress);
      fit = choice.chosen();
    } else {
      fit = KMeans.fit(x, n, d, params.withK(((KSpec.Fixed) k).k()), progress);
    }
    return new KMeansModel(new Assigner(fitted.transform(), fit.centroids()), fit, choice);
  }

  /**
   * The segmentation of every customer of {@code features} from a model and each customer's cluster (an index
   * into the model's centroids) and distance to it: cluster ids matched to the previous batch by the clusters'
   * sizes among all customers, profiles of all customers.
   *
   * @param previous the previous batch, or null for the first run
   */
  public static SegmentationResult kmeans(SegmentFeatures features, KMeansModel model, int[] cluster,
      float[] distance, Previous previous, double matchThreshold) {
    int n = features.rows();
    int d = features.dimensions();
    checkPrevious(previous, n);
    FittedTransform ft = model.assigner().transform();
    double[] c = model.assigner().centroids();
    int kk = c.length / d;
    long[] sizes = new long[kk];
    for (int a : cluster) sizes[a]++;

    IdMapping mapping = IdMatcher.match(c, sizes, ft, previous == null ? null : previous.profiles(),
        previous == null ? 0 : previous.highestIdUsed(), matchThreshold);
    // The caller reports the choice of k and the id mapping (both are in the result), so no notes here.
    int[] ids = mapping.segmentIds();
    int[] segment = new int[n];
    for (int i = 0; i < n; i++) segment[i] = ids[cluster[i]];

    double[] original = c.clone();
    double[] row = new double[d];
    for (int j = 0; j < kk; j++) {
      System.arraycopy(original, j * d, row, 0, d);
      ft.invertRow(row);
      System.arraycopy(row, 0, original, j * d, d);
    }
    RfmFeatures rfm = features.rfm();
    List<SegmentProfile> profiles = Profiles.forClusters(cluster, ids, features.names(), features.values(), original, rfm);
    SegmentAssignment.Rfm rfmPart = rfm == null ? null : rfmPart(rfm, RfmScores.of(rfm));
    SegmentAssignment assignment = new SegmentAssignment(features.customers(), segment, distance, rfmPart);
    return new SegmentationResult("kmeans", assignment, profiles, transitions(previous, segment), model.choice(),
        mapping, ft, rfm == null ? 0 : rfm.customersLeftOut());
  }

  /**
   * Segments the customers by the RFM rule table of {@link RfmSegment}: ids 1..11, the same in every batch.
   *
   * @param previous the previous batch, or null; only its per-customer segments and sizes are used
   */
  public static SegmentationResult rfmRules(RfmFeatures rfm, Previous previous) {
    int n = rfm.size();
    checkPrevious(previous, n);
    short[] score = RfmScores.of(rfm);
    int[] segment = new int[n];
    for (int i = 0; i < n; i++) segment[i] = RfmSegment.ofScore(score[i]).id();
    List<SegmentProfile> profiles = Profiles.forRules(segment, rfm);
    SegmentAssignment assignment = new SegmentAssignment(rfm.customers(), segment, new float[n], rfmPart(rfm, score));
    String note = "RFM rule segments have fixed ids 1..11";
    if (previous != null) {
      for (SegmentProfile p : previous.profiles()) {
        RfmSegment s = RfmSegment.byId(p.segmentId());
        if (s == null || !s.label().equals(p.label())) {
          note += "; the previous batch was not segmented by these rules (segment " + p.segmentId() + " was '"
              + p.label() + "'), so its ids meant other segments and the transitions compare different segmentations";
          break;
        }
      }
    }
    List<IdMapping.Decision> decisions = new ArrayList<>();
    long[] sizes = new long[RfmSegment.values().length + 1];
    for (int s : segment) sizes[s]++;
    for (RfmSegment s : RfmSegment.values()) {
      if (sizes[s.id()] > 0) {
        decisions.add(new IdMapping.Decision(s.ordinal(), s.id(), sizes[s.id()], null, Double.NaN,
            "fixed id of rule segment '" + s.label() + "'"));
      }
    }
    IdMapping mapping = new IdMapping(true, note, decisions, List.of());
    return new SegmentationResult("rfm-rules", assignment, profiles, transitions(previous, segment), null, mapping,
        null, rfm.customersLeftOut());
  }

  private static SegmentAssignment.Rfm rfmPart(RfmFeatures rfm, short[] score) {
    return new SegmentAssignment.Rfm(rfm.recencyDays(), rfm.frequency(), rfm.monetary(), score);
  }

  private static List<SegmentTransition> transitions(Previous previous, int[] segment) {
    if (previous == null || previous.segmentOf() == null) return List.of();
    return Transitions.compute(previous.segmentOf(), segment, previous.sizes());
  }

  private static void checkK(KSpec k, int n, RfmFeatures rfm) {
    int need = k instanceof KSpec.Fixed f ? f.k() : ((KSpec.Auto) k).kMin();
    if (need <= n) return;
    String who = rfm == null ? n + " customers in the feature table"
        : String.format(Locale.ROOT, "%d customers with a purchase up to %s (%d more have none)", n, rfm.asOf(),
            rfm.customersLeftOut());
    String key = k instanceof KSpec.Fixed ? "kmeans.k" : "kmeans.k_min";
    throw new ConfigException(key, need, "is more than the " + who + ", and every segment needs a customer",
        n == 0 ? "check the source and the as-of date" : "choose " + key + " <= " + n);
  }

  private static void checkPrevious(Previous previous, int n) {
    if (previous != null && previous.segmentOf() != null && previous.segmentOf().length != n) {
      throw new IllegalArgumentException("previous segments given for " + previous.segmentOf().length
          + " customers, but this run has " + n);
    }
  }
}
