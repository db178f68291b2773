package io.github.camelk8s.leader;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.github.camelk8s.leader.pods.CamelPod;
import io.github.camelk8s.leader.pods.Pods;
import io.github.camelk8s.leader.testsupport.FaultDispatcher;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.github.camelk8s.leader.LeadershipEventType.ELECTED;
import static io.github.camelk8s.leader.LeadershipEventType.LOST;
import static io.github.camelk8s.leader.LeadershipEventType.NEW_LEADER;
import static io.github.camelk8s.leader.testsupport.FaultDispatcher.candidate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Leadership moving from one pod to another: at once when the leader stops gracefully, after leaseDuration when it
 * vanishes, and never with two pods running the leader-only route at the same time.
 */
class FailoverTest {

    @RegisterExtension
    final Pods pods = new Pods();

    @Test
    void gracefulStopOfTheLeaderHandsOverWellBeforeLeaseDuration() {
        List<CamelPod> all = pods.start("pod-a", "pod-b", "pod-c");
        CamelPod old = Pods.awaitSingleLeader(all);
        List<CamelPod> others = all.stream().filter(p -> p != old).toList();
        await().atMost(Pods.PATIENCE).until(() -> old.work().size() >= 5);

        long stoppedAt = System.nanoTime();
        old.stop();

        CamelPod next = Pods.awaitSingleLeader(others);
        long electedAt = await().atMost(Pods.PATIENCE).until(() -> next.firstEvent(ELECTED), e -> e.isPresent())
                .get().nanos();
        assertThat(Duration.ofNanos(electedAt - stoppedAt)).isLessThan(CamelPod.LEASE_DURATION);
        await().atMost(Pods.PATIENCE).until(() -> next.work().size() >= 5);
        assertThat(next.workStatus()).isEqualTo(ServiceStatus.Started);
    }

    @Test
    void gracefullyStoppedLeaderReceivesLostExactlyOnce() {
        List<CamelPod> all = pods.start("pod-a", "pod-b");
        CamelPod old = Pods.awaitSingleLeader(all);
        await().atMost(Pods.PATIENCE).until(() -> old.eventTypes().contains(ELECTED));

        old.stop();

        assertThat(old.eventTypes()).containsExactly(ELECTED, LOST);
        assertThat(old.events(LOST).get(0).headers()).containsEntry(K8sLeaderConstants.IS_LEADER, false);
    }

    @Test
    void gracefullyStoppedLeaderHandlesLostBeforeAnotherPodIsElected() {
        // the event routes are the only users of the Lease here, so a consumer's stop is what stops the election
        Duration handling = Duration.ofMillis(500);
        CamelPod old = pods.create("pod-a").withoutWorkRoute().lostHandling(handling).start();
        await().atMost(Pods.PATIENCE).until(() -> old.firstEvent(ELECTED).isPresent());
        CamelPod next = pods.create("pod-b").withoutWorkRoute().lostHandling(handling).start();
        await().atMost(Pods.PATIENCE).until(() -> next.firstEvent(NEW_LEADER).isPresent());

        old.stop();

        long electedAt = await().atMost(Pods.PATIENCE).until(() -> next.firstEvent(ELECTED), e -> e.isPresent())
                .get().nanos();
        assertThat(old.events(LOST)).singleElement()
                .satisfies(lost -> assertThat(lost.nanos()).isLessThan(electedAt));
    }

    @Test
    void gracefulHandoverChangesTheHolderAndCountsATransition() {
        List<CamelPod> all = pods.start("pod-a", "pod-b");
        CamelPod old = Pods.awaitSingleLeader(all);
        CamelPod next = all.get(0) == old ? all.get(1) : all.get(0);
        Lease before = pods.lease();
        assertThat(before.getSpec().getHolderIdentity()).isEqualTo(old.name());

        old.stop();

        await().atMost(Pods.PATIENCE).until(next::isLeader);
        Lease after = pods.lease();
        assertThat(after.getSpec().getHolderIdentity()).isEqualTo(next.name());
        assertThat(after.getSpec().getLeaseTransitions()).isEqualTo(before.getSpec().getLeaseTransitions() + 1);
        CamelPod.Event elected = await().atMost(Pods.PATIENCE)
                .until(() -> next.firstEvent(ELECTED), e -> e.isPresent()).get();
        assertThat(elected.headers()).containsEntry(K8sLeaderConstants.TRANSITIONS,
                before.getSpec().getLeaseTransitions() + 1);
    }

