package io.github.camelk8s.leader.management;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a PromQL expression reads, as far as the monitoring files' tests need it: the metrics it selects, with the
 * labels their matchers name, and the labels it groups by. Not a parser: it does not check the syntax (promtool
 * does), it only tells names apart. Functions and aggregations are identifiers followed by {@code (}, or by
 * {@code by} or {@code without}; {@code by}, {@code without}, {@code on}, {@code ignoring}, {@code group_left} and
 * {@code group_right} are followed by a list of labels; strings, ranges ({@code [5m]}), numbers, durations and
 * Grafana variables ({@code $lease}, {@code ${datasource}}) name nothing.
 */
final class PromQl {

    /** One metric selector: {@code name{label="..."}}. */
    record Selector(String metric, Set<String> matcherLabels) {
    }

    /** The selectors of an expression, in order, and the labels of its by/without/on/ignoring/group_* lists. */
    record Names(List<Selector> selectors, Set<String> groupingLabels) {

        Set<String> metrics() {
            Set<String> metrics = new LinkedHashSet<>();
            selectors.forEach(s -> metrics.add(s.metric()));
            return metrics;
        }
    }

    private static final Set<String> LABEL_LISTS = Set.of("by", "without", "on", "ignoring", "group_left",
            "group_right");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "offset", "bool", "atan2");

    private final String text;
    private int at;

    private PromQl(String text) {
        this.text = text;
    }

    static Names names(String expression) {
        return new PromQl(expression).scan();
    }

    private Names scan() {
        List<Selector> selectors = new ArrayList<>();
        Set<String> grouping = new LinkedHashSet<>();
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c == '"' || c == '\'' || c == '`') {
                skipString();
            } else if (c == '[') {
                skipPast(']');
            } else if (c == '{') {
                // a selector with no name in front: {__name__=~"..."} is not used in these files
                selectors.add(new Selector("", matcherLabels()));
            } else if (c == '$') {
                skipVariable();
            } else if (Character.isDigit(c) || c == '.') {
                skipWhile("0123456789.eE+abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_");
            } else if (isIdentifierStart(c)) {
                String identifier = identifier();
                if (LABEL_LISTS.contains(identifier) && nextNonBlank() == '(') {
                    grouping.addAll(labelList());
                } else if (KEYWORDS.contains(identifier) || nextNonBlank() == '(' || followedByGrouping()) {
                    // a keyword, a function, or an aggregation: sum(...), sum by (...) (...)
                    continue;
                } else {
                    skipBlanks();
                    Set<String> labels = at < text.length() && text.charAt(at) == '{' ? matcherLabels() : Set.of();
                    selectors.add(new Selector(identifier, labels));
                }
            } else {
                at++;
            }
        }
        return new Names(selectors, grouping);
    }

    /** At '{': the label names of the matchers, up to and past the closing '}'. */
    private Set<String> matcherLabels() {
        Set<String> labels = new LinkedHashSet<>();
        at++;
        while (at < text.length() && text.charAt(at) != '}') {
            char c = text.charAt(at);
            if (c == '"' || c == '\'' || c == '`') {
                skipString();
            } else if (isIdentifierStart(c)) {
                labels.add(identifier());
            } else {
                at++;
            }
        }
        at++;
        return labels;
    }

    /** At '(' after by, without, ...: the labels of the list, up to and past the closing ')'. */
    private Set<String> labelList() {
        Set<String> labels = new LinkedHashSet<>();
        skipBlanks();
        at++;
        while (at < text.length() && text.charAt(at) != ')') {
            if (isIdentifierStart(text.charAt(at))) {
                labels.add(identifier());
            } else {
                at++;
            }
        }
        at++;
        return labels;
    }

    private String identifier() {
        int start = at;
        while (at < text.length() && (isIdentifierStart(text.charAt(at)) || Character.isDigit(text.charAt(at)))) {
            at++;
        }
        return text.substring(start, at);
    }

    private static boolean isIdentifierStart(char c) {
        return Character.isLetter(c) || c == '_' || c == ':';
    }

    /** Whether {@code by} or {@code without} comes next, as after an aggregation's name. */
    private boolean followedByGrouping() {
        int saved = at;
        skipBlanks();
        String next = at < text.length() && isIdentifierStart(text.charAt(at)) ? identifier() : "";
        at = saved;
        return next.equals("by") || next.equals("without");
    }

    private char nextNonBlank() {
        int i = at;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i < text.length() ? text.charAt(i) : 0;
    }

    private void skipBlanks() {
        while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
            at++;
        }
    }

    private void skipString() {
        char quote = text.charAt(at++);
        while (at < text.length() && text.charAt(at) != quote) {
            at += text.charAt(at) == '\\' && quote != '`' ? 2 : 1;
        }
        at++;
    }

    private void skipPast(char end) {
        while (at < text.length() && text.charAt(at) != end) {
            at++;
        }
        at++;
    }

    private void skipVariable() {
        at++;
        if (at < text.length() && text.charAt(at) == '{') {
            skipPast('}');
        } else {
            identifier();
        }
    }

    private void skipWhile(String characters) {
        while (at < text.length() && characters.indexOf(text.charAt(at)) >= 0) {
            at++;
        }
    }
}
