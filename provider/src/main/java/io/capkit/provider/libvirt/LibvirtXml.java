package io.capkit.provider.libvirt;

import java.io.StringWriter;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** Builds libvirt XML as DOM documents so every value is escaped by the serializer. */
public final class LibvirtXml {
  private LibvirtXml() {}

  public static Document newDocument(String rootName) {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      Document doc = f.newDocumentBuilder().newDocument();
      doc.appendChild(doc.createElement(rootName));
      return doc;
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("no XML parser", e);
    }
  }

  /** Parses XML libvirt returned (capabilities, pool or domain descriptions); no DTDs, no entity expansion. */
  public static Document parse(String xml) {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setExpandEntityReferences(false);
      return f.newDocumentBuilder().parse(new java.io.ByteArrayInputStream(
          xml.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (ParserConfigurationException | org.xml.sax.SAXException | java.io.IOException e) {
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
    try {
      Transformer t = TransformerFactory.newInstance().newTransformer();
      t.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
      t.setOutputProperty(OutputKeys.INDENT, "yes");
      t.setOutputProperty("{http://xml.apache.org/xslt}indent-amount", "2");
      StringWriter w = new StringWriter();
      t.transform(new DOMSource(doc), new StreamResult(w));
      return w.toString().replace("\r\n", "\n");
    } catch (TransformerException e) {
      throw new IllegalStateException("cannot serialize XML", e);
    }
  }
}
