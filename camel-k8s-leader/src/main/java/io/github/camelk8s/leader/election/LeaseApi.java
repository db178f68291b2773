package io.github.camelk8s.leader.election;

import java.net.HttpURLConnection;
import java.time.DateTimeException;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The three calls the election needs on one Lease, made with the fabric8 client on the factory's API threads (each
 * elector has at most one in flight, so the threads bound the concurrency, not the number of elections). Writes
 * are a create (fails if the Lease exists) or an update carrying the resourceVersion that was read (fails if anyone
 * wrote since): never a replace, which would silently overwrite another candidate's acquisition. Both failures
 * surface as {@link LeaseConflictException}, judged by the HTTP code alone because the API server's reason varies
 * (a real one says Conflict or AlreadyExists, the mock server Invalid).
 */
final class LeaseApi implements LeaseStore {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseApi.class);

    private final KubernetesClient client;
    private final String namespace;
    private final String name;
    private final Executor io;

    LeaseApi(KubernetesClient client, String namespace, String name, Executor io) {
        this.client = client;
        this.namespace = namespace;
        this.name = name;
        this.io = io;
    }

    @Override
    public CompletionStage<LeaseSnapshot> get() {
        return call(() -> LeaseSnapshot.of(read()));
    }

    @Override
    public CompletionStage<LeaseSnapshot> create(LeaseRecord record) {
        return call(() -> LeaseSnapshot.of(createLease(record)));
    }

    @Override
    public CompletionStage<LeaseSnapshot> update(LeaseRecord record, LeaseSnapshot base) {
        return call(() -> LeaseSnapshot.of(updateLease(record, base.lease() != null ? base.lease()
                : record.toLease(namespace, name, base.resourceVersion()))));
    }

    private CompletionStage<LeaseSnapshot> call(Supplier<LeaseSnapshot> blocking) {
        CompletableFuture<LeaseSnapshot> answer = new CompletableFuture<>();
        io.execute(() -> {
            try {
                answer.complete(blocking.get());
            } catch (RuntimeException e) {
                answer.completeExceptionally(e);
            }
        });
        return answer;
    }

    /** The Lease as the API server has it now, or null if there is none. */
    Lease read() {
        try {
            return client.leases().inNamespace(namespace).withName(name).get();
        } catch (KubernetesClientException e) {
            if (isUnreadable(e)) {
                return getLeniently(e);
            }
            throw describe("get", e);
        }
    }

    /** Whether the Lease was received but could not be mapped (a field holds something of the wrong kind). */
    private static boolean isUnreadable(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof JsonProcessingException || cause instanceof DateTimeException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Reads a Lease that fabric8 cannot map, field by field. acquireTime and renewTime are for humans and no
     * decision reads them, so one that is not a time (only a store that skips the API server's validation can
     * hold one) reads as absent, and so does a number that is not a number; the record is rewritten whole by the
     * next write. Failing the read instead stopped the election on that Lease for good, with the message "An
     * error has occurred".
     */
    private Lease getLeniently(KubernetesClientException unreadable) {
        GenericKubernetesResource raw;
        try {
            raw = client.genericKubernetesResources("coordination.k8s.io/v1", "Lease").inNamespace(namespace)
                    .withName(name).get();
        } catch (KubernetesClientException e) {
            throw describe("get", e);
        }
        if (raw == null) {
            return null;
        }
        LOG.debug("Lease {}/{} has fields that cannot be read ({}); reading it without them", namespace, name,
                unreadable.getMessage());
        LeaseBuilder lease = new LeaseBuilder().withMetadata(raw.getMetadata());
        if (raw.getAdditionalProperties().get("spec") instanceof Map<?, ?> spec) {
            lease.withNewSpec()
                    .withHolderIdentity(spec.get("holderIdentity") instanceof String holder ? holder : null)
                    .withLeaseDurationSeconds(integer(spec.get("leaseDurationSeconds")))
                    .withLeaseTransitions(integer(spec.get("leaseTransitions")))
                    .withAcquireTime(time(spec.get("acquireTime")))
                    .withRenewTime(time(spec.get("renewTime")))
                    .endSpec();
        }
        return lease.build();
    }

    private static Integer integer(Object value) {
        return value instanceof Number number ? Integer.valueOf(number.intValue()) : null;
    }

    private static ZonedDateTime time(Object value) {
        if (value instanceof String text) {
            try {
                return ZonedDateTime.parse(text);
            } catch (DateTimeException e) {
                return null;
            }
        }
        return null;
    }

    Lease createLease(LeaseRecord record) {
        try {
            return client.leases().inNamespace(namespace).resource(record.toLease(namespace, name, null)).create();
        } catch (KubernetesClientException e) {
            throw conflictOrDescribe("create", e);
        }
    }

    /**
     * Writes the record into the Lease as it was {@code read}, only if the Lease is still at that resourceVersion.
     * Everything else the Lease carries is kept: building the update from the record alone wiped labels,
     * annotations and spec fields that other tools had put there, on every renewal.
     */
    Lease updateLease(LeaseRecord record, Lease read) {
        try {
            return client.leases().inNamespace(namespace).resource(record.writtenInto(read)).update();
        } catch (KubernetesClientException e) {
            throw conflictOrDescribe("update", e);
        }
    }

    private RuntimeException conflictOrDescribe(String verb, KubernetesClientException e) {
        if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
            return new LeaseConflictException(
                    "Lease " + namespace + "/" + name + " changed before " + verb + " (HTTP 409)", e);
        }
        return describe(verb, e);
    }

    /** Adds what an operator needs to act on the failure: the verb, the lease and, for 403, the missing RBAC. */
    private KubernetesClientException describe(String verb, KubernetesClientException e) {
        String what = "Cannot " + verb + " Lease " + namespace + "/" + name;
        if (e.getCode() == HttpURLConnection.HTTP_FORBIDDEN) {
            what += " (HTTP 403 Forbidden): grant the service account '" + verb
                    + "' on leases.coordination.k8s.io in namespace " + namespace;
        } else if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND && verb.equals("create")) {
            // a Lease that is absent reads as null; creating it fails like this only for want of a namespace
            what += " (HTTP 404 Not Found): namespace " + namespace + " does not exist (or this API server has no "
                    + "coordination.k8s.io/v1 Leases)";
        } else if (e.getCode() > 0) {
            what += " (HTTP " + e.getCode() + ")";
        }
        return new KubernetesClientException(what + ": " + e.getMessage(), e.getCode(), e.getStatus());
    }
}
