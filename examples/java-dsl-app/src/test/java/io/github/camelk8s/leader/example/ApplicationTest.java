package io.github.camelk8s.leader.example;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.camelk8s.leader.testsupport.MockApiServer;
import io.github.camelk8s.leader.testsupport.Replicas;
import org.apache.camel.ServiceStatus;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The application as it runs in a pod, against a mock API server instead of a cluster. */
class ApplicationTest {

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    private static final String NAMESPACE = "example";
    /** An address of this machine other than 127.0.0.1, and still on it: the test sends nothing off the host. */
    private static final String OTHER_ADDRESS = "127.0.0.2";

    private final MockApiServer api = new MockApiServer(NAMESPACE);
    private final Replicas replicas = new Replicas(api);
    /** For reading what the replica wrote (the Lease, its Events). */
    private final KubernetesClient client = api.admin();
    private final HttpClient http = HttpClient.newHttpClient();
    private final int port = Replicas.freePort();
    private final int managementPort = Replicas.freePort();
    private Main main;

    @BeforeEach
    void start() {
        Main application = Application.create();
        // the application's own timings (15s/10s/2s/2s): nothing here waits for an expiry
        application.addOverrideProperty("camel.server.port", String.valueOf(port));
        application.addOverrideProperty("camel.management.port", String.valueOf(managementPort));
        application.addOverrideProperty("example.report-period", "200");
        main = replicas.start("replica-1", application);
    }

    @AfterEach
    void stop() {
        replicas.close();
        api.close();
    }

    private String get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private HttpResponse<String> postYield(String host, int port) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + "/leader/yield"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Whether a TCP connection to host:port is accepted. */
    private static boolean accepts(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 2000);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    private ServiceStatus report() {
        return main.getCamelContext().getRouteController().getRouteStatus("report");
    }

    private String holder() {
        var lease = client.leases().inNamespace(NAMESPACE).withName(LeaderRoutes.LEASE).get();
        return lease == null ? null : lease.getSpec().getHolderIdentity();
    }

    @Test
    void theOnlyReplicaLeadsRunsTheReportAndTellsSo() throws Exception {
        await().atMost(PATIENCE).until(() -> "replica-1".equals(holder()));
        await().atMost(PATIENCE).until(() -> report() == ServiceStatus.Started);

        await().atMost(PATIENCE).until(() -> get(port, "/leader"),
                status -> status.startsWith("LEADER example/" + LeaderRoutes.LEASE + " identity=replica-1"));
        // recorded off the election's threads, so a moment later
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(
                client.v1().events().inNamespace(NAMESPACE).list().getItems())
                .extracting(e -> e.getMessage()).contains("replica-1 became leader"));
    }

    @Test
    void healthAndMetricsIncludeTheElection() throws Exception {
        await().atMost(PATIENCE).until(() -> "replica-1".equals(holder()));

        String metrics = await().atMost(PATIENCE).until(() -> get(managementPort, "/observe/metrics"),
                m -> m.contains("k8s_leader_is_leader{lease=\"" + LeaderRoutes.LEASE + "\",namespace=\"example\"} 1"));
        assertThat(metrics).contains("k8s_leader_acquisitions_total{lease=\"" + LeaderRoutes.LEASE + "\"");
        // what the Deployment's readiness probe asks
        HttpResponse<String> ready = http.send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + managementPort + "/observe/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).isEqualTo(200);
        String health = get(managementPort, "/observe/health?exposureLevel=full");
        assertThat(health).contains("{\"name\":\"k8s-leader-" + LeaderRoutes.LEASE + ".example\",\"status\":\"UP\"}");
    }

    @Test
    void postingToYieldOnTheLoopbackAddressStepsDown() throws Exception {
        await().atMost(PATIENCE).until(() -> report() == ServiceStatus.Started);

        HttpResponse<String> answer = postYield("127.0.0.1", port);

        assertThat(answer.body()).startsWith("YIELDING");
        await().atMost(PATIENCE).until(() -> "".equals(holder()));
        await().atMost(PATIENCE).until(() -> report() == ServiceStatus.Stopped);
    }

    @Test
    void theYieldPortTakesNoConnectionFromAnotherAddressThanLoopback() {
        await().atMost(PATIENCE).until(() -> report() == ServiceStatus.Started);
        // Linux routes all of 127.0.0.0/8 to the loopback interface: a server bound to every address, as the
        // management server is, answers on 127.0.0.2 as on the pod's IP; one bound to 127.0.0.1 does not
        assumeTrue(accepts(OTHER_ADDRESS, managementPort), "this machine routes " + OTHER_ADDRESS + " to a server"
                                                           + " bound to every address (Linux does)");

        assertThat(accepts(OTHER_ADDRESS, port)).as("the yield port on " + OTHER_ADDRESS).isFalse();
        assertThat(accepts("127.0.0.1", port)).as("the yield port on 127.0.0.1").isTrue();
    }

    @Test
    void thePortThatProbesAndPrometheusReachServesNoYield() throws Exception {
        await().atMost(PATIENCE).until(() -> report() == ServiceStatus.Started);

        HttpResponse<String> answer = postYield("127.0.0.1", managementPort);

        assertThat(answer.statusCode()).isEqualTo(404);
        assertThat(holder()).isEqualTo("replica-1");
        assertThat(report()).isEqualTo(ServiceStatus.Started);
    }
}
