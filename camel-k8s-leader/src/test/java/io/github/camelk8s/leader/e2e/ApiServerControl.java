package io.github.camelk8s.leader.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * Stops and starts the API server (and only it: etcd, so every object, stays) through the provisioning script's
 * {@code stop-apiserver} and {@code start-apiserver}. The script is named by {@code -De2e.script} or
 * {@code K8S_E2E_SCRIPT}, which {@code k8s-e2e.sh env} sets; on another cluster neither is set and the tests that
 * need this are skipped.
 */
final class ApiServerControl {

    private static final long TIMEOUT_SECONDS = 180;

    private final Path script;

    private ApiServerControl(Path script) {
        this.script = script;
    }

    /** The control of the local API server, or the test is skipped (with the reason) when there is none. */
    static ApiServerControl assumeAvailable() {
        String script = Cluster.setting("e2e.script", "K8S_E2E_SCRIPT", null);
        Assumptions.assumeTrue(script != null,
                "skipped: restarting the API server needs the local one of scripts/k8s-e2e/k8s-e2e.sh "
                                               + "(K8S_E2E_SCRIPT or -De2e.script, set by 'k8s-e2e.sh env')");
        Path path = Path.of(script);
        Assumptions.assumeTrue(Files.isReadable(path), "skipped: K8S_E2E_SCRIPT=" + script + " does not exist");
        return new ApiServerControl(path);
    }

    /** Stops kube-apiserver and returns once its process has exited. */
    void stop() {
        run("stop-apiserver");
    }

    /** Starts kube-apiserver on the same port and returns once it answers /readyz. */
    void start() {
        run("start-apiserver");
    }

    private void run(String command) {
        Path output = Path.of("target", "k8s-e2e-" + command + "-" + System.currentTimeMillis() + ".log");
        try {
            Files.createDirectories(output.getParent());
            Process process = new ProcessBuilder("bash", script.toString(), command)
                    .redirectErrorStream(true).redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE)
                    .start();
            process.getOutputStream().close();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(script + " " + command + " did not finish in " + TIMEOUT_SECONDS
                                                + " s:\n" + Files.readString(output, StandardCharsets.UTF_8));
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(script + " " + command + " failed (exit " + process.exitValue()
                                                + "):\n" + Files.readString(output, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot run " + script + " " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + script + " " + command, e);
        }
    }
}
