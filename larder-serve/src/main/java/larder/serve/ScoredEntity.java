package larder.serve;

/** One entity of a scores batch: its id, score and label (null when none). */
public record ScoredEntity(String entityId, double score, String label) {}
