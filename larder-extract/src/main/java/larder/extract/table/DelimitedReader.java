package larder.extract.table;

import java.io.EOFException;
import java.io.IOException;
import java.io.PushbackInputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.GZIPInputStream;
import larder.core.ConfigException;
import larder.core.InputException;

/**
 * Streams a {@link DelimitedFile} to a {@link RowHandler}: one thread reads (and decompresses) the bytes into
 * chunks of whole lines ({@link LineChunks}) and each line goes to a {@link LineSplitter}, so a bad line (an
 * unclosed quote, invalid UTF-8) is a bad row of its own and never swallows the lines after it. A {@link
 * ChunkedRowHandler}'s rows are parsed a chunk at a time on {@link #THREADS} threads and applied in the file's
 * order, so ids, counts, bad rows and their lines come out exactly as when read on one thread. The file must not
 * change while it is read ({@link FileState}). Errors name the path (cannot open or read, changed) or the file
 * name and line (bad rows).
 */
final class DelimitedReader {
  private static final byte[] BOM = {(byte) 0xef, (byte) 0xbb, (byte) 0xbf};

  private final DelimitedFile file;
  private final RowHandler handler;
  private final BadRowCollector rows;
  private final String label;
  private final LineSplitter split;
  /** Threads that parse chunks of lines ahead of their turn; 0 parses on the reading thread alone. */
  private final int threads;
  private final int chunkSize;
  private List<String> names;
  private long line;
  private boolean started;

  private DelimitedReader(DelimitedFile file, RowHandler handler, BadRowCollector rows, int threads, int chunkSize) {
    if (threads < 0 || chunkSize < 1) throw new IllegalArgumentException("threads < 0 or chunkSize < 1");
    this.threads = threads;
    this.chunkSize = chunkSize;
    this.file = file;
    this.handler = handler;
    this.rows = rows;
    this.label = file.label();
    this.split = new LineSplitter(file.delimiter());
  }

  /**
   * The system property that sets how many threads parse a file's rows (for the sources that can parse ahead
   * of their turn); 0 parses on the reading thread alone. By default one per core, up to 8: past a few, the one
   * thread that applies rows in order is the limit.
   */
  static final String THREADS = "larder.parse.threads";

  static void read(DelimitedFile file, RowHandler handler, BadRowCollector rows) {
    read(file, handler, rows, threads(), LineChunks.CHUNK);
  }

  /** The parsing threads {@link #THREADS} asks for. */
  static int threads() {
    String v = System.getProperty(THREADS);
    if (v == null) return Math.min(8, Runtime.getRuntime().availableProcessors());
    try {
      int n = Integer.parseInt(v.strip());
      if (n >= 0 && n <= 256) return n;
    } catch (NumberFormatException e) {
      // refused below
    }
    throw new ConfigException(THREADS, v, "must be a whole number from 0 to 256",
        "set -D" + THREADS + "=0 to parse on the reading thread alone, or leave it out (one per core)");
  }

