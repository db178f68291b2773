package io.github.camelk8s.leader.election;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.camelk8s.leader.election.RecordingListener.Type;
import io.github.camelk8s.leader.testsupport.FaultDispatcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.github.camelk8s.leader.election.Election.requestsOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Starting, stopping and sharing electors, and waiting for the first decision. */
class LeaseElectorLifecycleTest {

    private Election election;

    @BeforeEach
    void setUp() {
        election = new Election("exports");
    }

    @AfterEach
    void tearDown() {
        election.close();
    }

    @Test
    void anElectorStartsOnlyOnce() {
        Candidate candidate = election.start("pod-a");

        assertThatThrownBy(candidate.elector::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already started");
    }

    @Test
    void stoppingTwiceTellsListenersOnce() {
        Candidate candidate = election.start("pod-a");
        await().until(candidate::isAnnouncedLeader);

        candidate.stop();
        candidate.stop();

        assertThat(candidate.events.terms()).containsExactly(Type.ELECTED, Type.LOST);
        assertThat(candidate.elector.state()).isEqualTo(LeaseElector.State.STOPPED);
    }

    @Test
    void theWatchOpensOnlyOnceTheFirstOutcomeHasReachedTheListeners() {
        FaultDispatcher.Rule watches = election.faults().delay(
                FaultDispatcher.candidate("pod-a").and(FaultDispatcher.Request::isWatch), 0, -1);
        Candidate candidate = election.candidate("pod-a");
        AtomicLong watchesWhenElected = new AtomicLong(-1);
        candidate.elector.addListener(new LeadershipListener() {
            @Override
            public void elected(LeaseRecord record) {
                watchesWhenElected.set(watches.hits());
            }
        });

        candidate.start();
        await().until(() -> watchesWhenElected.get() >= 0);

        // the election and its listeners (a route starting) did not share the start-up with the informer's list
        assertThat(watchesWhenElected.get()).isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> watches.hits() == 1);
    }

    @Test
    void aListenerAddedLaterIsToldWhoLeads() {
        Candidate leader = election.startLeader("pod-a");
        Candidate follower = election.startFollowerOf(leader, "pod-b");

        RecordingListener lateToLeader = new RecordingListener();
        leader.elector.addListener(lateToLeader);
        RecordingListener lateToFollower = new RecordingListener();
        follower.elector.addListener(lateToFollower);

        await().until(() -> lateToLeader.count(Type.ELECTED) == 1 && lateToFollower.sawNewLeader("pod-a"));
    }

    @Test
    void awaitDecisionReturnsOnceLeading() throws InterruptedException {
        Candidate candidate = election.start("pod-a");

        assertThat(candidate.elector.awaitDecision(Duration.ofSeconds(5))).isTrue();
        assertThat(candidate.isLeader()).isTrue();
    }

    @Test
    void awaitDecisionReturnsOnceAValidLeaseOfAnotherIsSeen() throws InterruptedException {
        Candidate leader = election.start("pod-a");
        await().until(leader::isLeader);
        Candidate follower = election.start("pod-b");

        assertThat(follower.elector.awaitDecision(Duration.ofSeconds(5))).isTrue();
        assertThat(follower.elector.holderIdentity()).isEqualTo("pod-a");
    }

    @Test
    void awaitDecisionGivesUpWhenTheApiServerCannotBeReached() throws InterruptedException {
        Candidate candidate = election.candidate("pod-a");
        election.faults().failWith(requestsOf(candidate), 503, -1);
        candidate.start();

        assertThat(candidate.elector.awaitDecision(Duration.ofMillis(1500))).isFalse();
        assertThat(candidate.elector.lastError()).isNotNull().hasMessageContaining("503");
    }

    @Test
    void stopCalledFromAListenerDoesNotWaitForItself() {
        election.timings(Duration.ofSeconds(5), Duration.ofSeconds(3), Duration.ofMillis(300), Duration.ofMillis(500));
        Candidate candidate = election.candidate("pod-a");
        AtomicLong lostWhenStopReturned = new AtomicLong(-1);
        candidate.elector.addListener(new LeadershipListener() {
            @Override
            public void elected(LeaseRecord record) {
                // e.g. a route that, once elected, does its one-off job and shuts its context down
                candidate.elector.stop();
                // LOST cannot be delivered before this callback returns: stop() did not wait for it
                lostWhenStopReturned.set(candidate.events.count(Type.LOST));
            }
        });

        candidate.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> lostWhenStopReturned.get() >= 0);
        assertThat(lostWhenStopReturned.get()).isZero();
        await().atMost(election.leaseDuration()).until(() -> election.record().holderIdentity().isEmpty());
        await().until(() -> candidate.events.terms().equals(List.of(Type.ELECTED, Type.LOST)));
        // the release came after the listeners were told (they may be stopping routes the lease guards)
        long releasedAt = election.history.all().stream().filter(o -> o.record() != null && !o.record().isHeld())
                .findFirst().orElseThrow().nanos();
        assertThat(candidate.events.last(Type.LOST).orElseThrow().nanos()).isLessThan(releasedAt);
    }

    @Test
    void electorsOfDifferentLeasesOnOneFactoryAreIndependent() {
        KubernetesClient clientA = election.server.newClient("pod-a");
        KubernetesClient clientB = election.server.newClient("pod-b");
        try (LeaseElectorFactory podA = new LeaseElectorFactory(clientA);
             LeaseElectorFactory podB = new LeaseElectorFactory(clientB)) {
            LeaseElector aFirst = podA.create(election.config("pod-a").leaseName("first").build());
            LeaseElector aSecond = podA.create(election.config("pod-a").leaseName("second").build());
            aFirst.start();
            aSecond.start();
            await().until(() -> aFirst.isLeader() && aSecond.isLeader());
            LeaseElector bFirst = podB.create(election.config("pod-b").leaseName("first").build());
            LeaseElector bSecond = podB.create(election.config("pod-b").leaseName("second").build());
            bFirst.start();
            bSecond.start();
            await().until(() -> bFirst.holderIdentity().equals("pod-a") && bSecond.holderIdentity().equals("pod-a"));

            // one elector of pod-a stops: only its lease changes hands, promptly, and the other keeps its watch
            aFirst.stop();
            await().atMost(election.leaseDuration()).until(bFirst::isLeader);
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                    .until(() -> aSecond.isLeader() && !bSecond.isLeader());
            long before = election.counts().requestCount("pod-b");

            // closing pod-a's factory stops and releases the rest: pod-b learns of it from its watch
            podA.close();
            await().atMost(election.leaseDuration()).until(bSecond::isLeader);
            assertThat(election.counts().requestCount("pod-b") - before).isLessThanOrEqualTo(3);
            assertThat(election.server.lease("second").getSpec().getHolderIdentity()).isEqualTo("pod-b");
        } finally {
            clientA.close();
            clientB.close();
        }
    }
}
