package larder.cli;

import java.io.PrintStream;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import larder.publish.BatchLoader;
import larder.publish.Publisher;

/**
 * SIGINT (Ctrl-C) and SIGTERM while jobs run: one JVM shutdown hook stops every run of the guarded
 * publishers (each unpublished batch is marked failed "interrupted by SIGTERM", its rows dropped, its lock
 * released; the previous batch keeps serving) and prints one line. The JVM then exits as it does on these
 * signals, with 128 + the signal's number: 130 for SIGINT, 143 for SIGTERM. The hook waits at most
 * {@link #BOUND_SECONDS} seconds, so a store that does not answer cannot hang the exit; a run not settled by
 * then is left to its job's next run, which takes the lock of a dead process over at once.
 *
 * <p>Which signal arrived is recorded by a handler that then hands the signal on to the JVM's own; it uses
 * {@code sun.misc.Signal} (module jdk.unsupported) through reflection, and without it the reason says
 * "interrupted by a stop signal".
 */
final class StopSignals {
  static final int BOUND_SECONDS = 10;

  private static final Set<Guard> GUARDS = ConcurrentHashMap.newKeySet();
  private static volatile String received;
  private static volatile boolean stopping;
  private static boolean installed;

  private StopSignals() {}

  /** A publisher whose runs the hook stops, and what else to stop (a scheduler's loop); close when done. */
  record Guard(Publisher publisher, Runnable alsoStop) implements AutoCloseable {
    @Override public void close() {
      GUARDS.remove(this);
    }
  }

  /** Guards {@code publisher}'s runs until the returned handle is closed. */
  static Guard guard(Publisher publisher, Runnable alsoStop) {
    install();
    Guard g = new Guard(publisher, alsoStop);
    GUARDS.add(g);
    return g;
  }

  /** True once the process is stopping: the command's own error output would only repeat the hook's line. */
  static boolean stopping() {
    return stopping || received != null;
  }

  private static synchronized void install() {
    if (installed) return;
    installed = true;
    recordSignal("INT");
    recordSignal("TERM");
    Runtime.getRuntime().addShutdownHook(new Thread(StopSignals::stopRuns, "larder-stop"));
  }

  private static void stopRuns() {
    List<Guard> guards = List.copyOf(GUARDS);
    String signal = received;
    if (guards.isEmpty() && signal == null) return;
    stopping = true;
    String reason = "interrupted by " + (signal == null ? "a stop signal" : signal);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_SECONDS);
    List<String> said = new ArrayList<>();
    for (Guard g : guards) {
      g.alsoStop().run();
      for (Publisher.Stopped s : g.publisher().stopRuns(reason, deadline)) said.add(describe(s));
    }
    if (said.isEmpty() && signal == null) return; // an ordinary exit with nothing running
    PrintStream err = System.err;
    err.println("larder: " + (said.isEmpty() ? "stopped by " + signal + "; no job was running"
        : reason + ": " + String.join("; ", said)));
    err.flush();
  }

  private static String describe(Publisher.Stopped s) {
    String batch = "batch " + s.batchId() + " of job '" + s.job() + "'";
    if (s.outcome() == BatchLoader.Outcome.PUBLISHED) return batch + " had already been published";
    if (s.outcome() == BatchLoader.Outcome.UNSETTLED) {
      return batch + " could not be marked failed within " + BOUND_SECONDS + " s; the job's next run does it";
    }
    return batch + " marked failed and its lock released; the previous batch keeps serving";
  }

  /**
   * Records {@code SIG<name>} when it arrives, then hands it on to the handler it replaced (the JVM's, which
   * starts the shutdown). Leaves a signal the process ignores (nohup) or does not handle alone.
   */
  private static void recordSignal(String name) {
    try {
      Class<?> signalType = Class.forName("sun.misc.Signal");
      Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
      Object signal = signalType.getConstructor(String.class).newInstance(name);
      Object[] previous = new Object[1];
      InvocationHandler onSignal = (proxy, method, args) -> switch (method.getName()) {
        case "handle" -> {
          received = "SIG" + name;
          handlerType.getMethod("handle", signalType).invoke(previous[0], args[0]);
          yield null;
        }
        case "hashCode" -> System.identityHashCode(proxy);
        case "equals" -> proxy == args[0];
        default -> "larder stop signal handler";
      };
      Object handler = Proxy.newProxyInstance(StopSignals.class.getClassLoader(), new Class<?>[] {handlerType}, onSignal);
      var handle = signalType.getMethod("handle", signalType, handlerType);
      previous[0] = handle.invoke(null, signal, handler);
      if (previous[0] == handlerType.getField("SIG_DFL").get(null) || previous[0] == handlerType.getField("SIG_IGN").get(null)) {
        handle.invoke(null, signal, previous[0]); // the JVM does not handle it here: leave it so
      }
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      // no sun.misc.Signal (or -Xrs): the reason will not name the signal
    }
  }
}
