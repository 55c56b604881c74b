package larder.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where exports write: a file, or standard output when none is given; UTF-8, buffered for streaming. */
final class CsvOut {
  private CsvOut() {}

  static Writer open(Path out) throws IOException {
    return out == null ? new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16)
        : Files.newBufferedWriter(out, StandardCharsets.UTF_8);
  }

  /** Writes from inside a reader's callback, which cannot throw checked exceptions. */
  static void write(Writer w, String s) {
    try {
      w.write(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
