package io.capkit.api.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A Cidr is a value: equal blocks are equal, hash alike, and nothing a caller holds can change one. */
class CidrTest {

  @Test
  void equalBlocksAreEqualAndHashAlike() {
    assertEquals(Cidr.parse("10.0.0.0/8"), Cidr.parse("10.0.0.0/8"));
    assertEquals(Cidr.parse("fd00::/8").hashCode(), Cidr.parse("fd00:0:0::/8").hashCode());
    assertNotEquals(Cidr.parse("10.0.0.0/8"), Cidr.parse("10.0.0.0/16"));
    assertNotEquals(Cidr.parse("0.0.0.0/0"), Cidr.parse("::/0"));
    Set<Cidr> set = new HashSet<>();
    set.add(Cidr.parse("172.24.0.0/16"));
    assertTrue(set.contains(Cidr.parse("172.24.0.0/16")));
  }

  @Test
  void aBlockCannotBeChangedThroughItsComponents() {
    Cidr c = Cidr.parse("10.0.0.0/8");
    Set<Cidr> set = new HashSet<>(Set.of(c));
    Object network = c.getClass().getRecordComponents()[0].getAccessor().getReturnType();
    assertTrue(network != byte[].class, "the record's components are immutable values, not a shared byte[]");
    assertEquals("10.0.0.0/8", c.toString());
    assertTrue(set.contains(Cidr.parse("10.0.0.0/8")));
  }
}
