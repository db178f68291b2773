package io.github.camelk8s.leader.election;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.github.camelk8s.leader.election.RecordingListener.Type;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Stepping down on request: LOST, release, another candidate takes over, the yielder stays out for a while. */
class YieldLeadershipTest {

    private Election election;

    @BeforeEach
    void setUp() {
        election = new Election("maintenance");
    }

    @AfterEach
    void tearDown() {
        election.close();
    }

    @Test
    void aYieldingLeaderReleasesTheLeaseAndAFollowerTakesOverWithoutWaitingForExpiry() {
        Candidate leader = election.start("pod-a");
        await().until(leader::isAnnouncedLeader);
        Candidate follower = election.start("pod-b");
        await().until(() -> follower.events.sawNewLeader("pod-a"));

        boolean wasLeader = leader.elector.yieldLeadership(Duration.ofSeconds(30));

        assertThat(wasLeader).isTrue();
        assertThat(election.awaitLeaderAmong(List.of(follower), Duration.ofSeconds(10))).isSameAs(follower);
        assertThat(leader.events.terms()).containsExactly(Type.ELECTED, Type.LOST);
        // the take-over followed a release, not an expiry: the Lease passed through an empty holder
        assertThat(election.history.all()).anySatisfy(o -> assertThat(o.holder()).isEmpty());
        assertThat(election.record().leaseTransitions()).isEqualTo(1);
        assertThat(leader.elector.isYielding()).isTrue();
    }

    @Test
    void theLeaderReleasesOnlyAfterItsListenersHaveHandledLost() {
        Candidate leader = election.candidate("pod-a");
        AtomicLong lostHandledAt = new AtomicLong();
        leader.elector.addListener(new LeadershipListener() {
            @Override
            public void lost(LeaseRecord lastKnown) {
                sleep(300); // a leader-only route draining its exchanges
                lostHandledAt.set(System.nanoTime());
            }
        });
        leader.start();
        await().until(leader::isAnnouncedLeader);

        leader.elector.yieldLeadership(Duration.ofSeconds(30));

        await().until(() -> election.record() != null && !election.record().isHeld());
        LeaseHistory.Observation release = election.history.all().stream().filter(o -> !o.record().isHeld())
                .findFirst().orElseThrow();
        assertThat(lostHandledAt.get()).isPositive().isLessThan(release.nanos());
    }

    @Test
    void aYieldingCandidateStaysOutForTheYieldDurationThenCompetesAgain() {
        Candidate candidate = election.start("pod-a");
        await().until(candidate::isAnnouncedLeader);
        Duration yieldDuration = Duration.ofMillis(1500);

        long yieldedAt = System.nanoTime();
        candidate.elector.yieldLeadership(yieldDuration);
        await().until(() -> !election.record().isHeld());
        assertThat(candidate.isLeader()).isFalse();

        // alone in the election, it takes the released Lease back, but not before the yield is over
        await().atMost(Duration.ofSeconds(10)).until(() -> candidate.events.count(Type.ELECTED) == 2);
        long reElectedAt = candidate.events.last(Type.ELECTED).orElseThrow().nanos();
        assertThat(Duration.ofNanos(reElectedAt - yieldedAt)).isGreaterThanOrEqualTo(yieldDuration);
        assertThat(candidate.elector.isYielding()).isFalse();
        assertThat(candidate.events.terms()).containsExactly(Type.ELECTED, Type.LOST, Type.ELECTED);
    }

    @Test
    void aYieldingFollowerDoesNotTakeAReleasedLease() {
        Candidate leader = election.start("pod-a");
        await().until(leader::isAnnouncedLeader);
        Candidate follower = election.start("pod-b");
        await().until(() -> follower.events.sawNewLeader("pod-a"));
        Duration yieldDuration = Duration.ofMillis(1500);

        long yieldedAt = System.nanoTime();
        assertThat(follower.elector.yieldLeadership(yieldDuration)).isFalse();
        leader.stop();

        await().atMost(Duration.ofSeconds(10)).until(follower::isAnnouncedLeader);
        long electedAt = follower.events.last(Type.ELECTED).orElseThrow().nanos();
        // the Lease was released on stop; the follower took it only once its yield was over
        assertThat(Duration.ofNanos(electedAt - yieldedAt)).isGreaterThanOrEqualTo(yieldDuration);
    }

    @Test
    void yieldingNeedsARunningElectorAndAPositiveDuration() {
        Candidate candidate = election.candidate("pod-a");

        assertThatThrownBy(() -> candidate.elector.yieldLeadership(Duration.ofSeconds(1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not running");
        candidate.start();
        assertThatThrownBy(() -> candidate.elector.yieldLeadership(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("yieldDuration=0ms");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
