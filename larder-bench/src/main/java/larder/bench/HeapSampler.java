package larder.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/** Samples used heap every few milliseconds on a daemon thread and keeps the maximum. */
final class HeapSampler implements AutoCloseable {
  private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile long peak;

  HeapSampler() {
    peak = used();
    thread = new Thread(() -> {
      while (running) {
        long u = used();
        if (u > peak) peak = u;
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "heap-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  static long used() {
    return MEMORY.getHeapMemoryUsage().getUsed();
  }

  /** Used heap after a full collection: the live data. */
  static long live() {
    System.gc();
    System.gc();
    return used();
  }

  long peak() { return peak; }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }

  static String mib(long bytes) {
    return String.format("%.0f", bytes / 1048576.0);
  }
}
