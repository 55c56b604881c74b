package larder.core;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.List;

/**
 * What a batch holds. Stored (column {@code kind}, the views, the CLI and the API) as its {@link #text()}: a job
 * keeps the kind of its first published batch, and each reader serves one kind.
 */
public enum BatchKind {
  /** Ranked lists: per-user recommendations, similar items, fallback lists. */
  RECOMMENDATIONS("recommendations"),
  /** A segment per customer, with segment profiles and transitions. */
  SEGMENTS("segments"),
  /** One imported prediction (score, optional label) per entity. */
  SCORES("scores");

  private final String text;

  BatchKind(String text) {
    this.text = text;
  }

  /** The stored name: "recommendations", "segments" or "scores" (also what JSON output shows). */
  @JsonValue public String text() { return text; }

  /** True for the kinds stored one row per key (segments, scores); recommendations store a list per key. */
  public boolean rowPerKey() { return this != RECOMMENDATIONS; }

  @Override public String toString() { return text; }

  /** Every kind's stored name, in declaration order. */
  public static List<String> texts() {
    return Arrays.stream(values()).map(BatchKind::text).toList();
  }

  /** The kind named {@code text}, or null when none is. */
  public static BatchKind find(String text) {
    for (BatchKind k : values()) if (k.text.equals(text)) return k;
    return null;
  }

  /**
   * The kind a store row names.
   *
   * @throws StoreException when the text names no kind (a store written by a newer version, or edited by hand)
   */
  public static BatchKind stored(String text) {
    BatchKind k = find(text);
    if (k == null) {
      throw new StoreException("the store holds a batch of kind '" + text + "', not one of "
          + String.join(", ", texts()), "the store was written by a newer version of larder or edited by hand;"
          + " upgrade larder or remove the batch", null);
    }
    return k;
  }
}
