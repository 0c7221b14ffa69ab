package io.capkit.provider.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * capkit's kubeconfig reader gives the configuration fabric8's own loading gives, for every case it reads, and leaves
 * every other case to fabric8. Each case is compared with {@code new ConfigBuilder().build()} on the same file
 * (fabric8 finds it through the {@code kubeconfig} system property, as through {@code $KUBECONFIG}).
 */
class KubeconfigTest {
  /** Stand-ins for secrets: none may appear in an error. */
  static final String CA = "Q0EtREFUQS1TRUNSRVQ=";
  static final String CERT = "Q0VSVC1EQVRBLVNFQ1JFVA==";
  static final String KEY = "S0VZLURBVEEtU0VDUkVUX0xPTkdfRU5PVUdI";

  @TempDir
  Path dir;

  private final List<String> setProperties = new ArrayList<>();

  @AfterEach
  void clearProperties() {
    setProperties.forEach(System::clearProperty);
  }

  private void property(String name, String value) {
    System.setProperty(name, value);
    setProperties.add(name);
  }

  private Path kubeconfig(String yaml) throws IOException {
    Path f = dir.resolve("config");
    Files.writeString(f, yaml);
    property("kubeconfig", f.toString());
    return f;
  }

  static String inline(String server, String extraCluster, String namespace) {
    return """
        apiVersion: v1
        kind: Config
        preferences: {}
        current-context: admin@c1
        clusters:
        - name: c0
          cluster:
            server: https://10.0.0.9:6443
        - name: c1
          cluster:
            server: %s
            certificate-authority-data: %s
        %s
        contexts:
        - name: other
          context: {cluster: c0, user: u0}
        - name: admin@c1
          context:
            cluster: c1
            user: admin
        %s
        users:
        - name: u0
          user:
            exec: {apiVersion: client.authentication.k8s.io/v1, command: /bin/false}
        - name: admin
          user:
            client-certificate-data: %s
            client-key-data: %s
        """.formatted(server, CA, extraCluster.isEmpty() ? "" : "    " + extraCluster,
        namespace.isEmpty() ? "" : "    namespace: " + namespace, CERT, KEY);
  }

  /** The fields of a client configuration that fabric8's kubeconfig loading and its overrides may set. */
  static Map<String, Object> fields(Config c) {
    Map<String, Function<Config, Object>> getters = new TreeMap<>();
    getters.put("masterUrl", Config::getMasterUrl);
    getters.put("apiVersion", Config::getApiVersion);
    getters.put("namespace", Config::getNamespace);
    getters.put("trustCerts", Config::isTrustCerts);
    getters.put("disableHostnameVerification", Config::isDisableHostnameVerification);
    getters.put("caCertFile", Config::getCaCertFile);
    getters.put("caCertData", Config::getCaCertData);
    getters.put("clientCertFile", Config::getClientCertFile);
    getters.put("clientCertData", Config::getClientCertData);
    getters.put("clientKeyFile", Config::getClientKeyFile);
    getters.put("clientKeyData", Config::getClientKeyData);
    getters.put("clientKeyAlgo", Config::getClientKeyAlgo);
    getters.put("clientKeyPassphrase", Config::getClientKeyPassphrase);
    getters.put("tlsServerName", Config::getTlsServerName);
    getters.put("username", Config::getUsername);
    getters.put("password", Config::getPassword);
    getters.put("oauthToken", Config::getOauthToken);
    getters.put("autoOAuthToken", Config::getAutoOAuthToken);
    getters.put("oauthTokenProvider", Config::getOauthTokenProvider);
    getters.put("authProvider", Config::getAuthProvider);
    getters.put("httpProxy", Config::getHttpProxy);
    getters.put("httpsProxy", Config::getHttpsProxy);
    getters.put("noProxy", c2 -> c2.getNoProxy() == null ? null : List.of(c2.getNoProxy()));
    getters.put("proxyUsername", Config::getProxyUsername);
    getters.put("userAgent", Config::getUserAgent);
    getters.put("tlsVersions", c2 -> c2.getTlsVersions() == null ? null : List.of(c2.getTlsVersions()));
    getters.put("trustStoreFile", Config::getTrustStoreFile);
    getters.put("keyStoreFile", Config::getKeyStoreFile);
    getters.put("impersonateUsername", Config::getImpersonateUsername);
    getters.put("impersonateGroups", c2 -> c2.getImpersonateGroups() == null ? null
        : List.of(c2.getImpersonateGroups()));
    getters.put("connectionTimeout", Config::getConnectionTimeout);
    getters.put("requestTimeout", Config::getRequestTimeout);
    getters.put("uploadRequestTimeout", Config::getUploadRequestTimeout);
    getters.put("requestRetryBackoffLimit", Config::getRequestRetryBackoffLimit);
    getters.put("requestRetryBackoffInterval", Config::getRequestRetryBackoffInterval);
    getters.put("watchReconnectInterval", Config::getWatchReconnectInterval);
    getters.put("watchReconnectLimit", Config::getWatchReconnectLimit);
    getters.put("websocketPingInterval", Config::getWebsocketPingInterval);
    getters.put("maxConcurrentRequests", Config::getMaxConcurrentRequests);
    getters.put("maxConcurrentRequestsPerHost", Config::getMaxConcurrentRequestsPerHost);
    getters.put("http2Disable", Config::isHttp2Disable);
    getters.put("onlyHttpWatches", Config::isOnlyHttpWatches);
    getters.put("defaultNamespace", Config::getDefaultNamespace);
    getters.put("scaleTimeout", Config::getScaleTimeout);
    getters.put("loggingInterval", Config::getLoggingInterval);
    getters.put("customHeaders", Config::getCustomHeaders);
    getters.put("currentContext", c2 -> context(c2.getCurrentContext()));
    getters.put("contexts", c2 -> c2.getContexts() == null ? null
        : c2.getContexts().stream().map(KubeconfigTest::context).toList());
    Map<String, Object> out = new TreeMap<>();
    getters.forEach((k, g) -> out.put(k, String.valueOf(g.apply(c))));
    return out;
  }

