package io.github.camelk8s.leader.benchmarks;

import java.util.Map;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.camelk8s.leader.testsupport.Timings;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kubernetes.KubernetesConfiguration;
import org.apache.camel.component.kubernetes.cluster.KubernetesClusterService;
import org.apache.camel.impl.cluster.ClusteredRoutePolicy;

/**
 * Camel 4.18's own Kubernetes leader election: a {@link KubernetesClusterService} (Lease type) and a
 * {@link ClusteredRoutePolicy} on the leader-only route. It counts a holder as alive while a Pod of that name is
 * Running and Ready with the clusterLabels, so each candidate gets such a Pod object in the mock; a stopped or
 * crashed candidate's Pod is deleted, as the kubelet would end it. It never releases the Lease, and a new leader
 * waits a full leaseDuration before its routes start. It closes the client it was given when it stops.
 */
final class CamelClusterCandidate extends BenchmarkCandidate {

    static final Map<String, String> LABELS = Map.of("app", "benchmark");

    CamelClusterCandidate(Setup setup, String identity) throws Exception {
        super(setup, identity);
        KubernetesClusterService cluster = clusterService(client, setup.namespace(), identity, setup.timings());
        context.addService(cluster);
        ClusteredRoutePolicy policy = ClusteredRoutePolicy.forNamespace(cluster, setup.lease());
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                workRoute(this).routePolicy(policy);
            }
        });
        createReadyPod(setup.api().admin(), setup.namespace(), identity);
    }

    /**
     * Camel's KubernetesClusterService (Lease type) for the pod {@code podName}, on its own client, with the
     * timings; its members are the Ready Pods labelled {@link #LABELS}.
     */
    static KubernetesClusterService clusterService(KubernetesClient client, String namespace, String podName,
                                                   Timings t) {
        KubernetesConfiguration configuration = new KubernetesConfiguration();
        configuration.setKubernetesClient(client);
        KubernetesClusterService cluster = new KubernetesClusterService(configuration);
        cluster.setKubernetesNamespace(namespace);
        cluster.setPodName(podName);
        cluster.setClusterLabels(LABELS);
        cluster.setKubernetesResourceName("camel");
        cluster.setLeaseDurationMillis(t.leaseDuration().toMillis());
        cluster.setRenewDeadlineMillis(t.renewDeadline().toMillis());
        cluster.setRetryPeriodMillis(t.retryPeriod().toMillis());
        return cluster;
    }

    /**
     * The Pod object Camel's KubernetesClusterService needs before it counts a candidate as a cluster member:
     * Running, Ready, and labelled with its clusterLabels. (The mock has no kubelet; we play its part.)
     */
    static void createReadyPod(KubernetesClient admin, String namespace, String name) {
        Pod pod = new PodBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).withLabels(LABELS).endMetadata()
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
    static void deletePod(KubernetesClient admin, String namespace, String name) {
        admin.pods().inNamespace(namespace).withName(name).delete();
    }

    private void deletePod() {
        deletePod(setup.api().admin(), setup.namespace(), identity);
    }

    @Override
    void stopGracefully() {
        pod.stop();
        deletePod();
        pod.close();
    }

    @Override
    void crash() {
        super.crash();
        deletePod();
    }

    /** It polls (GET Lease + LIST Pods) every retryPeriod × [1, 1.2]. */
    @Override
    boolean settled() {
        return pollerSettled(1.2);
    }
}
