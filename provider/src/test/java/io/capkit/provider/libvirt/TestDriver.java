package io.capkit.provider.libvirt;

import io.capkit.testsupport.LibvirtTestNode;
import java.nio.file.Path;

/**
 * A fresh libvirt test-driver node per test: {@code test:///<absolute path>} starts from the state in that file, so
 * tests never share domains or volumes. The node has a pool {@code default} holding a 10 GiB base image and a network
 * {@code default} (see {@link LibvirtTestNode}).
 */
public final class TestDriver {
  public static final String POOL = "default";
  public static final String BASE_IMAGE = LibvirtTestNode.BASE_IMAGE;
  public static final long BASE_BYTES = LibvirtTestNode.BASE_BYTES;

  private TestDriver() {}

  public static String uri(Path dir) {
    return LibvirtTestNode.write(dir);
  }
}
