package larder.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.Random;
import larder.core.NotFoundException;
import larder.testkit.TestStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Artifacts on a real store: chunked round trips, and removal with the batch's rows. */
abstract class ArtifactsContract {
  private TestStore db;
  private Store store;

  abstract TestStore newStore();

  @BeforeEach void open() {
    db = newStore();
    store = db.open(Store::open);
  }

  @AfterEach void close() {
    db.close();
  }

  @Test void anArtifactLongerThanAChunkComesBackByteForByteAcrossChunks() throws Exception {
    Artifacts artifacts = new Artifacts(store, 1000);
    byte[] data = new byte[4321];
    new Random(7).nextBytes(data);
    try (OutputStream out = artifacts.writer(1, "model")) {
      out.write(data, 0, 10);
      out.write(data[10]);
      out.write(data, 11, data.length - 11);
    }
    assertThat(chunks(1, "model")).as("4,321 bytes in chunks of 1,000").isEqualTo(5);
    try (InputStream in = artifacts.reader(1, "model")) {
      assertThat(in.readAllBytes()).isEqualTo(data);
    }
    assertThat(artifacts.size(1)).isEqualTo(data.length);
  }

  @Test void anExactMultipleOfTheChunkAndAnEmptyArtifactRoundTrip() throws Exception {
    Artifacts artifacts = new Artifacts(store, 8);
    byte[] data = new byte[24];
    new Random(3).nextBytes(data);
    try (OutputStream out = artifacts.writer(1, "a")) {
      out.write(data);
    }
    try (OutputStream out = artifacts.writer(1, "b")) {
      out.flush();
    }
    assertThat(chunks(1, "a")).isEqualTo(3);
    try (InputStream in = artifacts.reader(1, "a")) {
      assertThat(in.readAllBytes()).isEqualTo(data);
    }
    try (InputStream in = artifacts.reader(1, "b")) {
      assertThat(in.read()).isEqualTo(-1);
    }
    assertThat(artifacts.names(1)).containsExactly("a", "b");
  }

  @Test void droppingABatchsRowsRemovesItsArtifactsAndNoOtherBatchs() throws Exception {
    Artifacts artifacts = new Artifacts(store, 16);
    for (long batch : new long[] {1, 2}) {
      try (OutputStream out = artifacts.writer(batch, "history")) {
        out.write(new byte[40]);
      }
    }
    store.dropRows(1);
    assertThat(artifacts.names(1)).isEmpty();
    assertThat(artifacts.names(2)).containsExactly("history");
    assertThatThrownBy(() -> artifacts.reader(1, "history"))
        .isInstanceOf(NotFoundException.class).hasMessageContaining("batch 1 has no kept 'history'");
  }

  private int chunks(long batch, String name) {
    return store.read("count", c -> {
      try (var ps = c.prepareStatement("SELECT count(*) FROM larder_batch_artifacts WHERE batch_id = ? AND name = ?")) {
        ps.setLong(1, batch);
        ps.setString(2, name);
        try (var rs = ps.executeQuery()) {
          rs.next();
          return rs.getInt(1);
        }
      }
    });
  }
}
