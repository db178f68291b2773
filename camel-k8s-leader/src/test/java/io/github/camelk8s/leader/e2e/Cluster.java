package io.github.camelk8s.leader.e2e;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster the end-to-end tests run against: whatever fabric8's default configuration finds, that is
 * {@code KUBECONFIG} (or {@code ~/.kube/config}, or the in-cluster service account), so the same tests run on the
 * project's local kube-apiserver ({@code scripts/k8s-e2e/k8s-e2e.sh}), on kind, or on a real cluster.
 * <p>
 * Settings, each a system property or else an environment variable:
 * <ul>
 * <li>{@code e2e.namespace} / {@code E2E_NAMESPACE}: where the tests' Leases, ServiceAccounts, Roles and
 * RoleBindings go; default {@value #DEFAULT_NAMESPACE}, created if absent;</li>
 * <li>{@code e2e.restrictedKubeconfig} / {@code E2E_RESTRICTED_KUBECONFIG}: a kubeconfig of a user with no
 * permission in that namespace, for the 403 test (without it, that test uses a ServiceAccount with no
 * RoleBinding);</li>
 * <li>{@code e2e.script} / {@code K8S_E2E_SCRIPT}: the script that can stop and start the API server, for the
 * restart test (skipped without it).</li>
 * </ul>
 * The account of {@code KUBECONFIG} must be allowed to manage Leases, ServiceAccounts (and their tokens), Roles and
 * RoleBindings in the namespace, and to create the namespace unless it exists (README, "End-to-end tests").
 */
final class Cluster {

    static final String DEFAULT_NAMESPACE = "camel-k8s-leader-e2e";
    static final String NAMESPACE = setting("e2e.namespace", "E2E_NAMESPACE", DEFAULT_NAMESPACE);

    private static final Logger LOG = LoggerFactory.getLogger(Cluster.class);
    private static Config config;
    private static KubernetesClient admin;

    private Cluster() {
    }

    /** A system property, else an environment variable, else the fallback (blank counts as unset). */
    static String setting(String property, String env, String fallback) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(env);
        }
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    /** The default configuration, for {@link #NAMESPACE}. Fails with what to do when no cluster answers. */
    static synchronized Config config() {
        if (config == null) {
            Config found = Config.autoConfigure(null);
            config = new ConfigBuilder(found).withNamespace(NAMESPACE).build();
            admin();
        }
        return config;
    }

    /** A client with the account of KUBECONFIG, shared by the tests to set up and inspect; never closed. */
    static synchronized KubernetesClient admin() {
        if (admin == null) {
            KubernetesClient client = new KubernetesClientBuilder().withConfig(config()).build();
            String version;
            try {
                version = client.getKubernetesVersion().getGitVersion();
            } catch (KubernetesClientException e) {
                client.close();
                throw new IllegalStateException("The e2e tests need a Kubernetes cluster: none answers at "
                                                + config.getMasterUrl() + " (" + e.getMessage() + "). Point KUBECONFIG "
                                                + "at one, or start the local one: scripts/k8s-e2e/k8s-e2e.sh up; "
                                                + "eval \"$(scripts/k8s-e2e/k8s-e2e.sh env)\"",
                        e);
            }
            LOG.info("e2e cluster {} (Kubernetes {}), namespace {}", config.getMasterUrl(), version, NAMESPACE);
            ensureNamespace(client);
            admin = client;
        }
        return admin;
    }

    private static void ensureNamespace(KubernetesClient client) {
        try {
            if (client.namespaces().withName(NAMESPACE).get() != null) {
                return;
            }
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata()
                    .build()).create();
            LOG.info("created namespace {}", NAMESPACE);
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                return;
            }
            if (e.getCode() == 403) {
                // an account with permissions in the namespace only: it has to exist already
                LOG.info("may not read or create namespace {} (HTTP 403): assuming it exists", NAMESPACE);
                return;
            }
            throw new IllegalStateException("Cannot find or create the e2e namespace " + NAMESPACE + " (HTTP "
                                            + e.getCode() + "): create it, or name one you may use with "
                                            + "-De2e.namespace=...",
                    e);
        }
    }
}
