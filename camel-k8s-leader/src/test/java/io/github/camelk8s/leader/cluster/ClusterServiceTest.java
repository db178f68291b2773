package io.github.camelk8s.leader.cluster;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.camelk8s.leader.K8sLeaderConsumer;
import io.github.camelk8s.leader.LeadershipEventType;
import io.github.camelk8s.leader.cluster.K8sLeaderClusterService;
import io.github.camelk8s.leader.cluster.K8sLeaderClusterView;
import io.github.camelk8s.leader.pods.CamelPod;
import io.github.camelk8s.leader.pods.Pods;
import io.github.camelk8s.leader.testsupport.MockApiServer;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.cluster.CamelClusterMember;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.impl.cluster.ClusteredRoutePolicy;
import org.apache.camel.main.Main;
import org.apache.camel.support.cluster.ClusterServiceHelper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link K8sLeaderClusterService} behind Camel's own clustering: {@code master:} endpoints and
 * {@code ClusteredRoutePolicy} work on it unchanged, one pod at a time.
 */
class ClusterServiceTest {

    @RegisterExtension
    final Pods pods = new Pods();

    /** How many exchanges each pod's cluster-controlled route processed. */
    private final Map<String, AtomicInteger> ticks = new ConcurrentHashMap<>();

    private CamelPod masterPod(String name) throws Exception {
        CamelPod pod = pods.create(name).withoutStandardRoutes();
        pod.context().addService(new K8sLeaderClusterService());
        return pod.routes(new RouteBuilder() {
            @Override
            public void configure() {
                from("master:" + CamelPod.LEASE + ":timer:tick?period=50&delay=0").routeId("tick")
                        .process(e -> tick(name));
            }
        });
    }

    private CamelPod clusteredPolicyPod(String name) throws Exception {
        CamelPod pod = pods.create(name).withoutStandardRoutes();
        pod.context().addService(new K8sLeaderClusterService());
        return pod.routes(new RouteBuilder() {
            @Override
            public void configure() throws Exception {
                from("timer:tick?period=50&delay=0").routeId("tick")
                        .routePolicy(ClusteredRoutePolicy.forNamespace(getContext(), CamelPod.LEASE))
                        .process(e -> tick(name));
            }
        });
    }

    private void tick(String pod) {
        ticks.computeIfAbsent(pod, p -> new AtomicInteger()).incrementAndGet();
    }

    private int ticksOf(CamelPod pod) {
        AtomicInteger count = ticks.get(pod.name());
        return count == null ? 0 : count.get();
    }

    private static K8sLeaderClusterView view(CamelPod pod) throws Exception {
        return pod.context().hasService(K8sLeaderClusterService.class).getView(CamelPod.LEASE);
    }

    private static CamelPod leaderOf(List<CamelPod> among) throws Exception {
        for (CamelPod pod : among) {
            if (view(pod).getLocalMember().isLeader()) {
                return pod;
            }
        }
        return null;
    }

    @Test
    void aMasterEndpointConsumesInTheLeaderOnlyAndMovesOnWhenTheLeaderStops() throws Exception {
        List<CamelPod> all = List.of(masterPod("pod-a").start(), masterPod("pod-b").start());

        await().atMost(Pods.PATIENCE).until(() -> leaderOf(all) != null && ticksOf(leaderOf(all)) > 0);
        CamelPod leader = leaderOf(all);
        CamelPod follower = all.get(0) == leader ? all.get(1) : all.get(0);
        assertThat(ticksOf(follower)).isZero();
        assertThat(pods.lease().getSpec().getHolderIdentity()).isEqualTo(leader.name());

        leader.stop();

        await().atMost(Pods.PATIENCE).until(() -> ticksOf(follower) > 0);
        assertThat(pods.lease().getSpec().getHolderIdentity()).isEqualTo(follower.name());
    }

    @Test
    void aClusteredRoutePolicyRunsItsRouteInTheLeaderOnly() throws Exception {
        List<CamelPod> all = List.of(clusteredPolicyPod("pod-a").start(), clusteredPolicyPod("pod-b").start());

        await().atMost(Pods.PATIENCE).until(() -> leaderOf(all) != null && ticksOf(leaderOf(all)) > 0);
        CamelPod leader = leaderOf(all);
        CamelPod follower = all.get(0) == leader ? all.get(1) : all.get(0);
        assertThat(follower.routeStatus("tick").isStopped()).isTrue();
        assertThat(ticksOf(follower)).isZero();

        leader.stop();

        await().atMost(Pods.PATIENCE).until(() -> ticksOf(follower) > 0);
        assertThat(follower.routeStatus("tick").isStarted()).isTrue();
    }