    @Test
    void gracefulHandoverNeverRunsTheLeaderOnlyRouteInTwoPodsAtOnce() {
        List<CamelPod> all = pods.start("pod-a", "pod-b", "pod-c");
        CamelPod old = Pods.awaitSingleLeader(all);
        await().atMost(Pods.PATIENCE).until(() -> old.work().size() >= 5);

        old.stop();

        CamelPod next = Pods.awaitSingleLeader(all.stream().filter(p -> p != old).toList());
        await().atMost(Pods.PATIENCE).until(() -> next.work().size() >= 5);
        Pods.assertWorkInTurns(old, next);
        assertThat(all.stream().filter(p -> p != old && p != next).flatMap(p -> p.work().stream())).isEmpty();
    }

    @Test
    void gracefulHandoverByAPodWhosePolicyIsTheOnlyUserOfTheLeaseNeverOverlaps() {
        CamelPod old = pods.create("pod-a").withoutEventRoute().start();
        await().atMost(Pods.PATIENCE).until(() -> old.isLeader() && old.work().size() >= 5);
        CamelPod next = pods.create("pod-b").withoutEventRoute().start();
        await().atMost(Pods.PATIENCE).until(() -> pods.requests().stream()
                .anyMatch(r -> r.request().candidate().equals("pod-b") && r.request().isWatch()));

        long stoppedAt = System.nanoTime();
        old.stop();

        await().atMost(Pods.PATIENCE).until(next::isLeader);
        assertThat(Duration.ofNanos(System.nanoTime() - stoppedAt)).isLessThan(CamelPod.LEASE_DURATION);
        await().atMost(Pods.PATIENCE).until(() -> next.work().size() >= 5);
        Pods.assertWorkInTurns(old, next);
    }

    @Test
    void leaderThatVanishesWithoutReleaseIsReplacedOnlyAfterLeaseDuration() {
        CamelPod old = pods.create("pod-a").configure(o -> o.setReleaseOnStop(false)).start();
        await().atMost(Pods.PATIENCE).until(old::isLeader);
        List<CamelPod> others = pods.start("pod-b", "pod-c");
        await().atMost(Pods.PATIENCE).until(() -> others.stream().allMatch(p -> !p.events().isEmpty()));

        old.stop();
        assertThat(pods.lease().getSpec().getHolderIdentity()).as("not released").isEqualTo("pod-a");

        CamelPod next = Pods.awaitSingleLeader(others);
        long lastRenewal = last(pods.leaseWritesBy(old.name())).nanos();
        long takeover = pods.leaseWritesBy(next.name()).get(0).nanos();
        assertThat(Duration.ofNanos(takeover - lastRenewal)).isGreaterThanOrEqualTo(CamelPod.LEASE_DURATION);
        await().atMost(Pods.PATIENCE).until(() -> next.work().size() >= 5);
        Pods.assertWorkInTurns(old, next);
    }

