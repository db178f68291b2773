package io.github.camelk8s.leader.e2e;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import io.github.camelk8s.leader.election.LeaseRecord;
import io.github.camelk8s.leader.pods.CamelPod;
import io.github.camelk8s.leader.pods.Pods;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static io.github.camelk8s.leader.LeadershipEventType.ELECTED;
import static io.github.camelk8s.leader.LeadershipEventType.LOST;
import static io.github.camelk8s.leader.LeadershipEventType.NEW_LEADER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * kube-apiserver stopped and started again (etcd, and so the Lease, stays) while a leader holds the Lease. The leader
 * either keeps leading, because a renewal got through within its renewDeadline, or steps down before any follower
 * can take the Lease; after the restart exactly one pod leads, and the leader-only route never runs in two pods at
 * once. Needs the local API server's script (K8S_E2E_SCRIPT); skipped on other clusters.
 */
class ApiServerRestartIT {

    private static final Logger LOG = LoggerFactory.getLogger(ApiServerRestartIT.class);
    /** Delivering LOST to the event route, on a busy 2-core machine. */
    private static final Duration EVENT_SLACK = Duration.ofSeconds(1);

    @RegisterExtension
    final E2E e2e = new E2E();

    @Test
    void aLeaderWhoseRenewDeadlineOutlastsTheRestartKeepsLeading() {
        ApiServerControl apiServer = ApiServerControl.assumeAvailable();
        // a restart takes about 5 s here (most of it the server's start-up); the deadline leaves ample room
        Duration renewDeadline = Duration.ofSeconds(30);
        String lease = e2e.lease("restart-keep");
        List<CamelPod> pods = startPods(lease, Duration.ofSeconds(40), renewDeadline);
        CamelPod leader = awaitSettledLeader(pods);
        LeaseRecord before = LeaseRecord.of(e2e.get(lease));

        Outage outage = restart(apiServer);

        CamelPod after = Pods.awaitSingleLeader(pods);
        // renewals reach the restarted server again
        await().atMost(Pods.PATIENCE)
                .until(() -> LeaseRecord.of(e2e.get(lease)).renewTime().isAfter(outage.endedWall()));
        assertSafeAcrossRestart(pods, leader, outage, renewDeadline);
        if (outage.duration().compareTo(renewDeadline.minusSeconds(5)) < 0) {
            assertThat(after).as("the leader renewed in time, so it still leads").isSameAs(leader);
            assertThat(leader.events(LOST)).as("the leader never stepped down").isEmpty();
            pods.stream().filter(p -> p != leader).forEach(p -> assertThat(p.events(ELECTED)).isEmpty());
            assertThat(LeaseRecord.of(e2e.get(lease)).leaseTransitions()).isEqualTo(before.leaseTransitions());
        } else {
            LOG.warn("the restart took {} ms, too close to renewDeadline to expect the leader to keep leading",
                    outage.duration().toMillis());
        }
        assertStaysSingleLeader(pods, after);
    }

    @Test
    void aLeaderCutOffLongerThanItsRenewDeadlineStepsDownBeforeTheLeaseCanExpire() {
        ApiServerControl apiServer = ApiServerControl.assumeAvailable();
        String lease = e2e.lease("restart-stepdown");
        // the standard short timings: a restart (about 5 s) outlasts leaseDuration (3 s)
        List<CamelPod> pods = startPods(lease, CamelPod.LEASE_DURATION, CamelPod.RENEW_DEADLINE);
        CamelPod leader = awaitSettledLeader(pods);

        long stoppedAt = System.nanoTime();
        apiServer.stop();
        long downAt = System.nanoTime();
        try {
            // it steps down on its own clock, while the server is still down
            await().atMost(CamelPod.RENEW_DEADLINE.plus(EVENT_SLACK).plus(Duration.ofSeconds(2)))
                    .until(() -> !leader.events(LOST).isEmpty());
            assertThat(pods).noneMatch(CamelPod::isLeader);
        } finally {
            apiServer.start();
        }
        Outage outage = new Outage(stoppedAt, downAt, System.nanoTime(), Instant.now());
        LOG.info("API server down for {} ms", outage.duration().toMillis());

        CamelPod after = Pods.awaitSingleLeader(pods);
        assertSafeAcrossRestart(pods, leader, outage, CamelPod.RENEW_DEADLINE);
        assertStaysSingleLeader(pods, after);
    }

