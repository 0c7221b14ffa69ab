package io.capkit.provider.machine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The seed ISO read back by a real ISO reader (isoinfo from genisoimage), Joliet names and all. */
class SeedIsoIT {

  private static String run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    return out;
  }

  @Test
  void isoinfoReadsLabelJolietNamesAndExactContent(@TempDir Path dir) throws Exception {
    assertTrue(Files.isExecutable(Path.of("/usr/bin/isoinfo")),
        "isoinfo is missing: run bash hack/ensure-system-packages.sh (installs genisoimage)");
    byte[] bootstrap = "#cloud-config\nruncmd: [echo hi]\n".getBytes(StandardCharsets.UTF_8);
    SeedDocuments seed = SeedDocuments.of(TestPlans.plan("ns", "w1", TestPlans.HOST), bootstrap);
    Path iso = dir.resolve("seed.iso");
    Files.write(iso, seed.iso());
    String info = run("isoinfo", "-d", "-i", iso.toString());
    assertTrue(info.contains("Volume id: cidata"), info);
    assertTrue(info.contains("Joliet"), info);
    String listing = run("isoinfo", "-J", "-f", "-i", iso.toString());
    assertEquals("/meta-data\n/network-config\n/user-data\n/vendor-data\n", listing.replace("\r", ""));
    for (Map.Entry<String, byte[]> f : seed.files().entrySet()) {
      Process p = new ProcessBuilder("isoinfo", "-J", "-i", iso.toString(), "-x", "/" + f.getKey()).start();
      byte[] content = p.getInputStream().readAllBytes();
      assertEquals(0, p.waitFor());
      assertArrayEquals(f.getValue(), content, f.getKey());
    }
  }
}
