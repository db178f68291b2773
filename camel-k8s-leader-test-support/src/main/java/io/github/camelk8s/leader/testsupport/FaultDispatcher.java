package io.github.camelk8s.leader.testsupport;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

/**
 * Sits in front of the CRUD store: answers the requests matching a rule with an error, a delay or a hang instead
 * of the store's answer. A rule may be limited to a number of matches; the first matching rule with matches left
 * answers. Rules name candidates by the header each candidate's client sends ({@link #CANDIDATE_HEADER}).
 */
public final class FaultDispatcher extends Dispatcher {

    public static final String CANDIDATE_HEADER = "X-Test-Candidate";
    /**
     * When the client sent the request: {@link System#nanoTime()} of this JVM, stamped by the clients of
     * {@link MockApiServer} as each attempt is handed to the HTTP layer. Only meaningful because client and server
     * run in one JVM.
     */
    public static final String SENT_HEADER = "X-Test-Sent-Nanos";

    private final Dispatcher crud;
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final List<AnswerListener> listeners = new CopyOnWriteArrayList<>();

    FaultDispatcher(Dispatcher crud) {
        this.crud = crud;
    }

    /**
     * What a request looks like to a rule. {@code sentNanos}: when its client sent it (see {@link #SENT_HEADER}), 0
     * when it carries no stamp.
     */
    public record Request(String candidate, String method, String path, long sentNanos) {
        public boolean isWatch() {
            return path.contains("watch=true");
        }

        public boolean isLeaseWrite() {
            return path.contains("/leases") && (method.equals("PUT") || method.equals("POST")
                                                || method.equals("PATCH"));
        }
    }

    public static Predicate<Request> candidate(String name) {
        return r -> name.equals(r.candidate());
    }

    /** Answers matching requests with {@code code} (a Status body), at most {@code times} times (-1: always). */
    public Rule failWith(Predicate<Request> match, int code, int times) {
        return add(new Rule(match, code, 0, times));
    }

    /**
     * Answers matching requests the way an API server refuses them: a Status with {@code code}, {@code reason}
     * (Forbidden, NotFound, ...) and {@code message}, at most {@code times} times (-1: always).
     */
    public Rule refuse(Predicate<Request> match, int code, String reason, String message, int times) {
        String body = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                      + "\"message\":\"" + message.replace("\"", "\\\"") + "\",\"reason\":\"" + reason
                      + "\",\"code\":" + code + "}";
        return add(new Rule(match, code, 0, times, body));
    }

    /** Answers matching requests with {@code code} after {@code millis}: a slow failure. */
    public Rule failAfter(Predicate<Request> match, int code, long millis, int times) {
        return add(new Rule(match, code, millis, times));
    }

    /**
     * Passes matching requests on to the CRUD store at once and sends the answer {@code millis} later: the write
     * takes effect on arrival, its answer is slow. (The server answers every request on one event-loop thread, so
     * delaying the request itself here would delay every candidate's requests, not just these.)
     */
    public Rule delay(Predicate<Request> match, long millis, int times) {
        return add(new Rule(match, 0, millis, times));
    }

    /** Never answers matching requests in time (the client times out): a dead connection. */
    public Rule hang(Predicate<Request> match, int times) {
        return add(new Rule(match, 504, 60_000, times));
    }

    private Rule add(Rule rule) {
        rules.add(rule);
        return rule;
    }

    /** Told of every answer the CRUD store gives (not of injected faults), as it is sent. */
    public interface AnswerListener {
        void answered(Request request, MockResponse response);
    }

    public void addAnswerListener(AnswerListener listener) {
        listeners.add(listener);
    }

    public void clear() {
        rules.clear();
    }

    public void remove(Rule rule) {
        rules.remove(rule);
    }

    @Override
    public MockResponse dispatch(RecordedRequest recorded) {
        String candidate = recorded.getHeader(CANDIDATE_HEADER);
        String sent = recorded.getHeader(SENT_HEADER);
        Request request = new Request(candidate == null ? "" : candidate, recorded.getMethod(), recorded.getPath(),
                sent == null ? 0 : Long.parseLong(sent));
        for (Rule rule : rules) {
            if (rule.match.test(request) && rule.take()) {
                if (rule.code == 0) {
                    MockResponse answer = answer(request, recorded);
                    if (rule.delayMillis > 0) {
                        answer.setBodyDelay(rule.delayMillis, TimeUnit.MILLISECONDS);
                    }
                    return answer;
                }
                MockResponse response = new MockResponse().setResponseCode(rule.code)
                        .setBody(rule.body != null ? rule.body
                                : "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":"
                                  + rule.code + ",\"message\":\"injected fault\"}");
                if (rule.delayMillis > 0) {
                    response.setBodyDelay(rule.delayMillis, TimeUnit.MILLISECONDS);
                }
                return response;
            }
        }
        return answer(request, recorded);
    }

    private MockResponse answer(Request request, RecordedRequest recorded) {
        MockResponse answer = crud.dispatch(recorded);
        for (AnswerListener listener : listeners) {
            listener.answered(request, answer);
        }
        return answer;
    }

    @Override
    public void shutdown() {
        crud.shutdown();
    }

    public static final class Rule {
        private final Predicate<Request> match;
        private final int code;
        private final long delayMillis;
        private final AtomicInteger remaining;
        private final AtomicInteger hits = new AtomicInteger();
        private final String body;

        Rule(Predicate<Request> match, int code, long delayMillis, int times) {
            this(match, code, delayMillis, times, null);
        }

        Rule(Predicate<Request> match, int code, long delayMillis, int times, String body) {
            this.match = match;
            this.code = code;
            this.delayMillis = delayMillis;
            this.remaining = new AtomicInteger(times);
            this.body = body;
        }

        boolean take() {
            if (remaining.get() < 0) {
                hits.incrementAndGet();
                return true;
            }
            if (remaining.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
                hits.incrementAndGet();
                return true;
            }
            return false;
        }

        /** How often this rule answered a request. */
        public int hits() {
            return hits.get();
        }
    }
}
