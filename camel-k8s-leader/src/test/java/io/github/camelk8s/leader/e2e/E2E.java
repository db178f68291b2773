package io.github.camelk8s.leader.e2e;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.github.camelk8s.leader.pods.CamelPod;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one end-to-end test creates on the cluster, and tears down after it: Lease names unique to the test (with
 * no controller-manager, a deleted namespace would stay Terminating, so tests share one namespace and never one
 * Lease), one client per candidate with a {@link RequestLog}, the {@link CamelPod}s and the test's watches. Register
 * it with {@code @RegisterExtension final E2E e2e = new E2E();}.
 */
final class E2E implements AfterEachCallback {

    private static final Logger LOG = LoggerFactory.getLogger(E2E.class);
    private static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

    private final List<AutoCloseable> resources = new CopyOnWriteArrayList<>();
    private final List<String> leases = new CopyOnWriteArrayList<>();
    private final Map<String, RequestLog> requestLogs = new ConcurrentHashMap<>();

    static String namespace() {
        return Cluster.NAMESPACE;
    }

    KubernetesClient admin() {
        return Cluster.admin();
    }

    /** A Lease name no other test (nor an earlier run) uses; deleted after the test. */
    String lease(String prefix) {
        String name = prefix + "-" + Long.toString(System.currentTimeMillis(), 36) + randomSuffix(4);
        leases.add(name);
        return name;
    }

    static String randomSuffix(int length) {
        StringBuilder suffix = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            suffix.append(ALPHABET.charAt(ThreadLocalRandom.current().nextInt(ALPHABET.length())));
        }
        return suffix.toString();
    }

    /** A client of its own for one candidate, with the account of KUBECONFIG, logging its Lease requests. */
    KubernetesClient client(String candidate) {
        return client(candidate, Cluster.config());
    }

    /** A client of its own for one candidate, with the given configuration (another account), logging requests. */
    KubernetesClient client(String candidate, Config config) {
        RequestLog log = new RequestLog();
        requestLogs.put(candidate, log);
        KubernetesClient client = new KubernetesClientBuilder().withConfig(config)
                .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("e2e-request-log", log)).build();
        resources.add(client);
        return client;
    }

    RequestLog requests(String candidate) {
        return requestLogs.get(candidate);
    }

    /** A pod (not started) competing for {@code lease} in the test namespace, with a client of its own. */
    CamelPod pod(String name, String lease) {
        return pod(name, lease, client(name));
    }

    CamelPod pod(String name, String lease, KubernetesClient client) {
        CamelPod pod = new CamelPod(client, name, lease).configure(o -> o.setNamespace(namespace()));
        resources.add(pod);
        return pod;
    }

    List<CamelPod> startPods(String lease, String... names) {
        List<CamelPod> started = new ArrayList<>();
        for (String name : names) {
            started.add(pod(name, lease).start());
        }
        return started;
    }

    /** The test's own watch on a Lease, started now. */
    LeaseWatch watch(String lease) {
        LeaseWatch watch = new LeaseWatch(admin(), namespace(), lease);
        resources.add(watch);
        return watch;
    }

    /** Something else to close after the test, before the Leases are deleted. */
    <T extends AutoCloseable> T closeAfterTest(T resource) {
        resources.add(resource);
        return resource;
    }

    Lease get(String lease) {
        return admin().leases().inNamespace(namespace()).withName(lease).get();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        List<AutoCloseable> toClose = new ArrayList<>(resources);
        Collections.reverse(toClose);
        for (AutoCloseable resource : toClose) {
            try {
                resource.close();
            } catch (Exception e) {
                LOG.debug("closing {} after the test: {}", resource, e.toString());
            }
        }
        for (String lease : leases) {
            try {
                admin().leases().inNamespace(namespace()).withName(lease).delete();
            } catch (RuntimeException e) {
                LOG.warn("could not delete Lease {}/{} after the test: {}", namespace(), lease, e.toString());
            }
        }
    }
}
