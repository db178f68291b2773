package io.github.camelk8s.leader.springboot;

import java.time.Duration;
import java.util.function.Function;
import java.util.stream.Stream;

import io.github.camelk8s.leader.K8sLeaderComponent;
import io.github.camelk8s.leader.K8sLeaderConfiguration;
import io.github.camelk8s.leader.K8sLeaderConstants;
import io.github.camelk8s.leader.election.LeaderElectionConfig;
import io.github.camelk8s.leader.testsupport.MockApiServer;
import org.apache.camel.CamelContext;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spring.boot.CamelAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code camel.component.k8s-leader.*} in a Spring Boot application reaches the component, or fails the start. */
class K8sLeaderComponentAutoConfigurationTest {

    @RegisterExtension
    final StarterApplications applications = new StarterApplications();
    private final MockApiServer api = applications.api();

    private ApplicationContextRunner application(String... properties) {
        return applications.application(properties);
    }

    /** As {@link #application}, with a route on the Lease "orders", so that the component is created at start. */
    private ApplicationContextRunner applicationWithRoute(String... properties) {
        return application(properties).withBean("ordersRoute", RouteBuilder.class, () -> new RouteBuilder() {
            @Override
            public void configure() {
                from("k8s-leader:orders").routeId("orders").log("${header.CamelK8sLeaderEvent}");
            }
        });
    }

    private static K8sLeaderComponent component(AssertableApplicationContext context) {
        return context.getBean(CamelContext.class).getComponent(K8sLeaderConstants.SCHEME, K8sLeaderComponent.class);
    }

    private static K8sLeaderConfiguration options(AssertableApplicationContext context) {
        return component(context).getConfiguration();
    }

    @Test
    void leaseDurationAndNamespaceFromPropertiesReachTheComponent() {
        // renewDeadline must stay below leaseDuration: 7s with the default 10s would not start (see below)
        application("camel.component.k8s-leader.lease-duration=7s", "camel.component.k8s-leader.renew-deadline=5s",
                "camel.component.k8s-leader.namespace=orders").run(context -> {
                    assertThat(context).hasNotFailed();
                    LeaderElectionConfig election = options(context).toElectionConfig("orders", "orders", "pod");
                    assertThat(election.leaseDuration()).isEqualTo(Duration.ofSeconds(7));
                    assertThat(options(context).getNamespace()).isEqualTo("orders");
                });
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("everyOption")
    void everyOptionReachesTheComponent(String property, String value, Function<K8sLeaderComponent, Object> read,
                                        Object expected) {
        application("camel.component.k8s-leader." + property + "=" + value).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(read.apply(component(context))).isEqualTo(expected);
        });
    }

    static Stream<Arguments> everyOption() {
        return Stream.of(
                option("lease-duration", "20s", c -> c.getConfiguration().getLeaseDuration(), "20s"),
                option("renew-deadline", "5s", c -> c.getConfiguration().getRenewDeadline(), "5s"),
                option("retry-period", "500ms", c -> c.getConfiguration().getRetryPeriod(), "500ms"),
                option("renewal-interval", "1s", c -> c.getConfiguration().getRenewalInterval(), "1s"),
                option("namespace", "orders", c -> c.getConfiguration().getNamespace(), "orders"),
                option("identity", "pod-7", c -> c.getConfiguration().getIdentity(), "pod-7"),
                option("logging-level", "DEBUG", c -> c.getConfiguration().getLoggingLevel(), LoggingLevel.DEBUG),
                option("await-leadership", "true", c -> c.getConfiguration().getAwaitLeadership(), true),
                option("await-leadership-timeout", "1m", c -> c.getConfiguration().getAwaitLeadershipTimeout(),
                        "1m"),
                option("release-on-stop", "false", c -> c.getConfiguration().getReleaseOnStop(), false),
                option("record-events", "false", c -> c.getConfiguration().getRecordEvents(), false),
                option("bridge-error-handler", "true", K8sLeaderComponent::isBridgeErrorHandler, true),
                option("lazy-start-producer", "true", K8sLeaderComponent::isLazyStartProducer, true),
                option("autowired-enabled", "false", K8sLeaderComponent::isAutowiredEnabled, false));
    }

    private static Arguments option(String property, String value, Function<K8sLeaderComponent, Object> read,
                                    Object expected) {
        return Arguments.of(property, value, read, expected);
    }

    @ParameterizedTest(name = "lease-duration={0}")
    @MethodSource("sevenSeconds")
    void durationsInCamelsAndSpringsFormsAreRead(String written) {
        application("camel.component.k8s-leader.lease-duration=" + written,
                "camel.component.k8s-leader.renew-deadline=5s").run(context -> assertThat(
                options(context).toElectionConfig("orders", "orders", "pod").leaseDuration())
                .isEqualTo(Duration.ofSeconds(7)));
    }

    static Stream<String> sevenSeconds() {
        return Stream.of("7s", "PT7S", "7000", "7000ms", "0m7s");
    }

    /** Why the starter exists: Camel Spring Boot binds component properties only through a starter. */
    @Test
    void withoutTheStarterCamelSpringBootIgnoresTheProperties() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(CamelAutoConfiguration.class))
                .withPropertyValues("spring.main.banner-mode=off", "camel.component.k8s-leader.lease-duration=7s",
                        "camel.component.k8s-leader.namespace=orders")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(options(context).getLeaseDuration()).isNull();
                    assertThat(options(context).getNamespace()).isNull();
                });
    }

    @Test
    void enabledFalseLeavesTheComponentAlone() {
        application("camel.component.k8s-leader.enabled=false", "camel.component.k8s-leader.lease-duration=7s")
                .run(context -> {
                    assertThat(context).doesNotHaveBean(K8sLeaderComponentConfiguration.class);
                    assertThat(options(context).getLeaseDuration()).isNull();
                });
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("badValues")
    void aBadValueFailsTheStartNamingTheOptionAndItsValue(String property, String value, String message) {
        applicationWithRoute("camel.component.k8s-leader." + property + "=" + value).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasStackTraceContaining(message);
        });
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of("lease-duration", "-5s", "leaseDuration=-5s"),
                Arguments.of("lease-duration", "5sx", "leaseDuration=5sx"),
                Arguments.of("renew-deadline", "20s", "renewDeadline=20s"),
                // the issue's own example: 7s is below the default renewDeadline of 10s
                Arguments.of("lease-duration", "7s",
                        "renewDeadline=10000ms (the default): must be less than leaseDuration (7s)"),
                Arguments.of("await-leadership-timeout", "-1s", "awaitLeadershipTimeout=-1s"),
                // Spring binds the enum itself, and says which property and value it could not bind
                Arguments.of("logging-level", "LOUD", "camel.component.k8s-leader.logging-level"));
    }

    @Test
    void theKubernetesClientBeanIsTheComponents() {
        applicationWithRoute("camel.component.k8s-leader.identity=spring-pod").run(context -> {
            assertThat(context).hasNotFailed();
            await().atMost(StarterApplications.PATIENCE).until(() -> api.lease("orders") != null);
            assertThat(api.lease("orders").getSpec().getHolderIdentity()).isEqualTo("spring-pod");
            assertThat(api.counts().requestCount("spring-pod")).isPositive();
        });
    }
}
