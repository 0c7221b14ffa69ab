package io.capkit.provider.libvirt;

import java.util.Locale;

/**
 * A failed libvirt call: which operation, on which object, and libvirt's error code. The message never holds call
 * arguments (XML, volume content) nor libvirt's own error text, which can quote host files (the test driver quotes
 * the file a {@code test:///<file>} URI names), so it is safe for events, status and logs; {@code detail} is only
 * ever text capkit wrote.
 */
public class LibvirtCallException extends RuntimeException {

  /** What a caller can do about an error. */
  public enum Kind {
    NOT_FOUND, ALREADY_EXISTS, UNREACHABLE, UNSUPPORTED, INVALID, OPERATION_FAILED
  }

  private final Kind kind;
  private final String operation;
  private final String code;

  public LibvirtCallException(Kind kind, String operation, String target, String code, String detail) {
    super(operation + " " + target + ": " + code + (detail == null || detail.isBlank() ? "" : " (" + detail + ")"));
    this.kind = kind;
    this.operation = operation;
    this.code = code;
  }

  public Kind kind() {
    return kind;
  }

  /** The libvirt operation, e.g. {@code domainDefineXML}. */
  public String operation() {
    return operation;
  }

  /** libvirt's error number name, e.g. {@code VIR_ERR_NO_DOMAIN}. */
  public String code() {
    return code;
  }

  /** A label-safe form of the kind for metrics and condition reasons. */
  public String reason() {
    StringBuilder b = new StringBuilder("Libvirt");
    for (String part : kind.name().toLowerCase(Locale.ROOT).split("_")) {
      b.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
    }
    return b.toString();
  }
}
