package io.github.camelk8s.leader.policy;

import java.util.regex.Pattern;

import io.github.camelk8s.leader.K8sLeaderConstants;
import org.apache.camel.CamelContext;
import org.apache.camel.NamedNode;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.spi.RoutePolicyFactory;

/**
 * Makes every route of a CamelContext leader-only on one Lease, or only the routes whose id matches
 * {@link #setRouteIdPattern(String) routeIdPattern}. Routes consuming from {@code k8s-leader:} itself are left
 * alone: they report leadership events and must run in every pod.
 * <p>
 * Each route gets its own {@link K8sLeaderRoutePolicy}, a copy of the {@link #setTemplate(K8sLeaderRoutePolicy)
 * template}'s options; they share the Lease's single elector.
 *
 * <pre>
 * K8sLeaderRoutePolicy options = new K8sLeaderRoutePolicy("nightly-import");
 * options.setLeaseDuration(Duration.ofSeconds(20));
 * K8sLeaderRoutePolicyFactory factory = new K8sLeaderRoutePolicyFactory(options);
 * factory.setRouteIdPattern("import-.*");
 * context.addRoutePolicyFactory(factory);
 * </pre>
 */
public class K8sLeaderRoutePolicyFactory implements RoutePolicyFactory {

    private K8sLeaderRoutePolicy template = new K8sLeaderRoutePolicy();
    private Pattern routeIdPattern;

    public K8sLeaderRoutePolicyFactory() {
    }

    public K8sLeaderRoutePolicyFactory(String leaseName) {
        template.setLeaseName(leaseName);
    }

    public K8sLeaderRoutePolicyFactory(K8sLeaderRoutePolicy template) {
        setTemplate(template);
    }

    @Override
    public RoutePolicy createRoutePolicy(CamelContext camelContext, String routeId, NamedNode route) {
        if (routeIdPattern != null && (routeId == null || !routeIdPattern.matcher(routeId).matches())) {
            return null;
        }
        if (route instanceof RouteDefinition definition && definition.getInput() != null
                && definition.getInput().getEndpointUri() != null
                && definition.getInput().getEndpointUri().startsWith(K8sLeaderConstants.SCHEME + ":")) {
            return null;
        }
        K8sLeaderRoutePolicy policy = template.copyOptions();
        policy.setCamelContext(camelContext);
        return policy;
    }

    public K8sLeaderRoutePolicy getTemplate() {
        return template;
    }

    /** The policy whose options every route's policy copies; only its options are used, never its state. */
    public void setTemplate(K8sLeaderRoutePolicy template) {
        this.template = template;
    }

    public String getLeaseName() {
        return template.getLeaseName();
    }

    /** The name of the Lease: a shortcut for the template's leaseName. */
    public void setLeaseName(String leaseName) {
        template.setLeaseName(leaseName);
    }

    public String getRouteIdPattern() {
        return routeIdPattern == null ? null : routeIdPattern.pattern();
    }

    /** A regular expression: only routes whose id matches it become leader-only. Default: every route. */
    public void setRouteIdPattern(String routeIdPattern) {
        this.routeIdPattern = routeIdPattern == null ? null : Pattern.compile(routeIdPattern);
    }
}
