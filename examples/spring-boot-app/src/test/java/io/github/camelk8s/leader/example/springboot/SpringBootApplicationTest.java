package io.github.camelk8s.leader.example.springboot;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.List;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.github.camelk8s.leader.K8sLeaderComponent;
import io.github.camelk8s.leader.K8sLeaderConstants;
import io.github.camelk8s.leader.testsupport.MockApiServer;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Spring Boot application as replicas run it, against a mock API server instead of a cluster, with the
 * {@code test} profile's timings (application-test.properties: leaseDuration 4s, renewDeadline 3s).
 */
class SpringBootApplicationTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final Duration LEASE_DURATION = Duration.ofSeconds(4);
    private static final String LOOPBACK = "127.0.0.1";
    /** An address of this machine other than 127.0.0.1, and still on it: the test sends nothing off the host. */
    private static final String OTHER_ADDRESS = "127.0.0.2";

    private final MockApiServer api = new MockApiServer();
    private final SpringReplicas replicas = new SpringReplicas(api);
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        replicas.close();
        api.close();
    }

    private Lease lease() {
        return api.lease(LeaderRoutes.LEASE);
    }

    private String holder() {
        Lease lease = lease();
        return lease == null ? null : lease.getSpec().getHolderIdentity();
    }

    private static ServiceStatus report(SpringReplicas.Replica replica) {
        return replica.context().getBean(CamelContext.class).getRouteController().getRouteStatus("report");
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://" + LOOPBACK + ":" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String host, int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + path))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Whether an HTTP server answers on host:port, whatever its answer. */
    private boolean answers(String host, int port) throws Exception {
        try {
            http.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + "/")).build(),
                    HttpResponse.BodyHandlers.discarding());
            return true;
        } catch (ConnectException refused) {
            return false;
        }
    }

    @Test
    void thePropertiesFileReachesTheComponentAndTheLease() {
        SpringReplicas.Replica replica = replicas.start("replica-1", "test");

        K8sLeaderComponent component = replica.context().getBean(CamelContext.class)
                .getComponent(K8sLeaderConstants.SCHEME, K8sLeaderComponent.class);
        assertThat(component.getConfiguration().getLeaseDuration()).isEqualTo("4s");
        assertThat(component.getConfiguration().getRenewDeadline()).isEqualTo("3s");
        assertThat(component.getConfiguration().getIdentity()).isEqualTo("replica-1");
        await().atMost(PATIENCE).until(() -> "replica-1".equals(holder()));
        assertThat(lease().getSpec().getLeaseDurationSeconds()).isEqualTo(4);
    }

    @Test
    void onlyTheLeaderRunsTheLeaderOnlyRoute() {
        List<SpringReplicas.Replica> all = List.of(replicas.start("replica-1", "test"),
                replicas.start("replica-2", "test"), replicas.start("replica-3", "test"));

        await().atMost(PATIENCE).until(() -> holder() != null && !holder().isEmpty());
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(all)
                .allSatisfy(r -> assertThat(report(r)).isEqualTo(r.identity().equals(holder())
                        ? ServiceStatus.Started : ServiceStatus.Stopped)));
    }

    @Test
    void aGracefulStopHandsOverWithoutWaitingForTheLeaseToExpire() {
        replicas.start("replica-1", "test");
        await().atMost(PATIENCE).until(() -> "replica-1".equals(holder()));
        SpringReplicas.Replica follower = replicas.start("replica-2", "test");
        int transitions = lease().getSpec().getLeaseTransitions();

        replicas.stop("replica-1");
        // released on stop: replica-1's last renewTime is what the follower would otherwise count expiry from
        ZonedDateTime lastRenewal = lease().getSpec().getRenewTime();

        await().atMost(PATIENCE).until(() -> "replica-2".equals(holder()));
        Lease taken = lease();
        assertThat(taken.getSpec().getLeaseTransitions()).isEqualTo(transitions + 1);
        assertThat(taken.getSpec().getAcquireTime()).as("taken over before the old Lease would have expired")
                .isBefore(lastRenewal.plus(LEASE_DURATION));
        await().atMost(PATIENCE).until(() -> report(follower) == ServiceStatus.Started);
    }

    @Test
    void theActuatorShowsTheElectionsHealthAndMetrics() throws Exception {
        SpringReplicas.Replica replica = replicas.start("replica-1", "test");
        await().atMost(PATIENCE).until(() -> "replica-1".equals(holder()));
        int management = replica.managementPort();

        // the readiness group (the Deployment's readiness probe) includes Camel's health checks, the election's too
        HttpResponse<String> readiness = get(management, "/actuator/health/readiness");
        assertThat(readiness.statusCode()).isEqualTo(200);
        assertThat(readiness.body()).contains("k8s-leader-" + LeaderRoutes.LEASE + "." + MockApiServer.NAMESPACE);
        await().atMost(PATIENCE).until(() -> get(management, "/actuator/prometheus").body(),
                metrics -> metrics.contains("k8s_leader_is_leader{lease=\"" + LeaderRoutes.LEASE + "\",namespace=\""
                                            + MockApiServer.NAMESPACE + "\"} 1.0"));
    }

    @Test
    void postingToYieldOnTheLoopbackAddressStepsDown() throws Exception {
        SpringReplicas.Replica replica = replicas.start("replica-1", "test");
        await().atMost(PATIENCE).until(() -> report(replica) == ServiceStatus.Started);
        assertThat(get(replica.port(), "/leader").body()).startsWith("LEADER");

        HttpResponse<String> yielded = post(LOOPBACK, replica.port(), "/leader/yield");

        assertThat(yielded.body()).startsWith("YIELDING");
        await().atMost(PATIENCE).until(() -> "".equals(holder()));
        await().atMost(PATIENCE).until(() -> report(replica) == ServiceStatus.Stopped);
    }

    @Test
    void theApplicationPortTakesNoConnectionFromAnotherAddressThanLoopback() throws Exception {
        SpringReplicas.Replica replica = replicas.start("replica-1", "test");
        // Linux routes all of 127.0.0.0/8 to the loopback interface: the management server, bound to every address,
        // answers on 127.0.0.2 as it would on the pod's IP; a server bound to 127.0.0.1 does not
        assumeTrue(answers(OTHER_ADDRESS, replica.managementPort()), "this machine routes " + OTHER_ADDRESS
                                                                      + " to a server bound to every address");

        assertThat(answers(OTHER_ADDRESS, replica.port())).as("the application port on " + OTHER_ADDRESS).isFalse();
        assertThat(answers(LOOPBACK, replica.port())).as("the application port on " + LOOPBACK).isTrue();
    }

    @Test
    void theManagementPortServesNoStepDown() throws Exception {
        SpringReplicas.Replica replica = replicas.start("replica-1", "test");
        await().atMost(PATIENCE).until(() -> report(replica) == ServiceStatus.Started);

        assertThat(post(LOOPBACK, replica.managementPort(), "/leader/yield").statusCode()).isEqualTo(404);
        assertThat(post(LOOPBACK, replica.managementPort(), "/actuator/leader").statusCode()).isEqualTo(404);
        assertThat(holder()).isEqualTo("replica-1");
        assertThat(report(replica)).isEqualTo(ServiceStatus.Started);
    }
}
