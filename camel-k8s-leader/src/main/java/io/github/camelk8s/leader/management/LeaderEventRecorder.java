package io.github.camelk8s.leader.management;

import java.net.HttpURLConnection;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.github.camelk8s.leader.election.LeaderElectionConfig;
import io.github.camelk8s.leader.election.LeadershipListener;
import io.github.camelk8s.leader.election.LeaseRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records a candidate's leadership changes as Kubernetes Events on its Lease, as client-go's leader election does
 * with its event recorder: a core/v1 Event of type Normal, reason {@value #REASON}, message
 * {@code "<identity> became leader"} or {@code "<identity> stopped leading"}, involvedObject the Lease. So
 * {@code kubectl describe lease <name>} and {@code kubectl get events} show who led when.
 * <p>
 * Recording never affects the election: events are created on the given executor, never on the elector's
 * threads, and a failure (a missing {@code create} permission on events, an unreachable API server) is logged,
 * at WARN the first time after a success and at DEBUG after that, and otherwise ignored. Add it as a listener
 * before starting the elector:
 *
 * <pre>
 * elector.addListener(new LeaderEventRecorder(client, elector.config(), eventExecutor));
 * </pre>
 */
public final class LeaderEventRecorder implements LeadershipListener {

    /** The reason of every event, as client-go writes it. */
    public static final String REASON = "LeaderElection";
    /** The reporting component written on every event. */
    public static final String COMPONENT = "camel-k8s-leader";

    private static final Logger LOG = LoggerFactory.getLogger(LeaderEventRecorder.class);

    private final KubernetesClient client;
    private final LeaderElectionConfig config;
    private final Executor executor;
    /** Whether the last attempt failed: the next failure is then logged at DEBUG only. Guarded by this. */
    private boolean failing;

    public LeaderEventRecorder(KubernetesClient client, LeaderElectionConfig config, Executor executor) {
        this.client = client;
        this.config = config;
        this.executor = executor;
    }

    @Override
    public void elected(LeaseRecord record) {
        record("became leader");
    }

    @Override
    public void lost(LeaseRecord lastKnown) {
        record("stopped leading");
    }

    private void record(String what) {
        String message = config.identity() + " " + what;
        Instant at = Instant.now();
        try {
            executor.execute(() -> create(message, at));
        } catch (RejectedExecutionException e) {
            LOG.debug("Event '{}' on Lease {} not recorded: the executor is shut down", message, leaseRef());
        }
    }

    private void create(String message, Instant at) {
        try {
            client.v1().events().inNamespace(config.namespace()).resource(event(message, at)).create();
            synchronized (this) {
                failing = false;
            }
            LOG.debug("Recorded event '{}' on Lease {}", message, leaseRef());
        } catch (RuntimeException e) {
            boolean first;
            synchronized (this) {
                first = !failing;
                failing = true;
            }
            String why = describe(e);
            if (first) {
                LOG.warn("Cannot record the event '{}' on Lease {}; the election is not affected: {}", message,
                        leaseRef(), why);
            } else {
                LOG.debug("Cannot record the event '{}' on Lease {}: {}", message, leaseRef(), why);
            }
        }
    }

    /** The event, named like client-go's ({@code <lease>.<hex nanoseconds>}) so names do not collide. */
    Event event(String message, Instant at) {
        String time = DateTimeFormatter.ISO_INSTANT.format(at.truncatedTo(ChronoUnit.SECONDS));
        long nanos = at.getEpochSecond() * 1_000_000_000L + at.getNano();
        return new EventBuilder()
                .withNewMetadata()
                .withName(config.leaseName() + "." + Long.toHexString(nanos))
                .withNamespace(config.namespace())
                .endMetadata()
                .withInvolvedObject(leaseReference())
                .withReason(REASON)
                .withMessage(message)
                .withType("Normal")
                .withNewSource().withComponent(COMPONENT).endSource()
                .withReportingComponent(COMPONENT)
                .withReportingInstance(config.identity())
                .withFirstTimestamp(time)
                .withLastTimestamp(time)
                .withCount(1)
                .build();
    }

    /** The Lease as an object reference, with its uid and resourceVersion when it can be read. */
    private ObjectReference leaseReference() {
        ObjectReferenceBuilder reference = new ObjectReferenceBuilder()
                .withApiVersion("coordination.k8s.io/v1")
                .withKind("Lease")
                .withName(config.leaseName())
                .withNamespace(config.namespace());
        try {
            Lease lease = client.leases().inNamespace(config.namespace()).withName(config.leaseName()).get();
            if (lease != null) {
                reference.withUid(lease.getMetadata().getUid())
                        .withResourceVersion(lease.getMetadata().getResourceVersion());
            }
        } catch (RuntimeException e) {
            // the event is still worth recording without the uid; the create below reports any real problem
            LOG.debug("Cannot read Lease {} for its uid: {}", leaseRef(), e.toString());
        }
        return reference.build();
    }

    private String describe(RuntimeException e) {
        if (e instanceof KubernetesClientException k && k.getCode() == HttpURLConnection.HTTP_FORBIDDEN) {
            return "HTTP 403 Forbidden: grant the service account 'create' on events (core API group) in namespace "
                   + config.namespace() + ", or set recordEvents=false";
        }
        return e.getMessage();
    }

    private String leaseRef() {
        return config.namespace() + "/" + config.leaseName();
    }

    @Override
    public String toString() {
        return "LeaderEventRecorder[" + config.identity() + " on " + leaseRef() + "]";
    }
}
