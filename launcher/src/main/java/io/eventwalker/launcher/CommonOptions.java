package io.eventwalker.launcher;

import picocli.CommandLine.Option;

/** The options every subcommand takes: where the configuration is, and its own help. */
final class CommonOptions {

  @Option(names = "--conf-dir", paramLabel = "DIR", defaultValue = "${env:EW_CONF_DIR}",
    description = "read DIR/<service>.json instead of the configuration packed in the jar (default: $EW_CONF_DIR when set);"
      + " environment variables named like its keys override it")
  String confDir;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this help and exit")
  boolean help;
}
