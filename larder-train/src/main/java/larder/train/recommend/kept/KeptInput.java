package larder.train.recommend.kept;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import larder.core.ModelException;

/** Reads what {@link KeptOutput} wrote, checking the header first. */
public final class KeptInput implements AutoCloseable {
  /** The first four bytes of every kept artifact. */
  static final byte[] MAGIC = {'L', 'K', 'P', 'T'};

  private final InputStream in;
  private final ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
  private final String kind;
  private final int version;

  /**
   * @param what names the artifact in errors ("the kept model of batch 12")
   * @throws ModelException when the bytes are not a kept artifact
   */
  public KeptInput(InputStream in, String what) {
    this.in = in;
    buf.limit(0);
    need(MAGIC.length);
    for (byte m : MAGIC) {
      if (buf.get() != m) {
        throw new ModelException(what + " is not in Larder's kept format", "run the job again to keep a fresh model");
      }
    }
    this.kind = string();
    this.version = int32();
  }

  public String kind() { return kind; }

  public int version() { return version; }

  public int int32() {
    need(4);
    return buf.getInt();
  }

  public long int64() {
    need(8);
    return buf.getLong();
  }

  public float float32() {
    need(4);
    return buf.getFloat();
  }

  public String string() {
    byte[] b = new byte[int32()];
    for (int off = 0; off < b.length; ) {
      need(1);
      int n = Math.min(buf.remaining(), b.length - off);
      buf.get(b, off, n);
      off += n;
    }
    return new String(b, StandardCharsets.UTF_8);
  }

  public int[] ints() {
    int[] a = new int[int32()];
    for (int i = 0; i < a.length; ) {
      need(4);
      int n = Math.min(buf.remaining() / 4, a.length - i);
      buf.asIntBuffer().get(a, i, n);
      buf.position(buf.position() + 4 * n);
      i += n;
    }
    return a;
  }

  public float[] floats() {
    float[] a = new float[int32()];
    for (int i = 0; i < a.length; ) {
      need(4);
      int n = Math.min(buf.remaining() / 4, a.length - i);
      buf.asFloatBuffer().get(a, i, n);
      buf.position(buf.position() + 4 * n);
      i += n;
    }
    return a;
  }

  /** Ensures {@code bytes} (at most 8) are buffered, reading more as needed. */
  private void need(int bytes) {
    if (buf.remaining() >= bytes) return;
    buf.compact();
    try {
      while (buf.position() < bytes) {
        int n = in.read(buf.array(), buf.position(), buf.capacity() - buf.position());
        if (n < 0) throw new ModelException("a kept artifact ends early", "run the job again to keep a fresh model");
        buf.position(buf.position() + n);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    buf.flip();
  }

  @Override public void close() {
    try {
      in.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
