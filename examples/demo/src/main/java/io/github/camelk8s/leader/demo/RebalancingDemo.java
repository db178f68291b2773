package io.github.camelk8s.leader.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.camelk8s.leader.cluster.K8sLeaderClusterService;
import io.github.camelk8s.leader.testsupport.MockApiServer;
import io.github.camelk8s.leader.testsupport.Pod;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.cluster.ClusteredRoutePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Twelve leader-only routes on twelve Leases, one per tenant ({@code ClusteredRoutePolicy.forNamespace}), in pods
 * whose {@link K8sLeaderClusterService} rebalances: three pods start, a fourth joins, one stops gracefully, one is
 * killed. After each step the demo waits until every pod leads floor or ceil of 12 / pods, and prints who leads
 * what (from the Leases' holders on the API server) and how long the spread took. On the embedded mock API server;
 * nothing here asserts a time: the benchmark measures those.
 */
public final class RebalancingDemo {

    private static final Logger LOG = LoggerFactory.getLogger("demo");
    private static final List<String> TENANTS = IntStream.rangeClosed(1, 12)
            .mapToObj(i -> String.format("tenant-%02d", i)).toList();
    private static final long STEP_TIMEOUT_NANOS = 30_000_000_000L;

    private final MockApiServer server;
    private final KubernetesClient observer;
    private final Map<String, Pod> pods = new TreeMap<>();

    private RebalancingDemo(MockApiServer server) {
        this.server = server;
        this.observer = server.newClient("observer");
    }

    public static void main(String[] args) {
        int status;
        try (MockApiServer server = new MockApiServer()) {
            status = new RebalancingDemo(server).run();
        }
        System.exit(status);
    }

    private int run() {
        try {
            LOG.info("12 Leases, one route each, on an embedded mock API server (leaseDuration {} ms)",
                    FailoverDemo.TIMINGS.leaseDuration().toMillis());
            step("pod-a, pod-b and pod-c start", () -> List.of("pod-a", "pod-b", "pod-c").forEach(this::start));
            step("pod-d joins", () -> start("pod-d"));
            step("pod-b stops gracefully", () -> pods.remove("pod-b").stop());
            step("pod-c is killed (no release: its slot and Leases expire after leaseDuration)",
                    () -> pods.remove("pod-c").kill());
            return 0;
        } catch (IllegalStateException e) {
            LOG.error(">>> {}", e.getMessage());
            return 1;
        } finally {
            pods.values().forEach(FailoverDemo::closeQuietly);
            observer.close();
        }
    }

    private void start(String name) {
        Pod pod = FailoverDemo.newPod(name, server.newClient(name), server.namespace());
        K8sLeaderClusterService service = new K8sLeaderClusterService();
        service.setRebalancing(true);
        try {
            pod.context().addService(service);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        pod.routes(new RouteBuilder() {
            @Override
            public void configure() throws Exception {
                for (String tenant : TENANTS) {
                    from("timer:" + tenant + "?period=1000").routeId(tenant)
                            .routePolicy(ClusteredRoutePolicy.forNamespace(tenant))
                            .setBody(constant(tenant + " imported by " + name));
                }
            }
        }).start();
        pods.put(name, pod);
    }

    /** Runs {@code change}, waits for an even spread over the running pods, and prints it. */
    private void step(String what, Runnable change) {
        LOG.info(">>> {}", what);
        long started = System.nanoTime();
        change.run();
        Map<String, List<String>> led;
        while (!isEven(led = ledPerPod())) {
            if (System.nanoTime() - started > STEP_TIMEOUT_NANOS) {
                throw new IllegalStateException("no even spread 30 s after: " + what + "; last seen " + led);
            }
            sleep();
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        StringBuilder table = new StringBuilder(String.format("%n    | %-6s | %-5s | %s%n", "pod", "leads", "Leases"));
        led.forEach((pod, leases) -> table.append(String.format("    | %-6s | %5d | %s%n", pod, leases.size(),
                String.join(", ", leases))));
        LOG.info(">>> even spread {} ms after the change:{}", millis, table);
    }

    /** The Leases each running pod holds, as the API server has them. */
    private Map<String, List<String>> ledPerPod() {
        Map<String, List<String>> led = new TreeMap<>();
        pods.keySet().forEach(pod -> led.put(pod, new ArrayList<>()));
        Map<String, String> holders = observer.leases().list().getItems().stream()
                .filter(lease -> TENANTS.contains(lease.getMetadata().getName()))
                .collect(Collectors.toMap(lease -> lease.getMetadata().getName(), RebalancingDemo::holder));
        TENANTS.forEach(tenant -> {
            List<String> leases = led.get(holders.getOrDefault(tenant, ""));
            if (leases != null) {
                leases.add(tenant);
            }
        });
        return led;
    }

    private static String holder(Lease lease) {
        String holder = lease.getSpec().getHolderIdentity();
        return holder == null ? "" : holder;
    }

    /** Every Lease held by a running pod, each pod holding floor or ceil of 12 / pods. */
    private boolean isEven(Map<String, List<String>> led) {
        int total = led.values().stream().mapToInt(List::size).sum();
        int floor = TENANTS.size() / led.size();
        int ceil = (TENANTS.size() + led.size() - 1) / led.size();
        return total == TENANTS.size() && led.values().stream().allMatch(l -> l.size() >= floor && l.size() <= ceil);
    }

    private static void sleep() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }
}