  private static String context(NamedContext n) {
    return n == null ? "null" : n.getName() + "=" + (n.getContext() == null ? "null"
        : n.getContext().getCluster() + "/" + n.getContext().getUser() + "/" + n.getContext().getNamespace());
  }

  /** capkit's reading of the current kubeconfig, which must be one it reads, equals fabric8's. */
  private Config sameAsFabric8() {
    Optional<Config> ours = Kubeconfig.handled();
    assertTrue(ours.isPresent(), "read by capkit");
    Config theirs = new ConfigBuilder().build();
    assertEquals(fields(theirs), fields(ours.get()));
    assertFalse(ours.get().getAutoConfigure(), "nothing re-reads the file: refresh() keeps this configuration");
    assertTrue(KvmProvider.certificateOnly(ours.get()));
    return ours.get();
  }

  @Test
  void inlineDataNamespaceAndContexts() throws IOException {
    kubeconfig(inline("https://127.0.0.1:6443", "", "tenant-a"));
    Config c = sameAsFabric8();
    assertEquals("https://127.0.0.1:6443/", c.getMasterUrl());
    assertEquals("tenant-a", c.getNamespace());
    assertEquals(CERT, c.getClientCertData());
    assertEquals("admin@c1", c.getCurrentContext().getName());
    assertEquals(2, c.getContexts().size());
  }

  @Test
  void filesRelativeToTheKubeconfigAndAbsolute() throws IOException {
    Files.createDirectories(dir.resolve("pki"));
    kubeconfig("""
        current-context: k
        clusters:
        - name: c
          cluster:
            server: https://api.example:6443
            certificate-authority: pki/ca.crt
        contexts:
        - name: k
          context: {cluster: c, user: u}
        users:
        - name: u
          user:
            client-certificate: pki/../pki/admin.crt
            client-key: %s
        """.formatted(dir.resolve("pki/admin.key").toAbsolutePath()));
    Config c = sameAsFabric8();
    assertEquals(new File(dir.toFile(), "pki/ca.crt").getAbsolutePath(), c.getCaCertFile());
    assertEquals(dir.resolve("pki/admin.key").toAbsolutePath().toString(), c.getClientKeyFile());
  }

