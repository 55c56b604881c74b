package larder.core;

/**
 * Where long work reports how far it is. Implementations must be thread-safe and cheap; callers
 * report every few thousand units, not every unit.
 */
public interface Progress {
  /**
   * @param phase short name of the step ("read", "als", "score", "load")
   * @param done units done so far
   * @param total units expected, or -1 when unknown
   * @param unit what is counted ("rows", "users", "iterations")
   */
  void update(String phase, long done, long total, String unit);

  /** A one-line remark such as a per-iteration loss. */
  default void note(String phase, String message) {}

  Progress NONE = (phase, done, total, unit) -> {};
}
