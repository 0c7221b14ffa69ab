package io.capkit.api.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import io.capkit.api.contract.Contract;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JsonTreesTest {
  private static final ObjectMapper JACKSON = new ObjectMapper();

  @Test
  void plainValuesGiveTheTreeJacksonGives() {
    Random random = new Random(18);
    for (int i = 0; i < 2000; i++) {
      Object value = randomValue(random, 0);
      JsonNode expected = JACKSON.valueToTree(value);
      JsonNode actual = JsonTrees.of(value);
      // JsonNode equality is strict on node types: an int node never equals a long node of the same number.
      assertEquals(expected, actual, "value " + value);
      assertEquals(expected.toString(), actual.toString(), "value " + value);
    }
  }

  @Test
  void nodeTypesFollowTheJavaTypes() {
    assertEquals("IntNode", JsonTrees.of(5).getClass().getSimpleName());
    assertEquals("LongNode", JsonTrees.of(5L).getClass().getSimpleName());
    assertEquals("BigIntegerNode", JsonTrees.of(BigInteger.TEN.pow(30)).getClass().getSimpleName());
    assertNotEquals(JsonTrees.of(5), JsonTrees.of(5L));
    assertEquals("DoubleNode", JsonTrees.of(Map.of("x", 1.5)).get("x").getClass().getSimpleName());
  }

  @Test
  void stringNodesPrintAsJacksonPrintsThemAndEqualTextNodes() {
    StringBuilder every = new StringBuilder();
    for (char c = 0; c < 0x300; c++) {
      every.append(c);
    }
    Random random = new Random(18);
    List<String> strings = new ArrayList<>(List.of("", "plain", every.toString(), "\ud83d\ude00 \ud800 \udfff \u2028 \uffff"));
    for (int i = 0; i < 500; i++) {
      StringBuilder s = new StringBuilder();
      for (int n = random.nextInt(12); n > 0; n--) {
        s.append((char) (random.nextBoolean() ? random.nextInt(0x80) : random.nextInt(0x10000)));
      }
      strings.add(s.toString());
    }
    for (String s : strings) {
      JsonNode jackson = TextNode.valueOf(s);
      JsonNode ours = JsonTrees.of(s);
      assertEquals(jackson.toString(), ours.toString(), "string " + s);
      assertEquals(jackson, ours);
      assertEquals(ours, jackson);
      assertEquals(jackson.hashCode(), ours.hashCode());
      assertEquals(JACKSON.valueToTree(List.of(s)).toString(), JsonTrees.of(List.of(s)).toString());
    }
  }

  @Test
  void theContractDocumentIsTheTreeJacksonsParserReads() throws IOException {
    JsonNode parsed;
    try (InputStream in = Contract.class.getResourceAsStream(Contract.RESOURCE)) {
      parsed = JACKSON.readTree(in);
    }
    assertEquals(parsed, Contract.standard().schemaDocument());
    assertEquals(parsed.toString(), Contract.standard().schemaDocument().toString());
  }

  private static Object randomValue(Random random, int depth) {
    return switch (random.nextInt(depth > 3 ? 10 : 13)) {
      case 0 -> null;
      case 1 -> random.nextInt();
      case 2 -> (long) Integer.MAX_VALUE + random.nextInt(1000);
      case 3 -> random.nextLong();
      case 4 -> BigInteger.valueOf(random.nextLong()).multiply(BigInteger.TEN.pow(random.nextInt(30)));
      case 5 -> random.nextDouble();
      case 6 -> random.nextBoolean();
      case 7 -> "s\"\\\n\u00e9" + random.nextInt(4);
      case 8 -> "";
      case 9 -> (float) random.nextInt(50) / 4;
      case 10 -> {
        List<Object> list = new ArrayList<>();
        for (int n = random.nextInt(4); n > 0; n--) {
          list.add(randomValue(random, depth + 1));
        }
        yield list;
      }
      case 11 -> {
        Map<Object, Object> map = new LinkedHashMap<>();
        map.put(random.nextInt(5) == 0 ? (Object) 7 : "k", randomValue(random, depth + 1));
        yield map;
      }
      default -> {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int n = random.nextInt(5); n > 0; n--) {
          map.put("key" + random.nextInt(8), randomValue(random, depth + 1));
        }
        yield map;
      }
    };
  }
}