  @Test
  void insecureAndTlsServerName() throws IOException {
    kubeconfig(inline("https://127.0.0.1:6443", "insecure-skip-tls-verify: true\n    tls-server-name: api.internal",
        ""));
    Config c = sameAsFabric8();
    assertTrue(c.isTrustCerts());
    assertTrue(c.isDisableHostnameVerification());
    assertEquals("api.internal", c.getTlsServerName());
  }

  @Test
  void systemPropertiesOverrideAsWithFabric8() throws IOException {
    kubeconfig(inline("https://127.0.0.1:6443", "", "tenant-a"));
    property(Config.KUBERNETES_NAMESPACE_SYSTEM_PROPERTY, "from-property");
    property(Config.KUBERNETES_REQUEST_TIMEOUT_SYSTEM_PROPERTY, "4321");
    property(Config.KUBERNETES_HTTPS_PROXY, "http://proxy.example:3128");
    Config c = sameAsFabric8();
    assertEquals("from-property", c.getNamespace());
    assertEquals(4321, c.getRequestTimeout());
  }

  @Test
  void duplicateNamesTheLastWins() throws IOException {
    kubeconfig("""
        current-context: k
        clusters:
        - {name: c, cluster: {server: https://first:6443}}
        - {name: c, cluster: {server: https://second:6443}}
        contexts:
        - {name: k, context: {cluster: c, user: u, namespace: one}}
        - {name: k, context: {cluster: c, user: u, namespace: two}}
        - {name: empty}
        users:
        - {name: u, user: {client-certificate-data: %s, client-key-data: %s}}
        """.formatted(CERT, KEY));
    Config c = sameAsFabric8();
    assertEquals("https://second:6443/", c.getMasterUrl());
    assertEquals("two", c.getNamespace());
  }

  /** Each of these is left to fabric8: capkit does not read it, or does not read it exactly as fabric8 does. */
  @Test
  void everythingElseIsLeftToFabric8() throws IOException {
    String user = "  user:\n    client-certificate-data: " + CERT + "\n    client-key-data: " + KEY;
    Map<String, String> cases = new TreeMap<>();
    cases.put("token", inline("https://h:6443", "", "").replace(user, "  user:\n    token: abc"));
    cases.put("token and certificate", inline("https://h:6443", "", "").replace("client-key-data:",
        "token: abc\n    client-key-data:"));
    cases.put("basic auth", inline("https://h:6443", "", "").replace(user,
        "  user: {username: a, password: b}"));
    cases.put("exec plugin", inline("https://h:6443", "", "").replace(user,
        "  user:\n    exec: {apiVersion: client.authentication.k8s.io/v1, command: /bin/true}"));
    cases.put("auth provider", inline("https://h:6443", "", "").replace(user,
        "  user:\n    auth-provider: {name: oidc, config: {id-token: x}}"));
    cases.put("impersonation", inline("https://h:6443", "", "").replace("client-key-data:",
        "as: someone\n    client-key-data:"));
    cases.put("proxy-url", inline("https://h:6443", "proxy-url: http://proxy:3128", ""));
    cases.put("cluster extensions", inline("https://h:6443", "extensions: [{name: e, extension: {a: b}}]", ""));
    cases.put("top-level extensions", "extensions: []\n" + inline("https://h:6443", "", ""));
    cases.put("preferences with extensions", inline("https://h:6443", "", "").replace("preferences: {}",
        "preferences: {extensions: [{name: e, extension: {}}]}"));
    cases.put("no current context", inline("https://h:6443", "", "").replace("current-context: admin@c1\n", ""));
    cases.put("current context missing", inline("https://h:6443", "", "").replace("current-context: admin@c1",
        "current-context: nowhere"));
    cases.put("cluster missing", inline("https://h:6443", "", "").replace("cluster: c1", "cluster: c9"));
    cases.put("user missing", inline("https://h:6443", "", "").replace("user: admin", "user: nobody"));
    cases.put("no server", inline("https://h:6443", "", "").replace("server: https://h:6443\n", ""));
    cases.put("insecure as a string", inline("https://h:6443", "insecure-skip-tls-verify: \"true\"", ""));
    cases.put("server not a string", inline("6443", "", ""));
    cases.put("duplicate key", inline("https://h:6443", "server: https://again:6443", ""));
    cases.put("entry with extensions", inline("https://h:6443", "", "").replace("- name: other",
        "- name: other\n  extensions: []"));
    cases.put("not a mapping", "- a\n- b\n");
    for (Map.Entry<String, String> e : cases.entrySet()) {
      kubeconfig(e.getValue());
      assertTrue(Kubeconfig.handled().isEmpty(), e.getKey());
    }
  }

