package io.github.camelk8s.leader.benchmarks;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.fabric8.mockwebserver.http.ByteString;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;

/**
 * In front of the mock API server's CRUD store: counts every request per candidate (each candidate's client sends
 * a header naming it), tracks the watch connections each one holds open, notes when each candidate's last lease
 * write succeeded (the reference point of a crash take-over), and cuts crashed candidates off: their requests are
 * answered 503 without touching the store, as if the process were gone.
 */
final class CountingDispatcher extends Dispatcher {

    static final String CANDIDATE_HEADER = "X-Benchmark-Candidate";

    private final Dispatcher crud;
    private final Map<String, Counts> counts = new ConcurrentHashMap<>();
    private final Set<String> dead = ConcurrentHashMap.newKeySet();
    /** With -Dbenchmarks.trace=true, every request (for reading a timeline while investigating). */
    private final java.util.Queue<String> trace = Boolean.getBoolean("benchmarks.trace")
            ? new java.util.concurrent.ConcurrentLinkedQueue<>() : null;

    CountingDispatcher(Dispatcher crud) {
        this.crud = crud;
    }

    /** What one candidate has asked of the API server so far. */
    static final class Counts {
        final AtomicLong requests = new AtomicLong();
        final AtomicLong watchRequests = new AtomicLong();
        final AtomicLong leaseWrites = new AtomicLong();
        final AtomicLong openWatches = new AtomicLong();
        volatile long lastLeaseWriteNanos;

        Snapshot snapshot() {
            return new Snapshot(requests.get(), watchRequests.get(), leaseWrites.get(), openWatches.get());
        }
    }

    record Snapshot(long requests, long watchRequests, long leaseWrites, long openWatches) {
        Snapshot minus(Snapshot before) {
            return new Snapshot(requests - before.requests, watchRequests - before.watchRequests,
                    leaseWrites - before.leaseWrites, openWatches);
        }
    }

    Snapshot snapshot(String candidate) {
        return countsOf(candidate).snapshot();
    }

    long openWatches(String candidate) {
        return countsOf(candidate).openWatches.get();
    }

    /** System.nanoTime() when the candidate's last successful Lease write was answered, 0 if never. */
    long lastLeaseWriteNanos(String candidate) {
        return countsOf(candidate).lastLeaseWriteNanos;
    }

    /** From now on the candidate's requests fail with 503 and change nothing: it has crashed. */
    void kill(String candidate) {
        dead.add(candidate);
    }

    private Counts countsOf(String candidate) {
        return counts.computeIfAbsent(candidate, c -> new Counts());
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        String candidate = request.getHeader(CANDIDATE_HEADER);
        candidate = candidate == null ? "" : candidate;
        if (dead.contains(candidate)) {
            return new MockResponse().setResponseCode(503)
                    .setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":503}");
        }
        Counts c = countsOf(candidate);
        c.requests.incrementAndGet();
        String path = request.getPath();
        boolean watch = path.contains("watch=true");
        if (watch) {
            c.watchRequests.incrementAndGet();
        }
        long received = System.nanoTime();
        MockResponse response = crud.dispatch(request);
        if (trace != null) {
            trace.add(received + " " + System.nanoTime() + " " + candidate + " " + request.getMethod() + " " + path
                      + " " + response.code());
        }
        if (watch && response.getWebSocketListener() != null) {
            response.withWebSocketUpgrade(new CountingListener(response.getWebSocketListener(), c));
        }
        String method = request.getMethod();
        boolean write = "PUT".equals(method) || "POST".equals(method) || "PATCH".equals(method);
        if (write && path.contains("/leases") && response.code() < 300) {
            c.leaseWrites.incrementAndGet();
            c.lastLeaseWriteNanos = System.nanoTime();
        }
        return response;
    }

    /** The requests traced so far ("received answered candidate method path code"), and forgets them. */
    java.util.List<String> drainTrace() {
        java.util.List<String> out = new java.util.ArrayList<>();
        if (trace != null) {
            for (String line; (line = trace.poll()) != null;) {
                out.add(line);
            }
        }
        return out;
    }

    @Override
    public void shutdown() {
        crud.shutdown();
    }

    /** Counts a watch connection as open from its upgrade until it closes or fails. */
    private static final class CountingListener extends WebSocketListener {
        private final WebSocketListener delegate;
        private final Counts counts;
        private boolean open;

        CountingListener(WebSocketListener delegate, Counts counts) {
            this.delegate = delegate;
            this.counts = counts;
        }

        private synchronized void closed() {
            if (open) {
                open = false;
                counts.openWatches.decrementAndGet();
            }
        }

        @Override
        public void onBeforeAccept(WebSocket webSocket, Response response) {
            delegate.onBeforeAccept(webSocket, response);
        }

        @Override
        public void onOpen(WebSocket webSocket, Response response) {
            synchronized (this) {
                open = true;
                counts.openWatches.incrementAndGet();
            }
            delegate.onOpen(webSocket, response);
        }

        @Override
        public void onMessage(WebSocket webSocket, String text) {
            delegate.onMessage(webSocket, text);
        }

        @Override
        public void onMessage(WebSocket webSocket, ByteString bytes) {
            delegate.onMessage(webSocket, bytes);
        }

        @Override
        public void onMessage(WebSocket webSocket, byte[] bytes) {
            delegate.onMessage(webSocket, bytes);
        }

        @Override
        public void onClosing(WebSocket webSocket, int code, String reason) {
            closed();
            delegate.onClosing(webSocket, code, reason);
        }

        @Override
        public void onClosed(WebSocket webSocket, int code, String reason) {
            closed();
            delegate.onClosed(webSocket, code, reason);
        }

        @Override
        public void onFailure(WebSocket webSocket, Throwable t, Response response) {
            closed();
            delegate.onFailure(webSocket, t, response);
        }
    }
}
