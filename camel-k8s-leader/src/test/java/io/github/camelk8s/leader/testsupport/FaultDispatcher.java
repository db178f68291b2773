package io.github.camelk8s.leader.testsupport;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

/**
 * Sits in front of the CRUD dispatcher: counts requests per candidate and answers the ones matching a rule with
 * an error, a delay or a hang instead. A rule may be limited to a number of matches.
 */
public final class FaultDispatcher extends Dispatcher {

    public static final String CANDIDATE_HEADER = "X-Test-Candidate";

    private final Dispatcher crud;
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();

    FaultDispatcher(Dispatcher crud) {
        this.crud = crud;
    }

    /** What a request looks like to a rule. */
    public record Request(String candidate, String method, String path) {
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

    /** Answers matching requests with {@code code} after {@code millis}: a slow failure. */
    public Rule failAfter(Predicate<Request> match, int code, long millis, int times) {
        return add(new Rule(match, code, millis, times));
    }

    /** Delays matching requests by {@code millis} before passing them on to the CRUD store. */
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

    public void clear() {
        rules.clear();
    }

    public void remove(Rule rule) {
        rules.remove(rule);
    }

    /** Requests seen from a candidate, faulted or not. */
    public int requestCount(String candidate) {
        AtomicInteger count = requests.get(candidate);
        return count == null ? 0 : count.get();
    }

    @Override
    public MockResponse dispatch(RecordedRequest recorded) {
        String candidate = recorded.getHeader(CANDIDATE_HEADER);
        Request request = new Request(candidate == null ? "" : candidate, recorded.getMethod(), recorded.getPath());
        requests.computeIfAbsent(request.candidate(), c -> new AtomicInteger()).incrementAndGet();
        for (Rule rule : rules) {
            if (rule.match.test(request) && rule.take()) {
                if (rule.code == 0) {
                    sleep(rule.delayMillis);
                    return crud.dispatch(recorded);
                }
                MockResponse response = new MockResponse().setResponseCode(rule.code)
                        .setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":"
                                 + rule.code + ",\"message\":\"injected fault\"}");
                if (rule.delayMillis > 0) {
                    response.setBodyDelay(rule.delayMillis, TimeUnit.MILLISECONDS);
                }
                return response;
            }
        }
        return crud.dispatch(recorded);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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

        Rule(Predicate<Request> match, int code, long delayMillis, int times) {
            this.match = match;
            this.code = code;
            this.delayMillis = delayMillis;
            this.remaining = new AtomicInteger(times);
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
