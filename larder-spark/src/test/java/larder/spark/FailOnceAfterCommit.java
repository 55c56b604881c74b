package larder.spark;

/**
 * The larder command (as {@link SparkMain}) with one part's first load failing after its commit, for
 * bench/spark-scale.sh: the run must still publish every list exactly once. Needs a local master with retries
 * ({@code spark.master: "local[2,3]"}), since the hook reaches only tasks in this JVM.
 *
 * <pre>FailOnceAfterCommit PART larder-args...</pre>
 */
public final class FailOnceAfterCommit {
  private FailOnceAfterCommit() {}

  public static void main(String[] args) {
    int failPart = Integer.parseInt(args[0]);
    PartLoader.afterPart = (part, attempt, result) -> {
      if (part == failPart && attempt == 0 && !result.alreadyLoaded()) {
        throw new IllegalStateException("injected: part " + part + " lost after its commit");
      }
    };
    SparkMain.main(java.util.Arrays.copyOfRange(args, 1, args.length));
  }
}
