package larder.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;
import larder.core.Progress;

/**
 * Progress lines on standard error, at most one per phase every two seconds plus the final one,
 * with the rate; plain lines (no carriage returns) so logs and CI show them too.
 */
final class ConsoleProgress implements Progress {
  private static final long EVERY_NANOS = 2_000_000_000L;
  private final PrintStream out;
  private final boolean quiet;
  private final Map<String, long[]> phases = new ConcurrentHashMap<>(); // phase -> {startNanos, lastPrintNanos}

  ConsoleProgress(PrintStream out, boolean quiet) {
    this.out = out;
    this.quiet = quiet;
  }

  @Override
  public void update(String phase, long done, long total, String unit) {
    if (quiet) return;
    long now = System.nanoTime();
    long[] t = phases.computeIfAbsent(phase, p -> new long[] {now, now});
    boolean finished = total > 0 && done >= total;
    synchronized (t) {
      if (!finished && now - t[1] < EVERY_NANOS) return;
      t[1] = now;
    }
    double secs = Math.max(1e-9, (now - t[0]) / 1e9);
    String of = total > 0 ? String.format(Locale.ROOT, "/%,d (%.0f%%)", total, 100.0 * done / total) : "";
    out.printf(Locale.ROOT, "  %-8s %,d%s %s  %.1f s  %,.0f %s/s%n", phase, done, of, unit, secs, done / secs, unit);
  }

  @Override
  public void note(String phase, String message) {
    if (!quiet) out.printf("  %-8s %s%n", phase, message);
  }
}
