package io.github.camelk8s.leader.election;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

import org.slf4j.event.Level;

/**
 * What one candidate competes for and how: the Lease (namespace/name), this candidate's identity, and the timings
 * that make the election safe. Immutable; {@link Builder#build()} validates every rule and names the offending
 * option and its value in its message, as its user wrote it when it was given as text.
 */
public final class LeaderElectionConfig {

    /** DNS-1123 subdomain, the rule for an object name such as a Lease's. */
    private static final Pattern DNS_1123_SUBDOMAIN
            = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    /** DNS-1123 label, the rule for a namespace name. */
    private static final Pattern DNS_1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

    public static final Duration DEFAULT_LEASE_DURATION = Duration.ofSeconds(15);
    public static final Duration DEFAULT_RENEW_DEADLINE = Duration.ofSeconds(10);
    public static final Duration DEFAULT_RETRY_PERIOD = Duration.ofSeconds(2);
    public static final Duration DEFAULT_RENEWAL_INTERVAL = Duration.ofSeconds(2);

    private final String namespace;
    private final String leaseName;
    private final String identity;
    private final Duration leaseDuration;
    private final Duration renewDeadline;
    private final Duration retryPeriod;
    private final Duration renewalInterval;
    private final boolean releaseOnStop;
    private final Level loggingLevel;
    private final boolean observeOnly;
    private final boolean readinessGate;
    private final Duration readinessGracePeriod;

