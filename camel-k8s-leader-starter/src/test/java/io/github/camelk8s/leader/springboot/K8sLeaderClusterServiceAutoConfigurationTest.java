package io.github.camelk8s.leader.springboot;

import java.util.concurrent.atomic.AtomicInteger;

import io.github.camelk8s.leader.cluster.K8sLeaderClusterService;
import io.github.camelk8s.leader.testsupport.MockApiServer;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.cluster.CamelClusterService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code camel.cluster.k8s-leader.enabled=true} in a Spring Boot application: one configured
 * {@link K8sLeaderClusterService}, on which {@code master:} runs with no code; none without it.
 */
class K8sLeaderClusterServiceAutoConfigurationTest {

    @RegisterExtension
    final StarterApplications applications = new StarterApplications();
    private final MockApiServer api = applications.api();
    private final AtomicInteger ticks = new AtomicInteger();

    /** An application with a master: route on the Lease "orders". */
    private ApplicationContextRunner application(String... properties) {
        return applications.application("camel.component.k8s-leader.identity=spring-pod")
                .withBean("tickRoute", RouteBuilder.class, () -> new RouteBuilder() {
                    @Override
                    public void configure() {
                        from("master:orders:timer:tick?period=50&delay=0").routeId("tick")
                                .process(e -> ticks.incrementAndGet());
                    }
                })
                .withPropertyValues(properties);
    }

    @Test
    void enabledRegistersOneConfiguredClusterServiceAndMasterRunsOnIt() {
        application("camel.cluster.k8s-leader.enabled=true", "camel.cluster.k8s-leader.id=orders-cluster",
                "camel.cluster.k8s-leader.order=5", "camel.cluster.k8s-leader.lease-duration=4s",
                "camel.cluster.k8s-leader.renew-deadline=3s", "camel.cluster.k8s-leader.attributes.zone=a",
                "camel.cluster.k8s-leader.group=orders-app", "camel.cluster.k8s-leader.rebalancing=true")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(CamelClusterService.class);
                    K8sLeaderClusterService service = context.getBean(K8sLeaderClusterService.class);
                    assertThat(service.getId()).isEqualTo("orders-cluster");
                    assertThat(service.getOrder()).isEqualTo(5);
                    assertThat(service.getAttributes()).containsEntry("zone", "a");
                    assertThat(service.getGroup()).isEqualTo("orders-app");
                    assertThat(service.isRebalancing()).isTrue();
                    assertThat(service.getConfiguration().getLeaseDuration()).isEqualTo("4s");
                    assertThat(service.getConfiguration().getRenewDeadline()).isEqualTo("3s");
                    // the bean is the CamelContext's one service: the plugin that reads camel.cluster.k8s-leader.*
                    // for Camel Main sees it and adds none
                    assertThat(context.getBean(CamelContext.class).hasServices(K8sLeaderClusterService.class))
                            .containsExactly(service);

                    await().atMost(StarterApplications.PATIENCE).until(() -> ticks.get() > 0);
                    assertThat(api.lease("orders").getSpec().getHolderIdentity()).isEqualTo("spring-pod");
                    assertThat(api.lease("orders").getSpec().getLeaseDurationSeconds()).isEqualTo(4);
                });
    }

    @Test
    void anOptionNotSetOnTheServiceIsTheComponents() {
        application("camel.cluster.k8s-leader.enabled=true", "camel.component.k8s-leader.lease-duration=5s",
                "camel.component.k8s-leader.renew-deadline=4s").run(context -> {
                    assertThat(context.getBean(K8sLeaderClusterService.class).getConfiguration().getLeaseDuration())
                            .isNull();
                    await().atMost(StarterApplications.PATIENCE).until(() -> ticks.get() > 0);
                    assertThat(api.lease("orders").getSpec().getLeaseDurationSeconds()).isEqualTo(5);
                });
    }

    @Test
    void offByDefault() {
        // without a cluster service, master: cannot resolve its endpoint, and the application does not start
        application().run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasStackTraceContaining("No cluster service found");
        });
    }

    @Test
    void aBadValueFailsTheStartNamingTheOptionAndItsValue() {
        application("camel.cluster.k8s-leader.enabled=true", "camel.cluster.k8s-leader.lease-duration=-5s")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).hasStackTraceContaining("leaseDuration=-5s");
                });
    }
}
