package larder.serve;

import larder.core.BatchInfo;

/** Receives a scores batch's rows as {@link ScoreReader#forEachScore} streams them. */
@FunctionalInterface
public interface ScoreConsumer {
  /** Called once before the first row (also for an empty batch), e.g. to write headers. */
  default void start(BatchInfo batch) {}

  /** One entity, in entity id order. */
  void accept(ScoredEntity entity);
}
