package io.github.camelk8s.leader.e2e;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;

/**
 * Every request one client sends about Leases, with the local monotonic time it was sent: the send time of a write
 * is what the take-over timing is measured against, and the counts show how hard a candidate retries.
 */
final class RequestLog implements Interceptor {

    enum Kind {
        /** GET of one Lease. */
        GET,
        /** GET of the namespace's Leases (the informer's list). */
        LIST,
        /** The informer's watch. */
        WATCH,
        /** POST, PUT or PATCH of a Lease. */
        WRITE,
        OTHER
    }

    record Request(Kind kind, String method, String uri, long nanos) {
    }

    private final List<Request> requests = new CopyOnWriteArrayList<>();

    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
        requests.add(new Request(kind(request), request.method(), request.uri().toString(), System.nanoTime()));
    }

    private static Kind kind(HttpRequest request) {
        String path = request.uri().getPath();
        String query = request.uri().getQuery() == null ? "" : request.uri().getQuery();
        if (!path.contains("/leases")) {
            return Kind.OTHER;
        }
        boolean collection = path.endsWith("/leases");
        return switch (request.method()) {
            case "GET" -> collection ? (query.contains("watch=true") ? Kind.WATCH : Kind.LIST) : Kind.GET;
            case "POST", "PUT", "PATCH" -> Kind.WRITE;
            default -> Kind.OTHER;
        };
    }

    List<Request> all() {
        return List.copyOf(requests);
    }

    List<Request> of(Kind kind) {
        return requests.stream().filter(r -> r.kind() == kind).toList();
    }

    /** Requests of a kind sent between two {@link System#nanoTime()} readings. */
    long count(Kind kind, long fromNanos, long toNanos) {
        return requests.stream().filter(r -> r.kind() == kind && r.nanos() >= fromNanos && r.nanos() < toNanos)
                .count();
    }

    /** The first write sent at or after the given time, if any. */
    Optional<Request> firstWriteSince(long nanos) {
        return requests.stream().filter(r -> r.kind() == Kind.WRITE && r.nanos() >= nanos).findFirst();
    }

    static String rate(long count, Duration window) {
        return String.format(Locale.ROOT, "%d in %.1f s", count, window.toMillis() / 1000.0);
    }
}
