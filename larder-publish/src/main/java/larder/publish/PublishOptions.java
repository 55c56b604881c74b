package larder.publish;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import larder.core.ConfigException;
import larder.store.ProcessKey;

/**
 * How a {@link Publisher} runs.
 *
 * @param lockLease how long a job's lock stays held without renewal: a running job renews it every quarter
 *     lease, and a lock whose lease has run out is taken over by the next run, from any host (default 2 min;
 *     a lock of a process that is gone from this machine is taken over at once, whatever its lease)
 * @param queueLists ranked lists buffered between the scoring threads and the writer thread; when
 *     full, scoring threads wait (default 4096: a few MB for top-100 lists)
 * @param owner who holds the lock, shown to a refused second run (default "host/pid")
 */
public record PublishOptions(Duration lockLease, int queueLists, String owner) {
  public static final PublishOptions DEFAULTS = new PublishOptions(Duration.ofMinutes(2), 4096, defaultOwner());

  public PublishOptions {
    if (lockLease == null || lockLease.isNegative() || lockLease.isZero()) {
      throw new ConfigException("publish.lock-lease", lockLease, "must be a positive duration");
    }
    if (queueLists < 1) throw new ConfigException("publish.queue-lists", queueLists, "must be >= 1");
    if (owner == null || owner.isBlank()) throw new ConfigException("publish.owner", owner, "must not be empty");
  }

  public PublishOptions withLockLease(Duration d) { return new PublishOptions(d, queueLists, owner); }

  public PublishOptions withQueueLists(int n) { return new PublishOptions(lockLease, n, owner); }

  public PublishOptions withOwner(String o) { return new PublishOptions(lockLease, queueLists, o); }

  static String defaultOwner() {
    long pid = ProcessHandle.current().pid();
    return ProcessKey.hostName() + "/" + (pid > 0 ? pid : ManagementFactory.getRuntimeMXBean().getName());
  }
}