    @Test
    void theViewListsTheLocalMemberAndTheLeader() throws Exception {
        CamelPod a = masterPod("pod-a").start();
        await().atMost(Pods.PATIENCE).until(() -> view(a).getLocalMember().isLeader());
        CamelPod b = masterPod("pod-b").start();
        await().atMost(Pods.PATIENCE).until(() -> view(b).getLeader().isPresent());

        K8sLeaderClusterView followerView = view(b);
        assertThat(followerView.getLocalMember().getId()).isEqualTo("pod-b");
        assertThat(followerView.getLocalMember().isLocal()).isTrue();
        assertThat(followerView.getLocalMember().isLeader()).isFalse();
        CamelClusterMember leader = followerView.getLeader().orElseThrow();
        assertThat(leader.getId()).isEqualTo("pod-a");
        assertThat(leader.isLocal()).isFalse();
        assertThat(followerView.getMembers()).extracting(CamelClusterMember::getId).containsExactly("pod-b", "pod-a");

        K8sLeaderClusterView leaderView = view(a);
        assertThat(leaderView.getLeader()).containsSame(leaderView.getLocalMember());
        // pod-b is a member of the group too (GroupMembershipTest), though it does not lead
        await().atMost(Pods.PATIENCE).until(() -> leaderView.getMembers().size() == 2);
        assertThat(leaderView.getMembers()).extracting(CamelClusterMember::getId).containsExactly("pod-a", "pod-b");
        CamelClusterService service = a.context().hasService(K8sLeaderClusterService.class);
        assertThat(service.isLeader(CamelPod.LEASE)).isTrue();
        assertThat(service.getNamespaces()).containsExactly(CamelPod.LEASE);
    }

    @Test
    void aClusterViewSharesTheElectorOfTheK8sLeaderConsumersOnItsLease() throws Exception {
        // the standard event route (k8s-leader:lease) and a master: route on the same Lease, in one pod
        CamelPod pod = pods.create("pod-a").withoutWorkRoute();
        pod.context().addService(new K8sLeaderClusterService());
        pod.routes(new RouteBuilder() {
            @Override
            public void configure() {
                from("master:" + CamelPod.LEASE + ":timer:tick?period=50&delay=0").routeId("tick")
                        .process(e -> tick("pod-a"));
            }
        }).start();

        await().atMost(Pods.PATIENCE).until(() -> ticksOf(pod) > 0);
        K8sLeaderConsumer consumer = (K8sLeaderConsumer) pod.context().getRoute(CamelPod.EVENTS_ROUTE).getConsumer();
        assertThat(view(pod).getElector()).isSameAs(consumer.elector());
        assertThat(pod.eventTypes()).containsExactly(LeadershipEventType.ELECTED);
    }

    @Test
    void theViewTellsItsListenersOfLeadershipChangesInOrder() throws Exception {
        CamelPod a = masterPod("pod-a").start();
        await().atMost(Pods.PATIENCE).until(() -> view(a).getLocalMember().isLeader());
        List<String> seen = new CopyOnWriteArrayList<>();
        view(a).addEventListener((org.apache.camel.cluster.CamelClusterEventListener.Leadership) (v, leader) -> seen
                .add(leader == null ? "none" : leader.getId() + (leader.isLocal() ? " (local)" : "")));
        CamelPod b = masterPod("pod-b").start();

        a.stop();

        await().atMost(Pods.PATIENCE).until(() -> view(b).getLocalMember().isLeader());
        // told at once who leads (the catch-up), then LOST (nobody known to lead: the Lease was released)
        assertThat(seen).containsExactly("pod-a (local)", "none");
    }

    @Test
    void camelMainAddsAClusterServiceBoundAsABean() throws Exception {
        List<String> ticked = new CopyOnWriteArrayList<>();
        Main main = new Main();
        try (KubernetesClient client = pods.api().newClient("main-pod")) {
            main.bind("kubernetesClient", client);
            // Camel Main adds the CamelClusterService beans it finds in the registry as services (beans bound before
            // it configures the context: main.bind, Spring, CDI; not camel.beans.* properties, bound later)
            K8sLeaderClusterService service = new K8sLeaderClusterService();
            service.getConfiguration().setIdentity("main-pod");
            main.bind("leaderClusterService", service);
            main.addInitialProperty("camel.component.k8s-leader.lease-duration", "3s");
            main.addInitialProperty("camel.component.k8s-leader.renew-deadline", "2s");
            main.addInitialProperty("camel.component.k8s-leader.retry-period", "500ms");
            main.addInitialProperty("camel.component.k8s-leader.renewal-interval", "500ms");
            main.configure().addRoutesBuilder(new RouteBuilder() {
                @Override
                public void configure() {
                    from("master:main-lease:timer:tick?period=50&delay=0").process(e -> ticked.add("tick"));
                }
            });
            main.start();
            try {
                assertThat(ClusterServiceHelper.lookupService(main.getCamelContext()))
                        .containsInstanceOf(K8sLeaderClusterService.class);
                await().atMost(Pods.PATIENCE).until(() -> !ticked.isEmpty());
                var lease = pods.api().admin().leases().inNamespace(MockApiServer.NAMESPACE).withName("main-lease")
                        .get();
                assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("main-pod");
                assertThat(lease.getSpec().getLeaseDurationSeconds()).isEqualTo(3);
            } finally {
                main.stop();
            }
        }
    }
}
