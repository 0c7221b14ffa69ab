package io.capkit.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.capkit.api.yaml.YamlDocuments;
import io.capkit.testsupport.EmbeddedApiServer;
import io.capkit.testsupport.KubeApiServerExtension;
import io.capkit.testsupport.SelfSignedCertificate;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OCI archive hack/build-image.sh writes, checked and started without a container runtime: its blobs match their
 * digests, the index names the project version, the config runs capkit.jar as a non-root user with the documented
 * JVM options, and the unpacked image, started as its config says (read-only root, no capabilities), serves the
 * webhook's {@code /readyz} over TLS and the provider's {@code /readyz}, both talking to a real API server.
 */
@ExtendWith(KubeApiServerExtension.class)
class ImageIT {
  static final Path ARCHIVE = Path.of(System.getProperty("image.archive", "target/capkit-image.tar"));
  static final String NAME = System.getProperty("image.name", "ghcr.io/capkit/capkit");
  static final String TAG = System.getProperty("image.tag", "unset");
  static final Path ROOT = Path.of(System.getProperty("capkit.repo.root", ".."));
  static final String JAVA = "/opt/java/bin/java";

  @TempDir
  static Path work;
  static OciArchive image;
  static Path rootfs;

  @BeforeAll
  static void unpack() throws Exception {
    assertTrue(Files.isRegularFile(ARCHIVE), ARCHIVE + " is missing: hack/build-image.sh runs in this module's package phase");
    image = OciArchive.open(ARCHIVE, work);
    rootfs = image.unpack(work.resolve("rootfs"));
  }

  @Test
  void theLayoutIsAnOciImageTaggedWithTheProjectVersion() throws Exception {
    assertEquals("{\"imageLayoutVersion\":\"1.0.0\"}", Files.readString(image.layout().resolve("oci-layout")));
    JsonNode index = image.index();
    assertEquals(1, index.path("manifests").size(), index.toString());
    JsonNode annotations = index.path("manifests").path(0).path("annotations");
    assertEquals(TAG, annotations.path("org.opencontainers.image.ref.name").asText());
    assertEquals(NAME + ":" + TAG, annotations.path("io.containerd.image.name").asText());
    assertEquals("application/vnd.oci.image.manifest.v1+json", image.manifest().path("mediaType").asText());
    assertEquals(TAG, image.manifest().path("annotations").path("org.opencontainers.image.version").asText());
    // diff_ids are the uncompressed layers' digests, in order: what a runtime checks after unpacking.
    List<String> diffIds = StreamSupport.stream(image.config().path("rootfs").path("diff_ids").spliterator(), false)
        .map(JsonNode::asText).toList();
    assertEquals(image.uncompressedDigests(), diffIds);
    assertEquals(3, diffIds.size(), "base, JRE and application layers");
  }

  @Test
  void buildingAgainFromTheSameJarAndCachesGivesTheSameBytes() throws Exception {
    Path again = work.resolve("again.tar");
    Process p = new ProcessBuilder("bash", ROOT.resolve("hack/build-image.sh").toString(), "--jar",
        ShadedJarContentsTest.JAR.toString(), "--name", NAME, "--tag", TAG, "--out", again.toString())
        .redirectErrorStream(true).redirectOutput(work.resolve("again.log").toFile()).start();
    assertTrue(p.waitFor(10, java.util.concurrent.TimeUnit.MINUTES), "hack/build-image.sh still running");
    assertEquals(0, p.exitValue(), Files.readString(work.resolve("again.log")));
    try (var a = Files.newInputStream(ARCHIVE); var b = Files.newInputStream(again)) {
      assertEquals(OciArchive.sha256(a), OciArchive.sha256(b), "sorted entries, fixed mtimes, gzip -n");
    }
    assertEquals(Files.readString(Path.of(ARCHIVE + ".digest")), Files.readString(Path.of(again + ".digest")));
  }

