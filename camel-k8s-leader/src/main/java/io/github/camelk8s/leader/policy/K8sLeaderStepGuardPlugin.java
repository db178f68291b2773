package io.github.camelk8s.leader.policy;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.ContextServicePlugin;

/**
 * Adds the {@link K8sLeaderStepGuard} to every CamelContext while it is built, before any route is created, so the
 * steps of every route are guarded whatever the order in which routes and policies are added. Camel finds it
 * through {@code META-INF/services/org.apache.camel.spi.ContextServicePlugin}.
 */
public final class K8sLeaderStepGuardPlugin implements ContextServicePlugin {

    @Override
    public void load(CamelContext context) {
        K8sLeaderStepGuard.install(context);
    }
}
