package io.github.camelk8s.leader.cluster;

import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import org.apache.camel.CamelContext;
import org.apache.camel.support.PropertyBindingSupport;
import org.apache.camel.util.StringHelper;

/**
 * The {@value #PREFIX}{@code *} properties of a CamelContext (application.properties in Camel Main, the Spring
 * environment in Camel Spring Boot): {@code enabled}, the service's {@code id}, {@code order}, {@code group} and {@code rebalancing}, and
 * every election option of its configuration ({@code lease-duration} or {@code leaseDuration}, and so on). Binding fails, naming
 * the property and its value as written, on a name that is no option and on a value that does not convert.
 */
final class ClusterServiceProperties {

    static final String PREFIX = "camel.cluster.k8s-leader.";
    static final String ENABLED = "enabled";

    private final Map<String, String> properties;

    private ClusterServiceProperties(Map<String, String> properties) {
        this.properties = properties;
    }

    /** The context's {@value #PREFIX}{@code *} properties, keyed by what follows the prefix, as written. */
    static ClusterServiceProperties of(CamelContext context) {
        Map<String, String> found = new TreeMap<>();
        // loadProperties() with a filter reads the property sources only; without one it also has the initial and
        // override properties (Camel Main's addInitialProperty, -D and environment overrides). Its Properties keep
        // their entries in a map of their own: read them through entrySet(), not Hashtable.forEach().
        Properties all = context.getPropertiesComponent().loadProperties();
        for (Map.Entry<Object, Object> entry : all.entrySet()) {
            String name = String.valueOf(entry.getKey());
            if (name.startsWith(PREFIX)) {
                found.put(name.substring(PREFIX.length()), String.valueOf(entry.getValue()));
            }
        }
        return new ClusterServiceProperties(found);
    }

    /** Whether {@code enabled} is written at all. */
    boolean mentionsEnabled() {
        return properties.containsKey(ENABLED);
    }

    /** {@code enabled} as written: true unless it says false (a bad value is reported by {@link #bind}). */
    boolean enabledUnlessFalse() {
        return !"false".equals(properties.get(ENABLED).trim().toLowerCase(Locale.ROOT));
    }

    /**
     * Sets the service's id, order, group and rebalancing and its configuration's options; fails on the first bad
     * property.
     */
    void bind(CamelContext context, K8sLeaderClusterService service) {
        for (Map.Entry<String, String> property : properties.entrySet()) {
            String key = property.getKey();
            String value = property.getValue();
            String name = StringHelper.dashToCamelCase(key);
            try {
                if (name.equals(ENABLED)) {
                    checkBoolean(value);
                } else if (name.equals("id")) {
                    service.setId(value);
                } else if (name.equals("order")) {
                    service.setOrder(Integer.parseInt(value.trim()));
                } else if (name.equals("group")) {
                    service.setGroup(value);
                } else if (name.equals("rebalancing")) {
                    checkBoolean(value);
                    service.setRebalancing(Boolean.parseBoolean(value.trim()));
                } else if (!PropertyBindingSupport.build().withIgnoreCase(true)
                        .bind(context, service.getConfiguration(), name, value)) {
                    throw new IllegalArgumentException("no such option of K8sLeaderClusterService");
                }
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(PREFIX + key + "=" + value + ": " + reason(e), e);
            }
        }
    }

    private static void checkBoolean(String value) {
        String text = value.trim().toLowerCase(Locale.ROOT);
        if (!text.equals("true") && !text.equals("false")) {
            throw new IllegalArgumentException("must be true or false");
        }
    }

    private static String reason(RuntimeException e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage() != null ? cause.getMessage() : cause.toString();
    }
}
