package io.github.camelk8s.leader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.github.camelk8s.leader.testsupport.SvgPicture;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pictures committed under docs/ (the failover demo's timeline, the benchmarks' charts) are well-formed SVG,
 * and each is embedded by a page of the documentation, as each picture a page embeds is committed. Which figures
 * the charts show is the benchmarks' own test (ChartsTest, profile benchmarks).
 */
class DocsPicturesTest {

    /** A markdown image: ![description](path). */
    private static final Pattern IMAGE = Pattern.compile("!\\[[^\\]]*\\]\\(([^)\\s]+)\\)");

    private static List<Path> pictures() throws IOException {
        try (Stream<Path> files = Files.walk(ConfigurationDocsTest.DOCS)) {
            return files.filter(f -> f.toString().endsWith(".svg")).map(Path::normalize).sorted().toList();
        }
    }

    private static List<Path> pages() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(ConfigurationDocsTest.README));
        try (Stream<Path> files = Files.walk(ConfigurationDocsTest.DOCS)) {
            files.filter(f -> f.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        return pages;
    }

    /** Every picture the pages embed from the repository, resolved against the page that embeds it. */
    private static List<Path> embedded() throws IOException {
        List<Path> embedded = new ArrayList<>();
        for (Path page : pages()) {
            Matcher image = IMAGE.matcher(Files.readString(page, StandardCharsets.UTF_8));
            while (image.find()) {
                if (!image.group(1).contains("://")) {
                    embedded.add(page.resolveSibling(image.group(1)).normalize());
                }
            }
        }
        return embedded;
    }

    @Test
    void theDocsHoldTheDemosTimelineAndTheBenchmarksCharts() throws IOException {
        assertThat(pictures()).extracting(p -> p.getFileName().toString())
                .contains("failover-timeline.svg", "benchmarks-handover.svg", "benchmarks-rebalancing.svg");
    }

    @Test
    void everyCommittedPictureIsAWellFormedSvgOfAPositiveSize() throws IOException {
        for (Path picture : pictures()) {
            SvgPicture svg = SvgPicture.read(picture);
            assertThat(svg.width()).as(picture.toString()).isPositive();
            assertThat(svg.height()).as(picture.toString()).isPositive();
        }
    }

    @Test
    void everyCommittedPictureIsEmbeddedByAPage() throws IOException {
        assertThat(embedded()).containsAll(pictures());
    }

    @Test
    void everyPictureAPageEmbedsIsCommitted() throws IOException {
        for (Path picture : embedded()) {
            assertThat(picture).exists();
        }
    }
}
