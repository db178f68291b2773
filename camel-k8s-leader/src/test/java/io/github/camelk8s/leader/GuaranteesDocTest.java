package io.github.camelk8s.leader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/guarantees.md, the register of what the project promises: every row names its proof, and every proof it
 * names exists. A test class or {@code Class#method} must be a test source of this repository (the method
 * declared in it), a simulator invariant must be one docs/reliability.md defines, and a row without either must
 * say "by design (...)" with its reason.
 */
class GuaranteesDocTest {

    private static final Path REGISTER = ConfigurationDocsTest.DOCS.resolve("guarantees.md");
    private static final Path REPOSITORY = Path.of("..");
    /** {@code | S1 | promise | conditions | proof |}: a row of one of the register's tables. */
    private static final Pattern ROW = Pattern.compile("^\\| ([A-Z]\\d+) \\|(.*)\\|(.*)\\|(.*)\\|$");
    private static final Pattern TEST = Pattern.compile("`([A-Z][A-Za-z0-9]*(?:Test|IT))(?:#([a-zA-Z0-9]+))?`");
    private static final Pattern INVARIANT = Pattern.compile("invariant \\(([a-z])\\)");

    private final List<Row> rows = rows();
    private final Map<String, Path> testSources = testSources();

    record Row(String id, String promise, String proof) {
    }

    @Test
    void theRegisterHasRowsEachWithAnIdOfItsOwn() {
        Set<String> seen = new HashSet<>();
        assertThat(rows).isNotEmpty();
        assertThat(rows).allSatisfy(row -> assertThat(seen.add(row.id())).as("%s is unique", row.id()).isTrue());
    }

    @Test
    void everyRowNamesATestAnInvariantOrTheReasonNoTestCanShowIt() {
        assertThat(rows).allSatisfy(row -> assertThat(TEST.matcher(row.proof()).find()
                                                      || INVARIANT.matcher(row.proof()).find()
                                                      || row.proof().contains("by design ("))
                .as("%s names its proof: %s", row.id(), row.proof()).isTrue());
    }

    @Test
    void everyTestARowNamesIsATestSourceOfTheRepository() {
        List<String> missing = new ArrayList<>();
        for (Row row : rows) {
            Matcher test = TEST.matcher(row.proof());
            while (test.find()) {
                Path source = testSources.get(test.group(1));
                if (source == null) {
                    missing.add(row.id() + ": " + test.group(1));
                } else if (test.group(2) != null && !read(source).contains(" void " + test.group(2) + "(")) {
                    missing.add(row.id() + ": " + test.group(1) + "#" + test.group(2));
                }
            }
        }
        assertThat(missing).as("tests named in %s that do not exist", REGISTER).isEmpty();
    }

    @Test
    void everyInvariantARowNamesIsOneTheSimulatorChecks() {
        String reliability = read(ConfigurationDocsTest.DOCS.resolve("reliability.md"));
        assertThat(rows).allSatisfy(row -> {
            Matcher invariant = INVARIANT.matcher(row.proof());
            while (invariant.find()) {
                assertThat(reliability).as("%s: invariant (%s)", row.id(), invariant.group(1))
                        .contains("- **(" + invariant.group(1) + ") ");
            }
        });
    }

    private static List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        for (String line : read(REGISTER).split("\n")) {
            Matcher row = ROW.matcher(line.strip());
            if (row.matches()) {
                rows.add(new Row(row.group(1), row.group(2).strip(), row.group(4).strip()));
            }
        }
        return rows;
    }

    /** Every test source file of the repository's modules, by class name. */
    private static Map<String, Path> testSources() {
        try (Stream<Path> files = Files.walk(REPOSITORY)) {
            return files.filter(path -> path.toString().endsWith(".java"))
                    .filter(path -> path.toString().contains("/src/test/java/"))
                    .filter(path -> !path.toString().contains("/target/"))
                    .collect(Collectors.toMap(path -> path.getFileName().toString().replace(".java", ""),
                            Function.identity(), (first, second) -> first));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
