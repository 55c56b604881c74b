package larder.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;
import larder.core.Progress;

/**
 * Progress lines on standard error, at most one per phase every two seconds plus the final one,
 * with the rate and, when the total is known, the time left at that rate; plain lines (no carriage returns) so logs and CI show them too.
 */
final class ConsoleProgress implements Progress {
  private static final long EVERY_NANOS = 2_000_000_000L;
  private final PrintStream out;
  private final boolean quiet;
  // phase -> {startNanos, lastPrintNanos, lastDone, lastPrintedDone, lastWasFinal}; a phase whose count goes back is a new run of it
  private final Map<String, long[]> phases = new ConcurrentHashMap<>();

  ConsoleProgress(PrintStream out, boolean quiet) {
    this.out = out;
    this.quiet = quiet;
  }

  @Override
  public void update(String phase, long done, long total, String unit) {
    if (quiet) return;
    long now = System.nanoTime();
    long[] t = phases.computeIfAbsent(phase, p -> new long[] {now, now, -1, -1, 0});
    boolean finished = total > 0 && done >= total;
    long start;
    synchronized (t) {
      if (done < t[2] || t[4] == 1) { // the phase started again (next job, next step)
        t[0] = now;
        t[3] = -1;
      }
      t[2] = done;
      t[4] = finished ? 1 : 0;
      if (done == t[3] || (!finished && now - t[1] < EVERY_NANOS)) return;
      t[1] = now;
      t[3] = done;
      start = t[0];
    }
    double secs = (now - start) / 1e9;
    String of = total > 0 ? String.format(Locale.ROOT, "/%,d (%.0f%%)", total, 100.0 * done / total) : "";
    // slow steps (ALS iterations of a large run) keep two decimals rather than showing "0 iterations/s"
    double perSec = done / secs;
    String rate = secs < 0.1 ? "" : String.format(Locale.ROOT, perSec >= 10 ? "  %,.0f %s/s" : "  %.2f %s/s", perSec, unit);
    // the time left at the rate so far, once there is a rate to go by
    String eta = !finished && total > 0 && done > 0 && secs >= 1
        ? String.format(Locale.ROOT, "  ETA %s", eta(secs * (total - done) / done)) : "";
    out.printf(Locale.ROOT, "  %-8s %,d%s %s  %.1f s%s%s%n", phase, done, of, unit, secs, rate, eta);
  }

  /** "45 s", "12 min", "1.5 h". */
  static String eta(double seconds) {
    if (seconds < 120) return String.format(Locale.ROOT, "%.0f s", seconds);
    if (seconds < 7200) return String.format(Locale.ROOT, "%.0f min", seconds / 60);
    return String.format(Locale.ROOT, "%.1f h", seconds / 3600);
  }

  @Override
  public void note(String phase, String message) {
    if (!quiet) out.printf("  %-8s %s%n", phase, message);
  }
}
