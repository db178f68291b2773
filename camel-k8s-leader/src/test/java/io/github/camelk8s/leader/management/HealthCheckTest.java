package io.github.camelk8s.leader.management;

import java.time.Duration;
import java.util.List;

import io.github.camelk8s.leader.K8sLeaderConsumer;
import io.github.camelk8s.leader.LeadershipEventType;
import io.github.camelk8s.leader.pods.CamelPod;
import io.github.camelk8s.leader.pods.Pods;
import io.github.camelk8s.leader.testsupport.FaultDispatcher;
import io.github.camelk8s.leader.testsupport.MockApiServer;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.health.HealthCheckRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The k8s-leader health checks: healthy whether leading or following, DOWN when the API server is out of reach. */
class HealthCheckTest {

    /** The id of the check of the standard Lease of the pods. */
    static final String CHECK_ID = "k8s-leader-" + CamelPod.LEASE + "." + MockApiServer.NAMESPACE;

    @RegisterExtension
    final Pods pods = new Pods();

    private static HealthCheck check(CamelPod pod) {
        return HealthCheckRegistry.get(pod.context()).getCheck(CHECK_ID).orElseThrow();
    }

    @Test
    void theRepositoryK8sLeaderHoldsOneReadinessCheckPerLease() {
        CamelPod pod = pods.start("pod-a");
        await().atMost(Pods.PATIENCE).until(pod::isLeader);

        HealthCheckRegistry registry = HealthCheckRegistry.get(pod.context());
        assertThat(registry.getRepository("k8s-leader")).isPresent();
        assertThat(registry.getRepository("k8s-leader").orElseThrow().stream().map(HealthCheck::getId))
                .containsExactly(CHECK_ID);
        HealthCheck check = check(pod);
        assertThat(check.getGroup()).isEqualTo("k8s-leader");
        assertThat(check.isReadiness()).isTrue();
        assertThat(check.isLiveness()).isFalse();
        // part of the context's readiness, as Camel Main or Spring Boot would ask for it
        assertThat(HealthCheckHelper.invokeReadiness(pod.context())).extracting(r -> r.getCheck().getId())
                .contains(CHECK_ID);
    }

    @Test
    void theLeaderAndTheFollowerAreBothUpWithDetails() {
        List<CamelPod> all = pods.start("pod-a", "pod-b");
        CamelPod leader = Pods.awaitSingleLeader(all);
        CamelPod follower = all.get(0) == leader ? all.get(1) : all.get(0);
        await().atMost(Pods.PATIENCE).until(() -> !follower.events().isEmpty());

        HealthCheck.Result ofLeader = check(leader).call();
        HealthCheck.Result ofFollower = check(follower).call();

        assertThat(ofLeader.getState()).isEqualTo(HealthCheck.State.UP);
        assertThat(ofFollower.getState()).isEqualTo(HealthCheck.State.UP);
        assertThat(ofLeader.getDetails())
                .containsEntry("lease.name", CamelPod.LEASE)
                .containsEntry("lease.namespace", MockApiServer.NAMESPACE)
                .containsEntry("identity", leader.name())
                .containsEntry("leader", true)
                .containsEntry("holder", leader.name())
                .containsEntry("lease.transitions", 0)
                .containsEntry("acquisitions", 1L)
                .containsEntry("state", "LEADER")
                .containsKeys("last.renewal", "last.observation", "errors", "conflicts", "losses");
        assertThat(ofFollower.getDetails())
                .containsEntry("identity", follower.name())
                .containsEntry("leader", false)
                .containsEntry("holder", leader.name())
                .containsEntry("state", "FOLLOWER")
                .containsKey("last.observation")
                .doesNotContainKey("last.renewal");
    }

    @Test
    void aPodThatCannotReachTheApiServerForLongerThanRenewDeadlineIsDownAndRecovers() {
        List<CamelPod> all = pods.start("pod-a", "pod-b");
        CamelPod leader = Pods.awaitSingleLeader(all);
        CamelPod other = all.get(0) == leader ? all.get(1) : all.get(0);

        var outage = pods.faults().failWith(FaultDispatcher.candidate(leader.name()), 503, -1);

        // not at the first failure: only once the failures have lasted renewDeadline
        await().atMost(Pods.PATIENCE).until(() -> leader.events(LeadershipEventType.LOST).size() == 1);
        HealthCheck.Result down = await().atMost(Pods.PATIENCE).until(() -> check(leader).call(),
                r -> r.getState() == HealthCheck.State.DOWN);
        assertThat(down.getMessage()).hasValueSatisfying(m -> assertThat(m).contains("renewDeadline (2000ms)"));
        assertThat(down.getError()).isPresent();
        assertThat((Long) down.getDetails().get("unreachable.millis"))
                .isGreaterThan(CamelPod.RENEW_DEADLINE.toMillis());
        assertThat(check(other).call().getState()).isEqualTo(HealthCheck.State.UP);

        pods.faults().remove(outage);

        await().atMost(Pods.PATIENCE).until(() -> check(leader).call().getState() == HealthCheck.State.UP);
    }

    @Test
    void anElectorThatStoppedWhileStillInUseIsDown() {
        CamelPod pod = pods.start("pod-a");
        await().atMost(Pods.PATIENCE).until(pod::isLeader);
        K8sLeaderConsumer consumer = (K8sLeaderConsumer) pod.context().getRoute(CamelPod.EVENTS_ROUTE).getConsumer();

        consumer.elector().stop();

        HealthCheck.Result result = check(pod).call();
        assertThat(result.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(result.getMessage()).hasValueSatisfying(m -> assertThat(m).contains("stopped while still in use"));
    }

    @Test
    void theCheckGoesAwayWithTheLastUserOfItsLease() {
        CamelPod pod = pods.start("pod-a");
        await().atMost(Pods.PATIENCE).until(pod::isLeader);

        pod.stop();

        assertThat(HealthCheckRegistry.get(pod.context()).getCheck(CHECK_ID)).isEmpty();
    }

    @Test
    void aFollowerRestartedDuringAnOutageIsDownOnceTheOutageOutlastsRenewDeadline() {
        var outage = pods.faults().failWith(FaultDispatcher.candidate("pod-a"), 503, -1);
        CamelPod pod = pods.start("pod-a");

        await().atMost(Pods.PATIENCE).until(() -> check(pod).call().getState() == HealthCheck.State.DOWN);

        pods.faults().remove(outage);
        await().atMost(Pods.PATIENCE).until(() -> check(pod).call().getState() == HealthCheck.State.UP);
        assertThat(Duration.ofMillis((Long) check(pod).call().getDetails().get("unreachable.millis")))
                .isLessThan(CamelPod.RENEW_DEADLINE);
    }
}
