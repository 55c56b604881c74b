package larder.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Removing a folder a test class made for itself (outside JUnit's @TempDir, e.g. for a PER_CLASS lifecycle). */
public final class TempTree {
  private TempTree() {}

  /** Deletes {@code dir} and everything under it; nothing when it is null or gone. */
  public static void delete(Path dir) throws IOException {
    if (dir == null || !Files.exists(dir)) return;
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
