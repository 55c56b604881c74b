package larder.core;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Map;

/**
 * What produced a batch: the model's parameters and the job's settings that shape its rows, keyed by the
 * names the user wrote in {@code larder.yaml} ({@code cg_steps}, {@code max_items}, {@code filters}), so the
 * config, the batch table, the CLI and the API say the same thing. Stored as a JSON object by {@link #toJson}.
 *
 * @param yaml the parameters in their order; values are strings, numbers, booleans, lists and maps
 */
public record BatchParams(Map<String, Object> yaml) {
  /** No parameters: stored as {@code {}}. */
  public static final BatchParams NONE = new BatchParams(Map.of());

  public BatchParams {
    yaml = BatchJson.copy(yaml);
  }

  /** The parameters in {@code yaml}, copied. */
  public static BatchParams of(Map<String, ?> yaml) {
    return new BatchParams(BatchJson.copy(yaml));
  }

  /**
   * The parameters stored as {@code json}; none for null.
   *
   * @throws StoreException when the text is not a JSON object
   */
  public static BatchParams fromJson(String json) {
    return new BatchParams(BatchJson.read("params", json));
  }

  /** The value of YAML key {@code key}, or null. */
  public Object get(String key) { return yaml.get(key); }

  /**
   * The stored text: a JSON object with the YAML's key names. JSON output of a batch shows this text, as it
   * did when the column was a string.
   */
  @JsonValue public String toJson() { return BatchJson.write(yaml); }

  @Override public String toString() { return toJson(); }
}
