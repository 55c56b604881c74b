package larder.bench;

import java.util.HashMap;
import java.util.Map;

/** {@code --name value} command-line options of the benchmark drivers, with defaults. */
final class Args {
  private final Map<String, String> values = new HashMap<>();
  final String command;

  Args(String[] args) {
    command = args.length > 0 ? args[0] : "";
    for (int a = 1; a < args.length; a++) {
      if (!args[a].startsWith("--") || a + 1 >= args.length) {
        throw new IllegalArgumentException("expected --name value, got '" + args[a] + "'");
      }
      values.put(args[a].substring(2), args[++a]);
    }
  }

  int integer(String name, int fallback) {
    return values.containsKey(name) ? Integer.parseInt(values.get(name)) : fallback;
  }

  long number(String name, long fallback) {
    return values.containsKey(name) ? Long.parseLong(values.get(name)) : fallback;
  }

  String text(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }
}
