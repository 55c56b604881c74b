package larder.extract.table;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads a stream on a thread of its own into chunks of whole lines: each chunk ends just after a newline,
 * except the last one, which ends where the input does. As no field spans lines ({@link LineSplitter}), each
 * chunk splits into rows on its own, on any thread. Reading (decompressing a gzip file is one core's work)
 * runs a few chunks ahead of the parsing; the queue is bounded, so memory stays at a few chunks.
 *
 * <p>When the source fails, the complete lines read before the failure still come first, then {@link #next()}
 * throws the failure, so that the error names the line it came after.
 */
final class LineChunks implements AutoCloseable {
  static final int CHUNK = 1 << 20;
  private static final Object END = new Object();

  /** A chunk: whole lines in {@code bytes[0, limit)}. */
  record Chunk(byte[] bytes, int limit) {}

  /** {@link Chunk}s in order, then {@link #END} or the source's {@link IOException}. */
  private final BlockingQueue<Object> chunks;
  /** Chunks handed back for reuse, so that the reading allocates (and the collector sees) a few only. */
  private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(16);
  private final InputStream source;
  private final int size;
  private final Thread reader;
  private volatile boolean closed;
  private boolean ended;

  /**
   * @param size the usual chunk size in bytes (a longer line makes its chunk longer)
   * @param ahead chunks read ahead of the consumer at most
   */
  LineChunks(InputStream source, String name, int size, int ahead) {
    this.source = source;
    this.size = size;
    this.chunks = new ArrayBlockingQueue<>(ahead);
    this.reader = new Thread(this::fill, "larder-read " + name);
    reader.setDaemon(true);
    reader.start();
  }

  private void fill() {
    try {
      byte[] b = buffer();
      int n = 0;
      while (!closed) {
        boolean eof = false;
        try {
          while (n < b.length) {
            int r = source.read(b, n, b.length - n);
            if (r < 0) {
              eof = true;
              break;
            }
            n += r;
          }
        } catch (IOException e) {
          while (n > 0 && b[n - 1] != '\n') n--; // a partial line is not handed over
          if (n > 0) chunks.put(new Chunk(b, n));
          chunks.put(e);
          return;
        }
        if (eof) {
          if (n > 0) chunks.put(new Chunk(b, n));
          chunks.put(END);
          return;
        }
        int cut = n;
        while (cut > 0 && b[cut - 1] != '\n') cut--;
        if (cut == 0) { // one line longer than the chunk: make room and read on
          b = Arrays.copyOf(b, b.length * 2);
          continue;
        }
        byte[] next = buffer();
        if (next.length < n - cut) next = new byte[b.length];
        System.arraycopy(b, cut, next, 0, n - cut);
        chunks.put(new Chunk(b, cut));
        b = next;
        n -= cut;
      }
    } catch (InterruptedException e) {
      // closed while waiting for room
    }
  }

  private byte[] buffer() {
    byte[] b = free.poll();
    return b != null ? b : new byte[size];
  }

  /**
   * The next chunk, or null after the last one.
   *
   * @throws IOException the source's failure, after the chunks read before it
   */
  Chunk next() throws IOException {
    if (ended) return null;
    Object c;
    try {
      c = chunks.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reading");
    }
    if (c instanceof Chunk chunk) return chunk;
    ended = true;
    if (c instanceof IOException e) throw e;
    return null;
  }

  /** Hands a chunk's bytes back once nothing refers to them any more; any thread may call it. */
  void recycle(byte[] bytes) {
    if (bytes.length == size) free.offer(bytes);
  }

  /** Stops the reading thread (at once, when the consumer gave up early) and closes the source. */
  @Override public void close() throws IOException {
    closed = true;
    reader.interrupt();
    chunks.clear(); // lets a reader blocked on a full queue finish
    try {
      reader.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    source.close();
  }
}
