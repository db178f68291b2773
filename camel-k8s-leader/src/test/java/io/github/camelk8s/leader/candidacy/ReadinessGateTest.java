package io.github.camelk8s.leader.candidacy;

import java.time.Duration;

import io.github.camelk8s.leader.pods.CamelPod;
import io.github.camelk8s.leader.pods.FlippingCheck;
import io.github.camelk8s.leader.pods.Pods;
import org.apache.camel.health.HealthCheckRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * readinessGate: a pod competes only while its CamelContext's other readiness checks are UP. A dependency check
 * that flips (its database, its broker) keeps a follower out at once and makes a leader step down once it has been
 * DOWN for readinessGracePeriod.
 */
class ReadinessGateTest {

    /** Several readiness polls (every retryPeriod, 300 ms): a recovery within it is seen even on a loaded machine. */
    private static final Duration GRACE = Duration.ofSeconds(2);

    @RegisterExtension
    final Pods pods = new Pods();

    private CamelPod gated(String name, FlippingCheck dependency) {
        CamelPod pod = pods.create(name).configure(options -> {
            options.setReadinessGate(true);
            options.setReadinessGracePeriod(GRACE);
        });
        HealthCheckRegistry.get(pod.context()).register(dependency);
        return pod.start();
    }

    @Test
    void aPodWhoseDependencyIsDownDoesNotCompete() {
        CamelPod unready = gated("pod-a", new FlippingCheck(false));
        await().atMost(Pods.PATIENCE).until(() -> unready.policy().elector() != null);

        CamelPod ready = gated("pod-b", new FlippingCheck(true));

        await().atMost(Pods.PATIENCE).until(ready::isLeader);
        assertThat(pods.leaseWritesBy("pod-a")).isEmpty();
        assertThat(unready.policy().elector().isUnready()).isTrue();
    }

    @Test
    void aLeaderWhoseDependencyStaysDownStepsDownAfterTheGracePeriodAndAReadyPodTakesOver() {
        FlippingCheck database = new FlippingCheck(true);
        CamelPod first = gated("pod-a", database);
        await().atMost(Pods.PATIENCE).until(first::isLeader);
        CamelPod second = gated("pod-b", new FlippingCheck(true));

        long downAt = System.nanoTime();
        database.set(false);

        await().atMost(Pods.PATIENCE).until(second::isLeader);
        assertThat(first.isLeader()).isFalse();
        // the route stops on the route-control thread, after LOST: not necessarily before the other pod leads
        await().atMost(Pods.PATIENCE).until(() -> first.lastStopOf(CamelPod.WORK_ROUTE).isPresent());
        assertThat(Duration.ofNanos(first.lastStopOf(CamelPod.WORK_ROUTE).orElseThrow() - downAt))
                .isGreaterThanOrEqualTo(GRACE);
        // released, not left to expire: the take-over came long before leaseDuration
        assertThat(pods.lease().getSpec().getLeaseTransitions()).isEqualTo(1);
    }

    @Test
    void aLeaderWhoseDependencyRecoversWithinTheGracePeriodKeepsLeading() {
        FlippingCheck database = new FlippingCheck(true);
        CamelPod leader = gated("pod-a", database);
        await().atMost(Pods.PATIENCE).until(leader::isLeader);

        database.set(false);
        await().atMost(Pods.PATIENCE).until(() -> leader.policy().elector().isUnready());
        database.set(true);

        await().atMost(Pods.PATIENCE).until(() -> !leader.policy().elector().isUnready());
        await().during(GRACE.multipliedBy(2)).atMost(GRACE.multipliedBy(4)).until(leader::isLeader);
    }

    @Test
    void aPodWhoseDependencyRecoversCompetesAgain() {
        FlippingCheck database = new FlippingCheck(false);
        CamelPod pod = gated("pod-a", database);
        await().atMost(Pods.PATIENCE).until(() -> pod.policy().elector() != null);

        database.set(true);

        await().atMost(Pods.PATIENCE).until(pod::isLeader);
    }
}
