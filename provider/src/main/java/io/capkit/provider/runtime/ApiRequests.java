package io.capkit.provider.runtime;

import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.http.StandardHttpRequest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts the provider's requests to the API server by verb and resource, as the API server's own
 * {@code apiserver_request_total} names them ({@code GET}/{@code LIST}/{@code WATCH}, {@code POST}, {@code PUT},
 * {@code PATCH}, {@code APPLY} for a server-side apply, {@code DELETE}; {@code kvmmachines/status}): metric
 * {@value #METRIC}. Every request costs API-server CPU, which a provisioning burst is short of; the count per
 * provisioned machine is what {@code KvmProviderIT.aProvisionedMachineCostsFourApiRequests} and the benchmark check.
 */
public final class ApiRequests implements Interceptor {
  public static final String METRIC = "capkit_provider_api_requests";
  public static final String NAME = "capkit-api-requests";
  private final MeterRegistry registry;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  public ApiRequests(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
    String contentType = request instanceof StandardHttpRequest s ? s.getContentType() : request.header("Content-Type");
    String key = key(request.method(), request.uri(), contentType);
    counters.computeIfAbsent(key, k -> {
      int space = k.indexOf(' ');
      return Counter.builder(METRIC).tag("verb", k.substring(0, space)).tag("resource", k.substring(space + 1))
          .register(registry);
    }).increment();
  }

  /**
   * "VERB resource[/subresource]" of a request to {@code /api/v1/...} or {@code /apis/group/version/...}; other
   * paths (discovery, version) are "VERB -".
   */
  static String key(String method, URI uri, String contentType) {
    String[] p = uri.getRawPath().split("/");
    int at;
    if (p.length > 3 && p[1].equals("api")) {
      at = 3;
    } else if (p.length > 4 && p[1].equals("apis")) {
      at = 4;
    } else {
      return method + " -";
    }
    if (p[at].equals("namespaces") && p.length > at + 2) {
      at += 2; // a namespaced resource; "namespaces" alone or one namespace is the resource namespaces
    }
    String resource = p[at];
    boolean named = p.length > at + 1;
    String sub = p.length > at + 2 ? "/" + p[at + 2] : "";
    String query = uri.getRawQuery() == null ? "" : "&" + uri.getRawQuery() + "&";
    String verb = switch (method) {
      case "GET" -> query.contains("&watch=true&") ? "WATCH" : named ? "GET" : "LIST";
      case "PATCH" -> contentType != null && contentType.startsWith("application/apply-patch") ? "APPLY" : "PATCH";
      default -> method;
    };
    return verb + " " + resource + sub;
  }
}
