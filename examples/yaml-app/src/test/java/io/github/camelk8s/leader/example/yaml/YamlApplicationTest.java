package io.github.camelk8s.leader.example.yaml;

import java.time.Duration;
import java.util.List;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.apache.camel.ServiceStatus;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The YAML application as Camel Main runs it (application.properties naming routes.yaml), two replicas on a mock
 * API server instead of a cluster.
 */
class YamlApplicationTest {

    private static final String LEASE = "camel-k8s-leader-yaml-example";
    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private final MockKubernetes kubernetes = new MockKubernetes();
    private final KubernetesClient admin = kubernetes.newClient();
    private final List<Replica> replicas = List.of(new Replica("replica-1"), new Replica("replica-2"));

    /** One replica: Camel Main with the application's resources and its own client. */
    private final class Replica {
        final KubernetesClient client = kubernetes.newClient();
        final Main main = new Main();

        Replica(String identity) {
            main.bind("kubernetesClient", client);
            main.addOverrideProperty("camel.component.k8s-leader.identity", identity);
            main.addOverrideProperty("example.report-period", "200");
            main.addOverrideProperty("example.status-period", "200");
        }

        ServiceStatus report() {
            return main.getCamelContext().getRouteController().getRouteStatus("report");
        }

        void stop() {
            main.stop();
            client.close();
        }
    }

    @AfterEach
    void stop() {
        replicas.forEach(Replica::stop);
        admin.close();
        kubernetes.close();
    }

    private String holder() {
        var lease = admin.leases().inNamespace(MockKubernetes.NAMESPACE).withName(LEASE).get();
        return lease == null ? null : lease.getSpec().getHolderIdentity();
    }

    @Test
    void theReportRunsInTheLeaderOnlyAndMovesWhenTheLeaderStops() {
        Replica first = replicas.get(0);
        Replica second = replicas.get(1);
        first.main.start();
        await().atMost(PATIENCE).until(() -> "replica-1".equals(holder()) && first.report() == ServiceStatus.Started);
        second.main.start();
        assertThat(second.main.getCamelContext().getRoutes()).extracting(r -> r.getRouteId())
                .containsExactlyInAnyOrder("report", "leadership", "status");
        assertThat(second.report()).isEqualTo(ServiceStatus.Stopped);

        first.stop();

        // released on stop: the second replica takes over without waiting for the Lease to expire
        await().atMost(PATIENCE).until(() -> "replica-2".equals(holder()) && second.report() == ServiceStatus.Started);
    }
}
