package larder.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Who may still be running: a holder on this machine by its process, one elsewhere by its lease. */
class LockHolderTest {
  static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");
  static final ProcessKey ME = ProcessKey.current();

  static LockHolder held(String process, Instant expiresAt) {
    return new LockHolder("shop", "somewhere/1#1", process, NOW.minus(Duration.ofMinutes(5)), expiresAt);
  }

  @Test void aKeyRoundTripsThroughItsText() {
    assertThat(ProcessKey.parse(ME.text())).contains(ME);
    assertThat(ME.pid()).isEqualTo(ProcessHandle.current().pid());
    assertThat(ProcessKey.parse(null)).isEmpty();
    assertThat(ProcessKey.parse("web1/4242#3")).isEmpty();
    assertThat(ProcessKey.parse("12/x/m")).isEmpty();
  }

  @Test void thisProcessRunsWhateverItsLeaseSays() {
    LockHolder.Verdict v = held(ME.text(), NOW.minus(Duration.ofHours(1))).judge(NOW);
    assertThat(v.running()).isTrue();
    assertThat(v.why()).contains("process " + ME.pid() + " of this machine is running");
  }

  @Test void anEndedProcessOrAReusedPidOfThisMachineIsDeadWhateverItsLeaseSays() throws Exception {
    Process p = new ProcessBuilder("true").start();
    long start = p.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    ProcessKey ended = new ProcessKey(p.pid(), start, ME.machine());
    assertThat(held(ended.text(), NOW.plus(Duration.ofHours(1))).judge(NOW).running()).isFalse();

    ProcessKey reused = new ProcessKey(ME.pid(), ME.startMillis() - 60_000, ME.machine());
    LockHolder.Verdict v = held(reused.text(), NOW.plus(Duration.ofHours(1))).judge(NOW);
    assertThat(v.running()).isFalse();
    assertThat(v.why()).contains("no longer running");
  }

  @Test void anotherMachinesHolderRunsUntilItsLeaseEnds() {
    String elsewhere = new ProcessKey(ME.pid(), ME.startMillis(), "host:elsewhere").text(); // same pid, other machine
    assertThat(held(elsewhere, NOW.plusSeconds(1)).judge(NOW).running()).isTrue();
    assertThat(held(elsewhere, NOW).judge(NOW).running()).as("the lease's last instant").isTrue();
    LockHolder.Verdict v = held(elsewhere, NOW.minusMillis(1)).judge(NOW);
    assertThat(v.running()).isFalse();
    assertThat(v.why()).contains("lease ran out");
  }

  @Test void aRowWrittenBeforeLeasesHoldsSixHoursFromItsStart() {
    LockHolder old = new LockHolder("shop", "elsewhere/7#1", null, NOW.minus(Duration.ofHours(5)), null);
    assertThat(old.leaseEnd()).isEqualTo(NOW.plus(Duration.ofHours(1)));
    assertThat(old.judge(NOW).running()).isTrue();
    assertThat(old.judge(NOW.plus(Duration.ofHours(2))).running()).isFalse();
  }
}
