package larder.jobs.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import larder.core.ConfigException;

/**
 * A mapping from the YAML config, read key by key into typed values. Every read names its full
 * path ("jobs.shop.model.factors") in errors, and {@link #finish()} rejects keys nobody read, so a
 * misspelt setting is an error rather than a silent default.
 */
public final class ConfigNode {
  private final String path;
  private final JsonNode node;
  private final Set<String> read = new LinkedHashSet<>();

  ConfigNode(String path, JsonNode node) {
    this.path = path;
    this.node = node;
    if (!node.isObject()) {
      throw new ConfigException(path, describe(node), "must be a mapping of keys to values");
    }
  }

  public String path() {
    return path;
  }

  public String key(String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  public boolean has(String name) {
    JsonNode v = node.get(name);
    return v != null && !v.isNull();
  }

  /** The names of this mapping's keys, in file order; marks them all read. */
  public List<String> keys() {
    List<String> out = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) out.add(it.next());
    read.addAll(out);
    return out;
  }

  public ConfigNode child(String name) {
    JsonNode v = get(name);
    if (v == null) throw new ConfigException(key(name), null, "is required");
    return new ConfigNode(key(name), v);
  }

  /** Whether the key holds a mapping (rather than a value or a list). */
  public boolean isMapping(String name) {
    JsonNode v = node.get(name);
    return v != null && v.isObject();
  }

  public ConfigNode childOrNull(String name) {
    JsonNode v = get(name);
    return v == null ? null : new ConfigNode(key(name), v);
  }

  /** A list of mappings ({@code [{...}, {...}]}), each at path {@code name[i]}; null when absent. */
  public List<ConfigNode> children(String name) {
    JsonNode v = get(name);
    if (v == null) return null;
    if (!v.isArray()) throw new ConfigException(key(name), describe(v), "must be a list of mappings such as [{ type: ease }]");
    List<ConfigNode> out = new ArrayList<>();
    for (int i = 0; i < v.size(); i++) out.add(new ConfigNode(key(name) + "[" + i + "]", v.get(i)));
    return out;
  }

  public String string(String name) {
    JsonNode v = get(name);
    if (v == null) throw new ConfigException(key(name), null, "is required");
    if (!v.isValueNode()) throw new ConfigException(key(name), describe(v), "must be a single value");
    return v.asText();
  }

  public String string(String name, String fallback) {
    return has(name) ? string(name) : markRead(name, fallback);
  }

  public int integer(String name, int fallback) {
    if (!has(name)) return markRead(name, fallback);
    JsonNode v = get(name);
    if (!v.canConvertToInt() || !v.isIntegralNumber()) {
      throw new ConfigException(key(name), describe(v), "must be a whole number");
    }
    return v.intValue();
  }

  public long longValue(String name, long fallback) {
    if (!has(name)) return markRead(name, fallback);
    JsonNode v = get(name);
    if (!v.isIntegralNumber()) throw new ConfigException(key(name), describe(v), "must be a whole number");
    return v.longValue();
  }

  public double number(String name, double fallback) {
    if (!has(name)) return markRead(name, fallback);
    JsonNode v = get(name);
    if (!v.isNumber()) throw new ConfigException(key(name), describe(v), "must be a number");
    return v.doubleValue();
  }

  /** A number, or null when the key is absent. */
  public Double numberOrNull(String name) {
    return has(name) ? number(name, 0) : markRead(name, null);
  }

  public boolean bool(String name, boolean fallback) {
    if (!has(name)) return markRead(name, fallback);
    JsonNode v = get(name);
    if (!v.isBoolean()) throw new ConfigException(key(name), describe(v), "must be true or false");
    return v.booleanValue();
  }

  /** One of {@code allowed} (case-insensitive, '-' and '_' alike), returned in lower case. */
  public String choice(String name, String fallback, String... allowed) {
    String raw = has(name) ? string(name) : markRead(name, fallback);
    if (raw == null) return null;
    String v = raw.toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    for (String a : allowed) if (a.equals(v)) return v;
    throw new ConfigException(key(name), raw, "must be one of " + String.join(", ", allowed));
  }

  /** A list of single values ({@code [a, b]}) or one comma-separated value ({@code "a, b"}); null when absent. */
  public List<String> strings(String name) {
    JsonNode v = get(name);
    if (v == null) return null;
    List<String> out = new ArrayList<>();
    if (v.isArray()) {
      for (JsonNode e : v) {
        if (!e.isValueNode() || e.isNull()) throw new ConfigException(key(name), describe(v), "must be a list of single values");
        out.add(e.asText().strip());
      }
    } else if (v.isValueNode()) {
      for (String s : v.asText().split(",")) if (!s.isBlank()) out.add(s.strip());
    } else {
      throw new ConfigException(key(name), describe(v), "must be a list such as [a, b]");
    }
    return out;
  }

  /** A column reference: a header name, or a 1-based position given as a number. */
  public String column(String name) {
    return has(name) ? string(name) : markRead(name, null);
  }

  /** Fails on any key that no reader asked for: a typo must not silently fall back to a default. */
  public void finish() {
    List<String> unknown = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      String k = it.next().getKey();
      if (!read.contains(k)) unknown.add(k);
    }
    if (!unknown.isEmpty()) {
      List<String> known = new ArrayList<>(read);
      known.removeAll(unknown);
      String what = unknown.size() == 1 ? "unknown key '" + unknown.get(0) + "'" : "unknown keys " + unknown;
      throw new ConfigException(path.isEmpty() ? "(top level)" : path, null, what,
          known.isEmpty() ? "remove it" : "the keys read here are: " + String.join(", ", known));
    }
  }

  private JsonNode get(String name) {
    read.add(name);
    JsonNode v = node.get(name);
    return v == null || v.isNull() ? null : v;
  }

  private <T> T markRead(String name, T value) {
    read.add(name);
    return value;
  }

  private static String describe(JsonNode v) {
    if (v.isValueNode()) return v.asText();
    return v.isArray() ? "[a list]" : "{a mapping}";
  }
}
