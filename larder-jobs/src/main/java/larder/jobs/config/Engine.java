package larder.jobs.config;

import java.util.Locale;

/** Where a job runs: in this JVM ({@code engine: local}, the default) or on Spark ({@code engine: spark}). */
public enum Engine {
  LOCAL,
  SPARK;

  /** The name used in configs. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  static Engine parse(ConfigNode n, Engine fallback) {
    String v = n.choice("engine", fallback.key(), "local", "spark");
    return v.equals("spark") ? SPARK : LOCAL;
  }
}
