package io.github.camelk8s.leader.example.yaml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;

/** fabric8's mock API server in CRUD mode, and clients for it: a stand-in for a cluster. */
final class MockKubernetes implements AutoCloseable {

    static final String NAMESPACE = "example";
    /** The mock server logs every request through java.util.logging; held here so the level sticks. */
    private static final Logger MOCK_LOG = Logger.getLogger("io.fabric8.mockwebserver");

    private final KubernetesMockServer server;

    MockKubernetes() {
        MOCK_LOG.setLevel(Level.WARNING);
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init();
    }

    KubernetesClient newClient() {
        Config config = new ConfigBuilder(Config.empty()).withMasterUrl(server.url("/")).withNamespace(NAMESPACE)
                .withTrustCerts(true).withRequestRetryBackoffLimit(0).withRequestTimeout(2_000).build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        server.destroy();
    }
}
