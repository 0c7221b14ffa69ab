package io.capkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.simple.SimpleServiceProvider;

class DeferredSimpleLoggingTest {

  @Test
  void makingLoggersConfiguresNothingUntilOneIsUsed() {
    DeferredSimpleLogging provider = new DeferredSimpleLogging();
    provider.initialize();
    Logger a = provider.getLoggerFactory().getLogger("com.networknt.schema.JsonMetaSchema");
    Logger b = provider.getLoggerFactory().getLogger("com.networknt.schema.TypeValidator");
    assertEquals("com.networknt.schema.JsonMetaSchema", a.getName());
    assertEquals("com.networknt.schema.TypeValidator", b.getName());
    assertFalse(provider.configured(), "no call on a logger yet");
    a.isDebugEnabled();
    assertTrue(provider.configured(), "the first call configures slf4j-simple");
  }

  @Test
  void answersAndPrintsExactlyAsSlf4jSimple() {
    SimpleServiceProvider simple = new SimpleServiceProvider();
    simple.initialize();
    DeferredSimpleLogging provider = new DeferredSimpleLogging();
    provider.initialize();
    // simplelogger.properties (cli's resources): warn by default, fabric8's VersionUsageUtils at error.
    for (String name : new String[] {"com.networknt.schema.UnknownKeywordFactory",
        "io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils"}) {
      Logger deferred = provider.getLoggerFactory().getLogger(name);
      Logger direct = simple.getLoggerFactory().getLogger(name);
      assertEquals(direct.isTraceEnabled(), deferred.isTraceEnabled(), name);
      assertEquals(direct.isDebugEnabled(), deferred.isDebugEnabled(), name);
      assertEquals(direct.isInfoEnabled(), deferred.isInfoEnabled(), name);
      assertEquals(direct.isWarnEnabled(), deferred.isWarnEnabled(), name);
      assertEquals(direct.isErrorEnabled(), deferred.isErrorEnabled(), name);
      Throwable cause = new IllegalStateException("cause");
      String viaDeferred = stderrOf(deferred, cause);
      String viaDirect = stderrOf(direct, cause);
      assertEquals(viaDirect, viaDeferred, name);
      assertTrue(viaDeferred.contains("ERROR " + name + " - failed x: boom"), viaDeferred);
    }
    assertFalse(provider.getLoggerFactory().getLogger("x").isInfoEnabled(), "info is below the configured warn");
  }

  private static String stderrOf(Logger log, Throwable cause) {
    PrintStream saved = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      log.info("not shown {}", 1);
      log.warn("Unknown keyword {} - you should define your own Meta Schema", "x-kubernetes-int-or-string");
      log.error("failed {}: {}", "x", "boom");
      log.atWarn().setMessage("fluent {}").addArgument("w").log();
      log.error("with a cause", cause);
    } finally {
      System.setErr(saved);
    }
    return buf.toString(StandardCharsets.UTF_8);
  }
}
