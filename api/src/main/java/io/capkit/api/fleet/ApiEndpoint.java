package io.capkit.api.fleet;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import java.util.Objects;

/** {@code {host, port}}, as CAPI's APIEndpoint. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"host", "port"})
public class ApiEndpoint {
  @Required
  private String host;
  @Min(1)
  @Max(65535)
  private Integer port;

  public ApiEndpoint() {}

  public ApiEndpoint(String host, Integer port) {
    this.host = host;
    this.port = port;
  }

  public String getHost() {
    return host;
  }

  public void setHost(String host) {
    this.host = host;
  }

  public Integer getPort() {
    return port;
  }

  public void setPort(Integer port) {
    this.port = port;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ApiEndpoint e && Objects.equals(host, e.host) && Objects.equals(port, e.port);
  }

  @Override
  public int hashCode() {
    return Objects.hash(host, port);
  }

  @Override
  public String toString() {
    return host + ":" + port;
  }
}
