package larder.extract.table;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import larder.core.InputException;

/**
 * Streams a {@link DelimitedFile} to a {@link RowHandler}: reads bytes into one buffer and hands each line to a
 * {@link LineSplitter}, so a bad line (an unclosed quote, invalid UTF-8) is a bad row of its own and never
 * swallows the lines after it. The file must not change while it is read ({@link FileState}). Errors name the
 * path (cannot open or read, changed) or the file name and line (bad rows).
 */
final class DelimitedReader {
  private static final byte[] BOM = {(byte) 0xef, (byte) 0xbb, (byte) 0xbf};

  private final DelimitedFile file;
  private final RowHandler handler;
  private final BadRowCollector rows;
  private final String label;
  private final LineSplitter split;
  private List<String> names;
  private long line;
  /** A read that failed, raised once the complete lines read before it are done. */
  private IOException failure;

  private DelimitedReader(DelimitedFile file, RowHandler handler, BadRowCollector rows) {
    this.file = file;
    this.handler = handler;
    this.rows = rows;
    this.label = file.label();
    this.split = new LineSplitter(file.delimiter());
  }

  static void read(DelimitedFile file, RowHandler handler, BadRowCollector rows) {
    new DelimitedReader(file, handler, rows).read();
  }

  private void read() {
    FileState before = state();
    boolean gzip = false;
    FileState.Counting raw = null;
    try {
      raw = new FileState.Counting(Files.newInputStream(file.path()));
      PushbackInputStream head = new PushbackInputStream(raw, 2);
      int b0 = head.read();
      int b1 = b0 < 0 ? -1 : head.read();
      if (b1 >= 0) head.unread(b1);
      if (b0 >= 0) head.unread(b0);
      // Magic bytes, not the name: exports are often gzipped under a .csv name and vice versa.
      gzip = b0 == 0x1f && b1 == 0x8b;
      // Decompressing is a core's work on its own: done a few chunks ahead, it overlaps with parsing.
      try (InputStream in = gzip
          ? new ReadAheadInputStream(new GZIPInputStream(head, 1 << 16), file.path().getFileName().toString())
          : head) {
        lines(in);
        raw.drain(); // a gzip stream may end before its file does
        before.check(raw.count(), state(), line);
      }
    } catch (NoSuchFileException e) {
      throw new InputException(file.path().toString(), 0, null, "file not found",
          "check the path (in a config, a relative path starts from the config file's folder)", e);
    } catch (AccessDeniedException e) {
      throw new InputException(file.path().toString(), 0, null, "permission denied",
          "make the file readable by this user", e);
    } catch (IOException e) {
      failIfChanged(before);
      throw unreadable(e, gzip);
    } catch (InputException e) {
      // A file cut short mid-read ends in a partial line, often a bad one: the change is the cause to report.
      failIfChanged(before);
      throw e;
    }
  }

  private FileState state() {
    try {
      return FileState.of(file.path());
    } catch (NoSuchFileException e) {
      throw new InputException(file.path().toString(), 0, null, "file not found",
          "check the path (in a config, a relative path starts from the config file's folder)", e);
    } catch (IOException e) {
      throw new InputException(file.path().toString(), 0, null, "cannot read: " + e,
          "check that the path is a readable file", e);
    }
  }

  /** Throws the file's change, if it changed since {@code before}; returns quietly otherwise. */
  private void failIfChanged(FileState before) {
    FileState after;
    try {
      after = FileState.of(file.path());
    } catch (IOException e) {
      throw new InputException(file.path().toString(), line, null, "the file went away while it was read",
          FileState.HINT, e);
    }
    before.checkUnchanged(after, line);
  }

  private InputException unreadable(IOException e, boolean gzip) {
    if (gzip && e instanceof EOFException) {
      return new InputException(file.path().toString(), line, null, "the gzip data ends early: the file is truncated"
          + (line > 0 ? " after line " + line : ""), "write the whole file (or check the copy) and run again; nothing"
          + " was published", e);
    }
    return new InputException(file.path().toString(), line, null, "cannot read after line " + line + ": " + e,
        "the file may be truncated or corrupt; check it and retry", e);
  }

  /** Reads every line; leaves {@link #line} at the last one. */
  private void lines(InputStream in) throws IOException {
    byte[] b = new byte[1 << 16];
    int limit = fill(in, b, 0);
    boolean eof = failure != null || limit < b.length;
    int pos = limit >= 3 && Arrays.equals(b, 0, 3, BOM, 0, 3) ? 3 : 0;
    boolean started = false;
    while (pos < limit || !eof) {
      int next = split.split(b, pos, limit, eof);
      if (next == LineSplitter.MORE) {
        // Keep the line's start, make room (a line longer than the buffer doubles it) and read on.
        int kept = limit - pos;
        if (pos == 0) b = Arrays.copyOf(b, b.length * 2);
        else System.arraycopy(b, pos, b, 0, kept);
        pos = 0;
        limit = fill(in, b, kept);
        eof = failure != null || limit < b.length;
        continue;
      }
      line++;
      pos = next;
      if (split.problem() == null && split.blank()) continue;
      if (!started) {
        started = true;
        if (file.header()) {
          header();
          continue;
        }
        handler.start(Header.ofFile(label, line, null));
      }
      rows.row();
      if (split.problem() != null) {
        int f = split.problemField();
        String name = headerName(f);
        rows.bad(line, name == null ? "column " + (f + 1) : name,
            (name == null ? "" : "column " + (f + 1) + ": ") + split.problem());
        continue;
      }
      handler.row(line, split);
    }
    if (failure != null) throw failure;
  }

  /**
   * Fills {@code b} from {@code from} as far as the stream allows; returns the new limit. When the stream
   * fails, keeps the failure for later and returns the end of the last complete line, so that the error can
   * name the line it came after.
   */
  private int fill(InputStream in, byte[] b, int from) {
    int n = from;
    try {
      while (n < b.length) {
        int r = in.read(b, n, b.length - n);
        if (r < 0) break;
        n += r;
      }
    } catch (IOException e) {
      failure = e;
      while (n > 0 && b[n - 1] != '\n') n--;
    }
    return n;
  }

  private void header() {
    if (split.problem() != null) {
      int f = split.problemField();
      throw new InputException(label, line, null, "the header line's column " + (f + 1) + ": " + split.problem(),
          "fix the header line");
    }
    names = new ArrayList<>(split.count());
    for (int k = 0; k < split.count(); k++) names.add(split.text(k));
    handler.start(Header.ofFile(label, line, names));
  }

  /** A column's name in the header line, or null. */
  private String headerName(int index) {
    if (names != null && index < names.size() && !names.get(index).isBlank()) return names.get(index).strip();
    return null;
  }
}
