package io.capkit.provider.runtime;

import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.api.model.NamedContextBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.utils.Utils;
import java.io.File;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.DuplicateKeyException;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * The provider's client configuration. fabric8 reads a kubeconfig into its model through its static
 * {@code Serialization}, and the first deserializer that serialization builds loads and instantiates every
 * {@code KubernetesResource} class its ServiceLoader finds (about 600 model classes the provider never uses, some
 * 6 MiB of a process whose target is 160; docs/provider.md). So capkit reads the plain kubeconfig itself, with
 * snakeyaml-engine (already loaded for the API types), and builds fabric8's {@link Config} through its public builder with the same
 * values fabric8 would set: the current context's server, CA (file or data, a relative path taken from the
 * kubeconfig's folder), {@code insecure-skip-tls-verify}, {@code tls-server-name}, namespace, client certificate and
 * key (file or data), the contexts; then fabric8's own system-property and environment overrides
 * ({@link Config#configFromSysPropsOrEnvVars}).
 *
 * <p>Only that case: a single kubeconfig file whose chosen user authenticates with a client certificate alone (the
 * case in which the provider turns fabric8's token refresh off, {@link KvmProvider#certificateOnly}, so nothing ever
 * re-reads the file), and in which every key capkit sees is one it reads exactly as fabric8 does. Anything else — no
 * kubeconfig (in a cluster: the service account), several files, tokens, basic auth, {@code exec} and
 * {@code auth-provider} plugins, {@code proxy-url}, {@code extensions}, impersonation, a context or cluster that does
 * not exist, a value of an unexpected type, duplicate keys, auto-configuration turned off — is left to fabric8's own
 * loading, unchanged ({@link #clientConfig()}). A kubeconfig that is not YAML fails with its file, line and column and
 * the parser's problem, never a value from the file (it holds keys and tokens).
 */
public final class Kubeconfig {
  private static final Logger LOG = LoggerFactory.getLogger(Kubeconfig.class);

  private static final Set<String> ROOT = Set.of("apiVersion", "kind", "clusters", "contexts", "users",
      "current-context", "preferences");
  private static final Set<String> CLUSTER = Set.of("server", "certificate-authority", "certificate-authority-data",
      "insecure-skip-tls-verify", "tls-server-name");
  private static final Set<String> CONTEXT = Set.of("cluster", "user", "namespace");
  private static final Set<String> USER = Set.of("client-certificate", "client-certificate-data", "client-key",
      "client-key-data");

  private Kubeconfig() {}

  /** A kubeconfig that could not be read; its message names the file and position, never a value of it. */
  public static final class Unreadable extends RuntimeException {
    Unreadable(String message) {
      super(message);
    }
  }

  /** The configuration fabric8's {@code new ConfigBuilder().build()} gives, read by capkit when it is a plain case. */
  public static Config clientConfig() {
    return handled().orElseGet(() -> new ConfigBuilder().build());
  }

  /** The configuration of the one kubeconfig fabric8 would read, when capkit reads it exactly; else empty. */
  static Optional<Config> handled() {
    if (Utils.getSystemPropertyOrEnvVar(Config.KUBERNETES_DISABLE_AUTO_CONFIG_SYSTEM_PROPERTY, false)
        || !Utils.getSystemPropertyOrEnvVar(Config.KUBERNETES_AUTH_TRYKUBECONFIG_SYSTEM_PROPERTY, true)) {
      return Optional.empty();
    }
    List<String> files = new ArrayList<>(Config.getKubeconfigFilenames());
    if (files.size() != 1) {
      LOG.debug("kubeconfig: {} files, left to fabric8", files.size());
      return Optional.empty();
    }
    File file = new File(files.get(0));
    if (!file.isFile()) {
      return Optional.empty(); // fabric8 then tries the service account
    }
    String text;
    try {
      // As fabric8 reads it (FileReader: the platform's charset).
      text = new String(Files.readAllBytes(file.toPath()), Charset.defaultCharset());
    } catch (IOException e) {
      return Optional.empty(); // fabric8 logs and skips a file it cannot read
    }
    if (text.isEmpty()) {
      return Optional.empty();
    }
    Optional<Config> config = read(file, text);
    if (config.isEmpty()) {
      return config;
    }
    Config.configFromSysPropsOrEnvVars(config.get()); // what fabric8 applies after merging a kubeconfig
    return config;
  }

  /**
   * The client configuration of {@code text}, the contents of kubeconfig {@code file}, before system properties
   * and environment: empty when it is not a case capkit reads exactly (the reason at debug level, without values).
   *
   * @throws Unreadable when {@code text} is not YAML
   */
  static Optional<Config> read(File file, String text) {
    Object doc;
    try {
      doc = new Load(LoadSettings.builder().setLabel("kubeconfig").setAllowDuplicateKeys(false)
          .setAllowRecursiveKeys(false).setMaxAliasesForCollections(10).setCodePointLimit(4 * 1024 * 1024)
          .build()).loadFromString(text);
    } catch (DuplicateKeyException e) {
      return leave("a duplicate key");
    } catch (MarkedYamlEngineException e) {
      throw new Unreadable("kubeconfig " + file + ": " + position(e.getProblemMark().or(e::getContextMark))
          + e.getProblem());
    } catch (YamlEngineException e) {
      // Limits (aliases, size) and the like; their messages name no value of the file.
      throw new Unreadable("kubeconfig " + file + ": " + e.getMessage());
    }
    if (!(doc instanceof Map<?, ?> root) || !ROOT.containsAll(keys(root))) {
      return leave("a top-level key it does not read");
    }
    Object preferences = root.get("preferences");
    if (preferences != null && !(preferences instanceof Map<?, ?> p && p.isEmpty())) {
      return leave("preferences");
    }
    Map<String, Map<?, ?>> contexts = named(root.get("contexts"), "context");
    Map<String, Map<?, ?>> clusters = named(root.get("clusters"), "cluster");
    Map<String, Map<?, ?>> users = named(root.get("users"), "user");
    if (contexts == null || clusters == null || users == null) {
      return leave("a list entry it does not read");
    }
    for (Map<?, ?> c : contexts.values()) {
      if (!CONTEXT.containsAll(keys(c)) || !strings(c, CONTEXT)) {
        return leave("a context key it does not read");
      }
    }
    if (!(root.get("current-context") instanceof String current) || current.isEmpty()
        || !contexts.containsKey(current)) {
      return leave("no current context");
    }
    Map<?, ?> context = contexts.get(current);
    Map<?, ?> cluster = clusters.get(context.get("cluster"));
    Map<?, ?> user = users.get(context.get("user"));
    if (cluster == null || !CLUSTER.containsAll(keys(cluster)) || !strings(cluster, Set.of("server",
        "certificate-authority", "certificate-authority-data", "tls-server-name"))
        || !(cluster.get("insecure-skip-tls-verify") == null || cluster.get("insecure-skip-tls-verify")
            instanceof Boolean) || !(cluster.get("server") instanceof String server) || server.isEmpty()) {
      return leave("the context's cluster");
    }
    if (user == null || !USER.containsAll(keys(user)) || !strings(user, USER)
        || user.get("client-certificate") == null && user.get("client-certificate-data") == null) {
      return leave("the context's user (only a client certificate is read by capkit)");
    }
    // What fabric8's KubeConfigUtils.merge sets for the current context, through the public builder.
    boolean insecure = Boolean.TRUE.equals(cluster.get("insecure-skip-tls-verify"));
    Config config = new ConfigBuilder().withAutoConfigure(false)
        .withMasterUrl(server)
        .withTrustCerts(insecure)
        .withDisableHostnameVerification(insecure)
        .withCaCertFile(absolute(file, (String) cluster.get("certificate-authority")))
        .withCaCertData((String) cluster.get("certificate-authority-data"))
        .withTlsServerName((String) cluster.get("tls-server-name"))
        .withNamespace((String) context.get("namespace"))
        .withClientCertFile(absolute(file, (String) user.get("client-certificate")))
        .withClientCertData((String) user.get("client-certificate-data"))
        .withClientKeyFile(absolute(file, (String) user.get("client-key")))
        .withClientKeyData((String) user.get("client-key-data"))
        .build();
    List<NamedContext> named = new ArrayList<>();
    NamedContext chosen = null;
    for (Map.Entry<String, Map<?, ?>> e : contexts.entrySet()) {
      NamedContext n = new NamedContextBuilder().withName(e.getKey()).withNewContext()
          .withCluster((String) e.getValue().get("cluster")).withUser((String) e.getValue().get("user"))
          .withNamespace((String) e.getValue().get("namespace")).endContext().build();
      named.add(n);
      if (e.getKey().equals(current)) {
        chosen = n;
      }
    }
    config.setContexts(named);
    config.setCurrentContext(chosen);
    LOG.debug("kubeconfig {} read by capkit (context {})", file, current);
    return Optional.of(config);
  }

  private static Optional<Config> leave(String why) {
    LOG.debug("kubeconfig left to fabric8: {}", why);
    return Optional.empty();
  }

  /**
   * The entries of a kubeconfig list by name, as fabric8 merges them (a later entry of a name wins; entries without
   * their map are skipped); null when an entry is not a map of a string name and that map.
   */
  private static Map<String, Map<?, ?>> named(Object list, String key) {
    Map<String, Map<?, ?>> byName = new HashMap<>();
    if (list == null) {
      return byName;
    }
    if (!(list instanceof List<?> entries)) {
      return null;
    }
    for (Object entry : entries) {
      if (!(entry instanceof Map<?, ?> m) || !Set.of("name", key).containsAll(keys(m))
          || !(m.get("name") instanceof String name)) {
        return null;
      }
      Object value = m.get(key);
      if (value == null) {
        continue;
      }
      if (!(value instanceof Map<?, ?> v)) {
        return null;
      }
      byName.put(name, v);
    }
    return byName;
  }

  private static Set<?> keys(Map<?, ?> m) {
    return m.keySet();
  }

  /** Whether every one of {@code fields} present in {@code m} is a string (absent and null are fine). */
  private static boolean strings(Map<?, ?> m, Set<String> fields) {
    for (String f : fields) {
      Object v = m.get(f);
      if (v != null && !(v instanceof String)) {
        return false;
      }
    }
    return true;
  }

  /** fabric8's rule for a file named in a kubeconfig: absolute, or relative to the kubeconfig's folder. */
  private static String absolute(File kubeconfig, String name) {
    if (name == null) {
      return null;
    }
    File f = new File(name);
    return f.isAbsolute() ? f.getAbsolutePath() : new File(kubeconfig.getParentFile(), name).getAbsolutePath();
  }

  private static String position(Optional<Mark> mark) {
    return mark.map(m -> "line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1) + ": ").orElse("");
  }
}
