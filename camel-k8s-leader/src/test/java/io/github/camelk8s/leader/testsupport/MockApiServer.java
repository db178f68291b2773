package io.github.camelk8s.leader.testsupport;

import java.util.HashMap;
import java.util.Map;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
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

    private final FaultDispatcher dispatcher = new FaultDispatcher(new KubernetesCrudDispatcher());
    private final KubernetesMockServer server;
    private final KubernetesClient admin;

    public MockApiServer() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init();
        admin = newClient("admin");
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
        Config config = new ConfigBuilder(Config.empty())
                .withMasterUrl(server.url("/"))
                .withNamespace(NAMESPACE)
                .withTrustCerts(true)
                .withRequestRetryBackoffLimit(0)
                .withRequestTimeout(2_000)
                .withConnectionTimeout(2_000)
                .withCustomHeaders(Map.of(FaultDispatcher.CANDIDATE_HEADER, candidate))
                .build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    /** A client for the test itself (reading or tampering with the Lease behind the candidates' backs). */
    public KubernetesClient admin() {
        return admin;
    }

    public Lease lease(String name) {
        return admin.leases().inNamespace(NAMESPACE).withName(name).get();
    }

    public String url() {
        return server.url("/");
    }

    @Override
    public void close() {
        admin.close();
        server.destroy();
    }
}
