package larder.extract;

import java.util.List;
import larder.core.Scores;

/**
 * What a score source read.
 *
 * @param scores one per entity, in first-seen order
 * @param rowsRead data rows seen (header and empty lines not counted)
 * @param badRows rows skipped as malformed or repeating an entity (at most the source's {@code maxBadRows})
 * @param badRowSamples the first 10 bad rows, each as {@code source:line: field 'x': problem}
 */
public record ScoresResult(Scores scores, long rowsRead, long badRows, List<String> badRowSamples) {
  public ScoresResult {
    badRowSamples = List.copyOf(badRowSamples);
  }
}
