package io.capkit.provider.machine;

import io.capkit.api.infra.KVMHostSpec;
import io.capkit.api.infra.SecretKeyReference;
import io.capkit.provider.libvirt.SshKeyFiles;
import io.capkit.provider.libvirt.SshKeyUri;
import io.capkit.provider.runtime.ApiCallFailure;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Base64;
import java.util.Map;

/**
 * The URI the provider connects to a KVMHost with. An SSH-transport host with {@code sshKeySecretRef} gets its key
 * from that Secret in the provider's own namespace (read by name, never listed or cached), written by
 * {@link SshKeyFiles}, and {@link SshKeyUri} adds {@code keyfile=} and {@code no_tty=1}; any other host connects
 * with the admin's URI as written. Messages name the Secret and the host, never the key.
 */
public final class HostKeys {
  private final KubernetesClient client;
  private final String namespace;
  private final SshKeyFiles files;

  public HostKeys(KubernetesClient client, String namespace, SshKeyFiles files) {
    this.client = client;
    this.namespace = namespace;
    this.files = files;
  }

  /** The key is unavailable: the message is safe for events and status (it names the Secret, not its data). */
  public static final class KeyUnavailable extends RuntimeException {
    KeyUnavailable(String message) {
      super(message, null, false, false);
    }
  }

  /** The URI for {@code host} whose admin spec is {@code admin} and URI {@code uri} (the recorded one on delete). */
  public String connectUri(String host, String uri, KVMHostSpec admin) {
    SecretKeyReference ref = admin == null ? null : admin.getSshKeySecretRef();
    if (ref == null || !SshKeyUri.isSsh(uri)) {
      return uri;
    }
    String key = ref.getKey() == null ? "ssh-privatekey" : ref.getKey();
    String where = "Secret " + namespace + "/" + ref.getName() + " (sshKeySecretRef of KVMHost " + host + ")";
    Secret s = ApiCallFailure.during("get " + where, () -> client.secrets().inNamespace(namespace)
        .withName(ref.getName()).get());
    if (s == null) {
      files.forget(host);
      throw new KeyUnavailable(where + " not found");
    }
    Map<String, String> data = s.getData();
    String encoded = data == null ? null : data.get(key);
    if (encoded == null || encoded.isEmpty()) {
      files.forget(host);
      throw new KeyUnavailable(where + " has no data key \"" + key + "\"");
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(encoded);
    } catch (IllegalArgumentException e) {
      files.forget(host);
      throw new KeyUnavailable(where + ": data key \"" + key + "\" is not base64");
    }
    return SshKeyUri.compose(uri, files.write(host, s.getMetadata().getResourceVersion(), bytes));
  }
}
