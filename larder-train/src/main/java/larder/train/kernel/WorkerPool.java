package larder.train.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fixed set of worker threads that run one job at a time, every worker pulling units from a shared
 * counter. The first exception in any worker raises {@link #stopped()} (workers check it between units)
 * and is rethrown to the caller: as is when unchecked, so typed errors keep their type, wrapped
 * otherwise. With one thread the job runs in the calling thread.
 */
public final class WorkerPool implements AutoCloseable {
  private final int threads;
  private final String name;
  private final ExecutorService pool;
  private final AtomicBoolean stop = new AtomicBoolean();

  public WorkerPool(int threads, String name) {
    if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    this.threads = threads;
    this.name = name;
    if (threads == 1) {
      pool = null;
    } else {
      AtomicInteger seq = new AtomicInteger();
      pool = Executors.newFixedThreadPool(threads, r -> {
        Thread t = new Thread(r, "larder-" + name + "-" + seq.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
    }
  }

  public int threads() { return threads; }

  /** True once a worker of the current job has failed; workers should then return. */
  public boolean stopped() { return stop.get(); }

  /** Runs {@code worker} once on every thread and waits for all of them. */
  public void runAll(Runnable worker) {
    stop.set(false);
    if (pool == null) {
      worker.run();
      return;
    }
    List<Future<?>> futures = new ArrayList<>(threads);
    try {
      for (int t = 0; t < threads; t++) {
        futures.add(pool.submit(() -> {
          try {
            worker.run();
          } catch (RuntimeException | Error e) {
            stop.set(true);
            throw e;
          }
        }));
      }
      Throwable first = null;
      for (Future<?> f : futures) {
        try {
          f.get();
        } catch (ExecutionException e) {
          if (first == null) first = e.getCause();
        }
      }
      if (first instanceof RuntimeException re) throw re;
      if (first instanceof Error err) throw err;
      if (first != null) throw new IllegalStateException(name + " worker failed", first);
    } catch (InterruptedException e) {
      stop.set(true);
      Thread.currentThread().interrupt();
      CancellationException c = new CancellationException(name + " interrupted");
      c.initCause(e);
      throw c;
    }
  }

  @Override
  public void close() {
    if (pool != null) pool.shutdownNow();
  }
}
