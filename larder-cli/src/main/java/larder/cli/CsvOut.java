package larder.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import larder.core.ConfigException;

/** Where exports write: a file, or standard output when none is given; UTF-8, buffered for streaming. */
final class CsvOut {
  private CsvOut() {}

  /** @throws ConfigException naming {@code -o} when the file cannot be created (no such folder, no permission) */
  static Writer open(Path out) {
    if (out == null) return new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16);
    try {
      return Files.newBufferedWriter(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException("-o", out, "cannot be written (" + e + ")",
          "write into an existing folder you may write to, or leave -o out for standard output");
    }
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
