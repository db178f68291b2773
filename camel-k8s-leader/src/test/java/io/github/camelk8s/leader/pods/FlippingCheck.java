package io.github.camelk8s.leader.pods;

import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/** A readiness check of the application's own (say, its database), UP or DOWN as the test sets it. */
public final class FlippingCheck extends AbstractHealthCheck {

    private volatile boolean up;

    /** A check in group "app", id "app-database". */
    public FlippingCheck(boolean up) {
        this("app", up);
    }

    public FlippingCheck(String group, boolean up) {
        super(group, group + "-database");
        this.up = up;
    }

    public void set(boolean up) {
        this.up = up;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        if (up) {
            builder.up();
        } else {
            builder.down();
        }
    }
}
