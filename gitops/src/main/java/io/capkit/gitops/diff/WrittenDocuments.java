package io.capkit.gitops.diff;

import io.capkit.api.yaml.YamlDocuments;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The data {@link YamlDocuments#loadAll} reads from a file the renderer's {@code YamlWriter} wrote, taken from the
 * documents the writer was given instead of from the text: a diff then compares the renderer's objects without
 * parsing their bytes again. Only values whose reading is certain are taken: maps and lists (read back as
 * {@link LinkedHashMap} and {@link ArrayList}), strings of printable ASCII, tab and newline (written plain only when
 * they read back as strings, else double-quoted with escapes), integers (read back as an {@link Integer} when they
 * fit, else a {@link Long}), booleans and null. Anything else (another type, a non-ASCII character, a duplicate key
 * once read, an empty document, nesting near the reader's limit, a file near its size limit) gives empty, and the
 * caller reads the bytes, which gives the same data or the reader's message. {@code WrittenDocumentsTest} holds this
 * to the reader on random documents and on rendered fleets.
 */
final class WrittenDocuments {
  /** Well inside the reader's nesting limit: deeper documents are read from their bytes. */
  private static final int MAX_DEPTH = YamlDocuments.MAX_DEPTH - 10;

  private WrittenDocuments() {}

  /**
   * The documents of a file of {@code size} bytes that the writer wrote from {@code documents}, as the reader reads
   * them back, or empty when that is not certain here.
   */
  static Optional<List<Object>> data(List<? extends Map<String, ?>> documents, int size) {
    return read(documents, size, true);
  }

  /**
   * Whether {@code documents} stand for their own data: {@link #data} would give it, and every map key in them is a
   * string, so the data differ from the documents only in that a {@link Long} that fits reads back as an
   * {@link Integer}. A diff then holds and compares the documents themselves ({@link #same}) and copies them
   * ({@link #data}) only for the few objects whose text it shows: the copy was most of reading a rendered cluster.
   */
  static boolean standForTheirData(List<? extends Map<String, ?>> documents, int size) {
    return read(documents, size, false).isPresent();
  }

  /**
   * Whether {@code a} and {@code b}, each a document that {@link #standForTheirData} or data as the reader reads it
   * (or a part of one), are equal once read: {@code Objects.equals} of the data, with an {@link Integer} and a
   * {@link Long} equal when their values are, as both read back the same.
   */
  static boolean same(Object a, Object b) {
    if (a == b) {
      return true;
    }
    if (a == null || b == null) {
      return false;
    }
    // Most values are strings: String is a final class, so this test is one compare, while a failed test against an
    // interface (Map, List) searches the class's list of interfaces.
    if (a instanceof String) {
      return a.equals(b);
    }
    if ((a instanceof Integer || a instanceof Long) && (b instanceof Integer || b instanceof Long)) {
      return ((Number) a).longValue() == ((Number) b).longValue();
    }
    if (a instanceof Map<?, ?> x) {
      if (!(b instanceof Map<?, ?> y) || x.size() != y.size()) {
        return false;
      }
      for (Map.Entry<?, ?> e : x.entrySet()) {
        Object other = y.get(e.getKey());
        if (other == null && !y.containsKey(e.getKey()) || !same(e.getValue(), other)) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof List<?> x) {
      if (!(b instanceof List<?> y) || x.size() != y.size()) {
        return false;
      }
      java.util.Iterator<?> i = y.iterator();
      for (Object item : x) {
        if (!same(item, i.next())) {
          return false;
        }
      }
      return true;
    }
    return a.equals(b);
  }

  // `copy`: the data, else the documents themselves, when they stand for it (string keys only).
  private static Optional<List<Object>> read(List<? extends Map<String, ?>> documents, int size, boolean copy) {
    if (documents.isEmpty() || size > YamlDocuments.MAX_CHARS / 2) {
      return Optional.empty();
    }
    List<Object> out = new ArrayList<>(documents.size());
    for (Map<String, ?> d : documents) {
      // An empty top-level map is written as nothing at all, which reads back as no document.
      Object v = d == null || d.isEmpty() ? null : value(d, 0, copy);
      if (v == null) {
        return Optional.empty();
      }
      out.add(v);
    }
    return Optional.of(out);
  }

  private static final Object UNKNOWN = new Object();

  // The value read back, null for a written null, UNKNOWN when not certain; null at the top means unknown too.
  private static Object value(Object v, int depth, boolean copy) {
    Object r = read(v, depth, copy);
    return r == UNKNOWN ? null : r;
  }

  // With `copy` false: `v` itself, or UNKNOWN; a map key must then be a string (no two keys read back as one).
  private static Object read(Object v, int depth, boolean copy) {
    if (v == null || v instanceof Boolean || v instanceof Integer) {
      return v;
    }
    if (v instanceof String s) {
      return printable(s) ? s : UNKNOWN;
    }
    if (v instanceof Long l) {
      return copy && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE ? (Object) (int) (long) l : l;
    }
    if (depth >= MAX_DEPTH) {
      return UNKNOWN;
    }
    if (v instanceof Map<?, ?> m) {
      Map<Object, Object> out = copy ? new LinkedHashMap<>(Math.max(4, m.size() * 4 / 3 + 1)) : null;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        Object key = e.getKey();
        // Keys are scalars; a collection key is not something the writer writes. Nearly every key is a string, which
        // is tested first (a class compare) rather than against the interfaces.
        if (!(key instanceof String) && (key instanceof Map<?, ?> || key instanceof List<?> || !copy)) {
          return UNKNOWN;
        }
        Object k = read(key, depth + 1, copy);
        Object value = read(e.getValue(), depth + 1, copy);
        if (k == UNKNOWN || value == UNKNOWN) {
          return UNKNOWN;
        }
        if (copy) {
          if (out.containsKey(k)) {
            return UNKNOWN; // a duplicate once read: the reader refuses it
          }
          out.put(k, value);
        }
      }
      return copy ? out : m;
    }
    if (v instanceof List<?> l) {
      List<Object> out = copy ? new ArrayList<>(l.size()) : null;
      for (Object item : l) {
        Object value = read(item, depth + 1, copy);
        if (value == UNKNOWN) {
          return UNKNOWN;
        }
        if (copy) {
          out.add(value);
        }
      }
      return copy ? out : l;
    }
    return UNKNOWN;
  }

  private static boolean printable(String s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if ((c < 0x20 || c > 0x7e) && c != '\n' && c != '\t') {
        return false;
      }
    }
    return true;
  }
}
