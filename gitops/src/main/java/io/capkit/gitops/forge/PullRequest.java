package io.capkit.gitops.forge;

/** An open pull request, as much of it as capkit needs. */
public record PullRequest(long number, String url, String headBranch) {}
