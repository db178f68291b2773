package io.github.camelk8s.leader;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.camelk8s.leader.election.LeaderElectionConfig;
import io.github.camelk8s.leader.pods.Pods;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Component options set as camel-main properties reach the election. */
class CamelMainTest {

    @RegisterExtension
    final Pods pods = new Pods();

    @Test
    void componentOptionsFromCamelMainPropertiesDriveTheElection() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        Main main = new Main();
        try (KubernetesClient client = pods.api().newClient("main-pod")) {
            main.bind("kubernetesClient", client);
            main.addInitialProperty("camel.component.k8s-leader.namespace", "camel-main");
            main.addInitialProperty("camel.component.k8s-leader.identity", "main-pod");
            main.addInitialProperty("camel.component.k8s-leader.lease-duration", "3s");
            main.addInitialProperty("camel.component.k8s-leader.renew-deadline", "2s");
            main.addInitialProperty("camel.component.k8s-leader.retry-period", "500ms");
            main.addInitialProperty("camel.component.k8s-leader.renewal-interval", "500");
            main.configure().addRoutesBuilder(new RouteBuilder() {
                @Override
                public void configure() {
                    from("k8s-leader:main-lease").process(e -> events.add(e.getMessage()
                            .getHeader(K8sLeaderConstants.EVENT, String.class)));
                }
            });
            main.start();
            try {
                LeaderElectionConfig options = main.getCamelContext()
                        .getComponent(K8sLeaderConstants.SCHEME, K8sLeaderComponent.class)
                        .findElection("camel-main", "main-lease").config();
                assertThat(options.namespace()).isEqualTo("camel-main");
                assertThat(options.identity()).isEqualTo("main-pod");
                assertThat(options.leaseDuration()).isEqualTo(Duration.ofMillis(3000));
                assertThat(options.renewDeadline()).isEqualTo(Duration.ofMillis(2000));
                assertThat(options.retryPeriod()).isEqualTo(Duration.ofMillis(500));
                assertThat(options.renewalInterval()).isEqualTo(Duration.ofMillis(500));

                await().atMost(Pods.PATIENCE).until(() -> events.contains("ELECTED"));
                Lease lease = pods.api().admin().leases().inNamespace("camel-main").withName("main-lease").get();
                assertThat(lease.getSpec().getHolderIdentity()).isEqualTo("main-pod");
                assertThat(lease.getSpec().getLeaseDurationSeconds()).isEqualTo(3);
            } finally {
                main.stop();
            }
        }
    }
}
