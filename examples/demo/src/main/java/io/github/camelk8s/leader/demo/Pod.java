package io.github.camelk8s.leader.demo;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.camelk8s.leader.K8sLeaderComponent;
import io.github.camelk8s.leader.K8sLeaderConfiguration;
import io.github.camelk8s.leader.policy.K8sLeaderRoutePolicy;
import org.apache.camel.CamelContext;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * One candidate: a CamelContext with its own Kubernetes client, as one replica of a Deployment would have. It
 * runs a leader-only timer route (under {@link K8sLeaderRoutePolicy}) and a route that logs leadership events.
 */
final class Pod {

    private final String name;
    private final CamelContext context;
    private final KubernetesClient client;
    private volatile boolean running = true;

    private Pod(String name, CamelContext context, KubernetesClient client) {
        this.name = name;
        this.context = context;
        this.client = client;
    }

    static Pod start(String name, KubernetesClient client, String namespace, String leaseName, WorkLog workLog)
            throws Exception {
        CamelContext context = new DefaultCamelContext();
        context.getCamelContextExtension().setName(name);
        context.getShutdownStrategy().setTimeout(5);

        K8sLeaderComponent component = new K8sLeaderComponent();
        component.getConfiguration().setKubernetesClient(client);
        K8sLeaderConfiguration options = component.getConfiguration();
        options.setNamespace(namespace);
        options.setIdentity(name);
        options.setLeaseDuration(FailoverDemo.LEASE_DURATION);
        options.setRenewDeadline(FailoverDemo.RENEW_DEADLINE);
        options.setRetryPeriod(FailoverDemo.RETRY_PERIOD);
        options.setRenewalInterval(FailoverDemo.RENEWAL_INTERVAL);
        context.addComponent("k8s-leader", component);

        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("timer:work?period=250&delay=0&includeMetadata=true").routeId("leader-only-work")
                        .routePolicy(new K8sLeaderRoutePolicy(leaseName))
                        .process(exchange -> workLog.record(name))
                        .filter(simple("${exchangeProperty.CamelTimerCounter} == 1"))
                            .log(LoggingLevel.INFO, "demo", name + " | leader-only route is working");

                from("k8s-leader:" + leaseName).routeId("leadership-events")
                        .log(LoggingLevel.INFO, "demo", name + " | ${header.CamelK8sLeaderEvent}"
                                                        + " holder=${header.CamelK8sLeaderHolderIdentity}"
                                                        + " transitions=${header.CamelK8sLeaderTransitions}");
            }
        });
        context.start();
        return new Pod(name, context, client);
    }

    String name() {
        return name;
    }

    String identity() {
        return name;
    }

    boolean isRunning() {
        return running;
    }

    /** A graceful shutdown, as on a rolling update: routes stop, then the Lease is released. */
    void stop() {
        running = false;
        context.stop();
        client.close();
    }

    /**
     * As close to kill -9 as one JVM allows: the API connection goes first, so the pod can neither renew nor
     * release, then its routes stop.
     */
    void kill() {
        running = false;
        client.close();
        context.stop();
    }

    void stopQuietly() {
        try {
            if (running) {
                stop();
            }
        } catch (RuntimeException e) {
            // best effort at exit
        }
    }
}
