package io.github.camelk8s.leader.election;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.camelk8s.leader.election.RecordingListener.Type;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Wall clocks may disagree by seconds between pods; expiry is timed on each pod's own monotonic clock. */
class ClockSkewTest {

    /**
     * How much earlier a candidate may see a write than the test's own watch does: it may read it with a GET, or
     * its watch event may simply be delivered first. 50 ms flaked on a busy 2-core CI machine (62 ms seen).
     */
    private static final long OBSERVATION_SKEW_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private Election election;

    @BeforeEach
    void setUp() {
        election = new Election("reports").shortLease();
    }

    @AfterEach
    void tearDown() {
        election.close();
    }

    /** Offsets of the wall clock, in seconds: past leaseDuration, and a whole day (a clock set to the wrong date). */
    @ParameterizedTest(name = "offset {0} s")
    @ValueSource(longs = { 5, 86_400 })
    void followersWhoseClocksRunAheadRespectALeaderWhoseClockRunsBehind(long offsetSeconds) {
        Duration skew = Duration.ofSeconds(offsetSeconds);
        Candidate leader = election.candidate("pod-a");
        leader.clock.skewWallClock(skew.negated());
        leader.start();
        await().until(leader::isLeader);
        Candidate ahead = election.candidate("pod-b");
        ahead.clock.skewWallClock(skew);
        ahead.start();
        Candidate onTime = election.start("pod-c");
        await().until(() -> ahead.events.sawNewLeader("pod-a") && onTime.events.sawNewLeader("pod-a"));

        // judged by pod-b's wall clock, the renewTime pod-a writes is twice the offset old: long expired
        assertThat(Duration.between(election.record().renewTime(), Instant.now()))
                .isGreaterThan(skew.minusSeconds(1));

        // a follower trusting renewTime would take over at once; ours wait for a record that stops changing
        await().during(election.leaseDuration()).atMost(election.leaseDuration().plusSeconds(2))
                .until(() -> election.leaders().equals(List.of(leader)));
        assertThat(ahead.events.count(Type.ELECTED) + onTime.events.count(Type.ELECTED)).isZero();
    }

    @ParameterizedTest(name = "offset {0} s")
    @ValueSource(longs = { 5, 86_400 })
    void aVanishedLeaderWhoseClockRunsAheadIsTakenOverAfterLeaseDuration(long offsetSeconds) {
        Duration skew = Duration.ofSeconds(offsetSeconds);
        Candidate leader = election.candidate("pod-a");
        leader.clock.skewWallClock(skew);
        leader.start();
        await().until(leader::isLeader);
        Candidate behind = election.candidate("pod-b");
        behind.clock.skewWallClock(skew.negated());
        behind.start();
        await().until(() -> behind.events.sawNewLeader("pod-a"));
        assertThat(Duration.between(Instant.now(), election.record().renewTime()))
                .isGreaterThan(skew.minusSeconds(1));

        leader.crash();

        // judged by pod-b's wall clock the lease would look valid for twice the offset; it must not wait for that
        await().atMost(election.leaseDuration().plusSeconds(4)).until(behind::isAnnouncedLeader);
        long lastRenewalSeen = election.history.lastHeldBy("pod-a").orElseThrow().nanos();
        assertThat(Duration.ofNanos(behind.lastAcquisitionSentAt() - lastRenewalSeen))
                .isGreaterThanOrEqualTo(election.leaseDuration().minusNanos(OBSERVATION_SKEW_NANOS));
    }
}
