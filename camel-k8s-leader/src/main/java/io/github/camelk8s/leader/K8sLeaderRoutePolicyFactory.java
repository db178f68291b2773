package io.github.camelk8s.leader;

import java.time.Duration;
import java.util.regex.Pattern;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.apache.camel.CamelContext;
import org.apache.camel.LoggingLevel;
import org.apache.camel.NamedNode;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.spi.RoutePolicyFactory;

/**
 * Makes every route of a CamelContext leader-only on one Lease, or only the routes whose id matches
 * {@link #setRouteIdPattern(String) routeIdPattern}. Routes consuming from {@code k8s-leader:} itself are left
 * alone: they report leadership events and must run in every pod.
 * <p>
 * Each route gets its own {@link K8sLeaderRoutePolicy}; they share the Lease's single elector.
 */
public class K8sLeaderRoutePolicyFactory implements RoutePolicyFactory {

    private String leaseName;
    private Pattern routeIdPattern;
    private String namespace;
    private String identity;
    private Duration leaseDuration;
    private Duration renewDeadline;
    private Duration retryPeriod;
    private Duration renewalInterval;
    private LoggingLevel loggingLevel;
    private Boolean awaitLeadership;
    private Duration awaitLeadershipTimeout;
    private Boolean releaseOnStop;
    private KubernetesClient kubernetesClient;

    public K8sLeaderRoutePolicyFactory() {
    }

    public K8sLeaderRoutePolicyFactory(String leaseName) {
        this.leaseName = leaseName;
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
        K8sLeaderRoutePolicy policy = new K8sLeaderRoutePolicy(leaseName);
        policy.setCamelContext(camelContext);
        policy.setNamespace(namespace);
        policy.setIdentity(identity);
        policy.setLeaseDuration(leaseDuration);
        policy.setRenewDeadline(renewDeadline);
        policy.setRetryPeriod(retryPeriod);
        policy.setRenewalInterval(renewalInterval);
        policy.setLoggingLevel(loggingLevel);
        policy.setAwaitLeadership(awaitLeadership);
        policy.setAwaitLeadershipTimeout(awaitLeadershipTimeout);
        policy.setReleaseOnStop(releaseOnStop);
        policy.setKubernetesClient(kubernetesClient);
        return policy;
    }

    public String getLeaseName() {
        return leaseName;
    }

    public void setLeaseName(String leaseName) {
        this.leaseName = leaseName;
    }

    public String getRouteIdPattern() {
        return routeIdPattern == null ? null : routeIdPattern.pattern();
    }

    /** A regular expression: only routes whose id matches it become leader-only. Default: every route. */
    public void setRouteIdPattern(String routeIdPattern) {
        this.routeIdPattern = routeIdPattern == null ? null : Pattern.compile(routeIdPattern);
    }

    public String getNamespace() {
        return namespace;
    }

    public void setNamespace(String namespace) {
        this.namespace = namespace;
    }

    public String getIdentity() {
        return identity;
    }

    public void setIdentity(String identity) {
        this.identity = identity;
    }

    public Duration getLeaseDuration() {
        return leaseDuration;
    }

    public void setLeaseDuration(Duration leaseDuration) {
        this.leaseDuration = leaseDuration;
    }

    public Duration getRenewDeadline() {
        return renewDeadline;
    }

    public void setRenewDeadline(Duration renewDeadline) {
        this.renewDeadline = renewDeadline;
    }

    public Duration getRetryPeriod() {
        return retryPeriod;
    }

    public void setRetryPeriod(Duration retryPeriod) {
        this.retryPeriod = retryPeriod;
    }

    public Duration getRenewalInterval() {
        return renewalInterval;
    }

    public void setRenewalInterval(Duration renewalInterval) {
        this.renewalInterval = renewalInterval;
    }

    public LoggingLevel getLoggingLevel() {
        return loggingLevel;
    }

    public void setLoggingLevel(LoggingLevel loggingLevel) {
        this.loggingLevel = loggingLevel;
    }

    public Boolean getAwaitLeadership() {
        return awaitLeadership;
    }

    public void setAwaitLeadership(Boolean awaitLeadership) {
        this.awaitLeadership = awaitLeadership;
    }

    public Duration getAwaitLeadershipTimeout() {
        return awaitLeadershipTimeout;
    }

    public void setAwaitLeadershipTimeout(Duration awaitLeadershipTimeout) {
        this.awaitLeadershipTimeout = awaitLeadershipTimeout;
    }

    public Boolean getReleaseOnStop() {
        return releaseOnStop;
    }

    public void setReleaseOnStop(Boolean releaseOnStop) {
        this.releaseOnStop = releaseOnStop;
    }

    public KubernetesClient getKubernetesClient() {
        return kubernetesClient;
    }

    public void setKubernetesClient(KubernetesClient kubernetesClient) {
        this.kubernetesClient = kubernetesClient;
    }
}
