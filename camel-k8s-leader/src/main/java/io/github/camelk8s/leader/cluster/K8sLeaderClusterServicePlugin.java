package io.github.camelk8s.leader.cluster;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.ContextServicePlugin;

/**
 * Adds a {@link K8sLeaderClusterService} to every CamelContext whose properties say
 * {@code camel.cluster.k8s-leader.enabled=true}, configured by the other {@code camel.cluster.k8s-leader.*}
 * properties, so that Camel Main (and any runtime whose properties Camel reads) runs {@code master:} and
 * {@code ClusteredRoutePolicy} on Leases with no code. A context that already has one, as a service or a bean
 * (the Spring Boot starter's), is left as it is. Camel finds this plugin through
 * {@code META-INF/services/org.apache.camel.spi.ContextServicePlugin}.
 * <p>
 * Camel ignores an exception thrown here (it logs it and goes on), so a bad property is not reported here: the
 * service binds the properties when it starts, and a bad one fails the CamelContext's start, naming the property
 * and its value as written.
 */
public final class K8sLeaderClusterServicePlugin implements ContextServicePlugin {

    @Override
    public void load(CamelContext context) {
        ClusterServiceProperties properties = ClusterServiceProperties.of(context);
        if (!properties.mentionsEnabled() || !properties.enabledUnlessFalse() || alreadyHasOne(context)) {
            return;
        }
        K8sLeaderClusterService service = new K8sLeaderClusterService();
        service.bindOnStart(properties);
        try {
            context.addService(service);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot add the K8sLeaderClusterService of camel.cluster.k8s-leader.*", e);
        }
    }

    private static boolean alreadyHasOne(CamelContext context) {
        return context.hasService(K8sLeaderClusterService.class) != null
               || !context.getRegistry().findByType(K8sLeaderClusterService.class).isEmpty();
    }
}
