package larder.store;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * A process, named so that another process can tell whether it still runs: its pid, its start instant
 * (a pid reused by a later process starts later) and its machine. On Linux the machine is the kernel's
 * boot id and the pid namespace, so two containers that share a host name and a pid number are still
 * told apart, and a reboot makes every earlier process "another machine" (whose lease then decides);
 * elsewhere it is the host name. Stored in {@code larder_job_lock.process} as "pid/start-millis/machine".
 *
 * @param startMillis the process's start, epoch milliseconds, or 0 when the platform does not say
 */
public record ProcessKey(long pid, long startMillis, String machine) {
  /** Two start instants this close are one process: the platform reports them in clock ticks. */
  private static final long SAME_START_MILLIS = 1000;

  private static final ProcessKey CURRENT = new ProcessKey(ProcessHandle.current().pid(),
      startOf(ProcessHandle.current()), thisMachine());

  /** This process. */
  public static ProcessKey current() { return CURRENT; }

  /** The stored form, "pid/start-millis/machine". */
  public String text() { return pid + "/" + startMillis + "/" + machine; }

  /** The key in {@code text}, or empty when it is not one (a row written by hand, or by an older version). */
  public static Optional<ProcessKey> parse(String text) {
    if (text == null) return Optional.empty();
    String[] parts = text.split("/", 3);
    if (parts.length < 3 || parts[2].isEmpty()) return Optional.empty();
    try {
      return Optional.of(new ProcessKey(Long.parseLong(parts[0]), Long.parseLong(parts[1]), parts[2]));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** True when this process ran on the machine (and in the pid namespace) of the caller. */
  public boolean onThisMachine() { return machine.equals(CURRENT.machine); }

  /**
   * True when this process, of this machine, is known to have ended: no process has its pid, or the one
   * that has started at another instant (the pid was reused). False for another machine's process.
   */
  public boolean endedHere() {
    if (!onThisMachine()) return false;
    Optional<ProcessHandle> p = ProcessHandle.of(pid);
    if (p.isEmpty() || !p.get().isAlive()) return true;
    long start = startOf(p.get());
    return startMillis != 0 && start != 0 && Math.abs(start - startMillis) > SAME_START_MILLIS;
  }

  /** This machine's host name (what owner strings written before version 4 start with). */
  public static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return System.getenv().getOrDefault("HOSTNAME", "localhost");
    }
  }

  private static long startOf(ProcessHandle p) {
    return p.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
  }

  private static String thisMachine() {
    try {
      String boot = Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).trim();
      String pidNamespace = Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString();
      if (!boot.isEmpty()) return "linux:" + boot + ":" + pidNamespace;
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      // not Linux, or /proc hidden: the host name is the best name left
    }
    return "host:" + hostName();
  }
}