  @Test
  void theConfigRunsTheJarAsANonRootUserWithTheDocumentedJvmOptions() throws Exception {
    JsonNode config = image.config().path("config");
    assertEquals("amd64", image.config().path("architecture").asText());
    assertEquals("linux", image.config().path("os").asText());
    assertEquals(List.of(JAVA, "-jar", "/app/capkit.jar"), texts(config.path("Entrypoint")));
    int[] user = new UnpackedContainer(rootfs, image.config()).user();
    assertNotEquals(0, user[0], "the image runs as root: " + config.path("User"));
    assertEquals(65532, user[0]);
    assertTrue(Files.readAllLines(rootfs.resolve("etc/passwd")).contains(
        "nonroot:x:65532:65532:nonroot:/home/nonroot:/usr/sbin/nologin"), "the user is in the image's /etc/passwd");
    assertEquals(65532, (int) Files.getAttribute(rootfs.resolve("home/nonroot"), "unix:uid"));
    assertEquals(0, (int) Files.getAttribute(rootfs.resolve("app/capkit.jar"), "unix:uid"),
        "the application is not writable by the user that runs it");
    assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(rootfs.resolve("app/capkit.jar"))));
    // The JVM options are the ones docs/webhook.md names and the webhook's Deployment sets.
    assertEquals("JAVA_TOOL_OPTIONS=" + deploymentEnv("webhook/config/deployment.yaml", "JAVA_TOOL_OPTIONS"),
        texts(config.path("Env")).stream().filter(e -> e.startsWith("JAVA_TOOL_OPTIONS=")).findFirst().orElse("none"));
    assertTrue(Files.readString(ROOT.resolve("docs/webhook.md"))
        .contains("`JAVA_TOOL_OPTIONS=" + deploymentEnv("webhook/config/deployment.yaml", "JAVA_TOOL_OPTIONS") + "`"));
    // The jar in the image is the one the build produced.
    assertEquals(OciArchive.sha256(Files.readAllBytes(ShadedJarContentsTest.JAR)),
        OciArchive.sha256(Files.readAllBytes(rootfs.resolve("app/capkit.jar"))));
  }

  @Test
  void theJarReportsTheVersionTheImageIsTaggedWith() throws Exception {
    Path log = work.resolve("version.log");
    Process p = new UnpackedContainer(rootfs, image.config()).start(List.of("--version"), Map.of(), log);
    assertTrue(p.waitFor(2, java.util.concurrent.TimeUnit.MINUTES), "capkit --version still running");
    assertEquals(0, p.exitValue(), Files.readString(log));
    assertTrue(Files.readString(log).contains("capkit " + TAG), Files.readString(log));
  }

  @Test
  void libvirtAndItsLibrariesResolveInTheImage() throws Exception {
    // The provider's bindings load libvirt.so.0 through JNA; the image's dynamic loader must find all it needs.
    Path log = work.resolve("ldd.log");
    Process p = new UnpackedContainer(rootfs, withEntrypoint(image.config(), "/lib64/ld-linux-x86-64.so.2"))
        .start(List.of("--list", "/usr/lib/x86_64-linux-gnu/libvirt.so.0"), Map.of(), log);
    assertTrue(p.waitFor(2, java.util.concurrent.TimeUnit.MINUTES), "ld.so --list still running");
    int exit = p.exitValue();
    String out = Files.readString(log);
    assertEquals(0, exit, out);
    assertTrue(out.contains("libvirt.so.0") || out.contains("libc.so.6"), out);
    assertFalse(out.contains("not found"), out);
  }

  @Test
  void theWebhookServesReadyzFromTheImage(EmbeddedApiServer api) throws Exception {
    SelfSignedCertificate cert = SelfSignedCertificate.generate("capkit-webhook");
    Path tls = rootfs.resolve("tls");
    cert.writeTo(tls);
    ownedByTheImageUser(tls);
    Map<String, String> env = kubeconfigEnv(api);
    int port = freePort();
    // The Deployment's args, with a loopback port.
    List<String> args = new ArrayList<>(deploymentArgs("webhook/config/deployment.yaml"));
    args.set(args.indexOf("--port") + 1, String.valueOf(port));
    args.addAll(List.of("--bind-address", "127.0.0.1"));
    Path log = work.resolve("webhook.log");
    Process container = new UnpackedContainer(rootfs, image.config()).start(args, env, log);
    boolean stopped;
    try {
      HttpResponse<String> ready = awaitOk(URI.create("https://127.0.0.1:" + port + "/readyz"), cert.trustingContext(),
          container, log);
      assertEquals("ok", ready.body().strip());
      assertRunsAsTheImageUser(container);
      assertTrue(Files.readString(log).contains("Picked up JAVA_TOOL_OPTIONS: -XX:+UseSerialGC"), Files.readString(log));
    } finally {
      stopped = UnpackedContainer.stop(container, Duration.ofSeconds(30));
    }
    assertTrue(stopped, "the entry point ignored SIGTERM (PID 1 of the container):\n" + Files.readString(log));
  }

  @Test
  void theProviderServesReadyzFromTheImage(EmbeddedApiServer api) throws Exception {
    Map<String, String> env = new java.util.HashMap<>(kubeconfigEnv(api));
    env.put("JAVA_TOOL_OPTIONS", deploymentEnv("provider/config/manager.yaml", "JAVA_TOOL_OPTIONS"));
    int port = freePort();
    List<String> args = new ArrayList<>();
    for (String a : deploymentArgs("provider/config/manager.yaml")) {
      // clusterctl's variable defaults applied; then a loopback port, the libvirt test driver, no leader election.
      a = a.replaceAll("\\$\\{[A-Z0-9_]+:=([^}]*)}", "$1");
      if (a.startsWith("--http-port=")) {
        a = "--http-port=" + port;
      } else if (a.startsWith("--libvirt-uri=")) {
        a = "--libvirt-uri=test:///default";
      } else if (a.startsWith("--leader-elect") || a.startsWith("--lease-namespace")) {
        continue;
      }
      args.add(a);
    }
    args.add("--bind-address=127.0.0.1");
    Path log = work.resolve("provider.log");
    Process container = new UnpackedContainer(rootfs, image.config()).start(args, env, log);
    boolean stopped;
    try {
      HttpResponse<String> ready = awaitOk(URI.create("http://127.0.0.1:" + port + "/readyz"), null, container, log);
      assertEquals("ok", ready.body().strip());
      assertRunsAsTheImageUser(container);
      assertTrue(Files.readString(log).contains("Picked up JAVA_TOOL_OPTIONS: -Xmx128m"), Files.readString(log));
    } finally {
      stopped = UnpackedContainer.stop(container, Duration.ofSeconds(30));
    }
    assertTrue(stopped, "the entry point ignored SIGTERM (PID 1 of the container):\n" + Files.readString(log));
  }

  private static void assertRunsAsTheImageUser(Process container) throws IOException {
    ProcessHandle java = UnpackedContainer.entryPoint(container, JAVA).orElseThrow();
    assertEquals("65532\t65532\t65532\t65532", UnpackedContainer.status(java, "Uid"));
    assertEquals("65532\t65532\t65532\t65532", UnpackedContainer.status(java, "Gid"));
    assertEquals("", UnpackedContainer.status(java, "Groups"));
    assertEquals("0000000000000000", UnpackedContainer.status(java, "CapEff"));
  }

  /** A kubeconfig for the API server with the credentials inline, readable by the image's user only. */
  private static Map<String, String> kubeconfigEnv(EmbeddedApiServer api) throws IOException {
    Matcher m = Pattern.compile("(?m)^(\\s*)(certificate-authority|client-certificate|client-key): (\\S+)$")
        .matcher(api.kubeconfigYaml());
    StringBuilder inline = new StringBuilder();
    while (m.find()) {
      String data = Base64.getEncoder().encodeToString(Files.readAllBytes(Path.of(m.group(3))));
      m.appendReplacement(inline, Matcher.quoteReplacement(m.group(1) + m.group(2) + "-data: " + data));
    }
    m.appendTail(inline);
    Path dir = Files.createDirectories(rootfs.resolve("run/kube"));
    Files.writeString(dir.resolve("config"), inline.toString(), StandardCharsets.UTF_8);
    ownedByTheImageUser(dir);
    return Map.of("KUBECONFIG", "/run/kube/config");
  }

  /** As a Secret volume with the pod's fsGroup: the files belong to the image's user. */
  private static void ownedByTheImageUser(Path dir) throws IOException {
    Files.setAttribute(dir, "unix:uid", 65532);
    Files.setAttribute(dir, "unix:gid", 65532);
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        Files.setAttribute(f, "unix:uid", 65532);
        Files.setAttribute(f, "unix:gid", 65532);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("r--------"));
      }
    }
  }

  /** Polls until the URL answers 200; fails with the container's output when it exits first or takes minutes. */
  private static HttpResponse<String> awaitOk(URI uri, SSLContext tls, Process container, Path log) throws Exception {
    HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(2));
    if (tls != null) {
      b.sslContext(tls);
    }
    HttpClient client = b.build();
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      if (!container.isAlive()) {
        throw new AssertionError("the container exited with " + container.exitValue() + ":\n" + Files.readString(log));
      }
      try {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return r;
        }
        last = r.statusCode() + " " + r.body();
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(250);
    }
    throw new AssertionError(uri + " never answered 200 (last: " + last + "):\n" + Files.readString(log));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> container(String manifest) throws IOException {
    Map<String, Object> doc = (Map<String, Object>) YamlDocuments.loadAll(manifest,
        Files.readString(ROOT.resolve(manifest))).get(0);
    Map<String, Object> spec = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) doc.get("spec"))
        .get("template")).get("spec");
    return ((List<Map<String, Object>>) spec.get("containers")).get(0);
  }

  @SuppressWarnings("unchecked")
  static List<String> deploymentArgs(String manifest) throws IOException {
    return ((List<Object>) container(manifest).get("args")).stream().map(String::valueOf).toList();
  }

  @SuppressWarnings("unchecked")
  static String deploymentEnv(String manifest, String name) throws IOException {
    return ((List<Map<String, Object>>) container(manifest).get("env")).stream()
        .filter(e -> name.equals(e.get("name"))).map(e -> String.valueOf(e.get("value"))).findFirst().orElseThrow();
  }

  private static JsonNode withEntrypoint(JsonNode imageConfig, String entrypoint) {
    JsonNode copy = imageConfig.deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode) copy.path("config")).putArray("Entrypoint").add(entrypoint);
    return copy;
  }

  private static List<String> texts(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
