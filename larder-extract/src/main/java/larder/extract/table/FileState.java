package larder.extract.table;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import larder.core.InputException;

/**
 * A file's size and modification time, taken before it is read and compared after: a file written, cut short
 * or replaced while it is read would otherwise yield a fraction of its rows as if that were all of them.
 */
record FileState(Path path, long size, FileTime modified) {
  static final String HINT = "write the file elsewhere and move it into place when it is complete (a move within"
      + " one file system is atomic); the current batch is still serving";

  static FileState of(Path path) throws IOException {
    BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
    return new FileState(path, a.size(), a.lastModifiedTime());
  }

  /**
   * Fails unless the file is as it was and {@code consumed} bytes, all of it, were read.
   *
   * @param line the last line read, for the message
   * @throws InputException naming what changed
   */
  void check(long consumed, FileState after, long line) {
    checkUnchanged(after, line);
    if (consumed != size) {
      throw new InputException(path.toString(), line, null, "changed while it was read: " + consumed + " of its "
          + size + " bytes could be read", HINT);
    }
  }

  /** Fails when size or modification time differ from {@code after}'s. */
  void checkUnchanged(FileState after, long line) {
    if (after.size != size) {
      throw new InputException(path.toString(), line, null, "changed while it was read: its size went from " + size
          + " to " + after.size + " bytes", HINT);
    }
    if (!after.modified.equals(modified)) {
      throw new InputException(path.toString(), line, null, "changed while it was read: modified at "
          + after.modified + ", after the read began (it was last modified at " + modified + ")", HINT);
    }
  }

  /** Counts the bytes read from a file, under any decompression. */
  static final class Counting extends FilterInputStream {
    private long count;

    Counting(InputStream in) {
      super(in);
    }

    @Override public int read() throws IOException {
      int b = in.read();
      if (b >= 0) count++;
      return b;
    }

    @Override public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      if (n > 0) count += n;
      return n;
    }

    @Override public long skip(long n) throws IOException {
      long s = in.skip(n);
      count += s;
      return s;
    }

    @Override public boolean markSupported() {
      return false;
    }

    /** Reads what is left, counting it. */
    void drain() throws IOException {
      byte[] sink = new byte[8192];
      while (read(sink, 0, sink.length) >= 0) {
        // counted
      }
    }

    long count() {
      return count;
    }
  }
}
