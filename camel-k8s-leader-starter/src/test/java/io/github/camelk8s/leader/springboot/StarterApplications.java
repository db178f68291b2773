package io.github.camelk8s.leader.springboot;

import java.time.Duration;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.camelk8s.leader.testsupport.MockApiServer;
import org.apache.camel.spring.boot.CamelAutoConfiguration;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Spring Boot applications with Camel and this starter on one mock API server, the pod "spring-pod": the server
 * lives for one test ({@code @RegisterExtension final StarterApplications applications = ...}).
 */
final class StarterApplications implements AfterEachCallback {

    /** How long a test waits for something the election does within a few seconds. */
    static final Duration PATIENCE = Duration.ofSeconds(15);

    private final MockApiServer api = new MockApiServer();

    MockApiServer api() {
        return api;
    }

    /** An application with Camel, the starter, a KubernetesClient bean for the mock, and {@code properties}. */
    ApplicationContextRunner application(String... properties) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(CamelAutoConfiguration.class,
                        K8sLeaderComponentAutoConfiguration.class, K8sLeaderClusterServiceAutoConfiguration.class))
                .withBean(KubernetesClient.class, () -> api.newClient("spring-pod"))
                .withPropertyValues("spring.main.banner-mode=off", "camel.main.name=spring-pod")
                .withPropertyValues(properties);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        api.close();
    }
}
