package io.capkit.gitops.promote;

import io.capkit.api.InvalidInputException;
import io.capkit.api.Problem;
import io.capkit.api.yaml.YamlDocuments;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.MappingStartEvent;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Changes the {@code spec.release} value of a WorkloadCluster file in place: the bytes of that one scalar are
 * replaced (same quoting style), everything else — comments, key order, indentation, line endings — stays.
 * The scalar is located with the YAML parser's event marks. Files where a byte splice could mean something
 * else are refused: several documents, a merge key in spec, a tag, block or multi-line scalars (anchors and
 * aliases never get here: {@link YamlDocuments} refuses them in every file). The result is parsed again and must differ from the original only in
 * {@code spec.release}.
 */
public final class ReleaseLineEditor {
  private static final Pattern SAFE_VALUE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.+_-]*");
  private static final String PATH = "spec.release";

  private ReleaseLineEditor() {}

  /** The edited file, the release it had before, and the edited file as read ({@link YamlDocuments#loadOne}). */
  public record Edit(String previousRelease, byte[] content, Map<String, Object> document) {}

  public static Edit setRelease(String file, byte[] original, String release) {
    return setRelease(file, original, null, release);
  }

  /**
   * As {@link #setRelease(String, byte[], String)}, with the file's one document as {@link YamlDocuments} reads
   * {@code original} already at hand ({@code before}; null: read here).
   */
  public static Edit setRelease(String file, byte[] original, Map<String, Object> before, String release) {
    if (!SAFE_VALUE.matcher(release).matches()) {
      throw new InvalidInputException(Problem.at("--release", "\"" + release + "\" is not a release name"));
    }
    String text = decode(file, original);
    if (before == null) {
      before = YamlDocuments.loadOne(file, text);
    }
    ScalarEvent scalar = locate(file, text);
    int start = text.offsetByCodePoints(0, scalar.getStartMark().orElseThrow().getIndex());
    int end = text.offsetByCodePoints(0, scalar.getEndMark().orElseThrow().getIndex());
    String replacement = switch (scalar.getScalarStyle()) {
      case PLAIN -> release;
      case SINGLE_QUOTED -> "'" + release + "'";
      case DOUBLE_QUOTED -> "\"" + release + "\"";
      default -> throw refuse(file, "is a block scalar");
    };
    String edited = text.substring(0, start) + replacement + text.substring(end);
    Map<String, Object> after = YamlDocuments.loadOne(file, edited);
    if (!onlyReleaseDiffers(before, after, release)) {
      throw refuse(file, "the edit would change more than spec.release");
    }
    return new Edit(scalar.getValue(), edited.getBytes(StandardCharsets.UTF_8), after);
  }

  private static ScalarEvent locate(String file, String text) {
    LoadSettings settings = LoadSettings.builder().setLabel(file).setUseMarks(true)
        .setCodePointLimit(YamlDocuments.MAX_CHARS).build();
    Iterator<Event> events;
    ScalarEvent release = null;
    try {
      events = new Parse(settings).parseString(text).iterator();
      expect(file, events, Event.ID.StreamStart);
      expect(file, events, Event.ID.DocumentStart);
      Event root = events.next();
      if (!(root instanceof MappingStartEvent)) {
        throw refuse(file, "the document is not a mapping");
      }
      while (true) {
        Event key = events.next();
        if (key.getEventId() == Event.ID.MappingEnd) {
          break;
        }
        Event value = events.next();
        if (key instanceof ScalarEvent k && k.getValue().equals("spec")) {
          release = inSpec(file, value, events);
        } else {
          skip(value, events);
          if (!(key instanceof ScalarEvent)) {
            throw refuse(file, "the document has a complex key");
          }
        }
      }
      expect(file, events, Event.ID.DocumentEnd);
      Event next = events.next();
      if (next.getEventId() != Event.ID.StreamEnd) {
        throw refuse(file, "the file holds more than one YAML document");
      }
    } catch (YamlEngineException e) {
      throw new InvalidInputException(new Problem(file, null, "malformed YAML: " + e.getMessage().lines()
          .findFirst().orElse("")));
    }
    if (release == null) {
      throw new InvalidInputException(new Problem(file, PATH, "is required"));
    }
    return release;
  }

  private static ScalarEvent inSpec(String file, Event spec, Iterator<Event> events) {
    if (!(spec instanceof MappingStartEvent)) {
      throw new InvalidInputException(new Problem(file, "spec", "must be a mapping"));
    }
    ScalarEvent release = null;
    boolean merge = false;
    while (true) {
      Event key = events.next();
      if (key.getEventId() == Event.ID.MappingEnd) {
        break;
      }
      Event value = events.next();
      if (key instanceof ScalarEvent k && k.getValue().equals("<<")) {
        merge = true;
      }
      if (key instanceof ScalarEvent k && k.getValue().equals("release")) {
        if (!(value instanceof ScalarEvent s)) {
          throw new InvalidInputException(new Problem(file, PATH, "must be a string"));
        }
        if (s.getTag().isPresent()) {
          throw refuse(file, "the release value has an explicit tag");
        }
        if (s.getScalarStyle() != ScalarStyle.PLAIN && s.getScalarStyle() != ScalarStyle.SINGLE_QUOTED
            && s.getScalarStyle() != ScalarStyle.DOUBLE_QUOTED) {
          throw refuse(file, "the release value is a block scalar");
        }
        if (s.getStartMark().isEmpty() || s.getEndMark().isEmpty()
            || s.getStartMark().get().getLine() != s.getEndMark().get().getLine()) {
          throw refuse(file, "the release value spans several lines");
        }
        release = s;
      } else {
        skip(value, events);
      }
    }
    if (release == null && merge) {
      throw refuse(file, "spec takes the release from a merge key (<<)");
    }
    return release;
  }

  // Consumes the rest of a node whose first event is {@code first}.
  private static void skip(Event first, Iterator<Event> events) {
    int depth = opens(first) ? 1 : 0;
    while (depth > 0) {
      Event e = events.next();
      if (opens(e)) {
        depth++;
      } else if (e.getEventId() == Event.ID.MappingEnd || e.getEventId() == Event.ID.SequenceEnd) {
        depth--;
      }
    }
  }

  private static boolean opens(Event e) {
    return e.getEventId() == Event.ID.MappingStart || e.getEventId() == Event.ID.SequenceStart;
  }

  private static void expect(String file, Iterator<Event> events, Event.ID id) {
    Event e = events.next();
    if (e.getEventId() != id) {
      throw refuse(file, "unexpected " + e.getEventId() + " where " + id + " was expected");
    }
  }

  @SuppressWarnings("unchecked")
  private static boolean onlyReleaseDiffers(Map<String, Object> before, Map<String, Object> after, String release) {
    Map<String, Object> expected = new LinkedHashMap<>(before);
    if (!(before.get("spec") instanceof Map<?, ?> spec)) {
      return false;
    }
    Map<String, Object> newSpec = new LinkedHashMap<>((Map<String, Object>) spec);
    newSpec.put("release", release);
    expected.put("spec", newSpec);
    return Objects.equals(expected, after);
  }

  private static String decode(String file, byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new InvalidInputException(new Problem(file, null, "is not UTF-8"));
    }
  }

  private static InvalidInputException refuse(String file, String why) {
    return new InvalidInputException(new Problem(file, PATH, "cannot be edited safely: " + why
        + "; edit this file by hand"));
  }
}
