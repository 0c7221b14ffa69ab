package io.capkit.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shaded {@code capkit.jar} that webhook/config/deployment.yaml and provider/config/manager.yaml run (through the
 * image) carries production code only: no test framework, no embedded API server, no test certificates tooling, no
 * demo. BouncyCastle is out too: production TLS reads PEM keys with the JDK (webhook's TlsMaterial), and the only
 * BouncyCastle users are test-support's certificate generators. Netty's and Apache MINA sshd's optional
 * BouncyCastle adapters ({@code io/netty/handler/ssl/BouncyCastle*}, {@code org/apache/sshd/.../bouncycastle/})
 * are plain classes of those libraries that look BouncyCastle up reflectively and stay unused without it.
 */
class ShadedJarContentsTest {
  static final Path JAR = Path.of(System.getProperty("capkit.jar", "../cli/target/capkit.jar"));

  /** Class and resource prefixes that must not ship, with the reason. */
  static final List<String[]> FORBIDDEN_PREFIXES = List.of(
      new String[] {"org/junit/", "JUnit"},
      new String[] {"org/opentest4j/", "JUnit's assertion errors"},
      new String[] {"org/apiguardian/", "JUnit's API annotations"},
      new String[] {"io/fabric8/kubeapitest/", "kube-api-test (the embedded API server)"},
      new String[] {"org/bouncycastle/", "BouncyCastle (test certificates only)"},
      new String[] {"io/capkit/testsupport/", "capkit test-support"},
      new String[] {"io/capkit/demo/", "the demo (capkit-demo.jar)"},
      new String[] {"org/eclipse/jetty/", "Jetty (the test Git server)"});

  /** Maven coordinates (from META-INF/maven/GROUP/ARTIFACT/) that must not be shaded in. */
  static final List<String> FORBIDDEN_ARTIFACTS = List.of("org.junit", "org.opentest4j", "org.apiguardian",
      "io.fabric8/kube-api-test", "org.bouncycastle", "io.capkit/capkit-test-support", "io.capkit/capkit-demo",
      "org.eclipse.jetty");

  static List<String> entries;

  @BeforeAll
  static void readJar() throws IOException {
    assertTrue(Files.isRegularFile(JAR), JAR + " is missing: build the cli module first");
    try (JarFile jar = new JarFile(JAR.toFile())) {
      entries = Collections.list(jar.entries()).stream().map(ZipEntry::getName).toList();
    }
  }

  @Test
  void noTestOrDemoCodeShips() {
    List<String> found = new ArrayList<>();
    for (String[] forbidden : FORBIDDEN_PREFIXES) {
      entries.stream().filter(e -> e.replaceFirst("^META-INF/versions/\\d+/", "").startsWith(forbidden[0])).findFirst()
          .ifPresent(e -> found.add(forbidden[1] + ": " + e));
    }
    assertEquals(List.of(), found, "test or demo classes in " + JAR);
  }

  @Test
  void noTestOrDemoArtifactIsShadedIn() {
    TreeSet<String> artifacts = shadedArtifacts();
    List<String> found = artifacts.stream().filter(a -> FORBIDDEN_ARTIFACTS.stream().anyMatch(f -> matches(a, f))).toList();
    assertEquals(List.of(), found, "shaded artifacts: " + artifacts);
    // The check above only means something if the jar records what it shaded in.
    assertTrue(artifacts.contains("io.fabric8/kubernetes-client") && artifacts.contains("org.eclipse.jgit/org.eclipse.jgit"),
        "expected the production dependencies' pom.properties in the jar: " + artifacts);
  }

  @Test
  void theProductionEntryPointsAreThere() throws IOException {
    try (JarFile jar = new JarFile(JAR.toFile())) {
      assertEquals("io.capkit.cli.Capkit", jar.getManifest().getMainAttributes().getValue("Main-Class"));
    }
    for (String cls : List.of("io/capkit/cli/Capkit.class", "io/capkit/cli/DiffCommand.class",
        "io/capkit/cli/PromoteCommand.class", "io/capkit/webhook/WebhookServer.class",
        "io/capkit/provider/runtime/KvmProvider.class", "io/capkit/gitops/promote/Promoter.class",
        "org/libvirt/Connect.class")) {
      assertTrue(entries.contains(cls), cls + " missing from " + JAR);
    }
  }

  /** {@code forbidden} is GROUP/ARTIFACT (that artifact) or a group (it and its subgroups). */
  static boolean matches(String artifact, String forbidden) {
    if (forbidden.contains("/")) {
      return artifact.equals(forbidden);
    }
    String group = artifact.substring(0, artifact.indexOf('/'));
    return group.equals(forbidden) || group.startsWith(forbidden + ".");
  }

  /** GROUP/ARTIFACT of every META-INF/maven/GROUP/ARTIFACT/pom.properties in the jar. */
  static TreeSet<String> shadedArtifacts() {
    TreeSet<String> out = new TreeSet<>();
    for (String e : entries) {
      String[] parts = e.split("/");
      if (parts.length == 5 && e.startsWith("META-INF/maven/") && parts[4].equals("pom.properties")) {
        out.add(parts[2] + "/" + parts[3]);
      }
    }
    return out;
  }
}
