package io.capkit.provider.libvirt;

import java.io.StringWriter;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerConfigurationException;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Builds libvirt XML as DOM documents so every value is escaped by the serializer. The JDK's own JAXP
 * implementations ({@code newDefaultInstance}: no service lookup on the class path per call), one builder, parser and
 * serializer per thread (JAXP objects are not thread-safe; they are reset before each reuse).
 */
public final class LibvirtXml {
  private LibvirtXml() {}

  private static final ThreadLocal<DocumentBuilder> BUILDER = ThreadLocal.withInitial(() -> builder(false));
  private static final ThreadLocal<DocumentBuilder> PARSER = ThreadLocal.withInitial(() -> builder(true));
  private static final ThreadLocal<Transformer> SERIALIZER = ThreadLocal.withInitial(LibvirtXml::serializer);

  public static Document newDocument(String rootName) {
    Document doc = BUILDER.get().newDocument();
    doc.appendChild(doc.createElement(rootName));
    return doc;
  }

  /** Parses XML libvirt returned (capabilities, pool or domain descriptions); no DTDs, no entity expansion. */
  public static Document parse(String xml) {
    DocumentBuilder parser = PARSER.get();
    parser.reset();
    try {
      return parser.parse(new java.io.ByteArrayInputStream(xml.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (org.xml.sax.SAXException | java.io.IOException e) {
      throw new IllegalArgumentException("libvirt returned XML that does not parse: " + e.getMessage(), e);
    }
  }

  /** Appends a new child element and returns it. */
  public static Element child(Element parent, String name) {
    Element e = parent.getOwnerDocument().createElement(name);
    parent.appendChild(e);
    return e;
  }

  /** Appends a child element holding text. */
  public static Element child(Element parent, String name, String text) {
    Element e = child(parent, name);
    e.setTextContent(text);
    return e;
  }

  /** Indented XML without declaration; the same document always gives the same text. */
  public static String serialize(Document doc) {
    Transformer t = SERIALIZER.get();
    try {
      StringWriter w = new StringWriter(1024);
      t.transform(new DOMSource(doc), new StreamResult(w));
      return w.toString().replace("\r\n", "\n");
    } catch (TransformerException e) {
      // A transformer that failed half-way is not reused.
      SERIALIZER.remove();
      throw new IllegalStateException("cannot serialize XML", e);
    }
  }

  private static DocumentBuilder builder(boolean parsing) {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newDefaultInstance();
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      if (parsing) {
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        f.setExpandEntityReferences(false);
      }
      return f.newDocumentBuilder();
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("no XML parser", e);
    }
  }

  private static Transformer serializer() {
    try {
      Transformer t = TransformerFactory.newDefaultInstance().newTransformer();
      t.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
      t.setOutputProperty(OutputKeys.INDENT, "yes");
      t.setOutputProperty("{http://xml.apache.org/xslt}indent-amount", "2");
      return t;
    } catch (TransformerConfigurationException e) {
      throw new IllegalStateException("no XML serializer", e);
    }
  }
}
