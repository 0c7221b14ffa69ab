package io.capkit.provider.libvirt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A fresh libvirt test-driver node per test: {@code test:///<absolute path>} starts from the state in that file, so
 * tests never share domains or volumes. The node has a pool {@code default} holding a 10 GiB base image and a network
 * {@code default}.
 */
public final class TestDriver {
  public static final String POOL = "default";
  public static final String BASE_IMAGE = "base.qcow2";
  public static final long BASE_BYTES = 10L << 30;

  private TestDriver() {}

  public static String uri(Path dir) {
    Path node = dir.resolve("node.xml");
    try {
      Files.writeString(node, """
          <node>
            <network>
              <name>default</name>
              <bridge name='virbr0'/>
              <forward/>
              <ip address='192.168.122.1' netmask='255.255.255.0'>
                <dhcp><range start='192.168.122.2' end='192.168.122.254'/></dhcp>
              </ip>
            </network>
            <pool type='dir'>
              <name>default</name>
              <target><path>/var/lib/libvirt/images</path></target>
              <volume type='file'>
                <name>base.qcow2</name>
                <capacity unit='bytes'>%d</capacity>
                <target><format type='qcow2'/></target>
              </volume>
            </pool>
          </node>
          """.formatted(BASE_BYTES));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return "test://" + node.toAbsolutePath();
  }
}
