package io.github.camelk8s.leader.candidacy;

import java.time.Duration;

import io.github.camelk8s.leader.LeadershipEventType;
import io.github.camelk8s.leader.pods.CamelPod;
import io.github.camelk8s.leader.pods.Pods;
import io.github.camelk8s.leader.testsupport.MockApiServer;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** observeOnly: a pod that watches the Lease, tells who leads and never writes it, so it never leads. */
class ObserveOnlyTest {

    private static final String CHECK_ID = "k8s-leader-" + CamelPod.LEASE + "." + MockApiServer.NAMESPACE;

    @RegisterExtension
    final Pods pods = new Pods();

    private CamelPod observer(String name) {
        return pods.create(name).configure(options -> options.setObserveOnly(true)).start();
    }

    @Test
    void anObserverIsToldWhoLeads() {
        CamelPod leader = pods.start("pod-a");
        await().atMost(Pods.PATIENCE).until(leader::isLeader);

        CamelPod observer = observer("pod-watch");

        await().atMost(Pods.PATIENCE).until(() -> observer.firstEvent(LeadershipEventType.NEW_LEADER).isPresent());
        assertThat(observer.firstEvent(LeadershipEventType.NEW_LEADER).orElseThrow().holder()).isEqualTo("pod-a");
    }

    @Test
    void anObserverNeverWritesTheLeaseNotEvenWhenItIsFree() {
        CamelPod observer = observer("pod-watch");
        CamelPod leader = pods.start("pod-a");
        await().atMost(Pods.PATIENCE).until(leader::isLeader);

        leader.stop();

        await().atMost(Pods.PATIENCE).until(() -> pods.lease().getSpec().getHolderIdentity().isEmpty());
        await().during(CamelPod.LEASE_DURATION.plusSeconds(1)).atMost(CamelPod.LEASE_DURATION.plusSeconds(3))
                .until(() -> !observer.isLeader());
        assertThat(pods.leaseWritesBy("pod-watch")).isEmpty();
        assertThat(observer.eventTypes()).doesNotContain(LeadershipEventType.ELECTED);
    }

    @Test
    void anObserverIsHealthyAndSaysItObserves() {
        CamelPod observer = observer("pod-watch");
        await().atMost(Pods.PATIENCE).until(() -> observer.policy().elector() != null);

        HealthCheck.Result result = HealthCheckRegistry.get(observer.context()).getCheck(CHECK_ID).orElseThrow()
                .call();

        assertThat(result.getState()).isEqualTo(HealthCheck.State.UP);
        assertThat(result.getDetails()).containsEntry("observe.only", true).containsEntry("leader", false);
    }

    @Test
    void aResumeDoesNotMakeAnObserverCompete() {
        CamelPod observer = observer("pod-watch");
        await().atMost(Pods.PATIENCE).until(() -> observer.policy().elector() != null);

        observer.policy().elector().resume();

        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> !observer.isLeader());
        assertThat(pods.leaseWritesBy("pod-watch")).isEmpty();
    }
}
