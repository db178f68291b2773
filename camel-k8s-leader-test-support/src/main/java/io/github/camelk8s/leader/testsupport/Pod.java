package io.github.camelk8s.leader.testsupport;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.ServiceStatus;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.SimpleEventNotifierSupport;

/**
 * One "pod", as one replica of a Deployment would be: a CamelContext named {@link #name()} with its own
 * KubernetesClient, bound in the registry (as {@value #CLIENT_BEAN}) so that a component looking for the
 * registry's client finds it. Whatever makes its routes leader-only (this component, fabric8's LeaderElector,
 * Camel's cluster service) is added by its user; the pod starts, stops gracefully, is killed, and records when its
 * routes start and stop.
 * <p>
 * The pod owns the client: {@link #close()} and {@link #kill()} close it.
 */
public final class Pod implements AutoCloseable {

    public static final String CLIENT_BEAN = "kubernetesClient";

    /** A route of this pod starting or stopping, by the local monotonic clock. */
    public record RouteChange(String routeId, boolean started, long nanos) {
    }

    private final String name;
    private final KubernetesClient client;
    private final DefaultCamelContext context = new DefaultCamelContext();
    private final List<RouteChange> routeChanges = new CopyOnWriteArrayList<>();
    private volatile boolean running;
    private volatile long startedNanos;

    public Pod(String name, KubernetesClient client) {
        this.name = name;
        this.client = client;
        context.getCamelContextExtension().setName(name);
        context.getRegistry().bind(CLIENT_BEAN, client);
        context.getManagementStrategy().addEventNotifier(new RouteChangeRecorder());
    }

    /** Adds routes to the pod's context. */
    public Pod routes(RoutesBuilder routes) {
        try {
            context.addRoutes(routes);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot add the routes of " + name, e);
        }
        return this;
    }

    /** How long a graceful stop waits for exchanges in flight before it forces them (Camel's default: 45 s). */
    public Pod shutdownTimeout(Duration timeout) {
        context.getShutdownStrategy().setTimeout(timeout.toSeconds());
        return this;
    }

    /** Starts the CamelContext (which may block, for instance until leadership is acquired). */
    public Pod start() {
        startedNanos = System.nanoTime();
        running = true;
        context.start();
        return this;
    }

    /** Stops the CamelContext gracefully, as a pod does on SIGTERM: routes stop, leadership is released. */
    public void stop() {
        running = false;
        context.stop();
    }

    /**
     * As close to kill -9 as one JVM allows: the API connection goes first, so the pod can neither renew nor
     * release, then its routes stop in the background (they would simply vanish in a real kill).
     */
    public void kill() {
        running = false;
        client.close();
        Thread stopper = new Thread(context::stop, "kill-" + name);
        stopper.setDaemon(true);
        stopper.start();
    }

    /** Stops the context and closes the client. */
    @Override
    public void close() {
        running = false;
        try {
            context.stop();
        } finally {
            client.close();
        }
    }

    public String name() {
        return name;
    }

    public KubernetesClient client() {
        return client;
    }

    public DefaultCamelContext context() {
        return context;
    }

    /** Started and neither stopped nor killed since. */
    public boolean isRunning() {
        return running;
    }

    /** When {@link #start()} was called, by {@link System#nanoTime()}; 0 before. */
    public long startedNanos() {
        return startedNanos;
    }

    public ServiceStatus routeStatus(String routeId) {
        return context.getRouteController().getRouteStatus(routeId);
    }

    public List<RouteChange> routeChanges() {
        return List.copyOf(routeChanges);
    }

    /** When the route last stopped, by the local monotonic clock. */
    public Optional<Long> lastStopOf(String routeId) {
        return routeChanges.stream().filter(c -> c.routeId().equals(routeId) && !c.started())
                .map(RouteChange::nanos).reduce((a, b) -> b);
    }

    @Override
    public String toString() {
        return name;
    }

    private final class RouteChangeRecorder extends SimpleEventNotifierSupport {
        RouteChangeRecorder() {
            setIgnoreExchangeEvents(true);
        }

        @Override
        public boolean isEnabled(CamelEvent event) {
            return event instanceof CamelEvent.RouteStartedEvent || event instanceof CamelEvent.RouteStoppedEvent;
        }

        @Override
        public void notify(CamelEvent event) {
            CamelEvent.RouteEvent routeEvent = (CamelEvent.RouteEvent) event;
            routeChanges.add(new RouteChange(routeEvent.getRoute().getId(),
                    event instanceof CamelEvent.RouteStartedEvent, System.nanoTime()));
        }
    }
}