    private List<CamelPod> startPods(String lease, Duration leaseDuration, Duration renewDeadline) {
        return List.of("pod-a", "pod-b", "pod-c").stream()
                .map(name -> e2e.pod(name, lease).configure(o -> {
                    o.setLeaseDuration(leaseDuration);
                    o.setRenewDeadline(renewDeadline);
                }).start())
                .toList();
    }

    /** The leader, once it works and every follower has been told who leads. */
    private static CamelPod awaitSettledLeader(List<CamelPod> pods) {
        CamelPod leader = Pods.awaitSingleLeader(pods);
        await().atMost(Pods.PATIENCE).until(() -> leader.work().size() >= 5);
        pods.stream().filter(p -> p != leader)
                .forEach(p -> await().atMost(Pods.PATIENCE).until(() -> p.firstEvent(NEW_LEADER).isPresent()));
        return leader;
    }

    /** Stops kube-apiserver, starts it again at once (the start takes its few seconds), measures the outage. */
    private static Outage restart(ApiServerControl apiServer) {
        long stoppedAt = System.nanoTime();
        long downAt;
        try {
            apiServer.stop();
            downAt = System.nanoTime();
        } finally {
            apiServer.start();
        }
        Outage outage = new Outage(stoppedAt, downAt, System.nanoTime(), Instant.now());
        LOG.info("API server down for {} ms", outage.duration().toMillis());
        return outage;
    }

    /**
     * The safety of a leader across the outage: if it stepped down, it did so within renewDeadline of its last
     * possible renewal (the server's exit), before any other pod was elected; and the leader-only route ran in one
     * pod at a time.
     */
    private static void assertSafeAcrossRestart(List<CamelPod> pods, CamelPod leader, Outage outage,
                                                Duration renewDeadline) {
        Optional<CamelPod.Event> lost = leader.events(LOST).stream().findFirst();
        Optional<CamelPod.Event> nextElected = pods.stream().filter(p -> p != leader)
                .flatMap(p -> p.events(ELECTED).stream()).min(Comparator.comparingLong(CamelPod.Event::nanos));
        if (lost.isPresent()) {
            assertThat(Duration.ofNanos(lost.get().nanos() - outage.downAt()))
                    .as("the leader stepped down within renewDeadline of the server's exit")
                    .isLessThanOrEqualTo(renewDeadline.plus(EVENT_SLACK));
            nextElected.ifPresent(elected -> assertThat(lost.get().nanos())
                    .as("the old leader stepped down before another pod was elected").isLessThan(elected.nanos()));
        } else {
            assertThat(nextElected).as("no other pod was elected while the leader kept leading").isEmpty();
        }
        CamelPod[] turns = pods.stream().filter(p -> !p.work().isEmpty())
                .sorted(Comparator.comparingLong(p -> p.work().get(0).begin())).toArray(CamelPod[]::new);
        if (turns.length == 2 && turns[0] == leader) {
            Pods.assertWorkInTurns(turns);
        } else {
            // the old leader may have won the Lease back after stepping down: check overlap pairwise instead
            Pods.assertNoOverlap(pods);
        }
    }

    private static void assertStaysSingleLeader(List<CamelPod> pods, CamelPod leader) {
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> pods.stream().filter(CamelPod::isLeader).toList().equals(List.of(leader)));
        await().atMost(Pods.PATIENCE).until(() -> leader.work().size() >= 5);
    }

    /** When the stop was asked, when the server had exited, when it was ready again (nanoTime), and that instant. */
    private record Outage(long stoppedAt, long downAt, long readyAt, Instant endedWall) {
        Duration duration() {
            return Duration.ofNanos(readyAt - stoppedAt);
        }
    }
}
