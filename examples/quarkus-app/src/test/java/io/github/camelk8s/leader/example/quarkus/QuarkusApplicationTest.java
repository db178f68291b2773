package io.github.camelk8s.leader.example.quarkus;

import java.time.Duration;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.github.camelk8s.leader.K8sLeaderComponent;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Camel Quarkus application in JVM mode as one pod runs it, against a mock API server instead of a cluster
 * ({@link MockKubernetes}), with the test profile's timings (application.properties: leaseDuration 4s,
 * renewDeadline 3s).
 */
@QuarkusTest
class QuarkusApplicationTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @Inject
    CamelContext camelContext;

    private static Lease lease() {
        return MockKubernetes.API.lease(LeaderRoutes.LEASE);
    }

    private static String holder() {
        Lease lease = lease();
        return lease == null ? null : lease.getSpec().getHolderIdentity();
    }

    @Test
    void thePropertiesReachTheComponent() {
        K8sLeaderComponent component = camelContext.getComponent("k8s-leader", K8sLeaderComponent.class);

        assertThat(component.getConfiguration().getLeaseDuration()).isEqualTo("4s");
        assertThat(component.getConfiguration().getRenewDeadline()).isEqualTo("3s");
        assertThat(component.getConfiguration().getIdentity()).isEqualTo(MockKubernetes.POD);
    }

    @Test
    void thePodBecomesHolderOfTheLease() {
        await().atMost(PATIENCE).until(() -> MockKubernetes.POD.equals(holder()));
    }

    @Test
    void theLeaseCarriesTheConfiguredLeaseDuration() {
        await().atMost(PATIENCE).until(() -> lease() != null);

        assertThat(lease().getSpec().getLeaseDurationSeconds()).isEqualTo(4);
    }

    @Test
    void theLeaderRunsTheLeaderOnlyRoute() {
        await().atMost(PATIENCE)
                .until(() -> camelContext.getRouteController().getRouteStatus("report") == ServiceStatus.Started);
    }
}
