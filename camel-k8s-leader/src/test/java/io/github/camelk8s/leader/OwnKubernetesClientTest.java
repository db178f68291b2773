package io.github.camelk8s.leader;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.github.camelk8s.leader.testsupport.MockApiServer;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The client the component builds for itself runs on a fixed handful of threads, however many Leases it serves:
 * one task thread of its own (fabric8's informer deliveries), and with Vert.x one event loop, one internal blocking
 * thread (only while it has work) and Vert.x's blocked-thread checker; and they end when the component stops.
 */
class OwnKubernetesClientTest {

    private static final int LEASES = 200;
    /** The task thread, the event loop, the internal blocking thread and the blocked-thread checker. */
    private static final int CLIENT_THREADS = 4;

    private final MockApiServer server = new MockApiServer();
    private MockApiServer.AutoConfiguration pointed;

    /** The component's own client is auto-configured: the system properties point it at the mock API server. */
    @BeforeEach
    void pointAutoConfigurationAtTheMockApiServer() {
        pointed = server.pointAutoConfigurationHere(MockApiServer.NAMESPACE);
    }

    @AfterEach
    void tearDown() {
        pointed.close();
        server.close();
    }

    @Test
    void ownClientOfTwoHundredLeasesRunsOnFourThreadsFromStartToSteadyRenewals() throws Exception {
        Set<Thread> before = clientThreads();
        CamelContext context = contextWithLeases(LEASES);
        List<Integer> samples = new ArrayList<>();
        try {
            context.start();
            // until every Lease is led, then through several renewals of each (400 watch events a second)
            long giveUp = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            long steadyUntil = Long.MAX_VALUE;
            while (System.nanoTime() - steadyUntil < 0) {
                samples.add(added(before).size());
                if (steadyUntil == Long.MAX_VALUE && leading(context) == LEASES) {
                    steadyUntil = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                }
                assertThat(System.nanoTime() - giveUp).as("Leases led: %d of %d", leading(context), LEASES)
                        .isNegative();
                Thread.sleep(10);
            }
            Set<Thread> steady = added(before);

            assertThat(samples.stream().mapToInt(Integer::intValue).max().orElseThrow()).as(
                    "most client threads at once; now: %s", names(steady)).isLessThanOrEqualTo(CLIENT_THREADS);
            assertThat(names(steady)).anyMatch(name -> name.startsWith(OwnKubernetesClient.TASK_THREAD_PREFIX));
        } finally {
            context.stop();
        }
    }

    @Test
    void stoppingTheComponentEndsTheThreadsOfItsOwnClient() throws Exception {
        Set<Thread> before = clientThreads();
        CamelContext context = contextWithLeases(3);
        context.start();
        await().until(() -> leading(context) == 3);
        assertThat(added(before)).isNotEmpty();

        context.stop();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(names(added(before))).isEmpty());
    }

    @Test
    void burstOfWatchEventsArrivesWholeAndInOrderOnTheClientsTaskThread() {
        int updates = 500;
        List<String> holders = new CopyOnWriteArrayList<>();
        Set<String> deliveredOn = ConcurrentHashMap.newKeySet();
        try (KubernetesClient client = OwnKubernetesClient.build(new ConfigBuilder(Config.empty())
                .withMasterUrl(server.url()).withNamespace(MockApiServer.NAMESPACE).build())) {
            var leases = client.leases().inNamespace(MockApiServer.NAMESPACE);
            SharedIndexInformer<Lease> informer = leases.inform(new ResourceEventHandler<>() {
                @Override
                public void onAdd(Lease lease) {
                    onUpdate(null, lease);
                }

                @Override
                public void onUpdate(Lease before, Lease lease) {
                    deliveredOn.add(Thread.currentThread().getName());
                    holders.add(lease.getSpec().getHolderIdentity());
                }

                @Override
                public void onDelete(Lease lease, boolean unknown) {
                }
            });
            Lease lease = leases.resource(new LeaseBuilder().withNewMetadata().withName("burst").endMetadata()
                    .withNewSpec().withHolderIdentity("holder-0").endSpec().build()).create();
            for (int i = 1; i <= updates; i++) {
                lease.getSpec().setHolderIdentity("holder-" + i);
                lease = leases.resource(lease).update();
            }

            await().atMost(Duration.ofSeconds(20)).until(() -> holders.contains("holder-" + updates));
            informer.close();
        }

        // the create, then every update: none lost, none twice, none out of order
        assertThat(holders).containsExactlyElementsOf(
                IntStream.rangeClosed(0, updates).mapToObj(i -> "holder-" + i).toList());
        assertThat(deliveredOn).allMatch(name -> name.startsWith(OwnKubernetesClient.TASK_THREAD_PREFIX))
                .hasSize(1);
    }

    @Test
    void blockingThreadOfTheClientsVertxEndsOnceIdleWhileItsEventLoopStays() {
        Set<Thread> before = clientThreads();
        try (KubernetesClient client = OwnKubernetesClient.build(new ConfigBuilder(Config.empty())
                .withMasterUrl(server.url()).withNamespace(MockApiServer.NAMESPACE).build(), 1)) {
            client.leases().inNamespace(MockApiServer.NAMESPACE).list();
            assertThat(names(added(before))).anyMatch(name -> name.startsWith("vert.x-internal-blocking-"));

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(names(added(before)))
                    .noneMatch(name -> name.startsWith("vert.x-internal-blocking-"))
                    .anyMatch(name -> name.startsWith("vert.x-eventloop-thread-")));
        }
    }

    /** A CamelContext whose component has no client, with a {@code k8s-leader:} consumer on each of the Leases. */
    private static CamelContext contextWithLeases(int leases) throws Exception {
        CamelContext context = new DefaultCamelContext();
        K8sLeaderComponent component = new K8sLeaderComponent();
        K8sLeaderConfiguration options = component.getConfiguration();
        options.setNamespace(MockApiServer.NAMESPACE);
        options.setIdentity("pod-a");
        options.setRecordEvents(false);
        options.setLeaseDuration(Duration.ofSeconds(3));
        options.setRenewDeadline(Duration.ofSeconds(2));
        options.setRetryPeriod(Duration.ofMillis(500));
        options.setRenewalInterval(Duration.ofMillis(500));
        context.addComponent(K8sLeaderConstants.SCHEME, component);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                for (int i = 0; i < leases; i++) {
                    from(K8sLeaderConstants.SCHEME + ":lease-" + i).routeId("lease-" + i)
                            .to("log:leadership?level=TRACE");
                }
            }
        });
        return context;
    }

    /** How many of the context's Leases it leads. */
    private static int leading(CamelContext context) {
        K8sLeaderComponent component = context.getComponent(K8sLeaderConstants.SCHEME, K8sLeaderComponent.class);
        return (int) context.getRoutes().stream()
                .map(route -> component.findElection(MockApiServer.NAMESPACE, route.getRouteId()))
                .filter(elector -> elector != null && elector.isLeader()).count();
    }

    /**
     * The live threads of Kubernetes clients: the component's task thread, fabric8's default executor's
     * ("-&lt;hash&gt;-pool-N-thread-M", should the component's client ever fall back to it) and Vert.x's. Not
     * fabric8's one scheduler thread, which every client in the JVM shares.
     */
    private static Set<Thread> clientThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).filter(thread -> {
            String name = thread.getName();
            return name.startsWith(OwnKubernetesClient.TASK_THREAD_PREFIX)
                   || name.matches("-?\\d+-pool-\\d+-thread-\\d+") || name.startsWith("vert.x-")
                   || name.startsWith("vertx-");
        }).collect(Collectors.toSet());
    }

    /** The client threads alive now that were not before: this test's clients' (the mock API server's were). */
    private static Set<Thread> added(Set<Thread> before) {
        Set<Thread> now = clientThreads();
        now.removeAll(before);
        return now;
    }

    private static List<String> names(Set<Thread> threads) {
        return threads.stream().map(Thread::getName).sorted().toList();
    }
}
