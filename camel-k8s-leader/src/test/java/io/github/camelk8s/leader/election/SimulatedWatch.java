package io.github.camelk8s.leader.election;

import java.util.ArrayList;
import java.util.List;

/**
 * One process's watch on the Lease, as an informer behaves: once connected it lists (delivers the current state),
 * then delivers every change in order, each after a random lag. A dropped connection loses what was on the wire;
 * the reconnect relists, and when the Lease vanished meanwhile the relist reports a delete with a stale last-known
 * state (deletedFinalStateUnknown). A black hole stalls the stream: what is sent meanwhile arrives at the heal,
 * unless the client notices first (after a watch timeout) and drops the connection. An etcd restore breaks every
 * watch, which then relists.
 */
final class SimulatedWatch implements LeaseWatch {

    private final SimulatedProcess process;
    private final SimulatedApiServer server;
    private final SimulatedNetwork network;
    private final Trace trace;
    private LeaseObserver observer;
    private boolean started;
    private boolean connected;
    private boolean connecting;
    private boolean closed;
    private boolean noticing;
    /** Bumped by each connect and drop: an event sent on an older connection is lost. */
    private int connection;
    private long lastDeliveryAt;
    /** Whether the observer was last told that the Lease exists. */
    private boolean toldPresent;
    /** The newest version written that this watch has delivered, in the order of content changes. */
    private long newestDelivered = -1;
    /** Events sent into a black hole, delivered at the heal. */
    private final List<Runnable> stalled = new ArrayList<>();

    SimulatedWatch(SimulatedProcess process, SimulatedApiServer server, SimulatedNetwork network, Trace trace) {
        this.process = process;
        this.server = server;
        this.network = network;
        this.trace = trace;
    }

    @Override
    public void start() {
        if (started || closed) {
            return;
        }
        started = true;
        server.addWatch(this);
        reconnectLater();
    }

    @Override
    public boolean isWatching() {
        return connected;
    }

    @Override
    public void addObserver(String leaseName, LeaseObserver observer) {
        this.observer = observer;
    }

    @Override
    public void removeObserver(String leaseName, LeaseObserver observer) {
        if (this.observer == observer) {
            close();
        }
    }

    /** The process stopped watching (its elector stopped) or died. */
    void close() {
        closed = true;
        observer = null;
        drop();
        server.removeWatch(this);
    }

    // ---- what the API server sends

    void changed(LeaseSnapshot lease, long version) {
        send(() -> {
            toldPresent = true;
            newestDelivered = Math.max(newestDelivered, version);
            observer.leaseChanged(lease);
        }, lease);
    }

    long newestDelivered() {
        return newestDelivered;
    }

    void deleted() {
        send(() -> {
            toldPresent = false;
            observer.leaseDeleted(false);
        }, null);
    }

    /** An etcd restore: the watch fails (410 Gone) and the informer relists. */
    void broken() {
        drop();
        reconnectLater();
    }

    // ---- the connection

    /** A fault on this process's link began or ended. */
    void linkChanged() {
        if (!started || closed) {
            return;
        }
        if (network.watchRefused(process.index)) {
            drop();
        } else if (network.blackHoled(process.index)) {
            if (connected && !noticing) {
                // the client notices a silent connection only after its watch timeout
                noticing = true;
                long timeout = Schedule.between(process.random, 200 * VirtualTime.MILLIS, 3 * VirtualTime.SECONDS);
                process.at(process.time.now() + timeout, () -> {
                    noticing = false;
                    if (network.blackHoled(process.index)) {
                        drop();
                    }
                });
            }
        } else {
            List<Runnable> heal = List.copyOf(stalled);
            stalled.clear();
            heal.forEach(Runnable::run);
            reconnectLater();
        }
    }

    private void send(Runnable delivery, LeaseSnapshot lease) {
        if (!connected) {
            return;
        }
        int on = connection;
        Runnable deliver = () -> {
            long at = Math.max(lastDeliveryAt, process.time.now() + network.watchLag(process.index));
            lastDeliveryAt = at;
            process.at(at, () -> {
                if (on == connection && observer != null) {
                    if (trace.on()) {
                        trace.line(process.identity, "watch: " + (lease == null ? "DELETED" : Trace.describe(lease)));
                    }
                    delivery.run();
                }
            }, true);
        };
        if (network.blackHoled(process.index)) {
            stalled.add(deliver);
        } else {
            deliver.run();
        }
    }

    private void drop() {
        if (connected) {
            connected = false;
            connection++;
            stalled.clear();
            trace.line(process.identity, "watch dropped");
        }
    }

    private void reconnectLater() {
        if (connected || connecting || closed || !started) {
            return;
        }
        connecting = true;
        long backOff = Schedule.between(process.random, 5 * VirtualTime.MILLIS, 300 * VirtualTime.MILLIS);
        process.at(process.time.now() + backOff, () -> {
            connecting = false;
            connect();
        }, true);
    }

    private void connect() {
        if (connected || closed || network.watchRefused(process.index) || network.blackHoled(process.index)) {
            // a refused or silent connection: linkChanged tries again when the fault ends
            return;
        }
        connected = true;
        connection++;
        trace.line(process.identity, "watch connected");
        LeaseSnapshot now = server.current();
        if (now != null) {
            changed(now, server.contentVersion());
        } else if (toldPresent) {
            send(() -> {
                toldPresent = false;
                observer.leaseDeleted(true);
            }, null);
        }
    }
}