  /** With {@code threads} parsing threads and chunks of about {@code chunkSize} bytes. */
  static void read(DelimitedFile file, RowHandler handler, BadRowCollector rows, int threads, int chunkSize) {
    new DelimitedReader(file, handler, rows, threads, chunkSize).read();
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
      try (LineChunks in = new LineChunks(gzip ? new GZIPInputStream(head, 1 << 16) : head,
          file.path().getFileName().toString(), chunkSize, 4)) {
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
  private void lines(LineChunks chunks) throws IOException {
    LineChunks.Chunk c = chunks.next();
    if (c == null) return;
    byte[] b = c.bytes();
    int limit = c.limit();
    int pos = limit >= 3 && Arrays.equals(b, 0, 3, BOM, 0, 3) ? 3 : 0;
    ChunkedRowHandler<?> chunked = threads > 0 && handler instanceof ChunkedRowHandler<?> h ? h : null;
    // Up to the first data row (the header resolves the columns that parsing needs), and throughout for a
    // handler that cannot parse ahead, rows are split and handled here, in order.
    while ((pos = inOrder(b, pos, limit, chunked != null)) == limit) {
      chunks.recycle(b);
      c = chunks.next();
      if (c == null) return;
      b = c.bytes();
      limit = c.limit();
      pos = 0;
    }
    ahead(chunked, chunks, b, pos, limit);
  }

  /**
   * Splits and handles the lines of {@code b[pos, limit)}; with {@code untilStarted}, stops at the first line
   * after {@link RowHandler#start}. Returns where it stopped.
   */
  private int inOrder(byte[] b, int pos, int limit, boolean untilStarted) {
    while (pos < limit) {
      if (untilStarted && started) return pos;
      pos = split.split(b, pos, limit, true); // a chunk ends with its last line
      line++;
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
        splitProblem(split, line, rows);
        continue;
      }
      handler.row(line, split);
    }
    return pos;
  }

  /** Records the line {@code s} just split as bad for what the splitter found. */
  private void splitProblem(LineSplitter s, long at, BadRowCollector to) {
    int f = s.problemField();
    String name = headerName(f);
    to.bad(at, name == null ? "column " + (f + 1) : name,
        (name == null ? "" : "column " + (f + 1) + ": ") + s.problem());
  }

  /**
   * Parses chunks on {@link #threads} threads, from {@code b[pos, limit)} on, a few ahead of their turn, and
   * applies them here in the file's order: rows are counted, bad rows recorded (the limit checked) and kept
   * rows applied exactly as when split in order, with each row's line the lines before its chunk plus its
   * line within it.
   */
  private <P extends ChunkedRowHandler.Parsed> void ahead(ChunkedRowHandler<P> h, LineChunks chunks, byte[] b,
      int pos, int limit) throws IOException {
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "larder-parse " + label);
      t.setDaemon(true);
      return t;
    });
    Queue<ParsedChunk<P>> spare = new ConcurrentLinkedQueue<>();
    ArrayDeque<Future<ParsedChunk<P>>> pending = new ArrayDeque<>();
    IOException failure = null;
    try {
      pending.add(pool.submit(() -> parse(h, chunks, spare, b, pos, limit)));
      boolean more = true;
      while (!pending.isEmpty()) {
        while (more && pending.size() < 2 * threads + 1) {
          LineChunks.Chunk c;
          try {
            c = chunks.next();
          } catch (IOException e) {
            failure = e; // raised once the lines read before it are done
            c = null;
          }
          if (c == null) {
            more = false;
          } else {
            byte[] cb = c.bytes();
            int cl = c.limit();
            pending.add(pool.submit(() -> parse(h, chunks, spare, cb, 0, cl)));
          }
        }
        ParsedChunk<P> done = take(pending.poll());
        apply(h, done);
        done.clear();
        spare.offer(done);
      }
    } finally {
      pool.shutdownNow();
    }
    if (failure != null) throw failure;
  }

  /** One chunk's lines parsed, on a parsing thread; hands the bytes back when done. */
  private <P extends ChunkedRowHandler.Parsed> ParsedChunk<P> parse(ChunkedRowHandler<P> h, LineChunks chunks,
      Queue<ParsedChunk<P>> spare, byte[] b, int pos, int limit) {
    ParsedChunk<P> out = spare.poll();
    if (out == null) out = new ParsedChunk<>(h.newParsed());
    LineSplitter s = new LineSplitter(file.delimiter());
    BadRowCollector deferred = rows.deferred();
    int at = 0;
    while (pos < limit) {
      pos = s.split(b, pos, limit, true);
      at++;
      if (s.problem() == null && s.blank()) continue;
      if (s.problem() != null) splitProblem(s, at, deferred);
      else if (h.parse(at, s, out.parsed, deferred)) {
        out.row(at);
        continue;
      }
      String problem = deferred.takeProblem();
      if (problem == null) throw new IllegalStateException("a row was neither kept nor recorded as bad");
      out.bad(at, deferred.deferredField(), problem);
    }
    out.lines = at;
    chunks.recycle(b);
    return out;
  }

  private <P extends ChunkedRowHandler.Parsed> void apply(ChunkedRowHandler<P> h, ParsedChunk<P> c) {
    long before = line;
    int kept = 0;
    int bad = 0;
    for (int r = 0; r < c.rows; r++) {
      line = before + c.line[r];
      rows.row();
      if (bad < c.bads && c.badRow[bad] == r) {
        rows.bad(line, c.badField[bad], c.badProblem[bad]);
        bad++;
      } else {
        h.apply(c.parsed, kept++, line);
      }
    }
    line = before + c.lines;
  }

  /** The chunk's result; a parsing thread's failure (a bug: bad rows are results) is raised here. */
  private static <T> T take(Future<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while parsing", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) throw r;
      if (e.getCause() instanceof Error r) throw r;
      throw new IllegalStateException(e.getCause());
    }
  }

  /** What the parsing threads made of one chunk's lines: the data rows, in order, each kept or bad. */
  private static final class ParsedChunk<P extends ChunkedRowHandler.Parsed> {
    final P parsed;
    /** Lines in the chunk, data or not. */
    int lines;
    /** Data rows, kept or bad. */
    int rows;
    /** Each data row's line within the chunk (1-based). */
    int[] line = new int[1 << 12];
    int bads;
    /** The bad rows' indexes among the data rows, ascending, with their field and problem. */
    int[] badRow = new int[16];
    String[] badField = new String[16];
    String[] badProblem = new String[16];

    ParsedChunk(P parsed) {
      this.parsed = parsed;
    }

    void row(int at) {
      if (rows == line.length) line = Arrays.copyOf(line, rows * 2);
      line[rows++] = at;
    }

    void bad(int at, String field, String problem) {
      if (bads == badRow.length) {
        badRow = Arrays.copyOf(badRow, bads * 2);
        badField = Arrays.copyOf(badField, bads * 2);
        badProblem = Arrays.copyOf(badProblem, bads * 2);
      }
      badRow[bads] = rows;
      badField[bads] = field;
      badProblem[bads] = problem;
      bads++;
      row(at);
    }

    void clear() {
      parsed.clear();
      lines = 0;
      rows = 0;
      Arrays.fill(badField, 0, bads, null);
      Arrays.fill(badProblem, 0, bads, null);
      bads = 0;
    }
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
