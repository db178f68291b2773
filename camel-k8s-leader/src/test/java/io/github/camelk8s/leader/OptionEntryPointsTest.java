package io.github.camelk8s.leader;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.camelk8s.leader.cluster.K8sLeaderClusterService;
import io.github.camelk8s.leader.election.LeaderElectionConfig;
import io.github.camelk8s.leader.pods.CamelPod;
import io.github.camelk8s.leader.pods.Pods;
import io.github.camelk8s.leader.policy.K8sLeaderRoutePolicy;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.main.Main;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.opentest4j.TestAbortedException;
import org.slf4j.event.Level;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Every election option, set the same way as text at each place a user can set it (an endpoint URI, a camel-main
 * property of the component, a route policy setter, the cluster service's options, a YAML bean property), reaches
 * the engine as the same value; the same bad text fails the start with the same message, naming the option and the
 * text as written. Nothing is read as 0 or replaced by a default.
 */
class OptionEntryPointsTest {

    @RegisterExtension
    final Pods pods = new Pods();

    /** Where a user sets an option. */
    enum EntryPoint {
        URI, CAMEL_MAIN_PROPERTY, POLICY_SETTER, CLUSTER_SERVICE_OPTIONS, YAML_BEAN_PROPERTY
    }

    /**
     * One option: a good text and what the engine must get for it (null where the engine does not hold the option),
     * and a bad text with the message it must fail with.
     */
    record Case(String option, String good, Function<LeaderElectionConfig, Object> read, Object expected,
                String bad, String error) {
        @Override
        public String toString() {
            return option;
        }
    }

    static final List<Case> CASES = List.of(
            new Case("leaseDuration", "4s", LeaderElectionConfig::leaseDuration, Duration.ofSeconds(4),
                    "-5s", "Invalid k8s-leader option leaseDuration=-5s: must be greater than 0"),
            new Case("renewDeadline", "1500ms", LeaderElectionConfig::renewDeadline, Duration.ofMillis(1500),
                    "5sx", "Invalid k8s-leader option renewDeadline=5sx: not a duration"),
            new Case("retryPeriod", "PT0.5S", LeaderElectionConfig::retryPeriod, Duration.ofMillis(500),
                    "0s", "Invalid k8s-leader option retryPeriod=0s: must be greater than 0"),
            new Case("renewalInterval", "1s", LeaderElectionConfig::renewalInterval, Duration.ofSeconds(1),
                    "abc", "Invalid k8s-leader option renewalInterval=abc: not a duration"),
            new Case("awaitLeadershipTimeout", null, null, null,
                    "-5s", "Invalid k8s-leader option awaitLeadershipTimeout=-5s: must be greater than 0"),
            new Case("namespace", "team-a", LeaderElectionConfig::namespace, "team-a",
                    "Team_A", "Invalid k8s-leader option namespace=Team_A: must be a DNS-1123 label"),
            new Case("identity", "pod-x", LeaderElectionConfig::identity, "pod-x", null, null),
            new Case("loggingLevel", "DEBUG", LeaderElectionConfig::loggingLevel, Level.DEBUG,
                    "LOUD", "loggingLevel=LOUD"),
            new Case("releaseOnStop", "false", LeaderElectionConfig::releaseOnStop, false,
                    "maybe", "releaseOnStop=maybe"),
            new Case("recordEvents", null, null, null, "maybe", "recordEvents=maybe"),
            new Case("awaitLeadership", null, null, null, "maybe", "awaitLeadership=maybe"),
            new Case("observeOnly", "true", LeaderElectionConfig::observeOnly, true,
                    "maybe", "observeOnly=maybe"),
            new Case("readinessGate", "true", LeaderElectionConfig::readinessGate, true,
                    "maybe", "readinessGate=maybe"),
            new Case("readinessGracePeriod", "3s", LeaderElectionConfig::readinessGracePeriod, Duration.ofSeconds(3),
                    "-1s", "Invalid k8s-leader option readinessGracePeriod=-1s: must be greater than 0"));

    static Stream<Arguments> goodValues() {
        return Arrays.stream(EntryPoint.values())
                .flatMap(entry -> CASES.stream().filter(c -> c.good() != null).map(c -> Arguments.of(entry, c)));
    }

    static Stream<Arguments> badValues() {
        return Arrays.stream(EntryPoint.values())
                .flatMap(entry -> CASES.stream().filter(c -> c.bad() != null).map(c -> Arguments.of(entry, c)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("goodValues")
    void theValueAsWrittenReachesTheEngine(EntryPoint entry, Case option) throws Exception {
        LeaderElectionConfig engine = start(entry, option.option(), option.good(), true).orElseThrow();
        assertThat(option.read().apply(engine)).as(option.option()).isEqualTo(option.expected());
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("badValues")
    void aBadValueFailsTheStartNamingTheOptionAndTheTextAsWritten(EntryPoint entry, Case option) throws Exception {
        Throwable failure = catchThrowable(() -> start(entry, option.option(), option.bad(), false));
        if (failure instanceof TestAbortedException notApplicable) {
            throw notApplicable;
        }
        assertThat(failure).as("start with %s=%s", option.option(), option.bad()).isNotNull();
        assertThat(OptionValidationTest.messagesOf(failure)).anySatisfy(message -> assertThat(message).contains(option.error()));
    }

    /** Starts a pod with the option set at the entry point; returns the engine's configuration of its election. */
    private Optional<LeaderElectionConfig> start(EntryPoint entry, String option, String text, boolean good)
            throws Exception {
        if (entry == EntryPoint.CAMEL_MAIN_PROPERTY) {
            return startWithCamelMain(option, text);
        }
        CamelPod pod = pods.create("pod-a").withoutStandardRoutes();
        switch (entry) {
            case URI -> pod.routes(routes(r -> r.from("k8s-leader:lease?" + option + "=" + text).log("${body}")));
            case POLICY_SETTER -> {
                K8sLeaderRoutePolicy policy = new K8sLeaderRoutePolicy("lease");
                set(pod.context(), policy, option, text, good);
                pod.routes(routes(r -> r.from("timer:work?period=1000").routePolicy(policy).log("work")));
            }
            case CLUSTER_SERVICE_OPTIONS -> {
                K8sLeaderClusterService service = new K8sLeaderClusterService();
                set(pod.context(), service.getConfiguration(), option, text, good);
                pod.context().addService(service);
                pod.routes(routes(r -> r.from("master:lease:timer:work?period=1000").log("work")));
            }
            case YAML_BEAN_PROPERTY -> PluginHelper.getRoutesLoader(pod.context()).loadRoutes(ResourceHelper.fromString(
                    "routes.yaml", """
                            - beans:
                                - name: leaderPolicy
                                  type: io.github.camelk8s.leader.policy.K8sLeaderRoutePolicy
                                  properties:
                                    leaseName: lease
                                    %s: "%s"
                            - route:
                                routePolicy: leaderPolicy
                                from:
                                  uri: timer:work?period=1000
                                  steps:
                                    - log: "work"
                            """.formatted(option, text)));
            default -> throw new IllegalArgumentException(entry.name());
        }
        pod.start();
        return Optional.of(electionOf(pod.component(), pod.client(), option, text));
    }

    private Optional<LeaderElectionConfig> startWithCamelMain(String option, String text) throws Exception {
        Main main = new Main();
        try (KubernetesClient client = pods.api().newClient("pod-a")) {
            main.bind("kubernetesClient", client);
            String prefix = "camel.component.k8s-leader.";
            main.addInitialProperty(prefix + "identity", "pod-a");
            main.addInitialProperty(prefix + "lease-duration", "3s");
            main.addInitialProperty(prefix + "renew-deadline", "2s");
            main.addInitialProperty(prefix + "retry-period", "300ms");
            main.addInitialProperty(prefix + "renewal-interval", "300ms");
            main.addInitialProperty(prefix + kebab(option), text);
            main.configure().addRoutesBuilder(routes(r -> r.from("k8s-leader:lease").log("${body}")));
            try {
                main.start();
                CamelContext context = main.getCamelContext();
                return Optional.of(electionOf(context.getComponent(K8sLeaderConstants.SCHEME,
                        K8sLeaderComponent.class), client, option, text));
            } finally {
                main.stop();
            }
        }
    }

    private static LeaderElectionConfig electionOf(K8sLeaderComponent component, KubernetesClient client,
                                                   String option, String text) {
        String namespace = "namespace".equals(option)
                ? text : component.resolveNamespace(new K8sLeaderConfiguration());
        LeaderElectionConfig config = component.findElection(namespace, "lease").config();
        assertThat(config).as("election on %s/lease", namespace).isNotNull();
        return config;
    }

    /**
     * Calls the Java setter of the option: the one taking text where there is one (the durations); otherwise the
     * typed one, with the text converted as Camel converts it. A bad text for a typed setter cannot be written in
     * Java at all, so those cases do not apply.
     */
    private static void set(CamelContext context, Object target, String option, String text, boolean good)
            throws Exception {
        String name = "set" + Character.toUpperCase(option.charAt(0)) + option.substring(1);
        List<Method> setters = Arrays.stream(target.getClass().getMethods())
                .filter(m -> m.getName().equals(name) && m.getParameterCount() == 1).toList();
        assertThat(setters).as("%s.%s", target.getClass().getSimpleName(), name).isNotEmpty();
        Optional<Method> textSetter = setters.stream().filter(m -> m.getParameterTypes()[0] == String.class)
                .findFirst();
        assumeThat(good || textSetter.isPresent()).as("a bad %s can be written in Java", option).isTrue();
        Method setter = textSetter.orElse(setters.get(0));
        Object value = context.getTypeConverter().mandatoryConvertTo(setter.getParameterTypes()[0], text);
        try {
            setter.invoke(target, value);
        } catch (InvocationTargetException e) {
            throw (Exception) e.getCause();
        }
    }

    private static RouteBuilder routes(java.util.function.Consumer<RouteBuilder> body) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                body.accept(this);
            }
        };
    }

    private static String kebab(String option) {
        return option.replaceAll("([A-Z])", "-$1").toLowerCase();
    }
}
