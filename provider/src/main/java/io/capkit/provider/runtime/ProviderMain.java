package io.capkit.provider.runtime;

import io.capkit.api.InvalidInputException;
import java.util.List;

/** Container entry point: {@code java -cp ... io.capkit.provider.runtime.ProviderMain --libvirt-uri URI ...}. */
public final class ProviderMain {
  private ProviderMain() {}

  public static void main(String[] args) throws InterruptedException {
    ProviderConfig config;
    try {
      config = ProviderConfig.fromArgs(List.of(args));
    } catch (InvalidInputException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    KvmProvider.run(config);
  }
}
