package io.capkit.gitops.forge;

import java.util.Optional;

/**
 * A code-hosting service's pull requests. Errors are {@link io.capkit.api.InvalidInputException}s whose
 * messages never carry the token.
 */
public interface Forge {
  /** The open pull request whose head is {@code branch} in this repository, if any. */
  Optional<PullRequest> findOpen(String branch);

  PullRequest create(String title, String branch, String base, String body);

  PullRequest update(long number, String title, String body);

  /** {@code owner/name at URL}, for messages. */
  String describe();
}
