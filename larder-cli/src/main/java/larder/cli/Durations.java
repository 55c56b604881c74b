package larder.cli;

import java.time.Duration;

/** Ages for people: "42 s", "3 min", "5.2 h", "2.0 d". */
final class Durations {
  private Durations() {}

  static String human(Duration d) {
    if (d == null) return "?";
    long s = d.getSeconds();
    if (s < 120) return s + " s";
    if (s < 7200) return (s / 60) + " min";
    if (s < 172800) return String.format(java.util.Locale.ROOT, "%.1f h", s / 3600.0);
    return String.format(java.util.Locale.ROOT, "%.1f d", s / 86400.0);
  }
}
