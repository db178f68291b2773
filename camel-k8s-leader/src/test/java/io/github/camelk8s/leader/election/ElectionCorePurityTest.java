package io.github.camelk8s.leader.election;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The decision core decides and never waits: no threads, no I/O, no clock. What makes it deterministic (and so
 * explorable by the simulator) is checked on its source, so a convenient {@code System.nanoTime()} cannot creep in.
 */
class ElectionCorePurityTest {

    private static final Path SOURCES = Path.of("src/main/java/io/github/camelk8s/leader/election");

    /** Imports and calls that would give the core a thread, a lock, I/O or a clock of its own. */
    private static final List<Pattern> FORBIDDEN = List.of(
            Pattern.compile("import java\\.util\\.concurrent"),
            Pattern.compile("import java\\.io\\."),
            Pattern.compile("import java\\.nio\\."),
            Pattern.compile("import java\\.net\\."),
            Pattern.compile("import java\\.time\\.Clock"),
            Pattern.compile("import io\\.fabric8\\.kubernetes\\.client\\."),
            Pattern.compile("import org\\.slf4j\\."),
            Pattern.compile("\\bThread\\b"),
            Pattern.compile("\\bsynchronized\\b"),
            Pattern.compile("System\\.(nanoTime|currentTimeMillis)"),
            Pattern.compile("Instant\\.now"),
            Pattern.compile("\\bnew Random\\b|ThreadLocalRandom"));

    @ParameterizedTest(name = "{0} is pure")
    @ValueSource(strings = { "ElectionCore", "ElectionInput", "ElectionAction", "ElectionTimer", "LeaseRequest",
                             "MemberSlots", "LeaseSpread", "RebalancingCore" })
    void hasNoThreadsLocksIoOrClock(String type) throws IOException {
        String source = Files.readString(SOURCES.resolve(type + ".java"));

        assertThat(FORBIDDEN).allSatisfy(p -> assertThat(p.matcher(source).find())
                .as("%s contains %s", type, p.pattern()).isFalse());
    }
}
