package io.capkit.api.yaml;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.capkit.api.InvalidInputException;
import io.capkit.api.Problem;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.CustomResource;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns parsed YAML into typed objects, rejecting unknown fields and wrong types with the field path, as the
 * API server's strict field validation does.
 */
public final class StrictReader {
  // Made on first use: trees PlainTreeReader binds never start Jackson's data binding.
  private static final class Strict {
    static final ObjectMapper MAPPER = JsonMapper.builder()
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        // The API server's schema check refuses a number where an enum's string belongs and a number or boolean
        // where a string belongs; Jackson would take the enum's index and the number's text (`state: 1`,
        // `date: 20260101`, `version: 1.30` read as "1.3").
        .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
        .withCoercionConfig(LogicalType.Textual, c -> c
            .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
            .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
            .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
        .build();
  }

  private StrictReader() {}

  /** Reads {@code tree} as {@code type}, checking apiVersion and kind when the type is a resource. */
  public static <T> T read(String file, Map<String, Object> tree, Class<T> type, String apiVersion, String kind) {
    return read(file, tree, type, apiVersion, kind, true);
  }

  /** {@link #read}, with {@code plain} false never taking {@link PlainTreeReader}'s path (tests compare the two). */
  static <T> T read(String file, Map<String, Object> tree, Class<T> type, String apiVersion, String kind,
                    boolean plain) {
    checkTypeLine(file, tree, apiVersion, kind);
    if (CustomResource.class.isAssignableFrom(type)) {
      return type.cast(construct(type, partsOf(file, tree, type, plain)));
    }
    T value = convert(file, tree, type, "", plain);
    if (value instanceof HasMetadata r) {
      checkMetadata(file, r.getMetadata());
    }
    return value;
  }

  /**
   * What {@link #read} puts into a custom resource of {@code type}, read and checked exactly as {@link #read} does,
   * without making the object: the first {@code new} of a fabric8 {@code CustomResource} in a process parses its
   * class's annotations, and those of {@code CustomResource}, into a dynamic proxy class per annotation type (~15 ms
   * of a one-file {@code capkit validate}), which rules that only look at metadata and spec need not pay.
   */
  public static <S, T> Parts<S, T> readParts(String file, Map<String, Object> tree,
                                             Class<? extends CustomResource<S, T>> type, String apiVersion,
                                             String kind) {
    checkTypeLine(file, tree, apiVersion, kind);
    @SuppressWarnings("unchecked")
    Parts<S, T> parts = (Parts<S, T>) partsOf(file, tree, type, true);
    return parts;
  }

  /** A custom resource's metadata (never null: an empty one when the tree has none, as fabric8 starts), spec, status. */
  public record Parts<S, T>(ObjectMeta metadata, S spec, T status) {}

  private static void checkTypeLine(String file, Map<String, Object> tree, String apiVersion, String kind) {
    List<Problem> problems = new ArrayList<>();
    if (apiVersion != null && !apiVersion.equals(tree.get("apiVersion"))) {
      problems.add(new Problem(file, "apiVersion", "must be " + apiVersion + ", got " + tree.get("apiVersion")));
    }
    if (kind != null && !kind.equals(tree.get("kind"))) {
      problems.add(new Problem(file, "kind", "must be " + kind + ", got " + tree.get("kind")));
    }
    InvalidInputException.throwIfAny(problems);
  }

  private static void checkMetadata(String file, ObjectMeta meta) {
    if (meta == null) {
      throw new InvalidInputException(new Problem(file, "metadata", "is required"));
    }
    if (meta.getAdditionalProperties() != null && !meta.getAdditionalProperties().isEmpty()) {
      String field = meta.getAdditionalProperties().keySet().stream().sorted().findFirst().orElseThrow();
      throw new InvalidInputException(new Problem(file, "metadata." + field, "unknown field"));
    }
  }

