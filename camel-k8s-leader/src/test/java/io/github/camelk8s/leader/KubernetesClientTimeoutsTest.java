package io.github.camelk8s.leader;

import java.time.Duration;

import java.util.List;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.github.camelk8s.leader.pods.CamelPod;
import io.github.camelk8s.leader.pods.LogCapture;
import io.github.camelk8s.leader.pods.Pods;
import io.github.camelk8s.leader.testsupport.MockApiServer;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A request to the API server must be able to fail well within renewDeadline: the client the component builds for
 * itself is made so, and a client the application gives it that is not is logged.
 */
class KubernetesClientTimeoutsTest {

    @RegisterExtension
    final Pods pods = new Pods();

    @ParameterizedTest(name = "renewDeadline {0} ms: request timeout {1} ms")
    @CsvSource({ "9000, 3000", "10000, 3333", "30000, 5000" })
    void ownClientTimesOutRequestsWellBeforeRenewDeadlineAndDoesNotRetry(long renewDeadline, int requestTimeout) {
        K8sLeaderComponent component = new K8sLeaderComponent();
        component.getConfiguration().setRenewDeadline(Duration.ofMillis(renewDeadline));

        try (KubernetesClient client = component.defaultClient()) {
            Config config = client.getConfiguration();
            assertThat(config.getRequestTimeout()).isEqualTo(requestTimeout);
            assertThat(config.getRequestRetryBackoffLimit()).isZero();
            assertThat(config.getMasterUrl()).as("auto-configured")
                    .isEqualTo(Config.autoConfigure(null).getMasterUrl());
        }
    }

    @Test
    void clientWhoseRequestTimeoutIsNotBelowRenewDeadlineIsWarnedAboutOnce() {
        try (LogCapture log = LogCapture.open(); KubernetesClient slow = client(5_000, 3)) {
            runWithTwoLeases(slow);

            List<LogCapture.Line> warnings = log.warningsAbout("requestTimeout");
            assertThat(warnings).singleElement().satisfies(line -> assertThat(line.message())
                    .contains("requestTimeout=5000ms").contains("renewDeadline=2000ms").contains("3 retries"));
        }
    }

    @Test
    void clientWhoseRequestTimeoutIsWellBelowRenewDeadlineIsNotWarnedAbout() {
        try (LogCapture log = LogCapture.open(); KubernetesClient quick = client(500, 0)) {
            runWithTwoLeases(quick);

            assertThat(log.warningsAbout("requestTimeout")).isEmpty();
        }
    }

    /** Runs a pod whose component uses the client, with a consumer on each of two Leases (renewDeadline 2s). */
    private void runWithTwoLeases(KubernetesClient client) {
        CamelPod pod = pods.create("pod-a").withoutStandardRoutes()
                .component(c -> c.getConfiguration().setKubernetesClient(client));
        pod.routes(new RouteBuilder() {
            @Override
            public void configure() {
                from("k8s-leader:first").routeId("first").process(pod.eventRecorder());
                from("k8s-leader:second").routeId("second").process(pod.eventRecorder());
            }
        }).start();
        await().atMost(Pods.PATIENCE).until(() -> pod.eventTypes().size() >= 2);
        pod.stop();
    }

    private KubernetesClient client(int requestTimeout, int retries) {
        return new KubernetesClientBuilder().withConfig(new ConfigBuilder(Config.empty())
                .withMasterUrl(pods.api().url())
                .withNamespace(MockApiServer.NAMESPACE)
                .withRequestTimeout(requestTimeout)
                .withRequestRetryBackoffLimit(retries)
                .build()).build();
    }
}
