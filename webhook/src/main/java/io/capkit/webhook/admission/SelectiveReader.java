package io.capkit.webhook.admission;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
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

  /** A value inside the document: what follows it is the enclosing object's business, not trailing content. */
  private static final ObjectReader VALUE = AdmissionReviewCodec.MAPPER.readerFor(Object.class)
      .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

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
      return VALUE.readValue(p);
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
}
