package io.capkit.testsupport;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.libvirt.Network;
import org.libvirt.StoragePool;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The real hypervisor host of this machine ({@code qemu:///system}, set up by {@code hack/ensure-libvirtd.sh}), for one
 * real boot: checks that libvirtd answers and the isolated test network is active (its host address is where guests report),
 * and makes a transient directory pool holding a copy of the base image, so that everything a machine leaves behind
 * shows up in that pool. {@link #close()} removes the pool and its directory.
 */
public final class RealBootHost implements AutoCloseable {
  public static final String URI = "qemu:///system";
  /** Isolated (no forwarding, hack/ensure-libvirtd.sh): guests reach this machine's bridge and nothing beyond. */
  public static final String NETWORK = "capkit-isolated";
  public static final String BASE_VOLUME = "base.qcow2";
  /** Where libvirt keeps per-domain state and logs on Debian; a deleted machine leaves no file there. */
  public static final List<Path> LIBVIRT_DIRS = List.of(Path.of("/var/lib/libvirt/qemu"), Path.of("/run/libvirt/qemu"));

  private final Connect connect;
  private final InetAddress networkAddress;
  private final String pool;
  private final Path poolDir;

  private RealBootHost(Connect connect, InetAddress networkAddress, String pool, Path poolDir) {
    this.connect = connect;
    this.networkAddress = networkAddress;
    this.pool = pool;
    this.poolDir = poolDir;
  }

  /**
   * Opens the host and makes pool {@code poolName} in {@code /var/lib/libvirt/images/<poolName>} with the base image;
   * an {@link IllegalStateException} says what the host lacks.
   */
  public static RealBootHost prepare(BaseImage image, String poolName) {
    Connect c;
    try {
      c = new Connect(URI, false);
    } catch (LibvirtException | UnsatisfiedLinkError | NoClassDefFoundError e) {
      throw new IllegalStateException("libvirtd does not answer at " + URI + " (" + message(e)
          + "): hack/ensure-libvirtd.sh installs and starts it (make test runs it through hack/ensure-all.sh; as root)",
          e);
    }
    Path dir = Path.of("/var/lib/libvirt/images", poolName);
    try {
      InetAddress address = activeNetworkAddress(c);
      Files.createDirectories(dir);
      Files.copy(image.qcow2(), dir.resolve(BASE_VOLUME), StandardCopyOption.REPLACE_EXISTING);
      StoragePool p = c.storagePoolCreateXML("<pool type='dir'><name>" + poolName + "</name><target><path>" + dir
          + "</path></target></pool>", 0);
      p.free();
      return new RealBootHost(c, address, poolName, dir);
    } catch (LibvirtException | IOException | RuntimeException e) {
      deleteTree(dir);
      close(c);
      throw e instanceof IllegalStateException ise ? ise
          : new IllegalStateException("cannot prepare pool " + poolName + " in " + dir + ": " + message(e), e);
    }
  }

  private static InetAddress activeNetworkAddress(Connect c) throws LibvirtException {
    Network n;
    try {
      n = c.networkLookupByName(NETWORK);
    } catch (LibvirtException e) {
      throw new IllegalStateException("libvirt network " + NETWORK + " is not defined on " + URI
          + ": hack/ensure-libvirtd.sh defines and starts it", e);
    }
    try {
      if (n.isActive() != 1) {
        throw new IllegalStateException("libvirt network " + NETWORK + " is not active: hack/ensure-libvirtd.sh starts"
            + " it (it needs dnsmasq-base and iptables)");
      }
      NodeList ips = parse(n.getXMLDesc(0)).getElementsByTagName("ip");
      for (int i = 0; i < ips.getLength(); i++) {
        String a = ((Element) ips.item(i)).getAttribute("address");
        if (!a.isEmpty() && !a.contains(":")) {
          return InetAddress.getByName(a);
        }
      }
      throw new IllegalStateException("libvirt network " + NETWORK + " has no IPv4 address for guests to report to");
    } catch (IOException e) {
      throw new IllegalStateException("bad address in network " + NETWORK + ": " + e.getMessage(), e);
    } finally {
      n.free();
    }
  }

  public String uri() {
    return URI;
  }

  public String pool() {
    return pool;
  }

  public Path poolDirectory() {
    return poolDir;
  }

  /** The host's address on the isolated test network (a local address of this machine). */
  public InetAddress networkAddress() {
    return networkAddress;
  }

  /** Names of the files in the pool directory, sorted. */
  public List<String> poolFiles() {
    try (Stream<Path> s = Files.list(poolDir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new IllegalStateException("cannot list " + poolDir + ": " + e.getMessage(), e);
    }
  }

  /** Names of all domains on the host, running or not. */
  public List<String> domainNames() {
    try {
      List<String> out = new ArrayList<>(Arrays.asList(connect.listDefinedDomains()));
      for (int id : connect.listDomains()) {
        Domain d = connect.domainLookupByID(id);
        out.add(d.getName());
        d.free();
      }
      return out.stream().sorted().toList();
    } catch (LibvirtException e) {
      throw new IllegalStateException("cannot list domains: " + e.getMessage(), e);
    }
  }

  /** Whether a domain of that name exists and runs. */
  public boolean running(String domainName) {
    try {
      Domain d = connect.domainLookupByName(domainName);
      try {
        return d.isActive() == 1;
      } finally {
        d.free();
      }
    } catch (LibvirtException e) {
      return false;
    }
  }

  /** Files under libvirt's state directories and the pool whose name contains {@code needle}. */
  public List<Path> filesNaming(String needle) {
    List<Path> out = new ArrayList<>();
    List<Path> roots = new ArrayList<>(LIBVIRT_DIRS);
    roots.add(poolDir);
    for (Path root : roots) {
      if (!Files.isDirectory(root)) {
        continue;
      }
      try (Stream<Path> s = Files.walk(root)) {
        s.filter(p -> p.getFileName().toString().contains(needle)).forEach(out::add);
      } catch (IOException e) {
        throw new IllegalStateException("cannot walk " + root + ": " + e.getMessage(), e);
      }
    }
    return out.stream().sorted().toList();
  }

  /** Powers off and undefines a domain left by a failed run; no-op when it does not exist. */
  public void forceRemove(String domainName) {
    try {
      Domain d = connect.domainLookupByName(domainName);
      try {
        if (d.isActive() == 1) {
          d.destroy();
        }
        d.undefine();
      } finally {
        d.free();
      }
    } catch (LibvirtException e) {
      // Not there (the usual case after a passing run).
    }
  }

  /** Stops the transient pool and deletes its directory with everything in it. */
  @Override
  public void close() {
    try {
      StoragePool p = connect.storagePoolLookupByName(pool);
      try {
        p.destroy();
      } finally {
        p.free();
      }
    } catch (LibvirtException e) {
      // Already gone.
    }
    deleteTree(poolDir);
    close(connect);
  }

  private static void close(Connect c) {
    try {
      c.close();
    } catch (LibvirtException e) {
      // Nothing left to release.
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot delete " + dir + ": " + e.getMessage(), e);
    }
  }

  private static Document parse(String xml) {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException("libvirt returned XML that does not parse: " + e.getMessage(), e);
    }
  }

  private static String message(Throwable e) {
    if (e instanceof LibvirtException le && le.getError() != null) {
      return le.getError().getMessage();
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
