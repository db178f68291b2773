package io.github.camelk8s.leader.election;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.Watcher;
import io.github.camelk8s.leader.election.RecordingListener.Type;
import io.github.camelk8s.leader.testsupport.FaultDispatcher;
import io.github.camelk8s.leader.testsupport.MockApiServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.github.camelk8s.leader.election.Election.writesOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Who leads, who takes over and when: the election on one Lease among several candidates. */
class LeaseElectionTest {

    /**
     * How much earlier a candidate may see a write than the test's own watch does: it may read it with a GET, or
     * its watch event may simply be delivered first. 50 ms flaked on a busy 2-core CI machine (62 ms seen).
     */
    private static final long OBSERVATION_SKEW_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private Election election;

    @BeforeEach
    void setUp() {
        election = new Election("orders");
    }

    @AfterEach
    void tearDown() {
        election.close();
    }

    @Test
    void exactlyOneOfThreeCandidatesLeads() {
        election.start("pod-a");
        election.start("pod-b");
        election.start("pod-c");

        Candidate leader = election.awaitSoleLeader();

        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> election.leaders().equals(List.of(leader)));
        assertThat(election.others(leader)).allSatisfy(c -> assertThat(c.events.count(Type.ELECTED)).isZero());
    }

    @Test
    void followersAreToldWhoLeads() {
        election.start("pod-a");
        election.start("pod-b");
        election.start("pod-c");
        Candidate leader = election.awaitSoleLeader();

        for (Candidate follower : election.others(leader)) {
            await().until(() -> follower.events.count(Type.NEW_LEADER) > 0);
            assertThat(follower.events.events(Type.NEW_LEADER))
                    .extracting(RecordingListener.Event::holder).containsOnly(leader.id);
            assertThat(follower.elector.holderIdentity()).isEqualTo(leader.id);
        }
        assertThat(leader.events.events(Type.NEW_LEADER)).isEmpty();
    }

    @Test
    void theLeaseRecordIsWrittenLikeClientGo() {
        election.start("pod-a");
        election.start("pod-b");
        election.start("pod-c");
        Candidate leader = election.awaitSoleLeader();

        Lease lease = election.lease();
        assertThat(lease.getMetadata().getNamespace()).isEqualTo(MockApiServer.NAMESPACE);
        assertThat(lease.getMetadata().getName()).isEqualTo("orders");
        LeaseRecord acquired = LeaseRecord.of(lease);
        assertThat(acquired.holderIdentity()).isEqualTo(leader.id);
        assertThat(acquired.leaseDurationSeconds()).isEqualTo(3);
        assertThat(acquired.acquireTime()).isNotNull();
        assertThat(acquired.renewTime()).isNotNull().isAfterOrEqualTo(acquired.acquireTime());
        assertThat(acquired.leaseTransitions()).isZero();

        // renewals move renewTime on and keep the term's acquireTime and transitions
        await().until(() -> election.record().renewTime().isAfter(acquired.renewTime()));
        LeaseRecord renewed = election.record();
        assertThat(renewed.holderIdentity()).isEqualTo(leader.id);
        assertThat(renewed.acquireTime()).isEqualTo(acquired.acquireTime());
        assertThat(renewed.leaseTransitions()).isZero();
    }

    @Test
    void gracefulStopHandsOverWellBeforeLeaseDuration() {
        election.timings(Duration.ofSeconds(5), Duration.ofSeconds(3), Duration.ofMillis(300), Duration.ofMillis(500));
        election.start("pod-a");
        election.start("pod-b");
        election.start("pod-c");
        Candidate leader = election.awaitSoleLeader();
        List<Candidate> followers = election.others(leader);
        followers.forEach(f -> await().until(() -> f.events.sawNewLeader(leader.id)));

        leader.stop();

        Candidate next = election.awaitLeaderAmong(followers, Duration.ofSeconds(10));
        long electedAt = next.events.first(Type.ELECTED).orElseThrow().nanos();
        // it took the released record: no expiry was waited for
        assertThat(election.history.replacedByLastTermOf(next.id))
                .hasValueSatisfying(r -> assertThat(r.isHeld()).isFalse());

        assertThat(leader.events.count(Type.LOST)).isEqualTo(1);
        assertThat(leader.events.last(Type.LOST).orElseThrow().nanos()).isLessThan(electedAt);
        LeaseRecord record = election.record();
        assertThat(record.holderIdentity()).isEqualTo(next.id);
        assertThat(record.leaseTransitions()).isEqualTo(1);
    }

    @Test
    void aStoppedLeaderReleasesTheLeaseLikeClientGo() {
        Candidate leader = election.start("pod-a");
        await().until(leader::isLeader);
        int transitions = election.record().leaseTransitions();

        leader.stop();

        LeaseRecord released = election.record();
        assertThat(released.holderIdentity()).isEmpty();
        assertThat(released.leaseDurationSeconds()).isEqualTo(1);
        assertThat(released.leaseTransitions()).isEqualTo(transitions);
        assertThat(leader.events.terms()).containsExactly(Type.ELECTED, Type.LOST);
    }

    @Test
    void aVanishedLeaderIsTakenOverOnlyAfterLeaseDurationFromItsLastObservedRenewal() {
        election.shortLease();
        Candidate crashed = election.start("pod-a");
        await().until(crashed::isLeader);
        List<Candidate> followers = List.of(election.start("pod-b"), election.start("pod-c"));
        followers.forEach(f -> await().until(() -> f.events.sawNewLeader("pod-a")));

        crashed.crash();

        assertTakenOverOnlyAfterLeaseDuration("pod-a", followers);
    }

    @Test
    void aLeaderStoppedWithoutReleaseIsTakenOverOnlyAfterLeaseDuration() {
        election.shortLease();
        Candidate leader = election.candidate("pod-a", b -> b.releaseOnStop(false)).start();
        await().until(leader::isLeader);
        List<Candidate> followers = List.of(election.start("pod-b"), election.start("pod-c"));
        followers.forEach(f -> await().until(() -> f.events.sawNewLeader("pod-a")));

        leader.stop();

        assertThat(election.record().holderIdentity()).isEqualTo("pod-a");
        assertThat(leader.events.terms()).containsExactly(Type.ELECTED, Type.LOST);
        assertTakenOverOnlyAfterLeaseDuration("pod-a", followers);
    }

    private void assertTakenOverOnlyAfterLeaseDuration(String vanished, List<Candidate> followers) {
        Candidate next = election.awaitLeaderAmong(followers, election.leaseDuration().plusSeconds(5));
        long lastRenewalSeen = election.history.lastHeldBy(vanished).orElseThrow().nanos();

        // the follower timed the lease out from when it saw that renewal, which is about when the test saw it
        long waited = next.lastAcquisitionSentAt() - lastRenewalSeen;
        assertThat(Duration.ofNanos(waited))
                .isGreaterThanOrEqualTo(election.leaseDuration().minusNanos(OBSERVATION_SKEW_NANOS));
        assertThat(election.record().holderIdentity()).isEqualTo(next.id);
        assertThat(election.record().leaseTransitions()).isEqualTo(1);
        await().during(Duration.ofMillis(500)).until(() -> election.leaders().equals(List.of(next)));
    }

    @Test
    void aLeaderWhoseWritesAreAnsweredAfterRenewDeadlineIsReplacedWhileItStaysSlow() {
        election.shortLease();
        Candidate slow = election.start("pod-a");
        await().until(slow::isLeader);
        List<Candidate> healthy = List.of(election.start("pod-b"), election.start("pod-c"));
        healthy.forEach(f -> await().until(() -> f.events.sawNewLeader("pod-a")));

        // each write of pod-a takes effect at once, but its answer arrives after renewDeadline (1.5 s): pod-a
        // must step down, and must not keep the Lease changing so that nobody else can ever take it
        election.faults().delay(writesOf(slow), 1700, -1);

        Candidate next = election.awaitLeaderAmong(healthy, Duration.ofSeconds(10));
        assertThat(slow.events.terms()).containsExactly(Type.ELECTED, Type.LOST);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
                .until(() -> election.leaders().equals(List.of(next)));
    }

    @Test
    void aCandidateThatFindsItsOwnUnreleasedRecordWaitsForItToExpire() {
        election.shortLease();
        Candidate previous = election.start("pod-a");
        await().until(previous::isLeader);
        previous.crash();
        previous.close();
        long lastRenewalSeen = election.history.lastHeldBy("pod-a").orElseThrow().nanos();

        // the same identity again (a StatefulSet's pod restarted): its previous incarnation may still be running
        // somewhere, so the record is timed out like anyone else's
        Candidate restarted = election.start("pod-a");

        await().atMost(election.leaseDuration().plusSeconds(5)).until(restarted::isAnnouncedLeader);
        assertThat(Duration.ofNanos(restarted.lastAcquisitionSentAt() - lastRenewalSeen))
                .isGreaterThanOrEqualTo(election.leaseDuration().minusNanos(OBSERVATION_SKEW_NANOS));
        // and it begins a new term: its fencing token must be greater than the one its predecessor may still use
        assertThat(election.record().leaseTransitions()).isOne();
    }

    @Test
    void aDeletedLeaseIsReacquiredByExactlyOneCandidate() {
        election.start("pod-a");
        election.start("pod-b");
        election.start("pod-c");
        Candidate leader = election.awaitSoleLeader();
        election.others(leader).forEach(f -> await().until(() -> f.events.sawNewLeader(leader.id)));

        long deletedAt = System.nanoTime();
        election.server.admin().leases().inNamespace(MockApiServer.NAMESPACE).withName("orders").delete();

        Candidate next = election.awaitLeaderElectedAfter(deletedAt, Duration.ofSeconds(10));
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> election.leaders().equals(List.of(next)));
        assertThat(election.record().holderIdentity()).isEqualTo(next.id);
        assertThat(election.history.all()).extracting(LeaseHistory.Observation::action)
                .contains(Watcher.Action.DELETED);
        // the old leader stepped down when the Lease vanished (and may have won it back since)
        assertThat(leader.events.count(Type.LOST)).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aLeaseRenewedByAForeignHolderIsRespectedUntilItStopsRenewing() throws Exception {
        election.shortLease();
        Instant now = Instant.now();
        election.server.admin().leases().inNamespace(MockApiServer.NAMESPACE)
                .resource(new LeaseRecord("foreign-pod", 2, now, now, 0)
                        .toLease(MockApiServer.NAMESPACE, "orders", null))
                .create();
        ScheduledExecutorService foreignHolder = Executors.newSingleThreadScheduledExecutor();
        foreignHolder.scheduleWithFixedDelay(this::renewAsForeignHolder, 500, 500, TimeUnit.MILLISECONDS);
        try {
            Candidate a = election.start("pod-a");
            Candidate b = election.start("pod-b");
            await().until(() -> a.events.sawNewLeader("foreign-pod") && b.events.sawNewLeader("foreign-pod"));

            await().during(election.leaseDuration().plusMillis(500)).atMost(election.leaseDuration().plusSeconds(3))
                    .until(() -> election.leaders().isEmpty()
                                 && a.events.count(Type.ELECTED) + b.events.count(Type.ELECTED) == 0);
            assertThat(election.record().holderIdentity()).isEqualTo("foreign-pod");
        } finally {
            foreignHolder.shutdown();
            assertThat(foreignHolder.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        }

        assertTakenOverOnlyAfterLeaseDuration("foreign-pod", election.candidates());
    }

    /** Another elector renewing its term: an update of renewTime carrying the resourceVersion it read. */
    private void renewAsForeignHolder() {
        try {
            Lease lease = election.lease();
            LeaseRecord held = LeaseRecord.of(lease);
            LeaseRecord renewed = new LeaseRecord(held.holderIdentity(), held.leaseDurationSeconds(),
                    held.acquireTime(), Instant.now(), held.leaseTransitions());
            election.server.admin().leases().inNamespace(MockApiServer.NAMESPACE)
                    .resource(renewed.toLease(MockApiServer.NAMESPACE, "orders",
                            lease.getMetadata().getResourceVersion()))
                    .update();
        } catch (RuntimeException e) {
            // a lost race shows up as a candidate taking over, which the test asserts against
        }
    }

    @Test
    void aCandidateKeepsCompetingAfterLosingLeadership() {
        election.shortLease();
        Candidate a = election.start("pod-a");
        await().until(a::isLeader);
        Candidate b = election.start("pod-b");
        await().until(() -> b.events.sawNewLeader("pod-a"));

        FaultDispatcher.Rule cutOffA = election.faults().failWith(writesOf(a), 503, -1);
        await().atMost(Duration.ofSeconds(10)).until(b::isAnnouncedLeader);
        await().until(() -> a.events.terms().equals(List.of(Type.ELECTED, Type.LOST)));

        election.faults().remove(cutOffA);
        election.faults().failWith(writesOf(b), 503, -1);
        await().atMost(Duration.ofSeconds(10)).until(a::isAnnouncedLeader);

        assertThat(a.events.terms()).containsExactly(Type.ELECTED, Type.LOST, Type.ELECTED);
        assertThat(election.record().holderIdentity()).isEqualTo("pod-a");
        assertThat(election.record().leaseTransitions()).isEqualTo(2);
    }
}
