package io.github.camelk8s.leader.election;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import io.github.camelk8s.leader.election.RecordingListener.Type;
import io.github.camelk8s.leader.testsupport.FaultDispatcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.github.camelk8s.leader.election.Election.requestsOf;
import static io.github.camelk8s.leader.election.Election.writesOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A leader that cannot renew stops acting as leader before anyone else may take its place. */
class LeaderFencingTest {

    private Election election;

    @BeforeEach
    void setUp() {
        election = new Election("billing");
    }

    @AfterEach
    void tearDown() {
        election.close();
    }

    @Test
    void aCutOffLeaderStepsDownBeforeAnyOtherCandidateIsElected() {
        Candidate leader = election.start("pod-a");
        await().until(leader::isLeader);
        List<Candidate> followers = List.of(election.start("pod-b"), election.start("pod-c"));
        followers.forEach(f -> await().until(() -> f.events.sawNewLeader("pod-a")));

        election.faults().failWith(writesOf(leader), 503, -1);

        Candidate next = election.awaitLeaderAmong(followers, Duration.ofSeconds(10));
        assertThat(leader.events.terms()).containsExactly(Type.ELECTED, Type.LOST);
        long lostAt = leader.events.last(Type.LOST).orElseThrow().nanos();
        assertThat(lostAt).isLessThan(next.lastAcquisitionSentAt());
    }

    @Test
    void renewalFailuresForLongerThanRenewDeadlineEndLeadershipBeforeLeaseDuration() {
        Candidate leader = election.start("pod-a");
        await().until(leader::isLeader);

        election.faults().failWith(requestsOf(leader), 503, -1);

        await().atMost(Duration.ofSeconds(10)).until(() -> leader.events.count(Type.LOST) == 1);
        assertThat(leader.isLeader()).isFalse();
        long leadingFor = leader.events.last(Type.LOST).orElseThrow().nanos() - leader.elector.lastRenewedNanos();
        assertThat(Duration.ofNanos(leadingFor)).isGreaterThanOrEqualTo(election.renewDeadline());
        assertThat(leader.elector.state()).isEqualTo(LeaseElector.State.FOLLOWER);
    }

    @Test
    void renewalFailuresShorterThanRenewDeadlineDoNotInterruptLeadership() {
        Candidate leader = election.start("pod-a");
        await().until(leader::isLeader);

        FaultDispatcher.Rule twoFailures = election.faults().failWith(writesOf(leader), 503, 2);

        // long enough for both failures, the retry after them, and the deadline they would have run into
        await().during(election.renewDeadline().plusMillis(500)).atMost(election.renewDeadline().plusSeconds(3))
                .until(leader::isLeader);
        assertThat(twoFailures.hits()).isEqualTo(2);
        assertThat(leader.isLeader()).isTrue();
        assertThat(leader.events.terms()).containsExactly(Type.ELECTED);
    }

    @Test
    void aCandidateWhoseWritesFailReportsTheFailureUntilAWriteSucceeds() {
        Candidate leader = election.start("pod-a");
        await().until(leader::isLeader);

        // slow failures, as from an overloaded API server: each write fails a quarter of a second after it is sent
        FaultDispatcher.Rule writesFail = election.faults().failAfter(writesOf(leader), 503, 250, -1);

        // reads still work; the failure is reported all along, also while the next write is on its way
        await().atMost(Duration.ofSeconds(3)).until(() -> leader.elector.lastError() != null);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> leader.elector.lastError() != null);
        assertThat(leader.elector.lastError()).hasMessageContaining("503");

        election.faults().remove(writesFail);
        await().atMost(Duration.ofSeconds(5)).until(() -> leader.isLeader() && leader.elector.lastError() == null);
    }

    @Test
    void aHangingRenewalDoesNotKeepALeaderPastRenewDeadline() {
        // renewDeadline shorter than the client's request timeout: only the elector's own timer can fence in time
        election.timings(Duration.ofSeconds(3), Duration.ofSeconds(1), Duration.ofMillis(250), Duration.ofMillis(300));
        Candidate leader = election.candidate("pod-a");
        AtomicReference<RuntimeException> errorWhenLost = new AtomicReference<>();
        AtomicReference<Boolean> leaderWhenLost = new AtomicReference<>();
        leader.elector.addListener(new LeadershipListener() {
            @Override
            public void lost(LeaseRecord lastKnown) {
                errorWhenLost.set(leader.elector.lastError());
                leaderWhenLost.set(leader.isLeader());
            }
        });
        leader.start();
        await().until(leader::isLeader);

        FaultDispatcher.Rule hang = election.faults().hang(writesOf(leader), -1);

        await().atMost(Duration.ofSeconds(5)).until(() -> leaderWhenLost.get() != null);
        assertThat(hang.hits()).isPositive();
        // the hanging renewal had not even failed yet when leadership ended: the timer fenced, not the timeout
        assertThat(errorWhenLost.get()).isNull();
        assertThat(leaderWhenLost.get()).isFalse();
    }

    @Test
    void isLeaderTurnsFalseAsSoonAsTheClockPassesRenewDeadline() {
        Candidate leader = election.start("pod-a");
        await().until(leader::isLeader);

        // as if the process had been paused past its deadline: no timer has run since
        leader.clock.jump(election.renewDeadline().plusMillis(100));
        assertThat(leader.isLeader()).isFalse();
        long resumedAt = leader.clock.nanoTime();

        // it is valid again only on the strength of a renewal sent after the pause
        await().atMost(Duration.ofSeconds(5)).until(leader::isAnnouncedLeader);
        assertThat(leader.elector.lastRenewedNanos()).isGreaterThanOrEqualTo(resumedAt);
        assertThat(leader.events.terms()).first().isEqualTo(Type.ELECTED);
        assertThat(leader.events.terms()).last().isEqualTo(Type.ELECTED);
    }
}
