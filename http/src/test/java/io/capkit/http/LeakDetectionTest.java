package io.capkit.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetector.Level;
import org.junit.jupiter.api.Test;

/** Leak detection: off in a server started without Netty's property, as the property says when it is given. */
class LeakDetectionTest {
  @Test
  void offUnlessThePropertyAsksForIt() {
    String given = System.getProperty(HttpServer.LEAK_DETECTION);
    Level before = ResourceLeakDetector.getLevel();
    try {
      // The build runs these tests with the property at paranoid (http/pom.xml): the server leaves it so.
      System.setProperty(HttpServer.LEAK_DETECTION, "paranoid");
      ResourceLeakDetector.setLevel(Level.PARANOID);
      HttpServer.leakDetection();
      assertEquals(Level.PARANOID, ResourceLeakDetector.getLevel());

      System.clearProperty(HttpServer.LEAK_DETECTION);
      HttpServer.leakDetection();
      assertEquals(Level.DISABLED, ResourceLeakDetector.getLevel());

      ResourceLeakDetector.setLevel(Level.SIMPLE);
      System.setProperty(HttpServer.LEAK_DETECTION_OLD, "simple");
      HttpServer.leakDetection();
      assertEquals(Level.SIMPLE, ResourceLeakDetector.getLevel());
    } finally {
      System.clearProperty(HttpServer.LEAK_DETECTION_OLD);
      if (given == null) {
        System.clearProperty(HttpServer.LEAK_DETECTION);
      } else {
        System.setProperty(HttpServer.LEAK_DETECTION, given);
      }
      ResourceLeakDetector.setLevel(before);
    }
  }

  @Test
  void theBuildRunsTheseTestsAtParanoid() {
    assertEquals("paranoid", System.getProperty(HttpServer.LEAK_DETECTION));
  }
}
