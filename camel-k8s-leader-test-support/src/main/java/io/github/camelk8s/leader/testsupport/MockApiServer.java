package io.github.camelk8s.leader.testsupport;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.vertx.VertxHttpClientFactory;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.vertx.core.Vertx;

/**
 * fabric8's mock API server in CRUD mode (409 on a stale resourceVersion, watch events), behind a
 * {@link CountingDispatcher} and a {@link FaultDispatcher}, so a test can count, fail, delay or hang chosen
 * requests of chosen candidates. Each candidate gets its own client, tagged with a header naming it, so one "pod"
 * can be cut off while the others are fine.
 */
public final class MockApiServer implements AutoCloseable {

    /** The namespace of {@link #MockApiServer()}. */
    public static final String NAMESPACE = "test";

    /** The mock logs every request through java.util.logging; held here so that the level sticks. */
    private static final Logger MOCK_LOG = Logger.getLogger("io.fabric8.mockwebserver");

    private static final Interceptor SENT_TIME = new Interceptor() {
        @Override
        public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
            builder.setHeader(FaultDispatcher.SENT_HEADER, Long.toString(System.nanoTime()));
        }
    };

    private final String namespace;
    private final FaultDispatcher faults = new FaultDispatcher(new KubernetesCrudDispatcher());
    private final CountingDispatcher counts = new CountingDispatcher(faults);
    private final String url;
    private final int port;
    private KubernetesMockServer server;
    private Vertx sharedEventLoop;
    private final KubernetesClient admin;

    /** A server whose clients work in namespace {@value #NAMESPACE}. */
    public MockApiServer() {
        this(NAMESPACE);
    }

    /** A server whose clients work in {@code namespace} unless told otherwise. */
    public MockApiServer(String namespace) {
        MOCK_LOG.setLevel(Level.WARNING);
        this.namespace = namespace;
        server = newServer();
        server.init();
        port = server.getPort();
        url = server.url("/");
        admin = newClient("admin");
    }

    private KubernetesMockServer newServer() {
        KubernetesMockServer created
                = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), counts, false);
        // the mock keeps every request it served for takeRequest(): at thousands of requests a minute that is
        // hundreds of MB in a long run, so a thread takes them as they come
        Thread drain = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    created.takeRequest();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "mock-api-request-drain");
        drain.setDaemon(true);
        drain.start();
        return created;
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
     * The outage ends: a new server on the same port, behind the same dispatchers, so it holds the same Leases and
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

    public String url() {
        return url;
    }

    /** What {@link #pointAutoConfigurationHere} changed; closing it puts the system properties back. */
    public interface AutoConfiguration extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Points fabric8's auto-configuration at this server and {@code namespace}: the system properties that a client
     * built from no Config reads (as they may point a pod run outside a cluster at an API server), with the
     * kubeconfig, service account and namespace file turned off, so that this machine's own cannot interfere.
     */
    public AutoConfiguration pointAutoConfigurationHere(String namespace) {
        Map<String, String> here = Map.of(Config.KUBERNETES_MASTER_SYSTEM_PROPERTY, url(),
                Config.KUBERNETES_NAMESPACE_SYSTEM_PROPERTY, namespace,
                Config.KUBERNETES_AUTH_TRYKUBECONFIG_SYSTEM_PROPERTY, "false",
                Config.KUBERNETES_AUTH_TRYSERVICEACCOUNT_SYSTEM_PROPERTY, "false",
                Config.KUBERNETES_TRYNAMESPACE_PATH_SYSTEM_PROPERTY, "false");
        Map<String, String> before = new HashMap<>();
        here.forEach((key, value) -> before.put(key, System.setProperty(key, value)));
        return () -> before.forEach((key, value) -> {
            if (value == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, value);
            }
        });
    }

    /** The namespace the clients work in unless told otherwise. */
    public String namespace() {
        return namespace;
    }

    /** Rules that fail, delay or hang requests; requests no rule matches go to the CRUD store. */
    public FaultDispatcher faults() {
        return faults;
    }

    /** What each candidate has asked of the server so far. */
    public CountingDispatcher counts() {
        return counts;
    }

    /**
     * A client for one candidate: no silent retries of 5xx and a short request timeout, so injected faults reach
     * the elector as they would on a failing cluster instead of being hidden for seconds by the client.
     */
    public KubernetesClient newClient(String candidate) {
        return newClient(candidate, url);
    }

    /**
     * A client as {@link #newClient(String)}, talking to the server through {@code masterUrl} (a proxy, such as a
     * {@link NetworkLink}). Every attempt of a request carries the time it was handed to the HTTP layer
     * ({@link FaultDispatcher#SENT_HEADER}), so the server side knows when a write was sent, not only when it
     * arrived.
     */
    public KubernetesClient newClient(String candidate, String masterUrl) {
        Config config = new ConfigBuilder(Config.empty())
                .withMasterUrl(masterUrl)
                .withNamespace(namespace)
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

    /**
     * A client with fabric8's default settings in {@code namespace}, as a benchmark compares implementations with:
     * only its requests name the candidate. These clients share one Vert.x event loop, so that fifty "pods" in one
     * JVM do not bring fifty sets of event-loop threads.
     */
    public synchronized KubernetesClient newDefaultClient(String candidate, String namespace) {
        if (sharedEventLoop == null) {
            sharedEventLoop = Vertx.vertx();
        }
        Config config = new ConfigBuilder(Config.empty())
                .withMasterUrl(url)
                .withNamespace(namespace)
                .withTrustCerts(true)
                .withCustomHeaders(Map.of(FaultDispatcher.CANDIDATE_HEADER, candidate))
                .build();
        return new KubernetesClientBuilder().withConfig(config)
                .withHttpClientFactory(new VertxHttpClientFactory(sharedEventLoop)).build();
    }

    /**
     * Serves a create, an update and a delete of a Lease (in namespace {@code warm-up}) before anything is measured
     * or watched: the server's first request with a body makes it build its deserializer, which scans the
     * classpath for the Kubernetes model, for seconds on two cores, blocking its only event loop and with it every
     * watch event. Returns this server.
     */
    public MockApiServer warmUp() {
        // fabric8's default timeouts: a candidate client's 2 s is too short for the first answer
        try (KubernetesClient client = newDefaultClient("warm-up", "warm-up")) {
            var leases = client.leases().inNamespace("warm-up");
            Lease lease = leases.resource(new LeaseBuilder()
                    .withNewMetadata().withName("warm-up").endMetadata()
                    .withNewSpec().withHolderIdentity("warm-up").endSpec().build()).create();
            lease.getSpec().setHolderIdentity("");
            leases.resource(lease).update();
            leases.withName("warm-up").delete();
        }
        return this;
    }

    /** A client for the test itself (reading or tampering with the Lease behind the candidates' backs). */
    public KubernetesClient admin() {
        return admin;
    }

    /** The Lease {@code name} in {@link #namespace()}, or null. */
    public Lease lease(String name) {
        return admin.leases().inNamespace(namespace).withName(name).get();
    }

    @Override
    public synchronized void close() {
        admin.close();
        stop();
        if (sharedEventLoop != null) {
            sharedEventLoop.close();
        }
    }
}
