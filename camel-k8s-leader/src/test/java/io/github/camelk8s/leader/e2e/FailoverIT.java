package io.github.camelk8s.leader.e2e;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.github.camelk8s.leader.K8sLeaderConstants;
import io.github.camelk8s.leader.pods.CamelPod;
import io.github.camelk8s.leader.pods.Pods;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.github.camelk8s.leader.LeadershipEventType.ELECTED;
import static io.github.camelk8s.leader.LeadershipEventType.LOST;
import static io.github.camelk8s.leader.LeadershipEventType.NEW_LEADER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three candidate CamelContexts ("pods") on one Lease of a real API server: one leads, a graceful stop hands over at
 * once, a crashed leader is replaced only after leaseDuration, and a deleted Lease is taken again by exactly one.
 * The same behaviours as the mock-server tests (FailoverTest, LeaseElectionTest), against etcd's watch, the real
 * 409s and the real MicroTime handling.
 */
class FailoverIT {

    /**
     * How much earlier a candidate may see a write than the test's own watch does: it may read it with a GET, or
     * its watch event may simply be delivered first. 50 ms flaked on a busy 2-core CI machine (62 ms seen).
     */
    private static final long OBSERVATION_SKEW_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    @RegisterExtension
    final E2E e2e = new E2E();

    @Test
    void exactlyOneOfThreePodsLeadsAndTheOthersAreToldWho() {
        String lease = e2e.lease("one-leader");
        List<CamelPod> all = e2e.startPods(lease, "pod-a", "pod-b", "pod-c");

        CamelPod leader = Pods.awaitSingleLeader(all);

        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> all.stream().filter(CamelPod::isLeader).toList().equals(List.of(leader)));
        await().atMost(Pods.PATIENCE).until(() -> leader.work().size() >= 5);
        for (CamelPod follower : all.stream().filter(p -> p != leader).toList()) {
            await().atMost(Pods.PATIENCE).until(() -> follower.firstEvent(NEW_LEADER).isPresent());
            assertThat(follower.events(NEW_LEADER)).extracting(CamelPod.Event::holder).containsOnly(leader.name());
            assertThat(follower.events(ELECTED)).isEmpty();
            assertThat(follower.work()).isEmpty();
        }
        Lease held = e2e.get(lease);
        assertThat(held.getSpec().getHolderIdentity()).isEqualTo(leader.name());
        assertThat(held.getSpec().getLeaseDurationSeconds()).isEqualTo(3);
        assertThat(held.getSpec().getLeaseTransitions()).isZero();
    }

    @Test
    void gracefulStopOfTheLeaderHandsOverWellBeforeLeaseDurationWithoutOverlap() {
        String lease = e2e.lease("graceful");
        List<CamelPod> all = e2e.startPods(lease, "pod-a", "pod-b", "pod-c");
        CamelPod old = Pods.awaitSingleLeader(all);
        List<CamelPod> others = all.stream().filter(p -> p != old).toList();
        others.forEach(p -> await().atMost(Pods.PATIENCE).until(() -> p.firstEvent(NEW_LEADER).isPresent()));
        await().atMost(Pods.PATIENCE).until(() -> old.work().size() >= 5);
        int transitionsBefore = e2e.get(lease).getSpec().getLeaseTransitions();

        long stoppedAt = System.nanoTime();
        old.stop();

        CamelPod next = Pods.awaitSingleLeader(others);
        CamelPod.Event elected = await().atMost(Pods.PATIENCE)
                .until(() -> next.firstEvent(ELECTED), e -> e.isPresent()).get();
        assertThat(Duration.ofNanos(elected.nanos() - stoppedAt)).isLessThan(CamelPod.LEASE_DURATION);
        assertThat(old.eventTypes()).containsExactly(ELECTED, LOST);
        assertThat(old.events(LOST).get(0).nanos()).isLessThan(elected.nanos());
        assertThat(elected.headers()).containsEntry(K8sLeaderConstants.TRANSITIONS, transitionsBefore + 1);
        Lease after = e2e.get(lease);
        assertThat(after.getSpec().getHolderIdentity()).isEqualTo(next.name());
        assertThat(after.getSpec().getLeaseTransitions()).isEqualTo(transitionsBefore + 1);
        await().atMost(Pods.PATIENCE).until(() -> next.work().size() >= 5);
        assertThat(next.workStatus()).isEqualTo(ServiceStatus.Started);
        Pods.assertWorkInTurns(old, next);
    }

    @Test
    void crashedLeaderIsReplacedOnlyAfterLeaseDurationWithoutOverlap() {
        String lease = e2e.lease("crash");
        LeaseWatch history = e2e.watch(lease);
        CamelPod crashed = e2e.pod("pod-a", lease).start();
        await().atMost(Pods.PATIENCE).until(() -> crashed.isLeader() && crashed.work().size() >= 5);
        List<CamelPod> others = e2e.startPods(lease, "pod-b", "pod-c");
        others.forEach(p -> await().atMost(Pods.PATIENCE).until(() -> p.firstEvent(NEW_LEADER).isPresent()));

        // kill -9 as far as one JVM allows: the connection goes first, so it can neither renew nor release
        long crashedAt = System.nanoTime();
        crashed.client().close();
        crashed.stop();
        assertThat(e2e.get(lease).getSpec().getHolderIdentity()).as("not released").isEqualTo("pod-a");

        CamelPod next = Pods.awaitSingleLeader(others);
        long lastRenewalSeen = history.lastHeldBy("pod-a").orElseThrow().nanos();
        long firstTakeoverWrite = others.stream()
                .map(p -> e2e.requests(p.name()).firstWriteSince(crashedAt))
                .filter(Optional::isPresent).mapToLong(w -> w.get().nanos()).min().orElseThrow();
        assertThat(Duration.ofNanos(firstTakeoverWrite - lastRenewalSeen))
                .as("from pod-a's last renewal (as the test's watch saw it) to the first write of a follower")
                .isGreaterThanOrEqualTo(CamelPod.LEASE_DURATION.minusNanos(OBSERVATION_SKEW_NANOS));
        Lease after = e2e.get(lease);
        assertThat(after.getSpec().getHolderIdentity()).isEqualTo(next.name());
        assertThat(after.getSpec().getLeaseTransitions()).isEqualTo(1);
        await().atMost(Pods.PATIENCE).until(() -> next.work().size() >= 5);
        Pods.assertWorkInTurns(crashed, next);
        assertThat(others.stream().filter(p -> p != next).flatMap(p -> p.work().stream())).isEmpty();
    }

    @Test
    void deletedLeaseIsTakenAgainByExactlyOnePod() {
        String lease = e2e.lease("deleted");
        LeaseWatch history = e2e.watch(lease);
        List<CamelPod> all = e2e.startPods(lease, "pod-a", "pod-b", "pod-c");
        CamelPod old = Pods.awaitSingleLeader(all);
        all.stream().filter(p -> p != old)
                .forEach(p -> await().atMost(Pods.PATIENCE).until(() -> p.firstEvent(NEW_LEADER).isPresent()));

        long deletedAt = System.nanoTime();
        e2e.admin().leases().inNamespace(E2E.namespace()).withName(lease).delete();

        await().atMost(Pods.PATIENCE).until(history::sawDeletion);
        await().atMost(Pods.PATIENCE).until(() -> e2e.get(lease) != null);
        CamelPod next = Pods.awaitSingleLeader(all);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                .until(() -> all.stream().filter(CamelPod::isLeader).toList().equals(List.of(next)));
        Lease recreated = e2e.get(lease);
        assertThat(recreated.getSpec().getHolderIdentity()).isEqualTo(next.name());
        // a new object: its counter starts again
        assertThat(recreated.getSpec().getLeaseTransitions()).isZero();
        // the old leader stepped down when the Lease vanished (and may have won it back since)
        await().atMost(Pods.PATIENCE).until(() -> !old.events(LOST).isEmpty());
        assertThat(old.events(LOST).get(0).nanos()).isGreaterThan(deletedAt);
        long firstWriteAfterDeletion = all.stream().map(p -> e2e.requests(p.name()).firstWriteSince(deletedAt))
                .filter(Optional::isPresent).mapToLong(w -> w.get().nanos()).min().orElseThrow();
        assertThat(Duration.ofNanos(firstWriteAfterDeletion - deletedAt))
                .as("a deleted Lease is free at once: the watch reports it, no one waits for leaseDuration")
                .isLessThan(CamelPod.LEASE_DURATION);
    }
}