  @Test
  void noFileSeveralFilesAndSwitchesAreLeftToFabric8() throws IOException {
    Path f = kubeconfig(inline("https://h:6443", "", ""));
    assertTrue(Kubeconfig.handled().isPresent(), "the base case is read");
    property("kubeconfig", dir.resolve("absent").toString());
    assertTrue(Kubeconfig.handled().isEmpty(), "no kubeconfig: fabric8 tries the service account");
    property("kubeconfig", f + File.pathSeparator + f);
    assertTrue(Kubeconfig.handled().isEmpty(), "several files: fabric8 merges them");
    Files.writeString(dir.resolve("empty"), "");
    property("kubeconfig", dir.resolve("empty").toString());
    assertTrue(Kubeconfig.handled().isEmpty(), "an empty file is skipped by fabric8");
    property("kubeconfig", f.toString());
    property(Config.KUBERNETES_AUTH_TRYKUBECONFIG_SYSTEM_PROPERTY, "false");
    assertTrue(Kubeconfig.handled().isEmpty());
    System.clearProperty(Config.KUBERNETES_AUTH_TRYKUBECONFIG_SYSTEM_PROPERTY);
    property(Config.KUBERNETES_DISABLE_AUTO_CONFIG_SYSTEM_PROPERTY, "true");
    assertTrue(Kubeconfig.handled().isEmpty());
  }

  @Test
  void clientConfigFallsBackToFabric8() throws IOException {
    kubeconfig(inline("https://h:6443", "", "").replace("current-context: admin@c1", "current-context: other"));
    Config c = Kubeconfig.clientConfig();
    assertEquals(fields(new ConfigBuilder().build()), fields(c));
    assertTrue(c.getAutoConfigure(), "fabric8's own");
  }

  @Test
  void malformedYamlFailsWithFileAndPositionNoSecret() throws IOException {
    Path f = kubeconfig(inline("https://h:6443", "", "").replace("client-key-data: " + KEY,
        "client-key-data: " + KEY + "\n    : [unclosed " + KEY));
    Kubeconfig.Unreadable e = assertThrows(Kubeconfig.Unreadable.class, Kubeconfig::handled);
    assertTrue(e.getMessage().startsWith("kubeconfig " + f + ": line "), e.getMessage());
    for (String secret : List.of(CA, CERT, KEY, KEY.substring(0, 8))) {
      assertFalse(e.getMessage().contains(secret), e.getMessage());
    }
  }

  @Test
  void hostileYamlFailsClearly() throws IOException {
    StringBuilder bomb = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
    for (char c = 'b'; c <= 'k'; c++) {
      char p = (char) (c - 1);
      bomb.append(c).append(": &").append(c).append(" [*").append(p).append(", *").append(p).append(", *")
          .append(p).append(", *").append(p).append("]\n");
    }
    Path f = kubeconfig(bomb.toString());
    Kubeconfig.Unreadable e = assertThrows(Kubeconfig.Unreadable.class, Kubeconfig::handled);
    assertTrue(e.getMessage().startsWith("kubeconfig " + f + ": "), e.getMessage());
    assertTrue(e.getMessage().contains("aliases"), e.getMessage());

    kubeconfig("current-context: !!java.lang.Runtime x\n");
    e = assertThrows(Kubeconfig.Unreadable.class, Kubeconfig::handled);
    assertTrue(e.getMessage().contains("line 1"), e.getMessage());
  }

  @Test
  void unreadableKubeconfigExitsOneWithTheMessage() throws IOException {
    kubeconfig("clusters: [\n  client-key-data: " + KEY + "\n");
    var err = new java.io.StringWriter();
    var cmd = ProviderMain.commandLine();
    cmd.setErr(new java.io.PrintWriter(err));
    assertEquals(1, cmd.execute("--http-port", "0"));
    assertTrue(err.toString().startsWith("kubeconfig "), err.toString());
    assertFalse(err.toString().contains(KEY), err.toString());
  }
}
