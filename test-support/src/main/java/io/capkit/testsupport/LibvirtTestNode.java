package io.capkit.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A fresh libvirt test-driver host: a node description (network "default", dir pool "default" holding the base
 * image) that {@code test:///path/node.xml} opens with its own state, so tests and benchmarks don't share it.
 */
public final class LibvirtTestNode {
  public static final String BASE_IMAGE = "base.qcow2";
  public static final long BASE_BYTES = 10L << 30;

  private LibvirtTestNode() {}

  /** Writes {@code dir/node.xml} (atomically) and returns its {@code test://} URI. */
  public static String write(Path dir) {
    Path node = dir.resolve("node.xml");
    Path tmp = dir.resolve("node.xml.tmp");
    try {
      Files.createDirectories(dir);
      Files.writeString(tmp, """
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
                <name>%s</name>
                <capacity unit='bytes'>%d</capacity>
                <target><format type='qcow2'/></target>
              </volume>
            </pool>
          </node>
          """.formatted(BASE_IMAGE, BASE_BYTES));
      Files.move(tmp, node, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return "test://" + node.toAbsolutePath();
  }
}
