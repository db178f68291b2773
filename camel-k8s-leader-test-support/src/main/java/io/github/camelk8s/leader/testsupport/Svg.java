package io.github.camelk8s.leader.testsupport;

import java.util.Locale;

/**
 * An SVG picture written as text: rectangles, lines and text on a white canvas, which is all the demo's failover
 * timeline and the benchmarks' charts draw. SVG is XML that browsers and GitHub render as it is, so no library is
 * needed, nor any in the component.
 * <p>
 * Attributes are given as name, value pairs ({@code "fill", "#1f77b4", "class", "leading"}); values and text are
 * escaped. Coordinates are in pixels, with one decimal.
 */
public final class Svg {

    /** The font every picture uses: what GitHub's and most browsers' sans-serif fonts measure alike. */
    public static final double FONT_SIZE = 12;
    private static final String FONT_FAMILY = "DejaVu Sans, Verdana, Arial, sans-serif";

    private final double width;
    private final double height;
    private final StringBuilder body = new StringBuilder();

    /** An empty picture of this size, titled {@code title} (what screen readers and tooltips show). */
    public Svg(double width, double height, String title) {
        this.width = width;
        this.height = height;
        element("title", title);
        rect(0, 0, width, height, "fill", "#ffffff");
    }

    public Svg rect(double x, double y, double width, double height, String... attributes) {
        return empty("rect", attributes, "x", x, "y", y, "width", width, "height", height);
    }

    public Svg line(double x1, double y1, double x2, double y2, String... attributes) {
        return empty("line", attributes, "x1", x1, "y1", y1, "x2", x2, "y2", y2);
    }

    /** Text whose baseline starts at (x, y), or is centred or ends there with {@code "text-anchor"}. */
    public Svg text(double x, double y, String text, String... attributes) {
        body.append("  <text");
        coordinates("x", x, "y", y);
        attributes(attributes);
        body.append('>').append(escape(text)).append("</text>\n");
        return this;
    }

    /**
     * About how wide {@code text} is drawn at {@code fontSize}: an average glyph of a sans-serif font is some 0.6 em
     * wide (DejaVu Sans, the widest of the usual ones). Enough to keep labels apart, not to justify them.
     */
    public static double textWidth(String text, double fontSize) {
        return text.length() * fontSize * 0.6;
    }

    /** The whole document. */
    @Override
    public String toString() {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               + "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + number(width) + "\" height=\""
               + number(height) + "\" viewBox=\"0 0 " + number(width) + " " + number(height) + "\" font-family=\""
               + FONT_FAMILY + "\" font-size=\"" + number(FONT_SIZE) + "\">\n" + body + "</svg>\n";
    }

    private void element(String name, String text) {
        body.append("  <").append(name).append('>').append(escape(text)).append("</").append(name).append(">\n");
    }

    private Svg empty(String name, String[] attributes, Object... coordinates) {
        body.append("  <").append(name);
        coordinates(coordinates);
        attributes(attributes);
        body.append("/>\n");
        return this;
    }

    private void coordinates(Object... namesAndValues) {
        for (int i = 0; i < namesAndValues.length; i += 2) {
            attribute((String) namesAndValues[i], number((Double) namesAndValues[i + 1]));
        }
    }

    private void attributes(String[] namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("Attributes come as name, value pairs: " + String.join(", ",
                    namesAndValues));
        }
        for (int i = 0; i < namesAndValues.length; i += 2) {
            attribute(namesAndValues[i], namesAndValues[i + 1]);
        }
    }

    private void attribute(String name, String value) {
        body.append(' ').append(name).append("=\"").append(escape(value)).append('"');
    }

    /** A coordinate with at most one decimal, never in exponent form or with a decimal comma. */
    public static String number(double value) {
        String text = String.format(Locale.ROOT, "%.1f", value);
        return text.endsWith(".0") ? text.substring(0, text.length() - 2) : text;
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
