package io.github.camelk8s.leader.testsupport;

import java.util.Map;
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
 * The first in line of the mock API server's dispatchers: counts every request per candidate (each candidate's
 * client sends a header naming it, {@link FaultDispatcher#CANDIDATE_HEADER}), faulted or not, tracks the watch
 * connections each one holds open, and notes when each candidate's last Lease write succeeded (the reference point
 * of a crash take-over). It answers nothing itself: every request goes on to the {@link FaultDispatcher}.
 */
public final class CountingDispatcher extends Dispatcher {

    private final Dispatcher next;
    private final Map<String, Counts> counts = new ConcurrentHashMap<>();

    CountingDispatcher(Dispatcher next) {
        this.next = next;
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

    /**
     * A candidate's counts at one moment: requests and watch requests sent, Lease writes that succeeded, watch
     * connections open now.
     */
    public record Snapshot(long requests, long watchRequests, long leaseWrites, long openWatches) {
        /** What was sent since {@code before}; the open watches are those of now. */
        public Snapshot minus(Snapshot before) {
            return new Snapshot(requests - before.requests, watchRequests - before.watchRequests,
                    leaseWrites - before.leaseWrites, openWatches);
        }
    }

    public Snapshot snapshot(String candidate) {
        return countsOf(candidate).snapshot();
    }

    /** Requests seen from a candidate, faulted or not. */
    public long requestCount(String candidate) {
        return countsOf(candidate).requests.get();
    }

    public long openWatches(String candidate) {
        return countsOf(candidate).openWatches.get();
    }

    /** System.nanoTime() when the candidate's last successful Lease write was answered, 0 if never. */
    public long lastLeaseWriteNanos(String candidate) {
        return countsOf(candidate).lastLeaseWriteNanos;
    }

    private Counts countsOf(String candidate) {
        return counts.computeIfAbsent(candidate, c -> new Counts());
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        String candidate = request.getHeader(FaultDispatcher.CANDIDATE_HEADER);
        candidate = candidate == null ? "" : candidate;
        Counts c = countsOf(candidate);
        c.requests.incrementAndGet();
        String path = request.getPath();
        boolean watch = path.contains("watch=true");
        if (watch) {
            c.watchRequests.incrementAndGet();
        }
        MockResponse response = next.dispatch(request);
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

    @Override
    public void shutdown() {
        next.shutdown();
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
