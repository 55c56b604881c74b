package larder.extract.table;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads a stream on a thread of its own, a few chunks ahead of the consumer, so that decompressing a gzip file
 * (one core's work) overlaps with parsing its rows (another core's). The bytes are exactly the source's; an
 * error of the source surfaces on the consumer's next read; {@link #close()} stops the reading thread.
 */
final class ReadAheadInputStream extends InputStream {
  static final int CHUNK = 1 << 18;
  private static final byte[] END = new byte[0];

  /** Chunks in order; {@link #END} after the last. Bounded, so memory stays at a few chunks. */
  private final BlockingQueue<byte[]> chunks = new ArrayBlockingQueue<>(4);
  /**
   * Read chunks handed back for reuse: without it every chunk is garbage that lives long enough (queued while
   * the parser works) to be promoted, and the collector pays for it later, in the load that follows the read.
   */
  private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(8);
  private final InputStream source;
  private final Thread reader;
  private volatile IOException failure;
  private volatile boolean closed;
  private byte[] current = new byte[0];
  private int pos;
  private int limit;
  private boolean ended;

  ReadAheadInputStream(InputStream source, String name) {
    this.source = source;
    this.reader = new Thread(this::fill, "larder-read-ahead " + name);
    reader.setDaemon(true);
    reader.start();
  }

  private void fill() {
    try {
      boolean eof = false;
      while (!closed && !eof) {
        byte[] buf = free.poll();
        if (buf == null) buf = new byte[CHUNK];
        int n = 0;
        try {
          while (n < CHUNK) {
            int r = source.read(buf, n, CHUNK - n);
            if (r < 0) {
              eof = true;
              break;
            }
            n += r;
          }
        } catch (IOException e) {
          failure = e; // the bytes read before it still go out first
          eof = true;
        }
        if (n > 0) put(n == CHUNK ? buf : java.util.Arrays.copyOf(buf, n)); // only the last chunk is short
      }
      put(END);
    } catch (InterruptedException e) {
      // closed while waiting for room
    }
  }

  private void put(byte[] chunk) throws InterruptedException {
    chunks.put(chunk);
  }

  /** Moves to the next chunk; false at the end of the stream. */
  private boolean next() throws IOException {
    if (ended) return false;
    byte[] c;
    try {
      c = chunks.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while reading ahead");
    }
    if (current.length == CHUNK) free.offer(current); // fully read: the reader may fill it again
    if (c == END) {
      ended = true;
      if (failure != null) throw failure;
      return false;
    }
    current = c;
    pos = 0;
    limit = c.length;
    return true;
  }

  @Override public int read() throws IOException {
    if (pos == limit && !next()) return -1;
    return current[pos++] & 0xff;
  }

  @Override public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) return 0;
    if (pos == limit && !next()) return -1;
    int n = Math.min(len, limit - pos);
    System.arraycopy(current, pos, b, off, n);
    pos += n;
    return n;
  }

  @Override public int available() {
    return limit - pos;
  }

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
