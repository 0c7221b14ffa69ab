package io.capkit.webhook.tls;

/** Certificate or key files that cannot serve TLS; the message names the file, never the key content. */
public class InvalidTlsMaterialException extends RuntimeException {
  public InvalidTlsMaterialException(String message) {
    super(message);
  }
}
