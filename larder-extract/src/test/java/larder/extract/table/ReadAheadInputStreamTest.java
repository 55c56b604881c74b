package larder.extract.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class ReadAheadInputStreamTest {
  @Property(tries = 40)
  void theBytesAreExactlyTheSourcesWhateverTheReadSizes(@ForAll @IntRange(min = 0, max = 3 * ReadAheadInputStream.CHUNK + 7) int size,
      @ForAll long seed) throws IOException {
    Random rnd = new Random(seed);
    byte[] data = new byte[size];
    rnd.nextBytes(data);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream in = new ReadAheadInputStream(new ByteArrayInputStream(data), "test")) {
      byte[] buf = new byte[1 + rnd.nextInt(100_000)];
      while (true) {
        if (rnd.nextInt(10) == 0) {
          int b = in.read();
          if (b < 0) break;
          out.write(b);
        } else {
          int n = in.read(buf, 0, 1 + rnd.nextInt(buf.length));
          if (n < 0) break;
          out.write(buf, 0, n);
        }
      }
      assertThat(in.read()).isEqualTo(-1);
    }
    assertThat(out.toByteArray()).isEqualTo(data);
  }

  @Test
  void aSourceErrorSurfacesAfterTheBytesReadBeforeIt() throws IOException {
    byte[] good = new byte[ReadAheadInputStream.CHUNK + 10];
    InputStream failing = new InputStream() {
      int served;

      @Override public int read() throws IOException {
        if (served == good.length) throw new IOException("disk on fire");
        return good[served++] & 0xff;
      }
    };
    try (InputStream in = new ReadAheadInputStream(failing, "test")) {
      byte[] got = in.readNBytes(good.length);
      assertThat(got).hasSize(good.length);
      assertThatThrownBy(in::read).isInstanceOf(IOException.class).hasMessage("disk on fire");
    }
  }

  @Test
  void closingEarlyStopsTheReadingThread() throws Exception {
    InputStream endless = new InputStream() {
      @Override public int read() { return 7; }

      @Override public int read(byte[] b, int off, int len) {
        java.util.Arrays.fill(b, off, off + len, (byte) 7);
        return len;
      }
    };
    ReadAheadInputStream in = new ReadAheadInputStream(endless, "endless");
    assertThat(in.read()).isEqualTo(7);
    in.close();
    Thread t = Thread.getAllStackTraces().keySet().stream()
        .filter(x -> x.getName().equals("larder-read-ahead endless")).findFirst().orElse(null);
    assertThat(t == null || !t.isAlive()).as("the reading thread ended").isTrue();
  }
}
