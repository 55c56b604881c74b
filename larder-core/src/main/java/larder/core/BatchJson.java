package larder.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one codec of a batch's {@code params} and {@code metrics} columns: a JSON object whose keys are the
 * YAML's own names ({@code cg_steps}, {@code stayed_share}), in insertion order, written as Jackson writes
 * maps, lists, strings and numbers; read back as the same plain values in the same order.
 */
final class BatchJson {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};

  private BatchJson() {}

  static String write(Map<String, Object> values) {
    try {
      return JSON.writeValueAsString(values);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write " + values + " as JSON: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * The object in {@code json}; empty for null.
   *
   * @throws StoreException when {@code json} is not a JSON object
   */
  static Map<String, Object> read(String column, String json) {
    if (json == null || json.isBlank()) return Map.of();
    try {
      Map<String, Object> m = JSON.readValue(json, MAP);
      if (m == null) throw new StoreException("a batch's " + column + " is null, not a JSON object", HINT, null);
      return Collections.unmodifiableMap(m);
    } catch (JsonProcessingException e) {
      throw new StoreException("a batch's " + column + " is not a JSON object: " + e.getOriginalMessage(), HINT, e);
    }
  }

  /** An unmodifiable copy of {@code values} in their order (null values kept, as JSON keeps them). */
  static Map<String, Object> copy(Map<String, ?> values) {
    if (values == null || values.isEmpty()) return Map.of();
    return Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  private static final String HINT = "the store was edited by hand; restore the batch's column or run the job"
      + " under a new name";
}