    /**
     * The release is an update carrying the resourceVersion the leader last read: when another writer has taken the
     * Lease meanwhile, unseen (here the leader's watch is refused, so it learns only from its own writes), the API
     * server refuses the write, and the new holder's record stays.
     */
    @Test
    void aReleaseNeverClearsTheRecordOfAPodThatTookTheLeaseMeanwhile() {
        pods.faults().failWith(candidate("pod-a").and(FaultDispatcher.Request::isWatch), 503, -1);
        CamelPod old = pods.start("pod-a");
        await().atMost(Pods.PATIENCE).until(old::isLeader);
        // pod-a's Lease writes as the store answered them, and whether pod-b had written by then
        List<String> answersToPodA = new CopyOnWriteArrayList<>();
        AtomicBoolean takenByB = new AtomicBoolean();
        pods.faults().addAnswerListener((request, answer) -> {
            if (request.candidate().equals("pod-a") && request.isLeaseWrite()) {
                answersToPodA.add(answer.code() + (takenByB.get() ? " after" : " before"));
            }
        });
        // as pod-b would, on the record it read (again, if pod-a renewed in between)
        await().atMost(Pods.PATIENCE).ignoreExceptions().until(() -> {
            Lease taken = pods.lease();
            taken.getSpec().setHolderIdentity("pod-b");
            pods.api().admin().leases().inNamespace(pods.api().namespace()).resource(taken).update();
            return true;
        });
        takenByB.set(true);

        old.stop();

        // refused once (its renewal, or its release when it stops unaware), never written over pod-b's record
        assertThat(answersToPodA).as("pod-a's Lease writes").anyMatch(answer -> answer.startsWith("409"))
                .doesNotContain("200 after");
        assertThat(pods.lease().getSpec().getHolderIdentity()).isEqualTo("pod-b");
    }

    @Test
    void leaderWhoseRenewalsFailStepsDownAndStopsItsRouteBeforeAnotherIsElected() {
        CamelPod old = pods.start("pod-a");
        await().atMost(Pods.PATIENCE).until(() -> old.isLeader() && old.work().size() >= 5);
        List<CamelPod> others = pods.start("pod-b", "pod-c");
        await().atMost(Pods.PATIENCE).until(() -> others.stream().allMatch(p -> !p.events().isEmpty()));

        pods.faults().failWith(candidate("pod-a").and(FaultDispatcher.Request::isLeaseWrite), 503, -1);

        CamelPod next = Pods.awaitSingleLeader(others);
        long electedAt = await().atMost(Pods.PATIENCE).until(() -> next.firstEvent(ELECTED), e -> e.isPresent())
                .get().nanos();
        assertThat(old.events(LOST)).hasSize(1);
        assertThat(old.events(LOST).get(0).nanos()).isLessThan(electedAt);
        assertThat(old.workStatus()).isEqualTo(ServiceStatus.Stopped);
        assertThat(old.lastStopOf(CamelPod.WORK_ROUTE)).hasValueSatisfying(
                stoppedAt -> assertThat(stoppedAt).isLessThan(electedAt));
        await().atMost(Pods.PATIENCE).until(() -> next.work().size() >= 5);
        Pods.assertWorkInTurns(old, next);
    }

    @Test
    void leaderWhoseRenewalsHangStepsDownAndStopsItsRouteBeforeAnotherIsElected() {
        CamelPod old = pods.start("pod-a");
        await().atMost(Pods.PATIENCE).until(() -> old.isLeader() && old.work().size() >= 5);
        List<CamelPod> others = pods.start("pod-b", "pod-c");
        await().atMost(Pods.PATIENCE).until(() -> others.stream().allMatch(p -> !p.events().isEmpty()));

        pods.faults().hang(candidate("pod-a").and(FaultDispatcher.Request::isLeaseWrite), -1);

        CamelPod next = Pods.awaitSingleLeader(others);
        long electedAt = await().atMost(Pods.PATIENCE).until(() -> next.firstEvent(ELECTED), e -> e.isPresent())
                .get().nanos();
        assertThat(old.events(LOST)).hasSize(1);
        assertThat(old.events(LOST).get(0).nanos()).isLessThan(electedAt);
        assertThat(old.lastStopOf(CamelPod.WORK_ROUTE)).hasValueSatisfying(
                stoppedAt -> assertThat(stoppedAt).isLessThan(electedAt));
        await().atMost(Pods.PATIENCE).until(() -> next.work().size() >= 5);
        Pods.assertWorkInTurns(old, next);
    }

    private static <T> T last(List<T> list) {
        assertThat(list).isNotEmpty();
        return list.get(list.size() - 1);
    }
}
