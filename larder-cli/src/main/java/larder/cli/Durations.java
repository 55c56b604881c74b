package larder.cli;

import java.time.Duration;
import larder.core.DurationText;

/** Ages for people: "42 s", "3 min", "5.2 h", "2.0 d" (as the dashboard writes them). */
final class Durations {
  private Durations() {}

  static String human(Duration d) {
    return DurationText.human(d);
  }
}
