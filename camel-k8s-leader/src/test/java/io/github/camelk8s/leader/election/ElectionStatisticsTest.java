package io.github.camelk8s.leader.election;

import java.time.Duration;
import java.time.Instant;

import io.github.camelk8s.leader.election.RecordingListener.Type;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.github.camelk8s.leader.election.Election.requestsOf;
import static io.github.camelk8s.leader.election.Election.writesOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The counters and times an elector reports for health checks, metrics and management. */
class ElectionStatisticsTest {

    private Election election;

    @BeforeEach
    void setUp() {
        election = new Election("stats");
    }

    @AfterEach
    void tearDown() {
        election.close();
    }

    @Test
    void aNewLeaderCountsOneAcquisitionAndKnowsItsLastRenewal() {
        Instant before = Instant.now();
        Candidate candidate = election.start("pod-a");
        await().until(candidate::isAnnouncedLeader);

        ElectionStatistics stats = candidate.elector.statistics();
        assertThat(stats.acquisitions()).isEqualTo(1);
        assertThat(stats.losses()).isZero();
        assertThat(stats.errors()).isZero();
        assertThat(stats.lastRenewal()).isAfterOrEqualTo(before.minusSeconds(1));
        assertThat(stats.lastObservation()).isNotNull();
        // renewals move lastRenewal on
        Instant first = stats.lastRenewal();
        await().until(() -> candidate.elector.statistics().lastRenewal().isAfter(first));
        assertThat(candidate.elector.statistics().acquisitions()).isEqualTo(1);
    }

    @Test
    void aFollowerHasObservedTheLeaseButNeverRenewed() {
        Candidate leader = election.start("pod-a");
        await().until(leader::isAnnouncedLeader);
        Candidate follower = election.start("pod-b");
        await().until(() -> follower.events.sawNewLeader("pod-a"));

        ElectionStatistics stats = follower.elector.statistics();
        assertThat(stats.acquisitions()).isZero();
        assertThat(stats.lastRenewal()).isNull();
        assertThat(stats.lastObservation()).isNotNull();
    }

    @Test
    void failedRenewalsCountAsErrorsAndTheStepDownAsALoss() {
        Candidate candidate = election.start("pod-a");
        await().until(candidate::isAnnouncedLeader);

        election.faults().failWith(requestsOf(candidate), 503, -1);

        await().atMost(Duration.ofSeconds(10)).until(() -> candidate.events.count(Type.LOST) == 1);
        ElectionStatistics stats = candidate.elector.statistics();
        assertThat(stats.losses()).isEqualTo(1);
        assertThat(stats.errors()).isPositive();
        // counted from the first failed attempt, which came up to a renewalInterval after the last success
        await().until(() -> candidate.elector.unreachableFor().compareTo(election.renewDeadline()) > 0);
    }

    @Test
    void unreachableForIsZeroWhileCallsSucceedAndGrowsWhileTheyFail() {
        Candidate candidate = election.start("pod-a");
        await().until(candidate::isAnnouncedLeader);
        // between renewals nothing is in flight
        await().until(() -> candidate.elector.unreachableFor().isZero());

        var outage = election.faults().failWith(requestsOf(candidate), 503, -1);
        await().until(() -> candidate.elector.unreachableFor().compareTo(Duration.ofMillis(500)) > 0);

        election.faults().remove(outage);
        await().atMost(Duration.ofSeconds(10)).until(() -> candidate.elector.unreachableFor().isZero()
                                                           && candidate.isLeader());
    }

    @Test
    void aWriteTheApiServerRejectsWithConflictCountsAsAConflictNotAnError() {
        Candidate candidate = election.start("pod-a");
        await().until(candidate::isAnnouncedLeader);

        // what the API server answers when the Lease changed since it was read
        election.faults().failWith(writesOf(candidate), 409, 1);

        await().atMost(Duration.ofSeconds(10)).until(() -> candidate.elector.statistics().conflicts() == 1);
        assertThat(candidate.isLeader()).isTrue();
        assertThat(candidate.elector.statistics().errors()).isZero();
        assertThat(candidate.elector.statistics().losses()).isZero();
    }
}
