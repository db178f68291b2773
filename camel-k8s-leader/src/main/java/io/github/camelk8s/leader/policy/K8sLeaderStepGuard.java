package io.github.camelk8s.leader.policy;

import io.github.camelk8s.leader.cluster.MasterRouteTokens;
import org.apache.camel.CamelContext;
import org.apache.camel.NamedNode;
import org.apache.camel.Ordered;
import org.apache.camel.Processor;
import org.apache.camel.spi.InterceptStrategy;

/**
 * Guards every step of every route of a CamelContext for leader-only exchanges: each processor, at any depth
 * (inside split, loop, multicast, choice, doTry, filter, ...) and in any route, is wrapped in a
 * {@link GuardedStep}, which lets an exchange marked leader-only by a {@link K8sLeaderRoutePolicy} begin the step
 * only while this pod's leadership is valid. Exchanges that are not leader-only pay one property lookup per step.
 * <p>
 * An intercept strategy, because Camel applies these where it creates each step's channel, inside the step's error
 * handler: a redelivery passes through the guard again. It wraps only the steps created after it was added, so it
 * must be in the CamelContext before the first route is: {@link K8sLeaderStepGuardPlugin} adds it to every
 * CamelContext as the context is built. A runtime that does not load Camel's {@code ContextServicePlugin}s must
 * call {@link #install(CamelContext)} before it adds routes; a {@link K8sLeaderRoutePolicy} refuses to run in a
 * CamelContext without it.
 */
public final class K8sLeaderStepGuard implements InterceptStrategy, Ordered {

    /** Adds the guard to the CamelContext, unless it has it already. */
    public static void install(CamelContext context) {
        if (!isInstalled(context)) {
            context.getCamelContextExtension().addInterceptStrategy(new K8sLeaderStepGuard());
        }
    }

    static boolean isInstalled(CamelContext context) {
        return context.getCamelContextExtension().getInterceptStrategies().stream()
                .anyMatch(K8sLeaderStepGuard.class::isInstance);
    }

    @Override
    public Processor wrapProcessorInInterceptors(CamelContext context, NamedNode definition, Processor target,
                                                 Processor nextTarget) {
        return new GuardedStep(definition, target, MasterRouteTokens.leaseOf(definition));
    }

    /** First of the intercept strategies: whatever another one does around a step is part of the step. */
    @Override
    public int getOrder() {
        return HIGHEST;
    }

    @Override
    public String toString() {
        return "K8sLeaderStepGuard";
    }
}
