package larder.publish;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Duration;
import larder.core.ConfigException;

/**
 * How a {@link Publisher} runs.
 *
 * @param staleLockAfter a job lock older than this is taken over by the next run (default 6 h)
 * @param queueLists ranked lists buffered between the scoring threads and the writer thread; when
 *     full, scoring threads wait (default 4096: a few MB for top-100 lists)
 * @param owner who holds the lock, shown to a refused second run (default "host/pid")
 */
public record PublishOptions(Duration staleLockAfter, int queueLists, String owner) {
  public static final PublishOptions DEFAULTS = new PublishOptions(Duration.ofHours(6), 4096, defaultOwner());

  public PublishOptions {
    if (staleLockAfter == null || staleLockAfter.isNegative() || staleLockAfter.isZero()) {
      throw new ConfigException("publish.stale-lock-after", staleLockAfter, "must be a positive duration");
    }
    if (queueLists < 1) throw new ConfigException("publish.queue-lists", queueLists, "must be >= 1");
    if (owner == null || owner.isBlank()) throw new ConfigException("publish.owner", owner, "must not be empty");
  }

  public PublishOptions withStaleLockAfter(Duration d) { return new PublishOptions(d, queueLists, owner); }

  public PublishOptions withQueueLists(int n) { return new PublishOptions(staleLockAfter, n, owner); }

  public PublishOptions withOwner(String o) { return new PublishOptions(staleLockAfter, queueLists, o); }

  static String defaultOwner() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      host = System.getenv().getOrDefault("HOSTNAME", "localhost");
    }
    long pid = ProcessHandle.current().pid();
    return host + "/" + (pid > 0 ? pid : ManagementFactory.getRuntimeMXBean().getName());
  }
}
