package larder.extract.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class LineChunksTest {
  @Property(tries = 100)
  void chunksAreTheSourcesBytesCutJustAfterNewlines(@ForAll @IntRange(min = 0, max = 200_000) int size,
      @ForAll @IntRange(min = 1, max = 5000) int chunk, @ForAll @IntRange(min = 1, max = 400) int lineEvery,
      @ForAll long seed) throws IOException {
    Random rnd = new Random(seed);
    byte[] data = new byte[size];
    for (int k = 0; k < size; k++) data[k] = rnd.nextInt(lineEvery) == 0 ? (byte) '\n' : (byte) rnd.nextInt(256);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (LineChunks in = new LineChunks(new ByteArrayInputStream(data), "test", chunk, 3)) {
      LineChunks.Chunk c;
      LineChunks.Chunk last = null;
      while ((c = in.next()) != null) {
        assertThat(c.limit()).isPositive();
        if (last != null) assertThat(last.bytes()[last.limit() - 1]).as("a chunk ends after a newline").isEqualTo((byte) '\n');
        out.write(c.bytes(), 0, c.limit());
        last = new LineChunks.Chunk(java.util.Arrays.copyOf(c.bytes(), c.limit()), c.limit());
        in.recycle(c.bytes());
      }
      assertThat(in.next()).isNull();
    }
    assertThat(out.toByteArray()).isEqualTo(data);
  }

  @Test
  void aSourceErrorSurfacesAfterTheCompleteLinesReadBeforeIt() throws IOException {
    byte[] good = "a,1\nb,2\nc,".getBytes(StandardCharsets.UTF_8);
    InputStream failing = new InputStream() {
      int served;

      @Override public int read() throws IOException {
        if (served == good.length) throw new IOException("disk on fire");
        return good[served++] & 0xff;
      }
    };
    try (LineChunks in = new LineChunks(failing, "test", 4, 2)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      assertThatThrownBy(() -> {
        for (LineChunks.Chunk c; (c = in.next()) != null; ) out.write(c.bytes(), 0, c.limit());
      }).isInstanceOf(IOException.class).hasMessage("disk on fire");
      assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("a,1\nb,2\n"); // the partial line is not handed over
    }
  }

  @Test
  void closingEarlyStopsTheReadingThread() throws Exception {
    InputStream endless = new InputStream() {
      @Override public int read() { return '\n'; }

      @Override public int read(byte[] b, int off, int len) {
        java.util.Arrays.fill(b, off, off + len, (byte) '\n');
        return len;
      }
    };
    LineChunks in = new LineChunks(endless, "endless", 1 << 10, 2);
    assertThat(in.next()).isNotNull();
    in.close();
    Thread t = Thread.getAllStackTraces().keySet().stream()
        .filter(x -> x.getName().equals("larder-read endless")).findFirst().orElse(null);
    assertThat(t == null || !t.isAlive()).as("the reading thread ended").isTrue();
  }
}
