package larder.serve;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import larder.core.BatchInfo;
import larder.core.BatchKind;
import larder.core.InputException;
import larder.core.NotFoundException;
import larder.core.StoreException;
import larder.store.Batches;
import larder.store.Dialect;
import larder.store.Store;

/**
 * The read side of scores jobs (one imported prediction per entity), shared by the CLI and HTTP. Reads
 * through the views ({@code larder_scores}, {@code larder_batches}); each answer is read in one snapshot,
 * so its rows come from one batch even while a publish switches the job. Thread-safe.
 *
 * <pre>{@code
 * ScoreReader scores = new ScoreReader(store);
 * EntityScore s = scores.scoreOf("shop-churn", "c42");            // s.score(), s.label()
 * ScorePage top = scores.top("shop-churn", 100, "high risk");      // highest first; null label = all
 * scores.forEachScore("shop-churn", e -> csv.write(e));            // every entity, streamed
 * }</pre>
 */
public final class ScoreReader {
  /** The most entities {@link #top} returns. */
  public static final int MAX_PAGE = 10_000;

  private static final int FETCH = 10_000;

  private final Store store;
  private final Clock clock;

  public ScoreReader(Store store) {
    this(store, Clock.systemUTC());
  }

  /** @param clock used for {@code age} */
  public ScoreReader(Store store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  /**
   * The score and label of {@code entityId} in {@code job}'s current batch.
   *
   * @throws NotFoundException when the job has no current batch, serves another kind, or its batch does
   *     not have the entity
   */
  public EntityScore scoreOf(String job, String entityId) {
    Dialect d = store.dialect();
    return store.read("read the score of entity '" + entityId + "' in job '" + job + "'", c -> {
      BatchInfo b = Current.of(c, d, job, BatchKind.SCORES);
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT score, label, batch_id FROM larder_scores WHERE job = ? AND entity_id = ?")) {
        ps.setString(1, job);
        ps.setString(2, entityId);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            throw new NotFoundException("entity '" + entityId + "' is not in batch " + b.id() + " of job '" + job
                + "' (" + b.keys() + " entities)", "check the entity id; a batch has the entities of the"
                + " predictions it imported, ids compared exactly (case and spaces count)");
          }
          checkBatch(rs.getLong(3), b.id());
          return new EntityScore(job, entityId, rs.getDouble(1), rs.getString(2), b.id(), b.publishedAt(),
              Current.age(b, clock));
        }
      }
    });
  }

  /**
   * The {@code limit} highest-scoring entities of {@code job}'s current batch, ties by entity id; only
   * those labelled {@code label} when it is not null (an empty page when none is).
   *
   * @throws InputException when {@code limit} is not 1..{@value #MAX_PAGE}
   * @throws NotFoundException when the job has no current scores batch
   */
  public ScorePage top(String job, int limit, String label) {
    if (limit < 1 || limit > MAX_PAGE) {
      throw new InputException("request", 0, "limit", limit + " is not between 1 and " + MAX_PAGE,
          "ask for fewer, or stream every score");
    }
    Dialect d = store.dialect();
    return store.read("read the top scores of job '" + job + "'", c -> {
      BatchInfo b = Current.of(c, d, job, BatchKind.SCORES);
      List<ScoredEntity> out = new ArrayList<>(Math.min(limit, 1024));
      // batch_id pinned (the current one in this snapshot): both stores then read the batch's index
      // (batch_id, score DESC, entity_id) in order and stop at the limit, instead of sorting every entity
      try (PreparedStatement ps = c.prepareStatement("SELECT entity_id, score, label, batch_id FROM larder_scores"
          + " WHERE job = ? AND batch_id = ?" + (label == null ? "" : " AND label = ?")
          + " ORDER BY score DESC, entity_id LIMIT ?")) {
        int p = 1;
        ps.setString(p++, job);
        ps.setLong(p++, b.id());
        if (label != null) ps.setString(p++, label);
        ps.setInt(p, limit);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            checkBatch(rs.getLong(4), b.id());
            out.add(new ScoredEntity(rs.getString(1), rs.getDouble(2), rs.getString(3)));
          }
        }
      }
      return new ScorePage(job, label, b.id(), b.publishedAt(), Current.age(b, clock), out);
    });
  }

  /**
   * Streams every entity of {@code job}'s current batch to {@code consumer} in entity id order (the
   * store's byte order), in one snapshot and with bounded memory (rows are fetched {@value #FETCH} at a
   * time): for exports of millions of entities. Runs inside a read transaction, so the consumer should
   * write somewhere, not wait on other work. Returns how many entities were given.
   *
   * @throws NotFoundException when the job has no current scores batch
   */
  public long forEachScore(String job, ScoreConsumer consumer) {
    Dialect d = store.dialect();
    return store.read("stream the scores of job '" + job + "'", c -> {
      BatchInfo b = Current.of(c, d, job, BatchKind.SCORES);
      consumer.start(b);
      long n = 0;
      try (PreparedStatement ps = c.prepareStatement("SELECT entity_id, score, label, batch_id FROM larder_scores"
          + " WHERE job = ? AND batch_id = ? ORDER BY entity_id")) {
        ps.setFetchSize(FETCH);
        ps.setString(1, job);
        ps.setLong(2, b.id());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            checkBatch(rs.getLong(4), b.id());
            consumer.accept(new ScoredEntity(rs.getString(1), rs.getDouble(2), rs.getString(3)));
            n++;
          }
        }
      }
      return n;
    });
  }

  private void checkBatch(long from, long batchId) {
    if (from != batchId) {
      // the read transaction is a snapshot; reaching this means the store broke that promise
      throw new StoreException("store " + store.name() + ": a read mixed batch " + from + " into batch "
          + batchId, "report this: the store's isolation is not what Larder requires", null);
    }
  }
}
