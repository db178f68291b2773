package io.github.camelk8s.leader.election;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import io.github.camelk8s.leader.election.RecordingListener.Type;
import io.github.camelk8s.leader.testsupport.FaultDispatcher;
import io.github.camelk8s.leader.testsupport.MockApiServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.github.camelk8s.leader.election.Election.writesOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What listeners are told, when, and on which thread. */
class ListenerEventsTest {

    private Election election;

    @BeforeEach
    void setUp() {
        election = new Election("invoices");
    }

    @AfterEach
    void tearDown() {
        election.close();
    }

    @Test
    void electedOnlyOnceTheCreateThatMadeItHolderSucceeded() {
        Candidate candidate = election.candidate("pod-a");
        AtomicReference<LeaseRecord> leaseWhenElected = recordLeaseWhenElected(candidate);
        FaultDispatcher.Rule conflicts = election.faults().failWith(method(candidate, "POST"), 409, -1);
        candidate.start();

        await().until(() -> conflicts.hits() >= 3);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> !candidate.isLeader() && candidate.events.count(Type.ELECTED) == 0);
        assertThat(election.lease()).isNull();

        election.faults().remove(conflicts);
        await().atMost(Duration.ofSeconds(5)).until(() -> leaseWhenElected.get() != null);
        assertThat(candidate.events.count(Type.ELECTED)).isEqualTo(1);
        assertThat(leaseWhenElected.get().holderIdentity()).isEqualTo("pod-a");
        assertThat(leaseWhenElected.get().leaseTransitions()).isZero();
    }

    @Test
    void electedOnlyOnceTheUpdateThatMadeItHolderSucceeded() {
        Instant now = Instant.now();
        election.server.admin().leases().inNamespace(MockApiServer.NAMESPACE)
                .resource(new LeaseRecord("", 1, now, now, 3).toLease(MockApiServer.NAMESPACE, "invoices", null))
                .create();
        Candidate candidate = election.candidate("pod-a");
        AtomicReference<LeaseRecord> leaseWhenElected = recordLeaseWhenElected(candidate);
        FaultDispatcher.Rule conflicts = election.faults().failWith(method(candidate, "PUT"), 409, 2);

        candidate.start();

        await().atMost(Duration.ofSeconds(5)).until(() -> leaseWhenElected.get() != null);
        assertThat(conflicts.hits()).isEqualTo(2);
        assertThat(candidate.events.count(Type.ELECTED)).isEqualTo(1);
        assertThat(leaseWhenElected.get().holderIdentity()).isEqualTo("pod-a");
        assertThat(leaseWhenElected.get().leaseTransitions()).isEqualTo(4);
    }

    /** Reads the Lease from the API server inside the elected callback: what the cluster says at that moment. */
    private AtomicReference<LeaseRecord> recordLeaseWhenElected(Candidate candidate) {
        AtomicReference<LeaseRecord> leaseWhenElected = new AtomicReference<>();
        candidate.elector.addListener(new LeadershipListener() {
            @Override
            public void elected(LeaseRecord record) {
                leaseWhenElected.set(election.record());
            }
        });
        return leaseWhenElected;
    }

    private static Predicate<FaultDispatcher.Request> method(Candidate candidate, String method) {
        return writesOf(candidate).and(r -> r.method().equals(method));
    }

    @Test
    void exactlyOneLostPerElectedOverASequenceOfElections() {
        election.shortLease();
        election.start("pod-a");
        election.start("pod-b");
        election.start("pod-c");

        // a leader cut off from the API server steps down and another takes over
        Candidate first = election.awaitSoleLeader();
        FaultDispatcher.Rule cutOff = election.faults().failWith(writesOf(first), 503, -1);
        election.awaitLeaderAmong(election.others(first), Duration.ofSeconds(10));
        election.faults().remove(cutOff);

        // the Lease is deleted under the leader
        long deletedAt = System.nanoTime();
        election.server.admin().leases().inNamespace(MockApiServer.NAMESPACE).withName("invoices").delete();
        Candidate afterDeletion = election.awaitLeaderElectedAfter(deletedAt, Duration.ofSeconds(10));

        // the leader is stopped and hands over
        afterDeletion.stop();
        election.awaitLeaderAmong(election.others(afterDeletion), Duration.ofSeconds(10));

        election.candidates().forEach(Candidate::stop);
        int elections = 0;
        for (Candidate candidate : election.candidates()) {
            List<Type> terms = candidate.events.terms();
            for (int i = 0; i < terms.size(); i++) {
                assertThat(terms.get(i)).as("%s term event %d of %s", candidate, i, terms)
                        .isEqualTo(i % 2 == 0 ? Type.ELECTED : Type.LOST);
            }
            assertThat(terms).as("%s ends its last term", candidate).hasSize(2 * candidate.events.count(Type.ELECTED));
            elections += candidate.events.count(Type.ELECTED);
        }
        assertThat(elections).isGreaterThanOrEqualTo(4);
    }

    @Test
    void listenersNeverRunOnTheTimingThread() {
        election.timings(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofMillis(200), Duration.ofMillis(300));
        Candidate a = election.start("pod-a");
        await().until(a::isLeader);
        Candidate b = election.start("pod-b");
        await().until(() -> b.events.sawNewLeader("pod-a"));

        // a steps down on its deadline timer and b takes over on its expiry timer: both decided on the timing thread
        election.faults().hang(writesOf(a), -1);
        await().atMost(Duration.ofSeconds(10)).until(b::isAnnouncedLeader);
        b.stop();
        await().until(() -> a.events.count(Type.LOST) == 1 && b.events.count(Type.LOST) == 1);

        List<RecordingListener.Event> events = new ArrayList<>(a.events.events());
        events.addAll(b.events.events());
        assertThat(events).extracting(RecordingListener.Event::type)
                .contains(Type.ELECTED, Type.LOST, Type.NEW_LEADER);
        assertThat(events).extracting(RecordingListener.Event::thread)
                .noneMatch(thread -> thread.startsWith("k8s-leader-timer"));
    }

    @Test
    void aSlowListenerDoesNotDelayRenewals() {
        Candidate candidate = election.candidate("pod-a");
        AtomicLong slowFrom = new AtomicLong();
        AtomicLong slowUntil = new AtomicLong();
        candidate.elector.addListener(new LeadershipListener() {
            @Override
            public void elected(LeaseRecord record) {
                slowFrom.set(System.nanoTime());
                try {
                    Thread.sleep(1500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                slowUntil.set(System.nanoTime());
            }
        });

        candidate.start();

        await().atMost(Duration.ofSeconds(5)).until(() -> slowUntil.get() != 0);
        List<Instant> renewTimes = election.history.heldBetween("pod-a", slowFrom.get(), slowUntil.get()).stream()
                .map(o -> o.record().renewTime()).distinct().toList();
        Instant acquired = election.record().acquireTime();
        assertThat(renewTimes).filteredOn(t -> t.isAfter(acquired)).hasSizeGreaterThanOrEqualTo(2);
        assertThat(candidate.isLeader()).isTrue();
    }
}
