package io.github.camelk8s.leader.candidacy;

import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.github.camelk8s.leader.pods.CamelPod;
import io.github.camelk8s.leader.pods.LogCapture;
import io.github.camelk8s.leader.pods.Pods;
import io.github.camelk8s.leader.testsupport.MockApiServer;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Lease with spec.strategy (coordinated leader election, Kubernetes 1.31+) belongs to a coordination controller,
 * which writes its holder: the component observes it, never writes it, warns once and says why in its health.
 */
class CoordinatedLeaseTest {

    private static final String CHECK_ID = "k8s-leader-" + CamelPod.LEASE + "." + MockApiServer.NAMESPACE;
    private static final String STRATEGY = "OldestEmulationVersion";

    @RegisterExtension
    final Pods pods = new Pods();

    /** A coordinated Lease whose record expired long ago: any ordinary follower would take it at once. */
    private void createCoordinatedLease() {
        pods.api().admin().leases().inNamespace(MockApiServer.NAMESPACE).resource(new LeaseBuilder()
                .withNewMetadata().withName(CamelPod.LEASE).withNamespace(MockApiServer.NAMESPACE).endMetadata()
                .withNewSpec().withStrategy(STRATEGY).withHolderIdentity("")
                .withLeaseDurationSeconds(1).endSpec().build()).create();
    }

    @Test
    void aCoordinatedLeaseIsNeverWritten() {
        createCoordinatedLease();

        CamelPod pod = pods.start("pod-a");

        await().during(CamelPod.LEASE_DURATION).atMost(CamelPod.LEASE_DURATION.plusSeconds(2))
                .until(() -> !pod.isLeader());
        assertThat(pods.leaseWritesBy("pod-a")).isEmpty();
        assertThat(pods.lease().getSpec().getHolderIdentity()).isEmpty();
    }

    @Test
    void oneWarningNamesTheLeaseAndTheStrategy() {
        createCoordinatedLease();

        try (LogCapture log = LogCapture.open()) {
            CamelPod pod = pods.start("pod-a");
            await().atMost(Pods.PATIENCE).until(() -> !log.warningsAbout(STRATEGY).isEmpty());
            pods.api().admin().leases().inNamespace(MockApiServer.NAMESPACE).withName(CamelPod.LEASE)
                    .edit(lease -> new LeaseBuilder(lease).editSpec().withHolderIdentity("picked").endSpec().build());
            await().atMost(Pods.PATIENCE).until(() -> "picked".equals(pod.policy().elector().holderIdentity()));

            assertThat(log.warningsAbout(STRATEGY)).singleElement().extracting(LogCapture.Line::message)
                    .asString().contains(MockApiServer.NAMESPACE + "/" + CamelPod.LEASE);
        }
    }

    @Test
    void theHealthCheckSaysWhyThePodDoesNotCompete() {
        createCoordinatedLease();
        CamelPod pod = pods.start("pod-a");
        await().atMost(Pods.PATIENCE).until(() -> pod.policy().elector().coordinatedBy() != null);

        HealthCheck.Result result = HealthCheckRegistry.get(pod.context()).getCheck(CHECK_ID).orElseThrow().call();

        assertThat(result.getState()).isEqualTo(HealthCheck.State.UP);
        assertThat(result.getDetails()).containsEntry("lease.strategy", STRATEGY);
        assertThat(result.getMessage()).hasValueSatisfying(message -> assertThat(message)
                .contains(STRATEGY, "does not compete"));
    }
}
