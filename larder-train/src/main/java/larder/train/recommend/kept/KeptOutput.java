package larder.train.recommend.kept;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Writes Larder's kept-artifact format: a header ({@link KeptInput#MAGIC}, the artifact's kind, its format version)
 * then little-endian scalars and length-prefixed arrays. Arrays go through one buffer in blocks, so a large array
 * is never copied whole. Not Java serialisation: any language can read it.
 */
public final class KeptOutput implements AutoCloseable {
  private final OutputStream out;
  private final ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

  public KeptOutput(OutputStream out, String kind, int version) {
    this.out = out;
    buf.put(KeptInput.MAGIC);
    string(kind);
    int32(version);
  }

  public void int32(int v) {
    room(4);
    buf.putInt(v);
  }

  public void int64(long v) {
    room(8);
    buf.putLong(v);
  }

  public void float32(float v) {
    room(4);
    buf.putFloat(v);
  }

  /** UTF-8 bytes after their count. */
  public void string(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    int32(b.length);
    for (int off = 0; off < b.length; ) {
      room(1);
      int n = Math.min(buf.remaining(), b.length - off);
      buf.put(b, off, n);
      off += n;
    }
  }

  /** The length, then the elements. */
  public void ints(int[] a, int from, int to) {
    int32(to - from);
    for (int i = from; i < to; ) {
      room(4);
      int n = Math.min(buf.remaining() / 4, to - i);
      buf.asIntBuffer().put(a, i, n);
      buf.position(buf.position() + 4 * n);
      i += n;
    }
  }

  /** The length, then the elements, bit for bit (NaN payloads and -0.0 included). */
  public void floats(float[] a, int from, int to) {
    int32(to - from);
    for (int i = from; i < to; ) {
      room(4);
      int n = Math.min(buf.remaining() / 4, to - i);
      buf.asFloatBuffer().put(a, i, n);
      buf.position(buf.position() + 4 * n);
      i += n;
    }
  }

  public void floats(float[] a) {
    floats(a, 0, a.length);
  }

  public void ints(int[] a) {
    ints(a, 0, a.length);
  }

  private void room(int bytes) {
    if (buf.remaining() < bytes) drain();
  }

  private void drain() {
    try {
      out.write(buf.array(), 0, buf.position());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    buf.clear();
  }

  /** Writes what is buffered and closes the stream. */
  @Override public void close() {
    drain();
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
