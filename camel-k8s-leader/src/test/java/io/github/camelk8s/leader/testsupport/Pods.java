package io.github.camelk8s.leader.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
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
        java.util.Collections.reverse(toClose);
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
     * processed while another pod processed one, and the pods took their turns in the given order, each once.
     */
    public static void assertWorkInTurns(CamelPod... inOrder) {
        List<CamelPod.Work> timeline = new ArrayList<>();
        for (CamelPod pod : inOrder) {
            timeline.addAll(pod.work());
        }
        timeline.sort(Comparator.comparingLong(CamelPod.Work::begin));
        List<CamelPod> turns = new ArrayList<>();
        CamelPod.Work previous = null;
        for (CamelPod.Work w : timeline) {
            if (previous != null && previous.pod() != w.pod()) {
                assertThat(w.begin()).as("%s began work %d us before %s finished its last work", w.pod(),
                        (previous.end() - w.begin()) / 1000, previous.pod()).isGreaterThan(previous.end());
            }
            if (turns.isEmpty() || turns.get(turns.size() - 1) != w.pod()) {
                turns.add(w.pod());
            }
            previous = w;
        }
        assertThat(turns).as("who ran the leader-only route, in turn").containsExactly(inOrder);
    }
}
