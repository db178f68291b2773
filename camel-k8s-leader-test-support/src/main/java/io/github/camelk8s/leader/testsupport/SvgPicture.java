package io.github.camelk8s.leader.testsupport;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * An SVG picture read back with the JDK's XML parser, for tests of what {@link Svg} drew: parsing fails unless it is
 * well-formed XML with an {@code svg} root in the SVG namespace; then its elements can be found by name, by
 * {@code class} or by their text.
 */
public final class SvgPicture {

    public static final String NAMESPACE = "http://www.w3.org/2000/svg";

    private final Document document;

    private SvgPicture(Document document) {
        this.document = document;
    }

    /** Parses {@code svg}; an {@link IllegalArgumentException} says why it is not a well-formed SVG document. */
    public static SvgPicture parse(String svg) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            // an SVG picture needs no DTD; refusing one also keeps the parser off the network
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            DocumentBuilder builder = factory.newDocumentBuilder();
            // the default handler would also print each error to stderr; this one only throws
            builder.setErrorHandler(new DefaultHandler());
            Document document = builder.parse(new InputSource(new StringReader(svg)));
            Element root = document.getDocumentElement();
            if (!"svg".equals(root.getLocalName()) || !NAMESPACE.equals(root.getNamespaceURI())) {
                throw new IllegalArgumentException("The root element is {" + root.getNamespaceURI() + "}"
                                                   + root.getLocalName() + ", not an SVG <svg>");
            }
            return new SvgPicture(document);
        } catch (SAXException | IOException e) {
            throw new IllegalArgumentException("Not well-formed XML: " + e.getMessage(), e);
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }

    public static SvgPicture read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8));
    }

    public Element root() {
        return document.getDocumentElement();
    }

    /** The root's {@code width}, in pixels. */
    public double width() {
        return number(root(), "width");
    }

    /** The root's {@code height}, in pixels. */
    public double height() {
        return number(root(), "height");
    }

    /** Every element named {@code name} (rect, line, text), in document order. */
    public List<Element> elements(String name) {
        NodeList nodes = document.getElementsByTagNameNS(NAMESPACE, name);
        List<Element> elements = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            elements.add((Element) nodes.item(i));
        }
        return elements;
    }

    /** Every element whose {@code class} names {@code cssClass}, in document order. */
    public List<Element> withClass(String cssClass) {
        return elements("*").stream()
                .filter(e -> List.of(e.getAttribute("class").split("\\s+")).contains(cssClass)).toList();
    }

    /** The content of every {@code text} element, in document order. */
    public List<String> texts() {
        return elements("text").stream().map(Element::getTextContent).toList();
    }

    /** The {@code text} element that reads exactly {@code content}. */
    public Element text(String content) {
        return elements("text").stream().filter(e -> e.getTextContent().equals(content)).findFirst()
                .orElseThrow(() -> new AssertionError("No text \"" + content + "\" among " + texts()));
    }

    /**
     * The texts that, by {@link Svg#textWidth}'s estimate at their font size, run past the left or right edge of
     * the picture: clipped where it is shown.
     */
    public List<String> textsPastTheEdges() {
        List<String> past = new ArrayList<>();
        for (Element text : elements("text")) {
            String size = text.getAttribute("font-size");
            double width = Svg.textWidth(text.getTextContent(), size.isEmpty() ? Svg.FONT_SIZE
                    : Double.parseDouble(size));
            double x = number(text, "x");
            double left = switch (text.getAttribute("text-anchor")) {
                case "end" -> x - width;
                case "middle" -> x - width / 2;
                default -> x;
            };
            if (left < 0 || left + width > width()) {
                past.add(text.getTextContent());
            }
        }
        return past;
    }

    /** A numeric attribute of {@code element}. */
    public static double number(Element element, String attribute) {
        String value = element.getAttribute(attribute);
        if (value.isEmpty()) {
            throw new AssertionError("<" + element.getLocalName() + "> has no " + attribute);
        }
        return Double.parseDouble(value);
    }
}
