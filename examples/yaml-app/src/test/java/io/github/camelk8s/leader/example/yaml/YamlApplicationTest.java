package io.github.camelk8s.leader.example.yaml;

import java.time.Duration;

import io.github.camelk8s.leader.testsupport.MockApiServer;
import io.github.camelk8s.leader.testsupport.Replicas;
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

    private final MockApiServer api = new MockApiServer("example");
    private final Replicas replicas = new Replicas(api);

    /** The application with its own resources, reporting often. */
    private static Main application() {
        Main main = new Main();
        main.addOverrideProperty("example.report-period", "200");
        main.addOverrideProperty("example.status-period", "200");
        return main;
    }

    private static ServiceStatus report(Main replica) {
        return replica.getCamelContext().getRouteController().getRouteStatus("report");
    }

    @AfterEach
    void stop() {
        replicas.close();
        api.close();
    }

    private String holder() {
        var lease = api.lease(LEASE);
        return lease == null ? null : lease.getSpec().getHolderIdentity();
    }

    @Test
    void theReportRunsInTheLeaderOnlyAndMovesWhenTheLeaderStops() {
        Main first = replicas.start("replica-1", application());
        await().atMost(PATIENCE).until(() -> "replica-1".equals(holder()) && report(first) == ServiceStatus.Started);
        Main second = replicas.start("replica-2", application());
        assertThat(second.getCamelContext().getRoutes()).extracting(r -> r.getRouteId())
                .containsExactlyInAnyOrder("report", "leadership", "status");
        assertThat(report(second)).isEqualTo(ServiceStatus.Stopped);

        replicas.stop("replica-1");

        // released on stop: the second replica takes over without waiting for the Lease to expire
        await().atMost(PATIENCE).until(() -> "replica-2".equals(holder()) && report(second) == ServiceStatus.Started);
    }
}
