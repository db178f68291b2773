package io.github.camelk8s.leader.benchmarks;

import java.util.HashMap;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.vertx.VertxHttpClientFactory;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.vertx.core.Vertx;

/**
 * The one mock API server every implementation runs against (fabric8's, in CRUD mode: a 409 on a stale
 * resourceVersion, watch events), behind a {@link CountingDispatcher}. Each candidate gets its own client, with
 * fabric8's default settings, tagged with its name; the clients share one Vert.x event loop so that fifty "pods" in
 * one JVM do not bring fifty sets of event-loop threads.
 */
final class MockApi implements AutoCloseable {

    private final CountingDispatcher dispatcher = new CountingDispatcher(new KubernetesCrudDispatcher());
    private final KubernetesMockServer server;
    private final Vertx vertx = Vertx.vertx();
    private final VertxHttpClientFactory httpClients = new VertxHttpClientFactory(vertx);
    private final KubernetesClient admin;

    MockApi() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init();
        admin = client("admin", "default");
        // the mock keeps every request it served for takeRequest(): at 60,000 requests a minute that is hundreds of
        // MB by the scale scenario, and would be counted as the heap of whichever implementation runs then
        Thread drain = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    server.takeRequest();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "mock-api-request-drain");
        drain.setDaemon(true);
        drain.start();
    }

    CountingDispatcher dispatcher() {
        return dispatcher;
    }

    /** A candidate's own client: fabric8 defaults, except that its requests name it. */
    KubernetesClient client(String candidate, String namespace) {
        Config config = new ConfigBuilder(Config.empty())
                .withMasterUrl(server.url("/"))
                .withNamespace(namespace)
                .withTrustCerts(true)
                .withCustomHeaders(Map.of(CountingDispatcher.CANDIDATE_HEADER, candidate))
                .build();
        return new KubernetesClientBuilder().withConfig(config).withHttpClientFactory(httpClients).build();
    }

    KubernetesClient admin() {
        return admin;
    }

    /**
     * The Pod object Camel's KubernetesClusterService needs before it counts a candidate as a cluster member:
     * Running, Ready, and labelled with its clusterLabels. (The mock has no kubelet; we play its part.)
     */
    void createReadyPod(String namespace, String name, Map<String, String> labels) {
        Pod pod = new PodBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).withLabels(labels).endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("app").endContainer().endSpec()
                .withNewStatus().withPhase("Running")
                .addNewCondition().withType("Ready").withStatus("True").endCondition()
                .addNewContainerStatus().withName("app").withReady(true).withNewState().withNewRunning().endRunning()
                .endState().endContainerStatus()
                .endStatus()
                .build();
        admin.pods().inNamespace(namespace).resource(pod).create();
    }

    /** The pod is gone (its process ended and the kubelet/controller removed it). */
    void deletePod(String namespace, String name) {
        admin.pods().inNamespace(namespace).withName(name).delete();
    }

    @Override
    public void close() {
        admin.close();
        server.destroy();
        vertx.close();
    }
}
