package larder.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import larder.core.NotFoundException;

/**
 * Named binary artifacts of a batch in {@code larder_batch_artifacts} (schema version 7): what a recommendations
 * batch keeps to score users again later. An artifact is written as a stream and stored in chunks of
 * {@link #chunkBytes} bytes, each chunk in a short write transaction of its own, so neither side ever holds a
 * whole artifact (EASE's weights reach 1.6 GB) and the store's writer is never blocked for long. Artifacts are
 * written before the batch is published; {@link Store#dropRows} removes them with the batch's rows, so a failed
 * or retired batch keeps none. The bytes are opaque here: their format belongs to whoever writes them.
 */
public final class Artifacts {
  /** 4 MiB: few rows per artifact, and a chunk stays well below PostgreSQL's 1 GB value limit. */
  public static final int DEFAULT_CHUNK_BYTES = 4 << 20;

  private final Store store;
  private final int chunkBytes;

  public Artifacts(Store store) {
    this(store, DEFAULT_CHUNK_BYTES);
  }

  /** With chunks of {@code chunkBytes}: small values let tests cross chunk boundaries. */
  public Artifacts(Store store, int chunkBytes) {
    if (chunkBytes < 1) throw new IllegalArgumentException("chunk size " + chunkBytes);
    this.store = store;
    this.chunkBytes = chunkBytes;
  }

  public int chunkBytes() { return chunkBytes; }

  /** A stream that stores what is written as artifact {@code name} of the batch; close it to store the rest. */
  public OutputStream writer(long batchId, String name) {
    return new ChunkWriter(batchId, name);
  }

  /**
   * A stream over artifact {@code name} of the batch, read a chunk at a time.
   *
   * @throws NotFoundException when the batch has no such artifact (kept off, or removed with the batch)
   */
  public InputStream reader(long batchId, String name) {
    byte[] first = chunk(batchId, name, 0);
    if (first == null) {
      throw new NotFoundException("batch " + batchId + " has no kept '" + name + "'",
          "only batches published with keep_model on keep their model, and only until they are retired");
    }
    return new ChunkReader(batchId, name, first);
  }

  /** The batch's artifact names, in order. */
  public List<String> names(long batchId) {
    return store.read("list the artifacts of batch " + batchId, c -> {
      List<String> names = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT name FROM " + Schema.ARTIFACTS
          + " WHERE batch_id = ? ORDER BY name")) {
        ps.setLong(1, batchId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) names.add(rs.getString(1));
        }
      }
      return names;
    });
  }

  /** Bytes the batch's artifacts take, all names together. */
  public long size(long batchId) {
    return store.read("measure the artifacts of batch " + batchId, c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(SUM(LENGTH(bytes)), 0) FROM "
          + Schema.ARTIFACTS + " WHERE batch_id = ?")) {
        ps.setLong(1, batchId);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    });
  }

  private byte[] chunk(long batchId, String name, int chunk) {
    return store.read("read artifact '" + name + "' of batch " + batchId, c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT bytes FROM " + Schema.ARTIFACTS
          + " WHERE batch_id = ? AND name = ? AND chunk = ?")) {
        ps.setLong(1, batchId);
        ps.setString(2, name);
        ps.setInt(3, chunk);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? rs.getBytes(1) : null;
        }
      }
    });
  }

  private void insert(long batchId, String name, int chunk, byte[] bytes, int length) {
    byte[] exact = length == bytes.length ? bytes : java.util.Arrays.copyOf(bytes, length);
    store.write("store artifact '" + name + "' of batch " + batchId, c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + Schema.ARTIFACTS
          + " (batch_id, name, chunk, bytes) VALUES (?, ?, ?, ?)")) {
        ps.setLong(1, batchId);
        ps.setString(2, name);
        ps.setInt(3, chunk);
        ps.setBytes(4, exact);
        ps.executeUpdate();
      }
      return null;
    });
  }

  private final class ChunkWriter extends OutputStream {
    private final long batchId;
    private final String name;
    private final byte[] buf = new byte[chunkBytes];
    private int filled;
    private int chunk;
    private boolean closed;

    ChunkWriter(long batchId, String name) {
      this.batchId = batchId;
      this.name = name;
    }

    @Override public void write(int b) {
      if (filled == buf.length) flushChunk();
      buf[filled++] = (byte) b;
    }

    @Override public void write(byte[] b, int off, int len) {
      while (len > 0) {
        if (filled == buf.length) flushChunk();
        int n = Math.min(len, buf.length - filled);
        System.arraycopy(b, off, buf, filled, n);
        filled += n;
        off += n;
        len -= n;
      }
    }

    private void flushChunk() {
      insert(batchId, name, chunk++, buf, filled);
      filled = 0;
    }

    /** Stores the last chunk; an empty artifact is still one (empty) chunk, so that it exists. */
    @Override public void close() {
      if (closed) return;
      closed = true;
      if (filled > 0 || chunk == 0) flushChunk();
    }
  }

  private final class ChunkReader extends InputStream {
    private final long batchId;
    private final String name;
    private byte[] current;
    private int pos;
    private int chunk;

    ChunkReader(long batchId, String name, byte[] first) {
      this.batchId = batchId;
      this.name = name;
      this.current = first;
    }

    /** Moves to the next non-empty chunk; false at the end. */
    private boolean fill() {
      while (current != null && pos == current.length) {
        current = chunk(batchId, name, ++chunk);
        pos = 0;
      }
      return current != null;
    }

    @Override public int read() {
      return fill() ? current[pos++] & 0xff : -1;
    }

    @Override public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) return 0;
      if (!fill()) return -1;
      int n = Math.min(len, current.length - pos);
      System.arraycopy(current, pos, b, off, n);
      pos += n;
      return n;
    }
  }
}
