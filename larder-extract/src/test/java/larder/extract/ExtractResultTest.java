package larder.extract;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The newest time of an extract: what a batch records as its data high-water mark. */
class ExtractResultTest {
  private static ExtractResult of(InteractionsBuilder b) {
    return new ExtractResult(b.build(), b.rows(), b.rows(), 0, 0, b.duplicatesMerged(), List.of(), b.lastSeen());
  }

  @Test void theNewestIsTheLatestTimeOfAnyRowAndRowsWithoutTimeDoNotCount() {
    InteractionsBuilder b = new InteractionsBuilder();
    b.add("alice", "x", 1, 1_700_000_000L);
    b.add("bob", "x", 1, InteractionsBuilder.NO_TIME);
    b.add("alice", "x", 1, 1_700_000_500L); // a repeat of a pair keeps its later time
    b.add("carol", "y", 1, 1_600_000_000L);
    assertThat(of(b).newest()).isEqualTo(Instant.ofEpochSecond(1_700_000_500L));
  }

  @Test void noTimesGiveNoNewest() {
    InteractionsBuilder untimed = new InteractionsBuilder();
    untimed.add("alice", "x", 1, InteractionsBuilder.NO_TIME);
    assertThat(of(untimed).newest()).isNull();
    ExtractResult withoutColumn = new ExtractResult(untimed.build(), 1, 1, 0, 0, 0, List.of());
    assertThat(withoutColumn.newest()).isNull();
  }
}
