package larder.core;

import java.util.Arrays;

/**
 * One prediction per entity (a customer's churn probability, a lead's score, a product's forecast), with an
 * optional label ("high risk"): what an imported per-entity model publishes. Entity {@code i} of
 * {@code entities} has {@code score[i]} and {@code label[i]} (null when none).
 *
 * @param entities external ids, dense 0..n-1
 * @param score finite values
 * @param label per entity, or null for none; the array itself is null when no entity has a label
 */
public record Scores(IdMap entities, double[] score, String[] label) {
  public Scores {
    int n = entities.size();
    if (score.length != n || (label != null && label.length != n)) {
      throw new IllegalArgumentException("scores for " + score.length + " entities, labels for "
          + (label == null ? "none" : label.length) + ", " + n + " entity ids");
    }
  }

  public int size() { return score.length; }

  /** Whether any entity has a label. */
  public boolean labelled() { return label != null && Arrays.stream(label).anyMatch(l -> l != null); }

  /** Collects entities one at a time; an entity added twice is the caller's error to report (see {@link #add}). */
  public static final class Builder {
    private final IdMap entities = new IdMap();
    private double[] score = new double[1024];
    private String[] label;

    /**
     * Adds one entity; returns false (and changes nothing) when the entity was added before, so the caller
     * can name the duplicate's line.
     */
    public boolean add(String entity, double value, String labelOrNull) {
      int before = entities.size();
      int id = entities.intern(entity);
      if (id < before) return false;
      if (id == score.length) score = Arrays.copyOf(score, score.length * 2);
      score[id] = value;
      if (labelOrNull != null) {
        if (label == null) label = new String[score.length];
        if (label.length <= id) label = Arrays.copyOf(label, score.length);
        label[id] = labelOrNull;
      }
      return true;
    }

    public int size() { return entities.size(); }

    /** The dense id of an entity added before, or -1. */
    public int idOf(String entity) { return entities.idOf(entity); }

    public Scores build() {
      int n = entities.size();
      return new Scores(entities, Arrays.copyOf(score, n), label == null ? null : Arrays.copyOf(label, n));
    }
  }
}
