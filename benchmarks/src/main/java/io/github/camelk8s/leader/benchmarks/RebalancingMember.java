package io.github.camelk8s.leader.benchmarks;

import java.util.List;

import io.github.camelk8s.leader.cluster.K8sLeaderClusterService;
import io.github.camelk8s.leader.testsupport.Pod;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.component.kubernetes.cluster.KubernetesClusterService;
import org.apache.camel.impl.cluster.ClusteredRoutePolicy;
import org.apache.camel.support.cluster.RebalancingCamelClusterService;

/**
 * One member of a group that spreads Leases over its members: a {@link Pod} (a CamelContext with its own client
 * and identity) with one route per Lease, {@code direct:<lease>}, under {@link ClusteredRoutePolicy#forNamespace}
 * of the implementation's cluster service, the only one in the context. The route of a Lease is started in the
 * pod that leads it and stopped elsewhere; the pod records when each route starts and stops
 * ({@link Pod#routeChanges()}), which is what the scenario reads as "this member leads this Lease". A
 * {@code direct:} route creates no threads and processes nothing, so a thousand of them cost the election alone.
 */
abstract class RebalancingMember {

    final RebalancingGroup group;
    final Pod pod;
    /** When the member crashed (its routes count as gone from then on), by System.nanoTime(); 0 if it did not. */
    volatile long crashedNanos;

    RebalancingMember(RebalancingGroup group, String identity) {
        this.group = group;
        this.pod = BenchmarkCandidate.pod(group.api, group.namespace, identity);
        // a new client's first answer builds its deserializer (it scans the classpath), on the event loop that
        // every member's client shares: not while another member's move is timed
        pod.client().leases().inNamespace(group.namespace).list();
    }

    /** The routes, one per Lease, each under the cluster service's policy for that Lease. */
    final void addRoutes(CamelClusterService cluster, List<String> leases) {
        pod.routes(new RouteBuilder() {
            @Override
            public void configure() throws Exception {
                for (String lease : leases) {
                    from("direct:" + lease).routeId(lease)
                            .routePolicy(ClusteredRoutePolicy.forNamespace(cluster, lease))
                            .setBody(constant(lease));
                }
            }
        });
    }

    /** The pod starts: its CamelContext starts, and with it the cluster service. */
    void start() {
        pod.start();
    }

    /** A graceful stop, as in a rolling update: the CamelContext stops. */
    void stop() {
        pod.close();
    }

    /** The process dies: its client closes first (no renewal, no release), its routes stop in the background. */
    void crash() {
        crashedNanos = System.nanoTime();
        pod.kill();
    }

    void closeQuietly() {
        try {
            pod.close();
        } catch (RuntimeException e) {
            // best effort
        }
    }

    /** The member's identity, its pod's name. */
    String identity() {
        return pod.name();
    }

    @Override
    public String toString() {
        return identity();
    }

    /**
     * This component: {@code K8sLeaderClusterService} with rebalancing, in the group of the scenario. The pod
     * joins the group once its CamelContext has started and leaves it as the context begins to stop.
     */
    static final class Ours extends RebalancingMember {

        Ours(RebalancingGroup group, String identity) throws Exception {
            super(group, identity);
            K8sLeaderClusterService cluster = new K8sLeaderClusterService();
            K8sLeaderCandidate.configure(cluster.getConfiguration(), pod.client(), group.namespace, identity,
                    group.timings);
            cluster.setGroup(RebalancingGroup.GROUP);
            cluster.setRebalancing(true);
            pod.context().addService(cluster);
            addRoutes(cluster, group.leases);
        }
    }

    /**
     * Camel 4.18: {@link RebalancingCamelClusterService} over camel-kubernetes' {@link KubernetesClusterService}
     * (Lease type), reconciling every retryPeriod; only the rebalancing service is added to the context (it starts
     * its delegate). Its members are the Pods that are Running and Ready with the cluster labels, so the member's
     * Pod object is created once its context has started (as a readiness probe would pass then) and deleted when
     * it stops or crashes (the mock has no kubelet). Camel never releases a Lease: a Lease given up by rebalancing
     * is held until it expires, and a stopped member's Leases are taken once its Pod is gone, a full leaseDuration
     * before its routes start (BECOMING_LEADER).
     */
    static final class Camel extends RebalancingMember {

        Camel(RebalancingGroup group, String identity) throws Exception {
            super(group, identity);
            KubernetesClusterService kubernetes = CamelClusterCandidate.clusterService(pod.client(),
                    group.namespace, identity, group.timings);
            RebalancingCamelClusterService cluster
                    = new RebalancingCamelClusterService(kubernetes, group.timings.retryPeriod().toMillis());
            pod.context().addService(cluster);
            addRoutes(cluster, group.leases);
        }

        @Override
        void start() {
            super.start();
            CamelClusterCandidate.createReadyPod(group.api.admin(), group.namespace, identity());
        }

        @Override
        void stop() {
            try {
                pod.stop();
            } finally {
                CamelClusterCandidate.deletePod(group.api.admin(), group.namespace, identity());
                pod.close();
            }
        }

        @Override
        void crash() {
            super.crash();
            CamelClusterCandidate.deletePod(group.api.admin(), group.namespace, identity());
        }
    }
}
