package io.github.camelk8s.leader.benchmarks;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.camelk8s.leader.K8sLeaderComponent;
import io.github.camelk8s.leader.K8sLeaderConfiguration;
import io.github.camelk8s.leader.K8sLeaderConstants;
import io.github.camelk8s.leader.policy.K8sLeaderRoutePolicy;
import io.github.camelk8s.leader.testsupport.Timings;
import org.apache.camel.builder.RouteBuilder;

/** This component: the leader-only route carries a {@link K8sLeaderRoutePolicy}; stopping the context releases. */
final class K8sLeaderCandidate extends BenchmarkCandidate {

    private volatile long electedNanos;

    K8sLeaderCandidate(Setup setup, String identity, boolean withEvents) throws Exception {
        super(setup, identity);
        K8sLeaderComponent component = new K8sLeaderComponent();
        configure(component.getConfiguration(), client, setup.namespace(), identity, setup.timings());
        context.addComponent(K8sLeaderConstants.SCHEME, component);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                workRoute(this).routePolicy(new K8sLeaderRoutePolicy(setup.lease()));
                if (withEvents) {
                    from("k8s-leader:" + setup.lease()).routeId("events").process(exchange -> {
                        if ("ELECTED".equals(exchange.getMessage().getHeader(K8sLeaderConstants.EVENT))
                            && electedNanos == 0) {
                            electedNanos = System.nanoTime();
                        }
                    });
                }
            }
        });
    }

    /** A candidate's options: its own client, namespace and identity, and the timings. */
    static void configure(K8sLeaderConfiguration options, KubernetesClient client, String namespace,
                          String identity, Timings t) {
        options.setKubernetesClient(client);
        options.setNamespace(namespace);
        options.setIdentity(identity);
        options.setLeaseDuration(t.leaseDuration());
        options.setRenewDeadline(t.renewDeadline());
        options.setRetryPeriod(t.retryPeriod());
        options.setRenewalInterval(t.renewalInterval());
    }

    @Override
    void stopGracefully() {
        pod.close();
    }

    /** Its namespace watch is open: from now on a release reaches it as an event. */
    @Override
    boolean settled() {
        return setup.api().counts().openWatches(identity) > 0;
    }

    @Override
    long electedNanos() {
        return electedNanos;
    }
}
