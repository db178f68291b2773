package io.github.camelk8s.leader.management;

import java.util.List;
import java.util.function.ToDoubleFunction;

import io.github.camelk8s.leader.election.ElectionStatistics;
import io.github.camelk8s.leader.election.LeaseElector;
import io.github.camelk8s.leader.election.LeaseRecord;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Registry;

/**
 * Micrometer meters of one elector, tagged {@code lease} and {@code namespace}. Prometheus names in brackets:
 * <ul>
 * <li>gauge {@value #IS_LEADER} ({@code k8s_leader_is_leader}): 1 while this pod leads, else 0;</li>
 * <li>gauge {@value #TRANSITIONS} ({@code k8s_leader_lease_transitions}): the Lease's leaseTransitions;</li>
 * <li>counters {@value #ACQUISITIONS}, {@value #LOSSES}, {@value #CONFLICTS}, {@value #ERRORS}
 * ({@code k8s_leader_acquisitions_total}, ...);</li>
 * <li>gauge {@value #MASTER_STATUS}, client-go's leader election gauge under its own name, tagged only {@code name}
 * with {@code <namespace>/<lease>}: 1 while this pod leads, else 0, so dashboards and alerts written for client-go
 * programs (kube-controller-manager, operators) read this component too.</li>
 * </ul>
 * Only used when Micrometer is on the classpath (it is an optional dependency): the JVM resolves the Micrometer types
 * of this class when it is first used, so {@link io.github.camelk8s.leader.K8sLeaderComponent} checks for Micrometer
 * without touching this class. The registry is the one bound in the Camel registry as {@code metricsRegistry}
 * (camel-micrometer's name), else the only MeterRegistry there.
 */
public final class K8sLeaderMicrometer {

    static final String IS_LEADER = "k8s.leader.is.leader";
    static final String TRANSITIONS = "k8s.leader.lease.transitions";
    static final String ACQUISITIONS = "k8s.leader.acquisitions";
    static final String LOSSES = "k8s.leader.losses";
    static final String CONFLICTS = "k8s.leader.conflicts";
    static final String ERRORS = "k8s.leader.errors";
    /**
     * The name k8s.io/component-base gives client-go's leader gauge. Already in Prometheus form: Micrometer's
     * Prometheus naming convention leaves it as it is (a gauge gets no suffix).
     */
    static final String MASTER_STATUS = "leader_election_master_status";
    /** camel-micrometer's name for the application's MeterRegistry. */
    static final String REGISTRY_NAME = "metricsRegistry";

    private K8sLeaderMicrometer() {
    }

    /** Registers the meters if the CamelContext has a MeterRegistry; returns what removes them. */
    public static Runnable bind(CamelContext context, LeaseElector elector) {
        MeterRegistry registry = find(context.getRegistry());
        if (registry == null) {
            return () -> {
            };
        }
        String leaseName = elector.config().leaseName();
        String namespace = elector.config().namespace();
        Tags tags = Tags.of("lease", leaseName, "namespace", namespace);
        List<Meter> meters = List.of(
                Gauge.builder(IS_LEADER, elector, K8sLeaderMicrometer::leading).tags(tags)
                        .description("1 while this pod leads the Lease, else 0").register(registry),
                // client-go labels it with LeaderElectionConfig.Name; a Lease lock describes itself as
                // <namespace>/<name>, which names the Lease whichever program holds it
                Gauge.builder(MASTER_STATUS, elector, K8sLeaderMicrometer::leading)
                        .tag("name", namespace + "/" + leaseName)
                        .description("1 while this pod leads the Lease 'name' (<namespace>/<lease>), else 0; "
                                     + "client-go's leader election gauge")
                        .register(registry),
                Gauge.builder(TRANSITIONS, elector, K8sLeaderMicrometer::transitions).tags(tags)
                        .description("The Lease's leaseTransitions as last observed").register(registry),
                counter(registry, ACQUISITIONS, "Times this pod became leader", tags, elector,
                        ElectionStatistics::acquisitions),
                counter(registry, LOSSES, "Times this pod stopped being leader", tags, elector,
                        ElectionStatistics::losses),
                counter(registry, CONFLICTS, "Writes rejected because the Lease had changed (409)", tags, elector,
                        ElectionStatistics::conflicts),
                counter(registry, ERRORS, "Failed attempts to reach the Lease", tags, elector,
                        ElectionStatistics::errors));
        return () -> meters.forEach(registry::remove);
    }

    private static Meter counter(MeterRegistry registry, String name, String description, Tags tags,
                                 LeaseElector elector, java.util.function.ToLongFunction<ElectionStatistics> count) {
        ToDoubleFunction<LeaseElector> value = e -> count.applyAsLong(e.statistics());
        return FunctionCounter.builder(name, elector, value).tags(tags).description(description).register(registry);
    }

    private static double leading(LeaseElector elector) {
        return elector.isLeader() ? 1 : 0;
    }

    private static double transitions(LeaseElector elector) {
        LeaseRecord record = elector.observedRecord();
        return record == null ? 0 : record.leaseTransitions();
    }

    private static MeterRegistry find(Registry registry) {
        MeterRegistry named = registry.lookupByNameAndType(REGISTRY_NAME, MeterRegistry.class);
        if (named != null) {
            return named;
        }
        CompositeMeterRegistry composite = registry.findSingleByType(CompositeMeterRegistry.class);
        return composite != null ? composite : registry.findSingleByType(MeterRegistry.class);
    }
}
