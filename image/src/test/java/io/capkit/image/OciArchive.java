package io.capkit.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * An OCI archive (a tar of an OCI image layout) read the way a container runtime reads it: index.json, the manifest
 * it names, the config, and the layers applied in order onto an empty root filesystem. Every blob is checked against
 * its digest and size before use. The layers are unpacked with the system's GNU tar as root, keeping numeric owners
 * and modes as a runtime's snapshotter does.
 */
record OciArchive(Path layout, JsonNode index, JsonNode manifest, JsonNode config) {
  static final ObjectMapper JSON = new ObjectMapper();

  static OciArchive open(Path archive, Path workDir) throws IOException, InterruptedException {
    Path layout = Files.createDirectories(workDir.resolve("layout"));
    run(List.of("tar", "-xf", archive.toString(), "-C", layout.toString()));
    JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
    JsonNode manifest = JSON.readTree(blob(layout, index.path("manifests").path(0)));
    JsonNode config = JSON.readTree(blob(layout, manifest.path("config")));
    return new OciArchive(layout, index, manifest, config);
  }

  /** The bytes of the blob a descriptor names, after checking its sha256 digest and size. */
  static byte[] blob(Path layout, JsonNode descriptor) throws IOException {
    Path file = blobPath(layout, descriptor);
    byte[] bytes = Files.readAllBytes(file);
    check(descriptor, bytes.length, sha256(bytes));
    return bytes;
  }

  private static Path blobPath(Path layout, JsonNode descriptor) {
    String digest = descriptor.path("digest").asText();
    if (!digest.matches("sha256:[0-9a-f]{64}")) {
      throw new IllegalStateException("not a sha256 digest: '" + digest + "' in " + descriptor);
    }
    return layout.resolve("blobs/sha256").resolve(digest.substring("sha256:".length()));
  }

  private static void check(JsonNode descriptor, long size, String sha) {
    String digest = descriptor.path("digest").asText();
    if (!digest.equals("sha256:" + sha) || descriptor.path("size").asLong(-1) != size) {
      throw new IllegalStateException("blob " + digest + " (size " + descriptor.path("size") + ") has sha256:" + sha
          + ", size " + size);
    }
  }

  /** Applies the manifest's layers in order onto {@code rootfs}; the image has no whiteouts, so none are handled. */
  Path unpack(Path rootfs) throws IOException, InterruptedException {
    Files.createDirectories(rootfs);
    for (JsonNode layer : manifest.path("layers")) {
      if (!"application/vnd.oci.image.layer.v1.tar+gzip".equals(layer.path("mediaType").asText())) {
        throw new IllegalStateException("unexpected layer media type " + layer.path("mediaType"));
      }
      Path file = blobPath(layout, layer);
      try (InputStream in = Files.newInputStream(file)) {
        check(layer, Files.size(file), sha256(in));
      }
      String listing = run(List.of("tar", "-tzf", file.toString()));
      if (Stream.of(listing.split("\n")).anyMatch(e -> e.contains(".wh."))) {
        throw new IllegalStateException("layer " + layer.path("digest") + " has whiteouts, which this reader skips");
      }
      run(List.of("tar", "-xzf", file.toString(), "-C", rootfs.toString(), "--numeric-owner", "--same-owner",
          "--same-permissions"));
    }
    return rootfs;
  }

  /** The diff_ids of the config: sha256 of each layer's uncompressed tar. */
  List<String> uncompressedDigests() throws IOException, InterruptedException {
    List<String> out = new ArrayList<>();
    for (JsonNode layer : manifest.path("layers")) {
      Process p = new ProcessBuilder("gzip", "-dc", blobPath(layout, layer).toString()).start();
      try (InputStream in = p.getInputStream()) {
        out.add("sha256:" + sha256(in));
      }
      if (p.waitFor() != 0) {
        throw new IllegalStateException("gzip -dc failed on " + layer.path("digest"));
      }
    }
    return out;
  }

  static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(digest().digest(bytes));
  }

  static String sha256(InputStream in) throws IOException {
    MessageDigest md = digest();
    byte[] buf = new byte[1 << 16];
    for (int n; (n = in.read(buf)) > 0; ) {
      md.update(buf, 0, n);
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs a command, returns its stdout; fails with its stderr when it exits non-zero. */
  static String run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).start();
    byte[] err;
    String out;
    try (InputStream o = p.getInputStream(); InputStream e = p.getErrorStream()) {
      out = new String(o.readAllBytes(), StandardCharsets.UTF_8);
      err = e.readAllBytes();
    }
    if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + new String(err, StandardCharsets.UTF_8));
    }
    return out;
  }
}
