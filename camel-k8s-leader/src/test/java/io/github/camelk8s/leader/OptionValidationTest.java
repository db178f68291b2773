package io.github.camelk8s.leader;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.camelk8s.leader.pods.CamelPod;
import io.github.camelk8s.leader.pods.Pods;
import io.github.camelk8s.leader.policy.K8sLeaderRoutePolicy;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Bad options stop the CamelContext from starting, with a message naming the option and the value as written. */
class OptionValidationTest {

    @RegisterExtension
    final Pods pods = new Pods();

    @Test
    void leaseNameThatIsNotADnsSubdomainIsRejected() {
        assertThat(startFailureOf(eventRoute("k8s-leader:Bad_Name"))).anySatisfy(message -> assertThat(message)
                .contains("leaseName=Bad_Name"));
    }

    @Test
    void leaseNameThatIsNotADnsSubdomainIsRejectedByThePolicy() {
        assertThat(startFailureOf(leaderOnlyRoute(new K8sLeaderRoutePolicy("Bad_Name"))))
                .anySatisfy(message -> assertThat(message).contains("leaseName=Bad_Name"));
    }

    @Test
    void renewDeadlineNotShorterThanLeaseDurationIsRejected() {
        assertThat(startFailureOf(eventRoute("k8s-leader:lease?leaseDuration=2s&renewDeadline=2s")))
                .anySatisfy(message -> assertThat(message).contains("renewDeadline=2s")
                        .contains("leaseDuration (2s)"));
    }

    @Test
    void renewDeadlineNotShorterThanLeaseDurationIsRejectedFromComponentOptions() {
        CamelPod pod = pods.create("pod-a").configure(o -> {
            o.setLeaseDuration(Duration.ofMillis(3000));
            o.setRenewDeadline(Duration.ofMillis(5000));
        });
        assertThat(startFailureOf(pod)).anySatisfy(message -> assertThat(message).contains("renewDeadline=5000ms"));
    }

    @Test
    void retryPeriodNotShorterThanRenewDeadlineIsRejected() {
        assertThat(startFailureOf(eventRoute("k8s-leader:lease?leaseDuration=5s&renewDeadline=2s&retryPeriod=2s")))
                .anySatisfy(message -> assertThat(message).contains("retryPeriod=2s")
                        .contains("renewDeadline (2s)"));
    }

    @Test
    void negativeLeaseDurationInTheUriIsRejected() {
        assertThat(startFailureOf(eventRoute("k8s-leader:lease?leaseDuration=-5s")))
                .anySatisfy(message -> assertThat(message).contains("leaseDuration=-5s"));
    }

    @Test
    void negativeDurationOnThePolicyIsRejected() {
        K8sLeaderRoutePolicy policy = new K8sLeaderRoutePolicy("lease");
        policy.setRenewDeadline(Duration.ofSeconds(-5));
        assertThat(startFailureOf(leaderOnlyRoute(policy)))
                .anySatisfy(message -> assertThat(message).contains("renewDeadline=-5000ms"));
    }

    @Test
    void policyWithoutLeaseNameIsRejected() {
        assertThat(startFailureOf(leaderOnlyRoute(new K8sLeaderRoutePolicy())))
                .anySatisfy(message -> assertThat(message).contains("leaseName=null"));
    }

    private CamelPod eventRoute(String uri) {
        return pods.create("pod-a").withoutStandardRoutes().routes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).log("${body}");
            }
        });
    }

    private CamelPod leaderOnlyRoute(K8sLeaderRoutePolicy policy) {
        return pods.create("pod-a").withoutStandardRoutes().routes(new RouteBuilder() {
            @Override
            public void configure() {
                from("timer:work").routePolicy(policy).log("work");
            }
        });
    }

    /** The messages of the exception that stopped the pod's start, and of all its causes. */
    private static List<String> startFailureOf(CamelPod pod) {
        Throwable failure = catchThrowable(pod::start);
        assertThat(failure).as("start of " + pod + " fails").isNotNull();
        assertThat(pod.context().isStarted()).isFalse();
        return messagesOf(failure);
    }

    /** The messages of an exception and of all its causes. */
    static List<String> messagesOf(Throwable failure) {
        List<String> messages = new ArrayList<>();
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            messages.add(String.valueOf(t.getMessage()));
        }
        return messages;
    }
}
