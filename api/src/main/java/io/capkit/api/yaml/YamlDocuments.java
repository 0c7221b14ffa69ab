package io.capkit.api.yaml;

import io.capkit.api.InvalidInputException;
import io.capkit.api.Problem;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.constructor.StandardConstructor;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.CollectionEndEvent;
import org.snakeyaml.engine.v2.events.CollectionStartEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.NodeEvent;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.parser.Parser;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

/**
 * Reads YAML safely: UTF-8 only, a size limit, no duplicate keys, no anchors or aliases (an alias expands to a copy
 * of what it names, so a few hundred bytes can stand for gigabytes: "billion laughs"), a nesting limit (a deep
 * document would overflow the stack of the recursive parts of the parser), plain data only (maps, lists, strings,
 * numbers, booleans, null). The only YAML parser in capkit.
 */
public final class YamlDocuments {
  /** Largest document accepted, in characters; as bytes, the largest file read. */
  public static final int MAX_CHARS = 3 * 1024 * 1024;
  /** Deepest nesting of lists and maps accepted (CRD schemas, the deepest capkit reads, stay under 40). */
  public static final int MAX_DEPTH = 100;

  private YamlDocuments() {}

  /** All documents in the UTF-8 {@code bytes}, skipping empty ones. {@code file} names the input in problems. */
  public static List<Object> loadAll(String file, byte[] bytes) {
    return loadAll(file, text(file, bytes));
  }

  /** Exactly one mapping document, from UTF-8 {@code bytes}. */
  public static Map<String, Object> loadOne(String file, byte[] bytes) {
    return loadOne(file, text(file, bytes));
  }

  /**
   * {@code bytes} as text: refused when over {@link #MAX_CHARS} bytes or not UTF-8, with the byte offset of the first
   * bad sequence (a replacement character would silently change a value).
   */
  public static String text(String file, byte[] bytes) {
    if (bytes.length > MAX_CHARS) {
      throw new InvalidInputException(new Problem(file, null,
          "file is " + bytes.length + " bytes, over the limit of " + MAX_CHARS));
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(in).toString();
    } catch (CharacterCodingException e) {
      throw new InvalidInputException(new Problem(file, null,
          "is not valid UTF-8 (bad byte sequence at byte offset " + in.position() + ")"));
    }
  }

  /** All documents in {@code text}, skipping empty ones. {@code file} names the input in problems. */
  public static List<Object> loadAll(String file, String text) {
    if (text.length() > MAX_CHARS) {
      throw new InvalidInputException(new Problem(file, null,
          "document is " + text.length() + " characters, over the limit of " + MAX_CHARS));
    }
    // A file that is one block mapping of simple plain scalars (most fleet files): the same document through the
    // cheaper reader (see SimpleBlockYaml); anything else, and every error, through the full one. A one-file
    // capkit validate ran the full reader's scanner, parser and composer, interpreted, for ~2 ms.
    Map<String, Object> simple = SimpleBlockYaml.load(text);
    if (simple != null) {
      List<Object> out = new ArrayList<>(1);
      out.add(simple);
      return out;
    }
    return loadAllFull(file, text);
  }

  /** {@link #loadAll} without the fast path: the full reader on every text (tests compare the two). */
  static List<Object> loadAllFull(String file, String text) {
    if (text.length() > MAX_CHARS) {
      throw new InvalidInputException(new Problem(file, null,
          "document is " + text.length() + " characters, over the limit of " + MAX_CHARS));
    }
    LoadSettings settings = settings(file);
    List<Object> out = new ArrayList<>();
    try {
      // One pass of the parser: its events are checked as the composer takes them, and every document is
      // composed (so every check has run over the whole stream) before any is constructed, as when the events
      // were checked in a pass of their own first.
      Composer composer = new Composer(settings, new CheckedEvents(file,
          new ParserImpl(settings, new StreamReader(settings, text))));
      List<Node> nodes = new ArrayList<>();
      while (composer.hasNext()) {
        nodes.add(composer.next());
      }
      StandardConstructor constructor = new StandardConstructor(settings);
      for (Node node : nodes) {
        Object doc = constructor.constructSingleDocument(Optional.of(node));
        if (doc != null) {
          out.add(doc);
        }
      }
    } catch (MarkedYamlEngineException e) {
      throw new InvalidInputException(new Problem(file, where(e.getProblemMark()),
          "malformed YAML: " + firstLine(e.getProblem())));
    } catch (YamlEngineException e) {
      throw new InvalidInputException(new Problem(file, null, "malformed YAML: " + firstLine(e.getMessage())));
    }
    return out;
  }

  /** The reader's settings: no duplicate keys, no aliases, the size limit; {@code label} names the input. */
  static LoadSettings settings(String label) {
    return LoadSettings.builder()
        .setLabel(label)
        .setAllowDuplicateKeys(false)
        .setMaxAliasesForCollections(0)
        .setAllowRecursiveKeys(false)
        .setCodePointLimit(MAX_CHARS)
        .build();
  }

  /**
   * The parser's events as the composer takes them, each checked first (the parser keeps its own stack, so no
   * recursion has seen an event before it is checked): refuses anchors, aliases and nesting past {@link #MAX_DEPTH}.
   */
  private static final class CheckedEvents implements Parser {
    private final String file;
    private final Parser parser;
    private int depth;

    CheckedEvents(String file, Parser parser) {
      this.file = file;
      this.parser = parser;
    }

    @Override
    public boolean checkEvent(Event.ID id) {
      return parser.checkEvent(id);
    }

    @Override
    public Event peekEvent() {
      return parser.peekEvent();
    }

    @Override
    public boolean hasNext() {
      return parser.hasNext();
    }

    @Override
    public Event next() {
      Event e = parser.next();
      if (e instanceof AliasEvent a) {
        throw refused(file, e, "aliases (*" + a.getAlias() + ") are not allowed: write the value out");
      }
      if (e instanceof NodeEvent n && n.getAnchor().isPresent()) {
        throw refused(file, e, "anchors (&" + n.getAnchor().get() + ") are not allowed: write the value out");
      }
      if (e instanceof CollectionStartEvent && ++depth > MAX_DEPTH) {
        throw refused(file, e, "lists and maps nested deeper than " + MAX_DEPTH + " levels");
      } else if (e instanceof CollectionEndEvent) {
        depth--;
      }
      return e;
    }
  }

  private static InvalidInputException refused(String file, Event e, String message) {
    return new InvalidInputException(new Problem(file, where(e.getStartMark()), message));
  }

  private static String where(Optional<Mark> mark) {
    return mark.map(m -> "line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1)).orElse(null);
  }

  /** Exactly one mapping document. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> loadOne(String file, String text) {
    // Most fleet files are a few lines of plain `key: value`: a cheaper reader, same values (see SimpleBlockYaml).
    Map<String, Object> simple = SimpleBlockYaml.load(text);
    if (simple != null) {
      return simple;
    }
    List<Object> docs = loadAllFull(file, text);
    if (docs.size() != 1) {
      throw new InvalidInputException(new Problem(file, null, "expected one YAML document, found " + docs.size()));
    }
    if (!(docs.get(0) instanceof Map<?, ?> m)) {
      throw new InvalidInputException(new Problem(file, null, "expected a YAML mapping at the top level"));
    }
    for (Object k : m.keySet()) {
      if (!(k instanceof String)) {
        throw new InvalidInputException(new Problem(file, String.valueOf(k), "keys must be strings"));
      }
    }
    return (Map<String, Object>) m;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unreadable input";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
