package io.github.camelk8s.leader.election;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a mutants test tells when it is done: one line, {@code <what>: K of N caught}, and, in {@code target/<file>},
 * which schedule caught each mutant and by which rule, or that it survived the budget.
 */
final class MutantsSummary {

    private MutantsSummary() {
    }

    /**
     * @param after  each mutant's index of the first schedule that caught it, from {@code firstSeed}, or -1
     * @param caught the violation that caught each mutant caught
     */
    static <M extends Enum<M>> void tell(String what, String file, Map<M, Long> after,
                                        Map<M, SimulationInvariants.Violation> caught, long budget, long firstSeed)
            throws IOException {
        System.out.println(what + ": " + caught.size() + " of " + after.size() + " caught");
        Path target = Path.of("target");
        if (Files.isDirectory(target)) {
            Files.writeString(target.resolve(file), after.entrySet().stream()
                    .map(e -> e.getKey() + ": " + (e.getValue() < 0 ? "survived " + budget + " schedules"
                            : "caught after " + (e.getValue() + 1) + " schedule(s), by seed "
                              + (firstSeed + e.getValue()) + ": " + caught.get(e.getKey()).describe()))
                    .collect(Collectors.joining("\n", "", "\n")), StandardCharsets.UTF_8);
        }
    }
}