    private LeaderElectionConfig(Builder b) {
        this.namespace = b.namespace;
        this.leaseName = b.leaseName;
        this.identity = b.identity;
        this.leaseDuration = b.leaseDuration;
        this.renewDeadline = b.renewDeadline;
        this.retryPeriod = b.retryPeriod;
        this.renewalInterval = b.renewalInterval;
        this.releaseOnStop = b.releaseOnStop;
        this.loggingLevel = b.loggingLevel;
        this.observeOnly = b.observeOnly;
        this.readinessGate = b.readinessGate;
        this.readinessGracePeriod = b.readinessGracePeriod != null ? b.readinessGracePeriod : b.renewDeadline;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Namespace of the Lease. */
    public String namespace() {
        return namespace;
    }

    /** Name of the Lease; every candidate of one election names the same Lease. */
    public String leaseName() {
        return leaseName;
    }

    /** This candidate's holderIdentity; must be unique among the candidates. */
    public String identity() {
        return identity;
    }

    /**
     * How long followers wait, from when they first observe an unchanged record, before they consider it expired.
     * Written as {@code leaseDurationSeconds}, rounded up to whole seconds. Default 15 s.
     */
    public Duration leaseDuration() {
        return leaseDuration;
    }

    /**
     * How long a leader keeps acting as leader without a successful renewal before it steps down. Must be less
     * than leaseDuration: the difference is the margin that absorbs the delay between a leader sending a renewal
     * and followers observing it. Default 10 s.
     */
    public Duration renewDeadline() {
        return renewDeadline;
    }

    /** How often a candidate retries a failed API call, and polls while the watch is down. Default 2 s. */
    public Duration retryPeriod() {
        return retryPeriod;
    }

    /** How often the leader renews the Lease. Must be less than renewDeadline. Default 2 s. */
    public Duration renewalInterval() {
        return renewalInterval;
    }

    /** Whether a leader clears the holder when stopped, so a follower takes over at once. Default true. */
    public boolean releaseOnStop() {
        return releaseOnStop;
    }

    /** The level at which leadership changes are logged. Default INFO. */
    public Level loggingLevel() {
        return loggingLevel;
    }

    /**
     * Whether this candidate only watches the Lease: it tells who leads and never writes, whatever it is asked
     * (a resume, the end of a yield). For dashboards, and to check a migration before switching. Default false.
     */
    public boolean observeOnly() {
        return observeOnly;
    }

    /**
     * Whether this candidate competes only while the rest of its process is ready: told not ready, a follower stays
     * out, and a leader still not ready after {@link #readinessGracePeriod()} steps down and releases the Lease.
     * Default false.
     */
    public boolean readinessGate() {
        return readinessGate;
    }

    /** How long a leader told not ready keeps leading before it steps down. Default: renewDeadline. */
    public Duration readinessGracePeriod() {
        return readinessGracePeriod;
    }

    /** leaseDuration as the whole seconds written to the Lease record (rounded up, so never shorter). */
    public int leaseDurationSeconds() {
        long millis = leaseDuration.toMillis();
        return (int) ((millis + 999) / 1000);
    }

    public Builder toBuilder() {
        return builder().namespace(namespace).leaseName(leaseName).identity(identity)
                .leaseDuration(leaseDuration).renewDeadline(renewDeadline).retryPeriod(retryPeriod)
                .renewalInterval(renewalInterval).releaseOnStop(releaseOnStop).loggingLevel(loggingLevel)
                .observeOnly(observeOnly).readinessGate(readinessGate).readinessGracePeriod(readinessGracePeriod);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof LeaderElectionConfig that)) {
            return false;
        }
        return namespace.equals(that.namespace) && leaseName.equals(that.leaseName) && identity.equals(that.identity)
               && leaseDuration.equals(that.leaseDuration) && renewDeadline.equals(that.renewDeadline)
               && retryPeriod.equals(that.retryPeriod) && renewalInterval.equals(that.renewalInterval)
               && releaseOnStop == that.releaseOnStop && loggingLevel == that.loggingLevel
               && observeOnly == that.observeOnly && readinessGate == that.readinessGate
               && readinessGracePeriod.equals(that.readinessGracePeriod);
    }

    @Override
    public int hashCode() {
        return Objects.hash(namespace, leaseName, identity, leaseDuration, renewDeadline, retryPeriod,
                renewalInterval, releaseOnStop, loggingLevel, observeOnly, readinessGate, readinessGracePeriod);
    }

    @Override
    public String toString() {
        return "Lease " + namespace + "/" + leaseName + " as " + identity + " (leaseDuration=" + format(leaseDuration)
               + ", renewDeadline=" + format(renewDeadline) + ", retryPeriod=" + format(retryPeriod)
               + ", renewalInterval=" + format(renewalInterval) + ", releaseOnStop=" + releaseOnStop
               + (observeOnly ? ", observeOnly" : "")
               + (readinessGate ? ", readinessGate, readinessGracePeriod=" + format(readinessGracePeriod) : "") + ")";
    }

    public static final class Builder {
        private String namespace = "default";
        private String leaseName;
        private String identity;
        private Duration leaseDuration = DEFAULT_LEASE_DURATION;
        private Duration renewDeadline = DEFAULT_RENEW_DEADLINE;
        private Duration retryPeriod = DEFAULT_RETRY_PERIOD;
        private Duration renewalInterval = DEFAULT_RENEWAL_INTERVAL;
        private boolean releaseOnStop = true;
        private Level loggingLevel = Level.INFO;
        private boolean observeOnly;
        private boolean readinessGate;
        /** Null until given: the default follows renewDeadline. */
        private Duration readinessGracePeriod;
        /** The duration options given as text, as written: the messages quote them, not their conversion. */
        private final Map<String, String> writtenAs = new HashMap<>();
        /** The duration options given at all (as text or as a Duration): the others are the defaults. */
        private final Set<String> given = new HashSet<>();

        private Builder() {
        }

        public Builder namespace(String namespace) {
            this.namespace = namespace;
            return this;
        }

        public Builder leaseName(String leaseName) {
            this.leaseName = leaseName;
            return this;
        }

        public Builder identity(String identity) {
            this.identity = identity;
            return this;
        }

        public Builder leaseDuration(Duration value) {
            leaseDuration = value;
            writtenAs.remove("leaseDuration");
            given.add("leaseDuration");
            return this;
        }

        /** As text (see {@link Durations}), quoted as written in the messages; null leaves the value as it is. */
        public Builder leaseDuration(String text) {
            leaseDuration = parse("leaseDuration", text, leaseDuration);
            return this;
        }

        public Builder renewDeadline(Duration value) {
            renewDeadline = value;
            writtenAs.remove("renewDeadline");
            given.add("renewDeadline");
            return this;
        }

        /** As text (see {@link Durations}), quoted as written in the messages; null leaves the value as it is. */
        public Builder renewDeadline(String text) {
            renewDeadline = parse("renewDeadline", text, renewDeadline);
            return this;
        }

        public Builder retryPeriod(Duration value) {
            retryPeriod = value;
            writtenAs.remove("retryPeriod");
            given.add("retryPeriod");
            return this;
        }

        /** As text (see {@link Durations}), quoted as written in the messages; null leaves the value as it is. */
        public Builder retryPeriod(String text) {
            retryPeriod = parse("retryPeriod", text, retryPeriod);
            return this;
        }

        public Builder renewalInterval(Duration value) {
            renewalInterval = value;
            writtenAs.remove("renewalInterval");
            given.add("renewalInterval");
            return this;
        }

        /** As text (see {@link Durations}), quoted as written in the messages; null leaves the value as it is. */
        public Builder renewalInterval(String text) {
            renewalInterval = parse("renewalInterval", text, renewalInterval);
            return this;
        }

        public Builder releaseOnStop(boolean releaseOnStop) {
            this.releaseOnStop = releaseOnStop;
            return this;
        }

        public Builder loggingLevel(Level loggingLevel) {
            this.loggingLevel = loggingLevel;
            return this;
        }

        public Builder observeOnly(boolean observeOnly) {
            this.observeOnly = observeOnly;
            return this;
        }

        public Builder readinessGate(boolean readinessGate) {
            this.readinessGate = readinessGate;
            return this;
        }

        public Builder readinessGracePeriod(Duration value) {
            readinessGracePeriod = value;
            writtenAs.remove("readinessGracePeriod");
            given.add("readinessGracePeriod");
            return this;
        }

        /** As text (see {@link Durations}), quoted as written in the messages; null leaves the value as it is. */
        public Builder readinessGracePeriod(String text) {
            readinessGracePeriod = parse("readinessGracePeriod", text, readinessGracePeriod);
            return this;
        }

        /** Validates every rule, one per line, and builds; the message names the option and its value. */
        public LeaderElectionConfig build() {
            require(leaseName != null && !leaseName.isEmpty(), "leaseName", leaseName, "must not be empty");
            require(leaseName.length() <= 253 && DNS_1123_SUBDOMAIN.matcher(leaseName).matches(), "leaseName",
                    leaseName, "must be a DNS-1123 subdomain: lower case letters, digits, '-' and '.', "
                                   + "starting and ending with a letter or digit, at most 253 characters");
            require(namespace != null && namespace.length() <= 63 && DNS_1123_LABEL.matcher(namespace).matches(),
                    "namespace", namespace, "must be a DNS-1123 label: lower case letters, digits and '-', "
                                            + "starting and ending with a letter or digit, at most 63 characters");
            require(identity != null && !identity.isBlank(), "identity", identity, "must not be empty");
            requirePositive("leaseDuration", leaseDuration);
            requirePositive("renewDeadline", renewDeadline);
            requirePositive("retryPeriod", retryPeriod);
            requirePositive("renewalInterval", renewalInterval);
            require(leaseDuration.compareTo(Duration.ofSeconds(1)) >= 0, "leaseDuration", asWritten("leaseDuration"),
                    "must be at least 1s (the Lease records whole seconds)");
            require(renewDeadline.compareTo(leaseDuration) < 0, "renewDeadline", asWritten("renewDeadline"),
                    "must be less than leaseDuration (" + reference("leaseDuration") + ")");
            require(retryPeriod.compareTo(renewDeadline) < 0, "retryPeriod", asWritten("retryPeriod"),
                    "must be less than renewDeadline (" + reference("renewDeadline") + ")");
            require(renewalInterval.compareTo(renewDeadline) < 0, "renewalInterval", asWritten("renewalInterval"),
                    "must be less than renewDeadline (" + reference("renewDeadline") + ")");
            require(loggingLevel != null, "loggingLevel", null, "must be set");
            if (given.contains("readinessGracePeriod")) {
                requirePositive("readinessGracePeriod", readinessGracePeriod);
            }
            return new LeaderElectionConfig(this);
        }

        private Duration parse(String option, String text, Duration unchanged) {
            if (text == null) {
                return unchanged;
            }
            writtenAs.put(option, text);
            given.add(option);
            return Durations.parse(option, text);
        }

        private void requirePositive(String option, Duration value) {
            require(value != null, option, null, "must be set");
            require(!value.isNegative() && !value.isZero(), option, asWritten(option), "must be greater than 0");
        }

        /**
         * The value of a duration option as its user wrote it; in milliseconds if it was given as a Duration; marked
         * as the default if it was not given at all, so that a user is never quoted a value they did not write.
         */
        private String asWritten(String option) {
            String text = writtenAs.get(option);
            if (text != null) {
                return text;
            }
            String value = format(value(option));
            return given.contains(option) ? value : value + " (the default)";
        }

        /** As {@link #asWritten}, to name an option's value inside another's message. */
        private String reference(String option) {
            return given.contains(option) ? asWritten(option) : "the default, " + format(value(option));
        }

        private Duration value(String option) {
            return switch (option) {
                case "leaseDuration" -> leaseDuration;
                case "renewDeadline" -> renewDeadline;
                case "retryPeriod" -> retryPeriod;
                case "readinessGracePeriod" -> readinessGracePeriod;
                default -> renewalInterval;
            };
        }

        private static void require(boolean rule, String option, Object value, String why) {
            if (!rule) {
                throw invalidOption(option, value, why);
            }
        }
    }

    /** The one form of every bad-option message: the option, its value as its user wrote it, and the rule. */
    public static IllegalArgumentException invalidOption(String option, Object asWritten, String why) {
        return new IllegalArgumentException("Invalid k8s-leader option " + option + "=" + asWritten + ": " + why);
    }

    static String format(Duration d) {
        return Durations.text(d);
    }
}
