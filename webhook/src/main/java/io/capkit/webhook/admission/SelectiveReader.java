package io.capkit.webhook.admission;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Streams an AdmissionReview into plain maps, building only the selected fields and skipping the others token by
 * token: a rule that reads three fields of a large object then costs a scan of it, not a tree of it.
 */
final class SelectiveReader {
  /** Fields to build below an object; {@code fields == null} builds the whole value. */
  record Selection(Map<String, Selection> fields) {
    static final Selection ALL = new Selection(null);
  }

  private SelectiveReader() {}

  /** The selection for an AdmissionReview whose objects are read at {@code reads} (see AdmissionCheck#reads). */
  static Selection review(List<String> reads) {
    Selection object = Selection.ALL;
    if (!reads.contains("")) {
      Map<String, Selection> fields = new HashMap<>();
      for (String f : List.of("apiVersion", "kind", "metadata")) {
        fields.put(f, Selection.ALL);
      }
      for (String path : reads) {
        add(fields, path.split("\\.", -1), 0);
      }
      object = new Selection(Map.copyOf(fields));
    }
    Map<String, Selection> request = new HashMap<>();
    for (String f : List.of("uid", "operation", "kind")) {
      request.put(f, Selection.ALL);
    }
    request.put("object", object);
    request.put("oldObject", object);
    return new Selection(Map.of("apiVersion", Selection.ALL, "kind", Selection.ALL,
        "request", new Selection(Map.copyOf(request))));
  }

  private static void add(Map<String, Selection> fields, String[] path, int i) {
    if (i == path.length - 1) {
      fields.put(path[i], Selection.ALL);
      return;
    }
    Selection child = fields.get(path[i]);
    if (child != null && child.fields() == null) {
      return;
    }
    Map<String, Selection> below = child == null ? new HashMap<>() : new HashMap<>(child.fields());
    add(below, path, i + 1);
    fields.put(path[i], new Selection(below));
  }

  /** Reads the value at the parser's current token. */
  static Object read(JsonParser p, Selection selection) throws IOException {
    if (selection.fields() == null || p.currentToken() != JsonToken.START_OBJECT) {
      return value(p);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
      Selection child = selection.fields().get(name);
      p.nextToken();
      if (child == null) {
        p.skipChildren();
      } else {
        out.put(name, read(p, child));
      }
    }
    return out;
  }

  /**
   * The value at the parser's current token as plain Java, the types Jackson's untyped binding gives ({@code Map}
   * as {@link LinkedHashMap} in document order, a repeated key's last value winning; {@link ArrayList}; String;
   * Integer, Long or BigInteger; Double; Boolean; null), read straight off the parser: binding each small value
   * through an {@code ObjectReader} cost a deserialization context per value. Depth is bounded by the parser's
   * {@code maxNestingDepth}.
   */
  static Object value(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == null) {
      throw new IOException("unexpected end of input");
    }
    switch (t) {
      case START_OBJECT: {
        Map<String, Object> map = new LinkedHashMap<>();
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
          p.nextToken();
          map.put(name, value(p));
        }
        return map;
      }
      case START_ARRAY: {
        List<Object> list = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          list.add(value(p));
        }
        return list;
      }
      case VALUE_STRING:
        return p.getText();
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return p.getNumberValue();
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NULL:
        return null;
      default:
        throw new IOException("unexpected token " + t);
    }
  }
}
