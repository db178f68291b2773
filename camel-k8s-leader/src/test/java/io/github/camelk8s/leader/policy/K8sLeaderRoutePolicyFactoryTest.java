package io.github.camelk8s.leader.policy;

import java.time.Duration;
import java.util.List;

import io.github.camelk8s.leader.election.LeaderElectionConfig;
import io.github.camelk8s.leader.pods.CamelPod;
import io.github.camelk8s.leader.pods.Pods;
import io.github.camelk8s.leader.policy.K8sLeaderRoutePolicy;
import io.github.camelk8s.leader.policy.K8sLeaderRoutePolicyFactory;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.github.camelk8s.leader.LeadershipEventType.ELECTED;
import static io.github.camelk8s.leader.LeadershipEventType.NEW_LEADER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@link K8sLeaderRoutePolicyFactory}: leader-only routes by id pattern, never the event routes. */
class K8sLeaderRoutePolicyFactoryTest {

    @RegisterExtension
    final Pods pods = new Pods();

    @Test
    void onlyRoutesMatchingThePatternBecomeLeaderOnly() {
        List<CamelPod> all = List.of(podWithFactory("pod-a", "import-.*"), podWithFactory("pod-b", "import-.*"));
        CamelPod leader = awaitElected(all);
        CamelPod follower = all.get(0) == leader ? all.get(1) : all.get(0);

        await().atMost(Pods.PATIENCE).untilAsserted(() -> {
            assertThat(leader.routeStatus("import-a")).isEqualTo(ServiceStatus.Started);
            assertThat(follower.routeStatus("import-a")).isEqualTo(ServiceStatus.Stopped);
            assertThat(follower.routeStatus("other")).isEqualTo(ServiceStatus.Started);
            assertThat(leader.routeStatus("other")).isEqualTo(ServiceStatus.Started);
        });
        assertThat(policiesOf(follower, "import-a")).hasOnlyElementsOfType(K8sLeaderRoutePolicy.class).hasSize(1);
        assertThat(policiesOf(follower, "other")).isEmpty();
    }

    @Test
    void eventRoutesAreNeverMadeLeaderOnly() {
        List<CamelPod> all = List.of(podWithFactory("pod-a", null), podWithFactory("pod-b", null));
        CamelPod leader = awaitElected(all);
        CamelPod follower = all.get(0) == leader ? all.get(1) : all.get(0);

        await().atMost(Pods.PATIENCE).until(() -> follower.firstEvent(NEW_LEADER).isPresent());
        assertThat(follower.routeStatus(CamelPod.EVENTS_ROUTE)).isEqualTo(ServiceStatus.Started);
        assertThat(policiesOf(follower, CamelPod.EVENTS_ROUTE)).isEmpty();
        assertThat(follower.routeStatus("other")).isEqualTo(ServiceStatus.Stopped);
        assertThat(follower.routeStatus("import-a")).isEqualTo(ServiceStatus.Stopped);
    }

    @Test
    void eachRouteGetsItsOwnPolicyWithTheTemplatesOptions() {
        K8sLeaderRoutePolicy template = new K8sLeaderRoutePolicy(CamelPod.LEASE);
        template.setLeaseDuration(Duration.ofSeconds(7));
        template.setRenewDeadline(Duration.ofSeconds(5));
        template.setReleaseOnStop(false);
        K8sLeaderRoutePolicyFactory factory = new K8sLeaderRoutePolicyFactory(template);

        K8sLeaderRoutePolicy first = (K8sLeaderRoutePolicy) factory.createRoutePolicy(null, "a", null);
        K8sLeaderRoutePolicy second = (K8sLeaderRoutePolicy) factory.createRoutePolicy(null, "b", null);

        assertThat(first).isNotSameAs(second).isNotSameAs(template);
        for (K8sLeaderRoutePolicy policy : List.of(first, second)) {
            assertThat(policy.getLeaseName()).isEqualTo(CamelPod.LEASE);
            assertThat(policy.getConfiguration()).isNotSameAs(template.getConfiguration());
            LeaderElectionConfig election = policy.getConfiguration().toElectionConfig(CamelPod.LEASE, "ns", "pod-a");
            assertThat(election.leaseDuration()).isEqualTo(Duration.ofSeconds(7));
            assertThat(election.renewDeadline()).isEqualTo(Duration.ofSeconds(5));
            assertThat(election.releaseOnStop()).isFalse();
        }
    }

    private CamelPod podWithFactory(String name, String routeIdPattern) {
        K8sLeaderRoutePolicyFactory factory = new K8sLeaderRoutePolicyFactory(CamelPod.LEASE);
        factory.setRouteIdPattern(routeIdPattern);
        CamelPod pod = pods.create(name).withoutStandardRoutes();
        pod.context().addRoutePolicyFactory(factory);
        pod.routes(new RouteBuilder() {
            @Override
            public void configure() {
                from("k8s-leader:" + CamelPod.LEASE).routeId(CamelPod.EVENTS_ROUTE)
                        .process(pod.eventRecorder());
                from("timer:import?period=100&delay=0").routeId("import-a").log("import");
                from("timer:other?period=100&delay=0").routeId("other").log("other");
            }
        });
        return pod.start();
    }

    private static CamelPod awaitElected(List<CamelPod> all) {
        return await().atMost(Pods.PATIENCE)
                .until(() -> all.stream().filter(p -> p.firstEvent(ELECTED).isPresent()).toList(),
                        elected -> elected.size() == 1)
                .get(0);
    }

    private static List<Object> policiesOf(CamelPod pod, String routeId) {
        return List.copyOf(pod.context().getRoute(routeId).getRoutePolicyList());
    }
}
