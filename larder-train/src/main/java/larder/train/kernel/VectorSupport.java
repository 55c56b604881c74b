package larder.train.kernel;

import java.util.Locale;
import larder.core.ConfigException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether the scoring kernels may use the JDK's Vector API ({@code jdk.incubator.vector}). It is an
 * incubator module in Java 17-25: present only when the JVM was started with
 * {@code --add-modules jdk.incubator.vector} (the {@code larder} launcher does so). Used when the module is
 * there, the CPU has vectors of at least 8 floats and fused multiply-add; otherwise the kernels fall back to
 * plain Java loops, which C2 vectorises less well. {@code -Dlarder.kernel=scalar} forces the fallback (to
 * compare, or to rule the vector kernel out); {@code vector} requires the Vector API and fails without it.
 */
public final class VectorSupport {
  /** The system property that chooses the kernel: {@code auto} (the default), {@code vector} or {@code scalar}. */
  public static final String PROPERTY = "larder.kernel";

  private static final boolean AVAILABLE = probe();
  private static final AtomicBoolean TOLD = new AtomicBoolean();

  private VectorSupport() {}

  /** Whether the vector kernels run here, as {@value #PROPERTY} and the JVM allow. */
  public static boolean enabled() {
    String choice = System.getProperty(PROPERTY, "auto").strip().toLowerCase(Locale.ROOT);
    switch (choice) {
      case "scalar":
        return false;
      case "vector":
        if (!AVAILABLE) {
          throw new ConfigException(PROPERTY, choice, "asks for the Vector API, which is not usable here",
              "start Java with --add-modules jdk.incubator.vector on a CPU with AVX2 and FMA, or use -D" + PROPERTY
              + "=auto");
        }
        return true;
      case "auto":
        return AVAILABLE;
      default:
        throw new ConfigException(PROPERTY, choice, "must be auto, vector or scalar",
            "set -D" + PROPERTY + "=auto (the default) in LARDER_JAVA_OPTS, or leave it out");
    }
  }

  /**
   * Once per JVM, when the kernels fall back only because Java was started without the module: what to do
   * about it. Null otherwise (the module is there, the fallback was asked for, or it was said already).
   */
  public static String fallbackNote() {
    if (AVAILABLE || ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) return null;
    if (!"auto".equals(System.getProperty(PROPERTY, "auto").strip().toLowerCase(Locale.ROOT))) return null;
    if (!TOLD.compareAndSet(false, true)) return null;
    return "plain-Java kernels: Java was started without the Vector API; with --add-modules jdk.incubator.vector"
        + " (as the larder launcher does) training and scoring run 2-3x faster on CPUs with AVX2 and FMA";
  }

  /** Whether the Vector API is usable at full speed, whatever {@value #PROPERTY} says. */
  public static boolean available() {
    return AVAILABLE;
  }

  private static boolean probe() {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) return false;
    try {
      return VectorProbe.lanes() >= 8 && fmaIsIntrinsic();
    } catch (LinkageError | RuntimeException e) {
      return false;
    }
  }

  /**
   * Whether the JVM compiles fused multiply-adds to the hardware instruction. Without it they fall back to
   * exact software arithmetic, orders of magnitude slower.
   */
  public static boolean fmaIsIntrinsic() {
    try {
      var hotspot = java.lang.management.ManagementFactory.getPlatformMXBean(
          com.sun.management.HotSpotDiagnosticMXBean.class);
      return hotspot != null && Boolean.parseBoolean(hotspot.getVMOption("UseFMA").getValue());
    } catch (RuntimeException | LinkageError e) {
      return false; // not HotSpot, or the option is unknown
    }
  }

  /** Touches the Vector API; loaded only once the module is known to be there. */
  private static final class VectorProbe {
    static int lanes() {
      return jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();
    }
  }
}
