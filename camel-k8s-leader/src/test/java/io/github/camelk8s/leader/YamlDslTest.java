package io.github.camelk8s.leader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.camelk8s.leader.pods.CamelPod;
import io.github.camelk8s.leader.pods.Pods;
import io.github.camelk8s.leader.policy.K8sLeaderRoutePolicy;
import org.apache.camel.AsyncCallback;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.support.processor.DelegateAsyncProcessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The YAML DSL example of the README works as written. */
class YamlDslTest {

    /** The YAML of the README's "YAML DSL" section, read from the README itself: the example is the contract. */
    static final String ROUTES = readmeYaml();

    private static String readmeYaml() {
        try {
            String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
            int section = readme.indexOf("\n### YAML DSL\n");
            assertThat(section).as("README section YAML DSL").isNotNegative();
            int start = readme.indexOf("```yaml\n", section) + "```yaml\n".length();
            return readme.substring(start, readme.indexOf("```", start));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @RegisterExtension
    final Pods pods = new Pods();

    @Test
    void yamlRoutesWithALeaderPolicyBeanRunTheLeaderOnlyRouteInTheLeaderOnly() throws Exception {
        YamlPod a = new YamlPod(pods.create("pod-a").withoutStandardRoutes());
        a.start();
        await().atMost(Pods.PATIENCE).until(() -> a.events.contains("ELECTED"));
        YamlPod b = new YamlPod(pods.create("pod-b").withoutStandardRoutes());
        b.start();
        await().atMost(Pods.PATIENCE).until(() -> b.events.contains("NEW_LEADER"));

        await().atMost(Pods.PATIENCE).until(() -> a.imports.size() >= 1);
        assertThat(a.importRoute().getRoutePolicyList()).hasSize(1).first().isInstanceOf(K8sLeaderRoutePolicy.class);
        assertThat(a.status()).isEqualTo(ServiceStatus.Started);
        assertThat(b.status()).isEqualTo(ServiceStatus.Stopped);
        assertThat(b.imports).isEmpty();
    }

    @Test
    @SuppressWarnings("deprecation")
    void theFormerClassNameOfThePolicyStillWorksInYaml() throws Exception {
        String former = ROUTES.replace("io.github.camelk8s.leader.policy.K8sLeaderRoutePolicy",
                "io.github.camelk8s.leader.K8sLeaderRoutePolicy");
        assertThat(former).as("the README names the policy by its package").isNotEqualTo(ROUTES);
        YamlPod a = new YamlPod(pods.create("pod-a").withoutStandardRoutes(), former);
        a.start();
        await().atMost(Pods.PATIENCE).until(() -> a.imports.size() >= 1);
        assertThat(a.importRoute().getRoutePolicyList()).hasSize(1).first()
                .isInstanceOf(io.github.camelk8s.leader.K8sLeaderRoutePolicy.class);
    }

    /** A pod running the YAML routes, recording which exchanges completed on which of them. */
    private static final class YamlPod {
        final CamelPod pod;
        final List<String> events = new CopyOnWriteArrayList<>();
        final List<Long> imports = new CopyOnWriteArrayList<>();

        YamlPod(CamelPod pod) throws Exception {
            this(pod, ROUTES);
        }

        YamlPod(CamelPod pod, String routes) throws Exception {
            this.pod = pod;
            CamelContext context = pod.context();
            // every step of the YAML routes records the route it runs in (the YAML itself stays as documented)
            context.getCamelContextExtension().addInterceptStrategy(
                    (ctx, definition, target, next) -> new DelegateAsyncProcessor(target) {
                        @Override
                        public boolean process(Exchange exchange, AsyncCallback callback) {
                            String from = exchange.getFromEndpoint().getEndpointUri();
                            if (from.startsWith("timer")) {
                                imports.add(System.nanoTime());
                            } else if (from.startsWith("k8s-leader")) {
                                events.add(exchange.getMessage().getHeader(K8sLeaderConstants.EVENT, String.class));
                            }
                            return super.process(exchange, callback);
                        }
                    });
            PluginHelper.getRoutesLoader(context).loadRoutes(ResourceHelper.fromString("routes.yaml", routes));
        }

        void start() {
            pod.start();
        }

        Route importRoute() {
            return pod.context().getRoutes().stream()
                    .filter(r -> r.getEndpoint().getEndpointUri().startsWith("timer")).findFirst().orElseThrow();
        }

        ServiceStatus status() {
            return pod.routeStatus(importRoute().getId());
        }
    }
}
