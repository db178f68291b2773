package io.github.camelk8s.leader.cluster;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.camelk8s.leader.pods.Pods;
import io.github.camelk8s.leader.testsupport.MockApiServer;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code camel.cluster.k8s-leader.*} in Camel Main: {@code enabled=true} registers one configured
 * {@link K8sLeaderClusterService} with no code ({@link K8sLeaderClusterServicePlugin}), and a bad property fails the
 * start, naming the property and its value as written.
 */
class ClusterServicePropertiesTest {

    @RegisterExtension
    final Pods pods = new Pods();

    private final AtomicInteger ticks = new AtomicInteger();
    private KubernetesClient client;
    private Main main;

    /** Camel Main with {@code properties}, a client for the mock API server and a master: route on Lease "orders". */
    private Main main(Map<String, String> properties) {
        client = pods.api().newClient("main-pod");
        main = new Main();
        main.bind("kubernetesClient", client);
        main.addInitialProperty("camel.component.k8s-leader.identity", "main-pod");
        properties.forEach(main::addInitialProperty);
        main.configure().addRoutesBuilder(new RouteBuilder() {
            @Override
            public void configure() {
                from("master:orders:timer:tick?period=50&delay=0").routeId("tick").process(e -> ticks.incrementAndGet());
            }
        });
        return main;
    }

    @AfterEach
    void stop() {
        if (main != null) {
            main.stop();
        }
        if (client != null) {
            client.close();
        }
    }

    private List<K8sLeaderClusterService> services() {
        return main.getCamelContext().hasServices(K8sLeaderClusterService.class).stream().toList();
    }

    @Test
    void enabledRegistersOneClusterServiceWithTheGivenOptions() {
        main(Map.of(
                "camel.cluster.k8s-leader.enabled", "true",
                "camel.cluster.k8s-leader.id", "orders-cluster",
                "camel.cluster.k8s-leader.order", "5",
                "camel.cluster.k8s-leader.group", "orders-app",
                "camel.cluster.k8s-leader.rebalancing", "true",
                "camel.cluster.k8s-leader.namespace", MockApiServer.NAMESPACE,
                "camel.cluster.k8s-leader.lease-duration", "4s",
                "camel.cluster.k8s-leader.renewDeadline", "3s")).start();

        assertThat(services()).singleElement().satisfies(service -> {
            assertThat(service.getId()).isEqualTo("orders-cluster");
            assertThat(service.getOrder()).isEqualTo(5);
            assertThat(service.getGroup()).isEqualTo("orders-app");
            assertThat(service.isRebalancing()).isTrue();
            assertThat(service.getConfiguration().getLeaseDuration()).isEqualTo("4s");
            assertThat(service.getConfiguration().getRenewDeadline()).isEqualTo("3s");
        });
        await().atMost(Pods.PATIENCE).until(() -> ticks.get() > 0);
        Lease lease = pods.api().lease("orders");
        assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("main-pod");
        assertThat(lease.getSpec().getLeaseDurationSeconds()).isEqualTo(4);
        await().atMost(Pods.PATIENCE).until(() -> pods.api().lease("orders-app-member-0") != null
                                                   && "main-pod".equals(pods.api().lease("orders-app-member-0")
                                                           .getSpec().getHolderIdentity()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notEnabled")
    void noClusterServiceUnlessEnabled(String why, Map<String, String> properties) {
        main(properties);
        // master: needs a cluster service: without one the route cannot start
        assertThatThrownBy(() -> main.start()).hasStackTraceContaining("No cluster service found");
        assertThat(services()).isEmpty();
    }

    static Stream<Arguments> notEnabled() {
        return Stream.of(
                Arguments.of("no enabled property", Map.of("camel.cluster.k8s-leader.lease-duration", "4s")),
                Arguments.of("enabled=false", Map.of("camel.cluster.k8s-leader.enabled", "false")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badProperties")
    void aBadPropertyFailsTheStartNamingItAndItsValue(String property, String value, String message) {
        Map<String, String> properties = new HashMap<>(Map.of("camel.cluster.k8s-leader.enabled", "true"));
        properties.put("camel.cluster.k8s-leader." + property, value);
        main(properties);

        assertThatThrownBy(() -> main.start()).hasStackTraceContaining(message);
    }

    static Stream<Arguments> badProperties() {
        return Stream.of(
                Arguments.of("lease-duraton", "4s", "camel.cluster.k8s-leader.lease-duraton=4s: no such option"),
                Arguments.of("enabled", "yes", "camel.cluster.k8s-leader.enabled=yes: must be true or false"),
                Arguments.of("order", "first", "camel.cluster.k8s-leader.order=first"),
                Arguments.of("logging-level", "LOUD", "camel.cluster.k8s-leader.logging-level=LOUD"),
                Arguments.of("lease-duration", "-5s", "leaseDuration=-5s"),
                Arguments.of("renew-deadline", "20s", "renewDeadline=20s"),
                Arguments.of("group", "Orders", "group=Orders"),
                Arguments.of("rebalancing", "yes", "camel.cluster.k8s-leader.rebalancing=yes: must be true or false"));
    }

    @Test
    void aClusterServiceAlreadyBoundIsKept() {
        K8sLeaderClusterService own = new K8sLeaderClusterService();
        own.setId("own");
        main(Map.of("camel.cluster.k8s-leader.enabled", "true")).bind("ownClusterService", own);
        main.start();

        await().atMost(Pods.PATIENCE).until(() -> ticks.get() > 0);
        assertThat(main.getCamelContext().getRegistry().findByType(K8sLeaderClusterService.class))
                .containsExactly(own);
        assertThat(services()).allMatch(service -> service == own);
    }
}