  private static <T> T convert(String file, Object tree, Class<T> type, String prefix, boolean plain) {
    Object bound = plain ? PlainTreeReader.read(tree, type) : null;
    if (bound != null) {
      return type.cast(bound);
    }
    try {
      return Strict.MAPPER.convertValue(tree, type);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(translate(file, e).under(prefix));
    }
  }

  // fabric8 routes spec/status through its own deserializer, which loses field paths: read them here.
  private static Parts<Object, Object> partsOf(String file, Map<String, Object> tree, Class<?> type, boolean plain) {
    for (String key : tree.keySet()) {
      if (!List.of("apiVersion", "kind", "metadata", "spec", "status").contains(key)) {
        throw new InvalidInputException(new Problem(file, key, "unknown field"));
      }
    }
    Type[] args = ((ParameterizedType) type.getGenericSuperclass()).getActualTypeArguments();
    ObjectMeta metadata = tree.get("metadata") != null
        ? convert(file, tree.get("metadata"), ObjectMeta.class, "metadata", plain) : new ObjectMeta();
    Object spec = tree.get("spec") != null && args[0] instanceof Class<?> s && s != Void.class
        ? convert(file, tree.get("spec"), s, "spec", plain) : null;
    Object status = tree.get("status") != null && args[1] instanceof Class<?> s && s != Void.class
        ? convert(file, tree.get("status"), s, "status", plain) : null;
    checkMetadata(file, metadata);
    return new Parts<>(metadata, spec, status);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Object construct(Class<?> type, Parts<Object, Object> parts) {
    try {
      CustomResource cr = (CustomResource) type.getDeclaredConstructor().newInstance();
      cr.setMetadata(parts.metadata());
      if (parts.spec() != null) {
        cr.setSpec(parts.spec());
      }
      if (parts.status() != null) {
        cr.setStatus(parts.status());
      }
      return cr;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot create " + type.getName(), e);
    }
  }

  private static Problem translate(String file, IllegalArgumentException e) {
    Throwable cause = e.getCause() instanceof JsonMappingException ? e.getCause() : e;
    if (cause instanceof JsonMappingException jm) {
      String path = path(jm);
      if (jm instanceof UnrecognizedPropertyException u) {
        return new Problem(file, path, "unknown field");
      }
      if (jm instanceof InvalidFormatException f && f.getTargetType() == String.class
          && !(f.getValue() instanceof String)) {
        return new Problem(file, path, "wrong type, expected string"); // a number or boolean, not coerced
      }
      if (jm instanceof InvalidFormatException f) {
        return new Problem(file, path, "invalid value " + quote(f.getValue()) + " for "
            + simpleType(f.getTargetType()));
      }
      if (jm instanceof MismatchedInputException m) {
        return new Problem(file, path, "wrong type, expected " + simpleType(m.getTargetType()));
      }
      return new Problem(file, path, jm.getOriginalMessage());
    }
    return new Problem(file, null, String.valueOf(e.getMessage()));
  }

  private static String path(JsonMappingException e) {
    StringBuilder b = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        if (b.length() > 0) {
          b.append('.');
        }
        b.append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        b.append('[').append(r.getIndex()).append(']');
      }
    }
    return b.toString();
  }

  private static String quote(Object v) {
    return v instanceof String ? "\"" + v + "\"" : String.valueOf(v);
  }

  private static String simpleType(Class<?> t) {
    if (t == null) {
      return "value";
    }
    if (t.isEnum()) {
      List<String> names = new ArrayList<>();
      for (Object c : t.getEnumConstants()) {
        names.add(((Enum<?>) c).name().toLowerCase(java.util.Locale.ROOT));
      }
      return "one of " + names;
    }
    if (Number.class.isAssignableFrom(t) || t == int.class || t == long.class) {
      return "integer";
    }
    if (t == String.class) {
      return "string";
    }
    if (List.class.isAssignableFrom(t)) {
      return "list";
    }
    if (Map.class.isAssignableFrom(t)) {
      return "map";
    }
    return "object (" + t.getSimpleName() + ")";
  }
}
