package io.github.camelk8s.leader.example;

import org.apache.camel.main.Main;

/**
 * Starts the application with Camel Main: the routes of {@link LeaderRoutes}, configured by
 * {@code application.properties}. Run as many replicas as you like; the Lease decides which one does the
 * leader-only work.
 */
public final class Application {

    private Application() {
    }

    /** The application as it runs in a pod; tests use the same wiring. */
    public static Main create() {
        Main main = new Main();
        main.configure().addRoutesBuilder(new LeaderRoutes());
        return main;
    }

    public static void main(String[] args) throws Exception {
        create().run(args);
    }
}
