package io.github.camelk8s.leader.pods;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.github.camelk8s.leader.testsupport.CountingDispatcher;
import io.github.camelk8s.leader.testsupport.FaultDispatcher;
import io.github.camelk8s.leader.testsupport.MockApiServer;
import io.github.camelk8s.leader.testsupport.WorkLog;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A mock API server and the {@link CamelPod}s of one test, all torn down after it. Register it with
 * {@code @RegisterExtension final Pods pods = new Pods();}.
 * <p>
 * It also logs every request the server receives, with the local monotonic time it arrived: a write is applied at
 * or after its arrival, so every candidate observes it later still, which makes these times a safe lower bound for
 * what the candidates could have seen.
 */
public final class Pods implements BeforeEachCallback, AfterEachCallback {

    /** How long a test waits for something the election does within a few seconds. */
    public static final Duration PATIENCE = Duration.ofSeconds(15);

    /** A request as it reached the API server. */
    public record Request(FaultDispatcher.Request request, long nanos) {
    }

    private MockApiServer api;
    private final List<CamelPod> pods = new CopyOnWriteArrayList<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    @Override
    public void beforeEach(ExtensionContext extension) {
        api = new MockApiServer();
        // a rule that never matches, first in line, sees every request
        api.faults().failWith(request -> {
            requests.add(new Request(request, System.nanoTime()));
            return false;
        }, 500, -1);
    }

    @Override
    public void afterEach(ExtensionContext extension) {
        List<CamelPod> toClose = new ArrayList<>(pods);
        Collections.reverse(toClose);
        api.faults().clear();
        for (CamelPod pod : toClose) {
            try {
                pod.close();
            } catch (RuntimeException e) {
                // keep closing the others
            }
        }
        api.close();
    }

    public MockApiServer api() {
        return api;
    }

    public FaultDispatcher faults() {
        return api.faults();
    }

    public CountingDispatcher counts() {
        return api.counts();
    }

    /** A pod, not started yet: configure it, then {@link CamelPod#start()}. */
    public CamelPod create(String name) {
        CamelPod pod = new CamelPod(api, name);
        pods.add(pod);
        return pod;
    }

    public CamelPod start(String name) {
        return create(name).start();
    }

    public List<CamelPod> start(String... names) {
        List<CamelPod> started = new ArrayList<>();
        for (String name : names) {
            started.add(start(name));
        }
        return started;
    }

    /** Waits until exactly one of the pods leads, and returns it. */
    public static CamelPod awaitSingleLeader(List<CamelPod> among) {
        AtomicReference<CamelPod> leader = new AtomicReference<>();
        await("a single leader among " + among).atMost(PATIENCE).until(() -> {
            List<CamelPod> leaders = among.stream().filter(CamelPod::isLeader).toList();
            leader.set(leaders.size() == 1 ? leaders.get(0) : null);
            return leaders.size() == 1;
        });
        return leader.get();
    }

    public Lease lease() {
        return api.lease(CamelPod.LEASE);
    }

    /** The fencing token of the term {@code lease} records, by the documented comparison (docs/fencing.md). */
    public static long fencingTokenOf(Lease lease) {
        return OffsetDateTime.parse(lease.getMetadata().getCreationTimestamp()).toEpochSecond() * 1_000_000_000L
               + lease.getSpec().getLeaseTransitions();
    }

    /** Requests from a candidate that wrote the Lease (create, update, patch), in arrival order. */
    public List<Request> leaseWritesBy(String candidate) {
        return requests.stream()
                .filter(r -> r.request().candidate().equals(candidate) && r.request().isLeaseWrite())
                .toList();
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /**
     * Asserts that the leader-only routes of the pods never ran at the same time: no exchange of one pod was being
     * processed while another pod processed one.
     */
    public static void assertNoOverlap(List<CamelPod> among) {
        WorkLog.Work previous = null;
        for (WorkLog.Work w : timeline(among)) {
            if (previous != null && !previous.pod().equals(w.pod())) {
                assertThat(w.begin()).as("%s began work %d us before %s finished its last work", w.pod(),
                        (previous.end() - w.begin()) / 1000, previous.pod()).isGreaterThan(previous.end());
            }
            previous = w;
        }
    }

    /**
     * Asserts that the leader-only routes of the pods never ran at the same time ({@link #assertNoOverlap}), and
     * that the pods took their turns in the given order, each once.
     */
    public static void assertWorkInTurns(CamelPod... inOrder) {
        assertNoOverlap(List.of(inOrder));
        List<String> turns = new ArrayList<>();
        for (WorkLog.Work w : timeline(List.of(inOrder))) {
            if (turns.isEmpty() || !turns.get(turns.size() - 1).equals(w.pod())) {
                turns.add(w.pod());
            }
        }
        assertThat(turns).as("who ran the leader-only route, in turn")
                .containsExactly(Arrays.stream(inOrder).map(CamelPod::name).toArray(String[]::new));
    }

    /** The leader-only work of the pods, by when it began. */
    private static List<WorkLog.Work> timeline(List<CamelPod> among) {
        return among.stream().flatMap(p -> p.work().stream()).sorted(Comparator.comparingLong(WorkLog.Work::begin))
                .toList();
    }
}
