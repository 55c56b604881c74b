package larder.serve;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The highest-scoring entities of a scores job's current batch, all from batch {@code batchId}.
 *
 * @param label the label asked for, or null for every entity
 * @param entities highest score first, ties by entity id (the store's byte order); at most the limit asked for
 */
public record ScorePage(String job, String label, long batchId, Instant publishedAt, Duration age,
    List<ScoredEntity> entities) {}
