package io.github.camelk8s.leader.testsupport;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;

/**
 * fabric8's mock API server in CRUD mode (409 on a stale resourceVersion, watch events), behind a
 * {@link FaultDispatcher} so tests can fail, delay or hang chosen requests of chosen candidates. Each candidate
 * gets its own client, tagged with a header naming it, so one "pod" can be cut off while the others are fine.
 */
public final class MockApiServer implements AutoCloseable {

    public static final String NAMESPACE = "test";

    private static final Interceptor SENT_TIME = new Interceptor() {
        @Override
        public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
            builder.setHeader(FaultDispatcher.SENT_HEADER, Long.toString(System.nanoTime()));
        }
    };

    private final FaultDispatcher dispatcher = new FaultDispatcher(new KubernetesCrudDispatcher());
    private final String url;
    private final int port;
    private KubernetesMockServer server;
    private final KubernetesClient admin;

    public MockApiServer() {
        server = newServer();
        server.init();
        port = server.getPort();
        url = server.url("/");
        admin = newClient("admin");
    }

    private KubernetesMockServer newServer() {
        return new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    }

    /**
     * A whole-API outage begins: the server stops listening and closes every connection, watches included.
     * Requests fail until {@link #start()}.
     */
    public synchronized void stop() {
        if (server != null) {
            server.shutdown();
            server = null;
        }
    }

    /**
     * The outage ends: a new server on the same port, behind the same dispatcher, so it holds the same Leases and
     * continues their resourceVersions; clients reconnect by themselves.
     */
    public synchronized void start() {
        if (server == null) {
            KubernetesMockServer restarted = newServer();
            restarted.init(InetAddress.getLoopbackAddress(), port);
            server = restarted;
        }
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    public int port() {
        return port;
    }

    /** Rules that fail, delay or hang requests; requests no rule matches go to the CRUD store. */
    public FaultDispatcher faults() {
        return dispatcher;
    }

    /**
     * A client for one candidate: no silent retries of 5xx and a short request timeout, so injected faults reach
     * the elector as they would on a failing cluster instead of being hidden for seconds by the client.
     */
    public KubernetesClient newClient(String candidate) {
        return newClient(candidate, url);
    }

    /**
     * A client as {@link #newClient(String)}, talking to the server through {@code masterUrl} (a proxy). Every
     * attempt of a request carries the time it was handed to the HTTP layer ({@link FaultDispatcher#SENT_HEADER}), so
     * the server side knows when a write was sent, not only when it arrived.
     */
    public KubernetesClient newClient(String candidate, String masterUrl) {
        Config config = new ConfigBuilder(Config.empty())
                .withMasterUrl(masterUrl)
                .withNamespace(NAMESPACE)
                .withTrustCerts(true)
                .withRequestRetryBackoffLimit(0)
                .withRequestTimeout(2_000)
                .withConnectionTimeout(2_000)
                .withCustomHeaders(Map.of(FaultDispatcher.CANDIDATE_HEADER, candidate))
                .build();
        return new KubernetesClientBuilder().withConfig(config)
                .withHttpClientBuilderConsumer(http -> http.addOrReplaceInterceptor("sent-time", SENT_TIME))
                .build();
    }

    /** A client for the test itself (reading or tampering with the Lease behind the candidates' backs). */
    public KubernetesClient admin() {
        return admin;
    }

    public Lease lease(String name) {
        return admin.leases().inNamespace(NAMESPACE).withName(name).get();
    }

    public String url() {
        return url;
    }

    @Override
    public void close() {
        admin.close();
        stop();
    }
}
